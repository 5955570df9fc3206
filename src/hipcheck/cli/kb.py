"""`hipcheck kb`: validate the knowledge base, check seed coverage, show one entry for a person."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hipcheck.cli.app import app
from hipcheck.errors import KnowledgeBaseError, NotFound
from hipcheck.knowledge.coverage import seed_coverage
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import (
    CareComponent,
    Condition,
    Correction,
    Exercise,
    Finding,
    KnowledgeBase,
    RedFlagRule,
    SeedConcept,
    Source,
)

kb_app = typer.Typer(
    help="Inspect the medical knowledge base: validate it, check seed coverage, show one entry.",
    no_args_is_help=True,
)
app.add_typer(kb_app, name="kb")

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="Load the knowledge base from this directory instead of the one inside the package.",
        file_okay=False,
        dir_okay=True,
        exists=True,
    ),
]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _load_or_report(root: Path | None, console: Console) -> KnowledgeBase:
    """Load the KB; on problems print each one on its own line and exit 1."""
    try:
        return load_knowledge_base(root)
    except KnowledgeBaseError as exc:
        console.print(f"[bold red]The knowledge base has {len(exc.problems)} problem(s):[/]")
        for problem in exc.problems:
            console.print(Text(problem), soft_wrap=True)
        raise typer.Exit(1) from exc


@kb_app.command("check")
def check(root: RootOption = None) -> None:
    """Validate every knowledge-base file and cross-reference; print counts, or every problem (exit 1)."""
    console = _console()
    kb = _load_or_report(root, console)
    table = Table(title="Knowledge base: valid", show_header=True)
    table.add_column("kind")
    table.add_column("count", justify="right")
    table.add_column("detail")
    seeds = sum(1 for s in kb.sources.values() if s.kind == "seed")
    must = sum(1 for c in kb.conditions.values() if c.must_not_miss)
    rows = [
        (
            "sources",
            len(kb.sources),
            f"{seeds} seed articles, {len(kb.sources) - seeds} papers and guidelines",
        ),
        (
            "findings",
            len(kb.findings),
            f"{sum(1 for f in kb.findings.values() if f.group == 'red_flag')} red flag",
        ),
        ("conditions", len(kb.conditions), f"{must} must-not-miss"),
        ("red flags", len(kb.red_flags), ""),
        ("care components", len(kb.care), ""),
        (
            "exercises",
            len(kb.exercises),
            f"{sum(1 for e in kb.exercises.values() if e.kind == 'stretch')} stretches",
        ),
        ("corrections", len(kb.corrections), ""),
        ("return-to-run stages", len(kb.return_to_run.stages), ""),
        ("seed concepts", len(kb.seed_concepts), ""),
    ]
    for kind, count, detail in rows:
        table.add_row(kind, str(count), detail)
    console.print(table)


@kb_app.command("coverage")
def coverage(root: RootOption = None) -> None:
    """List each seed concept and the entities covering it; exit 1 when any is uncovered."""
    console = _console()
    kb = _load_or_report(root, console)
    covering = seed_coverage(kb)
    missing = [cid for cid, found in covering.items() if not found]
    table = Table(title="Seed concepts and the knowledge-base entities that cover them")
    table.add_column("seed")
    table.add_column("concept")
    table.add_column("covered by", overflow="fold")
    for cid, found in covering.items():
        concept = kb.seed_concepts.get(cid)
        seed = concept.file.split("_", 1)[0] if concept else "?"
        cell = Text(", ".join(str(c) for c in found)) if found else Text("NOT COVERED", style="bold red")
        table.add_row(seed, cid, cell)
    console.print(table)
    if missing:
        console.print(f"[bold red]{len(missing)} of {len(covering)} seed concepts are not covered:[/]")
        for cid in missing:
            console.print(Text(f"  {cid}"), soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"[green]All {len(covering)} seed concepts are covered.[/]")


@kb_app.command("show")
def show(
    entity_id: Annotated[
        str, typer.Argument(metavar="ID", help="a condition, finding, exercise, care, red flag, ...")
    ],
    root: RootOption = None,
) -> None:
    """Show one knowledge-base entry for a person, with its sources written out."""
    console = _console()
    kb = _load_or_report(root, console)
    panels = _render(kb, entity_id)
    if not panels:
        every = [
            *kb.conditions,
            *kb.findings,
            *kb.exercises,
            *kb.care,
            *kb.red_flags,
            *kb.corrections,
            *kb.sources,
            *kb.seed_concepts,
        ]
        close = difflib.get_close_matches(entity_id, every, n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(f"no knowledge-base entry has the id {entity_id!r}.{hint}", field="id")
    for panel in panels:
        console.print(panel)


# --- rendering -----------------------------------------------------------------------------


def _render(kb: KnowledgeBase, entity_id: str) -> list[Panel]:
    panels: list[Panel] = []
    if entity_id in kb.conditions:
        panels.append(_condition(kb, kb.conditions[entity_id]))
    if entity_id in kb.findings:
        panels.append(_finding(kb, kb.findings[entity_id]))
    if entity_id in kb.exercises:
        panels.append(_exercise(kb, kb.exercises[entity_id]))
    if entity_id in kb.care:
        panels.append(_care(kb, kb.care[entity_id]))
    if entity_id in kb.red_flags:
        panels.append(_red_flag(kb, kb.red_flags[entity_id]))
    if entity_id in kb.corrections:
        panels.append(_correction(kb, kb.corrections[entity_id]))
    if entity_id in kb.sources:
        panels.append(_source(kb, kb.sources[entity_id]))
    if entity_id in kb.seed_concepts:
        panels.append(_concept(kb, kb.seed_concepts[entity_id]))
    return panels


def cite(source: Source) -> str:
    """A source written out as a reference: authors (year). title. venue. file or url."""
    parts = []
    if source.authors:
        parts.append(f"{source.authors}" + (f" ({source.year})." if source.year else "."))
    elif source.year:
        parts.append(f"({source.year}).")
    parts.append(source.title.rstrip(".") + ".")
    if source.venue:
        parts.append(source.venue.rstrip(".") + ".")
    if source.file:
        parts.append(f"Seed article {source.file}.")
    if source.url:
        parts.append(source.url)
    return " ".join(parts)


def _sources_block(kb: KnowledgeBase, ids: list[str]) -> Text:
    text = Text()
    for sid in dict.fromkeys(ids):
        source = kb.sources.get(sid)
        text.append(f"[{sid}] ", style="bold")
        text.append((cite(source) if source else "(unknown source)") + "\n")
    return text


def _heading(text: str) -> Text:
    return Text(text, style="bold cyan")


def _bullets(items: list[str]) -> Text:
    return Text("".join(f"  • {item}\n" for item in items) or "  (none)\n")


def _names(kb: KnowledgeBase, kind: str, ids: list[str]) -> list[str]:
    tables: dict[str, Mapping[str, Condition | CareComponent | Exercise]] = {
        "conditions": kb.conditions,
        "care": kb.care,
        "exercises": kb.exercises,
    }
    table = tables[kind]
    return [f"{table[i].name} ({i})" if i in table else i for i in ids]


def _condition(kb: KnowledgeBase, c: Condition) -> Panel:
    parts: list[Text | Table] = [
        Text(c.explanation + "\n"),
        Text.assemble(("Usual urgency: ", "bold"), c.default_triage.value.replace("_", " ")),
        Text.assemble(
            ("Prior among runners with hip pain: ", "bold"),
            f"{c.prior_percent:g}%" + (" (our estimate)" if c.prior_estimated else ""),
        ),
    ]
    if c.must_not_miss:
        parts.append(
            Text(
                "Must not be missed: it raises the urgency even when it is not the most likely cause.", "red"
            )
        )
    parts += [_heading("\nTypical course"), Text(c.typical_course)]
    parts += [_heading("\nFirst-line care"), _bullets(_names(kb, "care", c.first_line_care))]
    if c.favoured_exercises:
        parts += [_heading("Exercises"), _bullets(_names(kb, "exercises", c.favoured_exercises))]
    if c.avoid:
        parts += [_heading("Avoid"), _bullets(c.avoid)]
    parts += [_heading("Who to see and when"), Text(f"{c.see_whom} {c.see_when}")]
    table = Table(title="What points to it: P(finding | this condition)", show_lines=False)
    table.add_column("finding")
    table.add_column("P", justify="right")
    table.add_column("")
    for fid, lik in sorted(c.likelihoods.items(), key=lambda kv: -kv[1].p):
        finding = kb.findings.get(fid)
        base = finding.base_rate if finding else None
        table.add_row(
            finding.question if finding else fid,
            f"{lik.p:.2f}",
            ("estimate" if lik.estimated else "measured")
            + (f", usual {base:.2f}" if base is not None else ""),
        )
    parts += [Text(""), table]
    parts += [_heading("\nMeaning (intake-v1)"), Text(c.spec_meaning)]
    parts += [_heading("\nSources"), _sources_block(kb, c.sources)]
    return Panel(Group(*parts), title=f"{c.name}  [dim]condition {c.id}[/]", expand=True)


def _finding(kb: KnowledgeBase, f: Finding) -> Panel:
    parts: list[Text | Table] = [Text(f.question, style="bold")]
    if f.help:
        parts += [_heading("\nHow to tell"), Text(f.help)]
    parts.append(
        Text(
            f"\nGroup: {f.group.replace('_', ' ')} · asked with: {f.ask_group or '-'}"
            + (f" · only asked of {f.sex.value} runners" if f.sex else "")
            + f" · usual P(yes) among runners with hip pain: {f.base_rate:.2f} (estimate)"
        )
    )
    users = sorted(
        ((c, c.likelihoods[f.id].p) for c in kb.conditions.values() if f.id in c.likelihoods),
        key=lambda cp: -cp[1],
    )
    if users:
        table = Table(title="Conditions that use it: P(yes | condition)")
        table.add_column("condition")
        table.add_column("P", justify="right")
        for cond, p in users:
            table.add_row(f"{cond.name} ({cond.id})", f"{p:.2f}")
        parts += [Text(""), table]
    rules = [r for r in kb.red_flags.values() if f.id in _rule_findings(r)]
    if rules:
        parts += [_heading("\nRed-flag rules"), _bullets([f"{r.name} → {r.level.value}" for r in rules])]
    if f.spec_meaning:
        parts += [_heading("\nMeaning (intake-v1)"), Text(f.spec_meaning)]
    sources = sorted({s for c, _ in users for s in c.likelihoods[f.id].sources})
    if sources:
        parts += [_heading("\nSources"), _sources_block(kb, sources)]
    return Panel(Group(*parts), title=f"finding {f.id}", expand=True)


def _rule_findings(rule: RedFlagRule) -> set[str]:
    return {*rule.when.all_of, *rule.when.none_of, *(f for group in rule.when.any_of for f in group)}


def _exercise(kb: KnowledgeBase, e: Exercise) -> Panel:
    dose = e.dose
    dose_bits = [
        f"{dose.sets} sets" if dose.sets else "",
        _reps(dose.reps),
        f"hold {dose.hold_seconds} s" if dose.hold_seconds else "",
        f"rest {dose.rest_seconds} s" if dose.rest_seconds else "",
        dose.frequency,
    ]
    parts: list[Text] = [
        Text.assemble(("Works: ", "bold"), e.target),
        Text.assemble(("Equipment: ", "bold"), ", ".join(e.equipment)),
        _heading("\nHow to do it"),
        Text("".join(f"  {i}. {step}\n" for i, step in enumerate(e.how_to, start=1))),
        Text.assemble(("Starting dose: ", "bold"), ", ".join(b for b in dose_bits if b)),
        Text.assemble(("Make it harder when: ", "bold"), e.progression),
        Text.assemble(("Make it easier when: ", "bold"), e.regression),
        Text.assemble(("Phases: ", "bold"), ", ".join(p.replace("_", " ") for p in e.phases)),
    ]
    if e.favours:
        parts += [_heading("\nChosen for"), _bullets(_names(kb, "conditions", e.favours))]
    if e.forbids:
        parts += [
            _heading("Not for"),
            _bullets([f"{_names(kb, 'conditions', [x.condition])[0]}: {x.reason}" for x in e.forbids]),
        ]
    if e.cautions:
        parts += [_heading("Cautions"), _bullets(e.cautions)]
    parts += [_heading("Sources"), _sources_block(kb, e.sources)]
    return Panel(Group(*parts), title=f"{e.name}  [dim]exercise {e.id} ({e.kind})[/]", expand=True)


def _reps(reps: str | None) -> str:
    """'10' or '8-15' read as repetitions; free text such as '2 holds each side' stays as written."""
    if not reps:
        return ""
    return f"{reps} reps" if reps.replace("-", "").strip().isdigit() else reps


def _care(kb: KnowledgeBase, c: CareComponent) -> Panel:
    parts: list[Text] = [Text(c.summary)]
    if c.how:
        parts += [_heading("\nHow"), _bullets(c.how)]
    timing = []
    if c.start_after_hours is not None:
        timing.append(f"not before {c.start_after_hours} h after the injury")
    if c.stop_after_hours is not None:
        timing.append(f"not after {c.stop_after_hours} h")
    if timing:
        parts.append(Text.assemble(("When: ", "bold"), "; ".join(timing)))
    if c.phases:
        parts.append(Text.assemble(("Phases: ", "bold"), ", ".join(p.replace("_", " ") for p in c.phases)))
    if c.indications:
        parts += [_heading("\nSuits"), _bullets(_names(kb, "conditions", c.indications))]
    if c.contraindications:
        parts += [
            _heading("Not for"),
            _bullets(
                [f"{_names(kb, 'conditions', [x.condition])[0]}: {x.reason}" for x in c.contraindications]
            ),
        ]
    if c.cautions:
        parts += [_heading("Cautions"), _bullets(c.cautions)]
    if c.evidence_note:
        parts += [_heading("Evidence"), Text(c.evidence_note)]
    parts += [_heading("\nSources"), _sources_block(kb, c.sources)]
    return Panel(Group(*parts), title=f"{c.name}  [dim]care {c.id}[/]", expand=True)


def _red_flag(kb: KnowledgeBase, r: RedFlagRule) -> Panel:
    def question(fid: str) -> str:
        finding = kb.findings.get(fid)
        return f"{finding.question} ({fid})" if finding else fid

    conditions = [f"yes: {question(f)}" for f in r.when.all_of]
    conditions += [" or ".join(f"yes: {question(f)}" for f in group) for group in r.when.any_of]
    conditions += [f"not: {question(f)}" for f in r.when.none_of]
    if r.when.age_min is not None or r.when.age_max is not None:
        conditions.append(
            f"age {r.when.age_min if r.when.age_min is not None else 0}-{r.when.age_max or 120}"
        )
    if r.when.sex:
        conditions.append(f"{r.when.sex.value} runners")
    parts: list[Text] = [
        Text.assemble(("Urgency: ", "bold"), Text(r.level.value.replace("_", " "), style="bold red")),
        _heading("\nWhat to do now"),
        Text(r.instruction),
        _heading("\nWhy"),
        Text(r.why),
        _heading("\nApplies when all of these hold"),
        _bullets(conditions),
    ]
    if r.suspects:
        parts += [_heading("Possible causes"), _bullets(_names(kb, "conditions", r.suspects))]
    parts += [_heading("Sources"), _sources_block(kb, r.sources)]
    return Panel(Group(*parts), title=f"{r.name}  [dim]red flag {r.id}[/]", expand=True)


def _correction(kb: KnowledgeBase, c: Correction) -> Panel:
    parts = [
        _heading("What a seed article says"),
        Text(c.seed_claim),
        _heading("\nWhat the evidence says"),
        Text(c.correction),
        _heading("\nSeed concepts"),
        Text(", ".join(c.seed_refs)),
        _heading("\nSources"),
        _sources_block(kb, c.sources),
    ]
    return Panel(Group(*parts), title=f"correction {c.id}", expand=True)


def _source(kb: KnowledgeBase, s: Source) -> Panel:
    cited: list[tuple[str, str, list[str]]] = [
        *(("condition", k, v.sources) for k, v in kb.conditions.items()),
        *(("red flag", k, v.sources) for k, v in kb.red_flags.items()),
        *(("care", k, v.sources) for k, v in kb.care.items()),
        *(("exercise", k, v.sources) for k, v in kb.exercises.items()),
        *(("correction", k, v.sources) for k, v in kb.corrections.items()),
    ]
    citing = [f"{kind} {eid}" for kind, eid, sources in cited if s.id in sources]
    parts = [Text(cite(s)), _heading("\nCited by"), _bullets(citing)]
    return Panel(Group(*parts), title=f"source {s.id} ({s.kind})", expand=True)


def _concept(kb: KnowledgeBase, c: SeedConcept) -> Panel:
    found = seed_coverage(kb).get(c.id, [])
    parts = [
        Text(c.text),
        Text(f"\nSeed article: {c.file}"),
        _heading("\nCovered by"),
        _bullets([str(x) for x in found]),
    ]
    return Panel(Group(*parts), title=f"seed concept {c.id}", expand=True)
