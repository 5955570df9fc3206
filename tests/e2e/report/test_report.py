"""`hipcheck report`: the PDF is read back with pdftotext (sections, the top cause) and drawn to
PNG with pdftoppm; HTML and Markdown carry the same sections; errors are one line each."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The fixtures' types live in conftest.py; here only their shape matters.
Hipcheck = Callable[..., Any]
Stored = Any

SECTIONS = (
    "Triage",
    "Differential: most likely causes",
    "What was answered",
    "Care plan",
    "Pain diary",
    "HAGOS scores over time",
    "Training summary",
    "Not a diagnosis",
    "Sources",
)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed; `make test` installs it",
)


@needs_poppler
def test_pdf_report_has_every_section_and_the_top_cause(hipcheck: Hipcheck, stored: Stored) -> None:
    pdf = stored.workdir / "report.pdf"
    done = hipcheck("report", stored.assessment_id, "--format", "pdf", "-o", str(pdf))
    assert done.exit_code == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    for section in SECTIONS:
        assert section in text, section
    assert stored.assessment_id in text
    assert "52-year-old female runner" in flat
    # The top cause of the stored result is named first in the differential.
    differential = flat.split("Differential: most likely causes", 1)[1]
    first_words = " ".join(stored.top_cause.split()[:2])
    assert re.search(r"\b1\. " + re.escape(first_words), differential), differential[:400]
    assert "This report is not a diagnosis" in flat
    # A source is written out, not only its id.
    assert re.search(r"\[s\d+\] .+\(\d{4}\)\.", flat)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Pages:\s+(\d+)", info)
    assert found is not None, info
    pages = int(found.group(1))
    prefix = stored.workdir / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(prefix)], check=True)
    images = sorted(stored.workdir.glob("page-*.png"))
    assert len(images) == pages >= 2
    for image in images:
        data = image.read_bytes()
        assert data.startswith(b"\x89PNG")
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert abs(height / width - 297 / 210) < 0.02  # A4 portrait


def test_html_report_embeds_the_charts_and_the_reasons(hipcheck: Hipcheck, stored: Stored) -> None:
    out = stored.workdir / "report.html"
    done = hipcheck("report", stored.assessment_id, "-o", str(out))  # format from the extension
    assert done.exit_code == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in html, section
    assert html.count('<img class="chart"') == 2  # pain diary and training
    assert "data:image/svg+xml;base64," in html
    assert "For (answer, LR)" in html and "LR " in html
    assert stored.top_cause.replace("'", "&#39;") in html


def test_markdown_report_to_standard_output(hipcheck: Hipcheck, stored: Stored) -> None:
    done = hipcheck("report", stored.assessment_id, "--format", "md")
    assert done.exit_code == 0, done.stderr
    md = done.stdout
    for section in SECTIONS:
        assert f"## {section}" in md, section
    assert "| # | Cause | Likelihood | Prior | For | Against |" in md
    # The diary days and the HAGOS row are tables, one row per entry.
    diary = md.split("## Pain diary", 1)[1].split("## HAGOS", 1)[0]
    assert len(re.findall(r"^\| \d{4}-\d{2}-\d{2} \|", diary, flags=re.M)) == 4
    assert "**Next session by the pain-monitoring rules:**" in diary
    # The same decision as `hipcheck progress` for this plan and diary.
    progress = hipcheck("progress", stored.assessment_id, "--json")
    assert progress.exit_code == 0, progress.stderr
    assert json.loads(progress.stdout)["reason"] in diary
    hagos = md.split("## HAGOS scores over time", 1)[1].split("##", 1)[0]
    assert len(re.findall(r"^\| \d{4}-\d{2}-\d{2} \|", hagos, flags=re.M)) == 1
    assert "4 runs in the last" in md


def _one_line_error(done: Any, *needles: str) -> None:
    assert done.exit_code != 0
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_unknown_assessment_id(hipcheck: Hipcheck, stored: Stored) -> None:
    out = stored.workdir / "nope.pdf"
    _one_line_error(hipcheck("report", "nosuchid", "-o", str(out)), "nosuchid")
    assert not out.exists()


def test_unwritable_output_paths(hipcheck: Hipcheck, stored: Stored, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "r.pdf"
    _one_line_error(
        hipcheck("report", stored.assessment_id, "-o", str(missing)), str(missing), "does not exist"
    )
    _one_line_error(
        hipcheck("report", stored.assessment_id, "-f", "html", "-o", str(tmp_path)), "is a directory"
    )
    _one_line_error(hipcheck("report", stored.assessment_id, "--format", "pdf"), "-o FILE.pdf")
    if Path("/dev/full").exists():  # a device that refuses every write: the disk-full case
        _one_line_error(hipcheck("report", stored.assessment_id, "-f", "md", "-o", "/dev/full"), "/dev/full")
    _one_line_error(hipcheck("report", stored.assessment_id, "--format", "docx"), "docx")


def test_bad_case_file(hipcheck: Hipcheck, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "age": 30}\nnot json\n', encoding="utf-8")
    _one_line_error(hipcheck("assess", "--case", str(bad)), str(bad))
    _one_line_error(hipcheck("assess", "--case", str(tmp_path / "missing.jsonl")), "missing.jsonl")


def test_hagos_history_does_not_drop_answers_silently(hipcheck: Hipcheck, stored: Stored) -> None:
    before = hipcheck("hagos", "--history", "--json")
    assert before.exit_code == 0, before.stderr
    answers = stored.workdir / "hagos.json"  # a complete questionnaire, as the fixture stored
    _one_line_error(hipcheck("hagos", "--history", "--answers", str(answers)), "--history", "--answers")
    _one_line_error(hipcheck("hagos", "--history", "--date", "2026-01-05"), "--date")
    after = hipcheck("hagos", "--history", "--json")
    assert json.loads(after.stdout) == json.loads(before.stdout)
