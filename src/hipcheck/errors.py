"""The one exception tree of hipcheck.

Every error a person can cause (bad input, unknown id, corrupt file) is a HipcheckError
subclass with a stable ``code``, an ``exit_code`` for the CLI and an ``http_status`` for
the web app. The CLI and the web app each translate them in exactly one place.

    HipcheckError
    ├── KnowledgeBaseError          the knowledge base failed validation (all problems listed)
    ├── InvalidInput                a value a person gave is wrong (field names it)
    │   ├── UnknownFinding
    │   └── CaseFileError           a case file line is malformed (case id / line named)
    ├── NotFound                    an id that does not exist (assessment, condition, ...)
    ├── Conflict                    the request clashes with stored state
    ├── ImportFileError             an activity file could not be read (file and reason)
    └── StoreError                  the database could not be read or written
"""

from __future__ import annotations

from typing import ClassVar


class HipcheckError(Exception):
    """Base class: a message for a person, plus a stable code and exit/HTTP status."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class KnowledgeBaseError(HipcheckError):
    code = "knowledge_base_invalid"
    http_status = 500

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"the knowledge base has {len(self.problems)} problem(s):\n" + "\n".join(self.problems)
        )


class InvalidInput(HipcheckError):
    code = "invalid_input"
    exit_code = 2
    http_status = 422


class UnknownFinding(InvalidInput):
    code = "unknown_finding"


class CaseFileError(InvalidInput):
    code = "case_file_invalid"


class NotFound(HipcheckError):
    code = "not_found"
    http_status = 404


class Conflict(HipcheckError):
    code = "conflict"
    http_status = 409


class ImportFileError(HipcheckError):
    code = "import_failed"
    http_status = 422

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}", field="file")


class StoreError(HipcheckError):
    code = "store_error"
    http_status = 503
