"""Finding activity files and picking the right reader by content (then by extension).

:func:`discover` turns what the runner named (files, folders, ``.zip`` archives, a Strava
bulk export with ``activities.csv``) into :class:`Source` items, each imported on its own.
:func:`parse_source` reads one: FIT, GPX, TCX (each optionally gzipped) or a Strava CSV row
(whose own file is read when present, for better numbers, and whose gear names the shoe).
No database here.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from hipcheck.errors import ImportFileError
from hipcheck.training.activity import ParsedFile
from hipcheck.training.importers.fit import looks_like_fit, read_fit
from hipcheck.training.importers.gpx import read_gpx
from hipcheck.training.importers.strava import StravaRow, read_strava_csv
from hipcheck.training.importers.tcx import read_tcx

#: No real activity file comes near this (a 24-hour FIT recording is about 10 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
STRAVA_CSV = "activities.csv"

__all__ = ["MAX_FILE_BYTES", "Source", "discover", "parse_bytes", "parse_source"]


@dataclass(frozen=True)
class Source:
    """One unit of import: a file (maybe inside an archive) or one row of a Strava export."""

    label: str
    load: Callable[[], bytes]
    strava_row: StravaRow | None = None


def _too_large(label: str, size: int) -> ImportFileError:
    return ImportFileError(
        label,
        f"the file is {size / 1e6:.0f} MB; activity files are a few MB at most, "
        f"so this is not one (limit {MAX_FILE_BYTES // 1_000_000} MB)",
    )


def _file_loader(path: Path, label: str) -> Callable[[], bytes]:
    def load() -> bytes:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_large(label, size)
            return path.read_bytes()
        except OSError as exc:
            raise ImportFileError(label, f"cannot be read ({exc.strerror or exc})") from None

    return load


def _member_loader(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> Callable[[], bytes]:
    def load() -> bytes:
        if info.file_size > MAX_FILE_BYTES:
            raise _too_large(label, info.file_size)
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise ImportFileError(label, f"the archive member is damaged ({exc})") from None
        except (RuntimeError, NotImplementedError) as exc:  # encrypted, or a compression zipfile lacks
            raise ImportFileError(label, f"the archive member cannot be unpacked ({exc})") from None

    return load


def _is_activity_name(name: str) -> bool:
    return name.lower().endswith(ACTIVITY_SUFFIXES)


def discover(paths: Iterable[Path]) -> tuple[list[Source], list[ImportFileError]]:
    """Every importable unit under ``paths``, and the paths that could not even be opened."""
    sources: list[Source] = []
    failures: list[ImportFileError] = []
    for path in paths:
        label = str(path)
        try:
            if not path.exists():
                raise ImportFileError(label, "no such file or folder")
            if path.is_dir():
                found = _discover_dir(path)
                if not found:
                    raise ImportFileError(
                        label,
                        "nothing to import in this folder: no FIT, GPX or TCX file, .zip archive "
                        "or row of a Strava activities.csv",
                    )
                sources.extend(found)
            elif path.name.lower() == STRAVA_CSV:
                sources.extend(_strava_sources(_file_loader(path, label)(), label, path.parent))
            elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
                sources.extend(_discover_zip(path, label))
            else:
                sources.append(Source(label, _file_loader(path, label)))
        except ImportFileError as exc:
            failures.append(exc)
        except OSError as exc:
            failures.append(ImportFileError(label, f"cannot be read ({exc.strerror or exc})"))
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
            failures.append(ImportFileError(label, f"the archive cannot be unpacked ({exc})"))
    return sources, failures


def _discover_dir(folder: Path) -> list[Source]:
    sources: list[Source] = []
    used: set[Path] = set()
    csv_path = folder / STRAVA_CSV
    if csv_path.is_file():
        rows = _strava_sources(_file_loader(csv_path, str(csv_path))(), str(csv_path), folder)
        sources.extend(rows)
        used = {
            (folder / r.strava_row.filename).resolve() for r in rows if r.strava_row and r.strava_row.filename
        }
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.resolve() in used:
            continue
        name = path.name.lower()
        if _is_activity_name(name):
            sources.append(Source(str(path), _file_loader(path, str(path))))
        elif name.endswith(".zip"):
            sources.extend(_discover_zip(path, str(path)))
    return sources


def _strava_sources(csv_bytes: bytes, label: str, base: Path) -> list[Source]:
    rows = read_strava_csv(csv_bytes, label)
    out: list[Source] = []
    for row in rows:
        file_path = base / row.filename if row.filename else None
        if file_path is not None and file_path.is_file():
            loader = _file_loader(file_path, str(file_path))
        else:
            loader = _row_bytes(row)
        out.append(Source(f"{label}:{row.line}", loader, row))
    return out


def _row_bytes(row: StravaRow) -> Callable[[], bytes]:
    # A manual entry has no file: its identity for idempotent re-import is the Strava id.
    return lambda: f"strava-activity:{row.activity_id}".encode()


def _discover_zip(data: bytes | Path, label: str) -> list[Source]:
    """Sources inside an archive (read from disk when it is a path: exports can be gigabytes)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile:
        raise ImportFileError(label, "the zip archive is damaged or not a zip file") from None
    members = [i for i in archive.infolist() if not i.is_dir()]
    if not members:
        raise ImportFileError(label, "the zip archive is empty")
    by_name = {PurePosixPath(i.filename): i for i in members}
    sources: list[Source] = []
    used: set[PurePosixPath] = set()
    for path, info in by_name.items():
        if path.name.lower() == STRAVA_CSV:
            csv_label = f"{label}!{info.filename}"
            rows = read_strava_csv(_member_loader(archive, info, csv_label)(), csv_label)
            for row in rows:
                target = path.parent / row.filename if row.filename else None
                member = by_name.get(target) if target is not None else None
                loader = (
                    _member_loader(archive, member, f"{label}!{member.filename}")
                    if member is not None
                    else _row_bytes(row)
                )
                if target is not None and member is not None:
                    used.add(target)
                sources.append(Source(f"{csv_label}:{row.line}", loader, row))
    for path, info in sorted(by_name.items()):
        if path in used:
            continue
        member_label = f"{label}!{info.filename}"
        if _is_activity_name(path.name):
            sources.append(Source(member_label, _member_loader(archive, info, member_label)))
        elif path.name.lower().endswith(".zip"):  # Garmin exports nest the FIT files in zips
            if info.file_size > MAX_FILE_BYTES * 16:
                raise _too_large(member_label, info.file_size)
            sources.extend(_discover_zip(archive.read(info), member_label))
    if not sources:
        raise ImportFileError(
            label, "the zip archive holds no activity files (FIT, GPX, TCX) or activities.csv"
        )
    return sources


