"""The interactive `hipcheck assess`: one screen at a time from the engine, answered by key.

Age and sex first, then whatever the engine asks next (the red-flag screens come first: the
engine orders them). A screen is one finding or one group of findings the engine asks together;
each is answered with y / n / d (or ?), or with the arrow keys and Enter, and `b` goes back.
Every finished screen is saved through `services` as one step, so `back` undoes a screen and
nothing is lost on Ctrl-C. A "yes" is saved at once, so an answer that makes the triage an
emergency stops the assessment there and then, with the knowledge base's instruction in plain
words. Rendering only: every decision comes from `services` (and through it the engine).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from hipcheck import services
from hipcheck.cli.assessments import NOT_A_DIAGNOSIS, assessment_json, render_plan_summary, render_result
from hipcheck.cli.runtime import engine_model, opened_store
from hipcheck.engine import CompiledModel
from hipcheck.engine.result import Answer
from hipcheck.errors import Conflict, InvalidInput
from hipcheck.knowledge.schema import Finding, TriageLevel
from hipcheck.store.unit_of_work import Store

ANSWER_KEYS: dict[str, Answer] = {"y": "yes", "n": "no", "d": "unknown", "?": "unknown"}
WORDS: dict[str, str] = {"yes": "y", "no": "n", "unknown": "d", "don't know": "d", "dont know": "d"}
BACK_KEY = "b"
ANSWER_LABEL: dict[Answer, str] = {"yes": "yes", "no": "no", "unknown": "don't know"}
KEY_HINT = "[y] yes  [n] no  [d/?] don't know  [b] back  [↑↓ Enter]  (Ctrl-C: save, stop)"
PROMPT = "  > "
INVALID_HINT = "Please press y (yes), n (no), d or ? (don't know), or b (back)."
SCREEN_TITLES = {"red_flag": "Safety check first: warning signs", "location": "Where is the pain?"}
EXIT_INTERRUPTED = 130
ENTER = "enter"
# Arrow keys in both the normal and the application cursor mode of terminals.
ARROWS = {
    b"[A": "up", b"OA": "up", b"[B": "down", b"OB": "down",
    b"[C": "right", b"OC": "right", b"[D": "left", b"OD": "left",
}  # fmt: skip
CHOICES: tuple[Answer, ...] = ("yes", "no", "unknown")


def _drain(fd: int) -> bytes:
    """Read whatever follows at once (an escape sequence arrives in one burst)."""
    import select

    data = b""
    while select.select([fd], [], [], 0.03)[0]:
        chunk = os.read(fd, 16)
        if not chunk:
            break
        data += chunk
    return data


def _utf8_rest(fd: int, lead: int) -> bytes:
    """The continuation bytes of a UTF-8 character whose first byte is `lead`."""
    more = 3 if lead >= 0xF0 else 2 if lead >= 0xE0 else 1 if lead >= 0xC0 else 0
    return os.read(fd, more) if more else b""


class KeyReader:
    """Single key presses from a terminal (no Enter needed); whole lines when not a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self._single_keys = False

    def _is_tty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    @contextmanager
    def single_keys(self) -> Iterator[None]:
        """Keep the terminal in single-key mode (no echo, no Enter) for a whole stretch of
        questions, so a key pressed between two questions is neither echoed nor held for Enter."""
        if not self._is_tty() or self._single_keys:
            yield
            return
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        # TCSANOW, not the default TCSAFLUSH: keys typed ahead must not be thrown away.
        tty.setcbreak(fd, termios.TCSANOW)
        self._single_keys = True
        try:
            yield
        finally:
            self._single_keys = False
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def key(self) -> str:
        """The next key, lower-case: a character, ENTER, an arrow ("up", "down", "left",
        "right"), or ESC for any other escape sequence.

        Raises EOFError at the end of input (Ctrl-D); Ctrl-C raises KeyboardInterrupt as usual.
        """
        if not self._is_tty():
            line = self.stream.readline()
            if not line:
                raise EOFError
            text = line.strip().lower()
            return WORDS.get(text, text) if text else ENTER
        fd = self.stream.fileno()
        with self.single_keys():
            # One key per read, so keys typed ahead while hipcheck was busy count one each.
            first = os.read(fd, 1)
            if not first or first == b"\x04":
                raise EOFError
            if first in (b"\r", b"\n"):
                return ENTER
            if first == b"\x1b":
                return ARROWS.get(_drain(fd), "\x1b")
            data = first + _utf8_rest(fd, first[0])
            return data.decode("utf-8", errors="replace").lower()

    def discard_typed_ahead(self) -> None:
        """At the end: keys pressed after the last question must not reach the shell."""
        if self._is_tty():
            import termios

            termios.tcflush(self.stream.fileno(), termios.TCIFLUSH)

    def line(self, prompt: str, console: Console) -> str:
        console.print(prompt, end="")
        line = self.stream.readline()
        if not line:
            raise EOFError
        return line.strip()


