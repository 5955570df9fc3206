"""`hipcheck kb check | coverage | show`: exit codes and what a person sees."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hipcheck.cli.kb  # noqa: F401  (registers the kb commands on app)
from hipcheck.cli.app import app, main
from hipcheck.errors import NotFound

runner = CliRunner()


def test_check_valid_kb_prints_counts_and_exits_0(minimal_kb: Path) -> None:
    result = runner.invoke(app, ["kb", "check", "--root", str(minimal_kb)])
    assert result.exit_code == 0, result.output
    assert "conditions" in result.output
    assert "1 must-not-miss" in result.output


def test_check_broken_kb_lists_every_problem_and_exits_1(broken_kb: Callable[..., Path]) -> None:
    root = broken_kb("unknown_key", "probability")
    result = runner.invoke(app, ["kb", "check", "--root", str(root)])
    assert result.exit_code == 1
    assert "3 problem(s)" in result.output
    assert "findings.yaml: f_outer: colour: unknown key 'colour'" in result.output
    assert (
        "conditions/cond_a.yaml: cond_a: likelihoods.f_outer.p: probability outside (0, 1): got 1.2"
        in result.output
    )


def test_coverage_all_covered_exits_0(minimal_kb: Path) -> None:
    result = runner.invoke(app, ["kb", "coverage", "--root", str(minimal_kb)])
    assert result.exit_code == 0, result.output
    assert "care:ice" in result.output
    assert "correction:corr_wrong" in result.output


def test_coverage_uncovered_concept_exits_1(minimal_kb: Path) -> None:
    coverage = minimal_kb / "seed_coverage.yaml"
    coverage.write_text(coverage.read_text() + '  c-orphan: "a concept nobody covers"\n')
    result = runner.invoke(app, ["kb", "coverage", "--root", str(minimal_kb)])
    assert result.exit_code == 1
    assert "NOT COVERED" in result.output
    assert "1 of 3 seed concepts are not covered" in result.output
    assert "c-orphan" in result.output


def test_show_condition_writes_out_its_sources(minimal_kb: Path) -> None:
    result = runner.invoke(app, ["kb", "show", "cond_a", "--root", str(minimal_kb)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Outer hip tendon pain" in result.output
    assert "Doe J, Roe R (2020). A paper about hips. J Hip Stud 2020;1:1-10." in result.output
    assert "Is the pain on the outer side of the hip?" in result.output


@pytest.mark.parametrize(
    ("entity_id", "expected"),
    [
        ("f_outer", "Is the pain on the outer side of the hip?"),
        ("ex_bridge", "Add a 3-second hold"),
        ("ice", "Do not treat an infection at home."),
        ("fever_rule", "Go to an emergency department now."),
        ("corr_wrong", "The evidence says otherwise."),
        ("s1", "A paper about hips"),
    ],
)
def test_show_each_kind(minimal_kb: Path, entity_id: str, expected: str) -> None:
    result = runner.invoke(app, ["kb", "show", entity_id, "--root", str(minimal_kb)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_show_unknown_id_is_not_found(minimal_kb: Path) -> None:
    result = runner.invoke(app, ["kb", "show", "cond_q", "--root", str(minimal_kb)])
    assert result.exit_code == 1
    assert isinstance(result.exception, NotFound)
    assert "cond_q" in str(result.exception)


def test_show_unknown_id_through_main_prints_one_line(
    minimal_kb: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["hipcheck", "kb", "show", "cond_q", "--root", str(minimal_kb)])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "no knowledge-base entry has the id 'cond_q'" in err
    assert "Traceback" not in err


def test_packaged_kb_check_exits_0() -> None:
    result = runner.invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output


def test_packaged_kb_coverage_exits_0() -> None:
    result = runner.invoke(app, ["kb", "coverage"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("entity_id", "expected"),
    [
        ("femoral_neck_stress_fracture", "Robertson GA, Wood AM (2017)"),
        ("worse_hopping", "Do not hop now to find out."),
        ("bone_stress_groin", "Stop running now."),
        ("s0-bursitis", "Seed article: 000_367051535e4cb4f3.txt"),
        ("seed_000", "Seed article 000_367051535e4cb4f3.txt"),
    ],
)
def test_show_packaged_entries(entity_id: str, expected: str) -> None:
    result = runner.invoke(app, ["kb", "show", entity_id], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_show_suggests_close_ids() -> None:
    result = runner.invoke(app, ["kb", "show", "femoral_neck_stress_fractur"])
    assert isinstance(result.exception, NotFound)
    assert "femoral_neck_stress_fracture" in str(result.exception)