def _gunzip(data: bytes, label: str) -> bytes:
    decompressor = zlib.decompressobj(wbits=31)
    try:
        out = decompressor.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error:
        raise ImportFileError(label, "the .gz file is damaged") from None
    if len(out) > MAX_FILE_BYTES:
        raise ImportFileError(
            label,
            f"the .gz file unpacks to more than {MAX_FILE_BYTES // 1_000_000} MB; "
            "activity files are a few MB at most, so this is not one",
        )
    if not decompressor.eof:
        raise ImportFileError(label, "the .gz file is damaged or cut off")
    return out


def parse_bytes(data: bytes, label: str) -> ParsedFile:
    """Read one activity file's bytes, whatever its format; :class:`ImportFileError` if unreadable."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(label, len(data))
    if not data:
        raise ImportFileError(label, "the file is empty")
    if data[:2] == b"\x1f\x8b":
        return parse_bytes(_gunzip(data, label), label)
    lower = label.lower().removesuffix(".gz")
    if looks_like_fit(data):
        return read_fit(data, label)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"<gpx" in head:
            return read_gpx(data, label)
        if b"TrainingCenterDatabase" in head:
            return read_tcx(data, label)
    if lower.endswith(".fit"):
        return read_fit(data, label)
    if lower.endswith(".gpx"):
        return read_gpx(data, label)
    if lower.endswith(".tcx"):
        return read_tcx(data, label)
    if lower.endswith(".gz"):
        raise ImportFileError(label, "the file is named .gz but is not gzip-compressed")
    raise ImportFileError(
        label,
        "not a format hipcheck reads (FIT, GPX, TCX, gzipped or not, or a Strava export's activities.csv)",
    )


def parse_source(source: Source, data: bytes) -> ParsedFile:
    """Activities of one source; a Strava row's file gives the numbers and the row the shoe and name."""
    row = source.strava_row
    if row is None:
        return parse_bytes(data, source.label)
    if row.filename and not data.startswith(b"strava-activity:"):
        try:
            parsed = parse_bytes(data, source.label)
        except ImportFileError as exc:
            fallback = row.to_activity()
            return ParsedFile(
                [fallback], [f"{exc.file}: {exc.reason}; the numbers in activities.csv were used"]
            )
        activities = [
            replace(
                a,
                shoe=row.gear,
                name=row.name or a.name,
                sport=row.sport if a.sport in ("unknown", "generic") else a.sport,
            )
            for a in parsed.activities
        ]
        return ParsedFile(activities, parsed.warnings)
    return ParsedFile([row.to_activity()], [])