@dataclass
class Session:
    """One run of the interactive assessment: where it is, and the answers not yet saved."""

    store: Store
    model: CompiledModel
    console: Console
    keys: KeyReader
    state: services.AssessmentState | None = None
    pending: dict[str, Answer] = field(default_factory=dict)

    # --- start ------------------------------------------------------------------------------

    def start(self) -> services.AssessmentState:
        self.console.print(
            "[bold]hipcheck[/] — a few questions about your hip pain, warning signs first. " + NOT_A_DIAGNOSIS
        )
        age = self._ask_age()
        while True:
            sex = self._ask_sex()
            try:
                state = services.start_assessment(uow=self.store, model=self.model, age=age, sex=sex)
            except InvalidInput as exc:
                self.console.print(f"[yellow]{escape(exc.message)}[/]")
                if exc.field == "age":
                    age = self._ask_age()
                continue
            self.console.print(f"Saving as you go: assessment [bold]{state.id}[/].")
            self.state = state
            return state

    def _ask_age(self) -> int:
        while True:
            text = self.keys.line("How old are you (years)? ", self.console)
            try:
                age = int(text)
            except ValueError:
                self.console.print(
                    f"[yellow]Please type your age as a whole number, e.g. 34 (not {text!r}).[/]"
                )
                continue
            if not 10 <= age <= 100:
                self.console.print(
                    "[yellow]hipcheck is made for ages 10 to 100; please type an age in that range.[/]"
                )
                continue
            return age

    def _ask_sex(self) -> str:
        while True:
            self.console.print(escape("Sex: [f] female  [m] male "), end="")
            key = self.keys.key()
            if key in ("f", "female"):
                self.console.print("female")
                return "female"
            if key in ("m", "male"):
                self.console.print("male")
                return "male"
            self.console.print("\n[yellow]Please press f (female) or m (male).[/]")

    # --- the question loop --------------------------------------------------------------------

    def run(self, state: services.AssessmentState) -> services.AssessmentState:
        """Ask screens until the engine stops or the triage is an emergency."""
        self.state = state
        with self.keys.single_keys():
            while not self._finished(state):
                state = self._screen(state)
                self.state = state
        return state

    @staticmethod
    def _finished(state: services.AssessmentState) -> bool:
        result = state.result
        return (
            result.triage.level == TriageLevel.emergency or result.should_stop or result.next_question is None
        )

    def _progress(self, state: services.AssessmentState) -> None:
        asked = state.result.questions_answered
        cap = self.model.params.max_questions
        width = 10
        filled = min(width, round(width * asked / cap))
        bar = "■" * filled + "□" * (width - filled)
        # The engine stops as soon as the picture is clear: the cap is an upper bound, not a promise.
        self.console.print(
            f"\n{bar} question {asked + 1} of at most {cap} · {len(state.answers)} answers so far",
            style="dim",
        )

    def _screen(self, state: services.AssessmentState) -> services.AssessmentState:
        question = state.result.next_question
        assert question is not None  # _finished() checked it
        findings: list[Finding] = [self.model.kb.findings[f] for f in question.finding_ids]
        self._progress(state)
        groups = {f.group for f in findings}
        title = SCREEN_TITLES.get(next(iter(groups)), "") if len(groups) == 1 else ""
        if title:
            self.console.print(f"[bold]{title}[/]")
        if question.reason:
            self.console.print(f"[dim]Why we ask: {escape(question.reason)}[/]")
        self.pending = {}
        total = len(findings)
        index = 0
        start = 0  # the answers before `start` are saved already (a "yes" is saved at once)
        while index < total:
            finding = findings[index]
            number = f"({index + 1}/{total}) " if total > 1 else ""
            choice = self._ask(finding, number)
            if choice is None:
                if index > start:
                    index -= 1
                    self.pending.pop(findings[index].id, None)
                    self.console.print("Back one question.")
                    continue
                try:
                    state = services.back(uow=self.store, model=self.model, assessment_id=state.id)
                except Conflict:
                    self.console.print(
                        "[yellow]This is the first question: there is nothing to go back to.[/]"
                    )
                    continue
                undone = "the answers up to your last yes" if start else "the previous screen"
                self.console.print(f"Back: {undone} undone; the engine asks again from there.")
                return state
            self.pending[finding.id] = choice
            index += 1
            if choice == "yes" and index < total:
                # A "yes" is saved at once, so an answer that makes this an emergency stops the
                # questions there and then. The screen goes on only if the engine still asks the rest.
                state = self._submit(state)
                rest = {f.id for f in findings[index:]}
                asked_next = state.result.next_question
                if self._finished(state) or asked_next is None or set(asked_next.finding_ids) != rest:
                    return state
                start = index
        return self._submit(state)

    def _ask(self, finding: Finding, number: str) -> Answer | None:
        """One finding until a valid key: an answer, or None for back.

        A key answers at once; the arrow keys move a highlighted choice that Enter confirms.
        """
        # The prompt line stays short so that redrawing it in place never wraps.
        prompt = PROMPT
        while True:
            self.console.print(f"{number}[bold]{escape(finding.question)}[/]")
            if finding.help:
                self.console.print(f"  [dim]{escape(finding.help)}[/]")
            self.console.print(f"  [dim]{escape(KEY_HINT)}[/]", soft_wrap=True)
            self.console.print(prompt, end="")
            selected: int | None = None
            while True:
                key = self.keys.key()
                if key in ("up", "down", "left", "right"):
                    step = -1 if key in ("up", "left") else 1
                    if selected is None:  # the first arrow picks the first (or last) choice
                        selected = 0 if step > 0 else len(CHOICES) - 1
                    else:
                        selected = (selected + step) % len(CHOICES)
                    self._redraw(prompt, f"<{ANSWER_LABEL[CHOICES[selected]]}>  Enter to choose")
                    continue
                if key == ENTER:
                    if selected is None:
                        continue  # a stray Enter (e.g. after a key that already answered)
                    self._redraw(prompt, ANSWER_LABEL[CHOICES[selected]])
                    self.console.print()
                    return CHOICES[selected]
                break
            if key == BACK_KEY or key == "back":
                self.console.print("back")
                return None
            value = ANSWER_KEYS.get(key)
            if value is not None:
                self.console.print(ANSWER_LABEL[value])
                return value
            shown = "the Escape key" if key == "\x1b" else repr(key)
            self.console.print(f"\n[yellow]{escape(shown)} is not an answer. {INVALID_HINT}[/]")

    def _redraw(self, prompt: str, text: str) -> None:
        """Rewrite the prompt line in place (carriage return, then padding over the old text)."""
        self.console.file.write(f"\r{prompt}{text:<32}\r{prompt}{text}")
        self.console.file.flush()

    def _submit(self, state: services.AssessmentState) -> services.AssessmentState:
        if not self.pending:
            return state
        answers = dict(self.pending)
        state = services.answer_many(
            uow=self.store, model=self.model, assessment_id=state.id, answers=answers
        )
        self.pending = {}
        self.state = state
        return state

    def save_pending(self) -> int:
        """On Ctrl-C: store the answers of the half-finished screen; how many answers are stored."""
        if self.state is None:
            return 0
        if self.pending:
            self._submit(self.state)
        return len(self.state.answers)

    # --- endings ------------------------------------------------------------------------------

    def show_emergency(self, state: services.AssessmentState) -> None:
        triage = state.result.triage
        lines = [f"[bold]{escape(triage.instruction)}[/]"]
        for reason in triage.reasons:
            if reason.level == TriageLevel.emergency:
                lines.append(f"Because: {escape(reason.text)}")
        self.console.print(
            Panel("\n".join(lines), title="EMERGENCY — stop here", border_style="red", expand=False)
        )
        self.console.print(f"Saved as [bold]{state.id}[/]. A report for whoever sees you:")
        self._command(f"hipcheck report {state.id} -o hipcheck-report.pdf")
        self.console.print(NOT_A_DIAGNOSIS)

    def _command(self, command: str) -> None:
        # Indented on a line of its own and never wrapped, so it can be copied whole.
        self.console.print(f"  {command}", soft_wrap=True, markup=False)

    def show_result(self, state: services.AssessmentState) -> services.StoredPlan:
        self.console.print()
        if state.result.stop_reason:
            self.console.print(f"[dim]Done: {escape(state.result.stop_reason)}.[/]")
        render_result(self.console, state)
        stored = services.current_plan(uow=self.store, model=self.model, assessment_id=state.id)
        self.console.print("[bold]Your plan, in short[/]")
        render_plan_summary(self.console, stored.plan)
        self.console.print(
            f"Saved as [bold]{state.id}[/]. The whole plan, and a report for your physio or doctor:"
        )
        self._command(f"hipcheck plan {state.id}")
        self._command(f"hipcheck report {state.id} -o hipcheck-report.pdf")
        self.console.print(NOT_A_DIAGNOSIS)
        return stored


def run_interactive(*, resume: str | None, as_json: bool, keys: KeyReader | None = None) -> None:
    """Run (or, with `resume`, continue) an interactive assessment in the terminal.

    With `as_json` the questions go to stderr and the one JSON object of the result to stdout.
    """
    console = Console(stderr=as_json, highlight=False)
    model = engine_model()
    with opened_store() as store:
        session = Session(store=store, model=model, console=console, keys=keys or KeyReader())
        try:
            if resume is not None:
                state = services.get_assessment(uow=store, model=model, assessment_id=resume)
                console.print(
                    f"Continuing assessment [bold]{state.id}[/] ({state.age}, {state.sex.value}, "
                    f"{len(state.answers)} answers so far)."
                )
            else:
                state = session.start()
            state = session.run(state)
        except (KeyboardInterrupt, EOFError):
            console.print()
            saved = session.state
            if saved is None:
                console.print("Stopped before the first question: nothing was saved.")
                raise typer.Exit(EXIT_INTERRUPTED) from None
            count = session.save_pending()
            console.print(f"Stopped. {count} answer{'' if count == 1 else 's'} saved as [bold]{saved.id}[/].")
            # On a line of its own and never wrapped, so it can be copied whole.
            console.print(f"Continue with: hipcheck assess --resume {saved.id}", soft_wrap=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        session.keys.discard_typed_ahead()
        plan = None
        if state.result.triage.level == TriageLevel.emergency:
            session.show_emergency(state)
        else:
            plan = session.show_result(state).plan
    if as_json:
        typer.echo(json.dumps(assessment_json(state, plan)))
