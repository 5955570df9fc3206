"""API under load: posting an answer vs a trivial endpoint, 50 concurrent clients, on loopback.

Starts `hipcheck serve` (the real command, one process) on a free loopback port against a fresh
SQLite database, then drives it with an async httpx load generator in the same run:

1. baseline: GET /api/v1/health (no database, no engine) — the ceiling of this server;
2. answer:   POST /api/v1/assessments/{id}/answers (or .../answers/batch for a grouped question)
   — each client plays the runners of tests/cases/dev-cases.jsonl one after another: it starts an
   assessment (not timed) and answers every question the engine asks as that runner would (read
   answers, run the engine, store answer and result in one transaction) until the engine stops.
   The answer is posted with the endpoint's default (lean) state unless --answer-query is given,
   e.g. --answer-query 'conditions=100&reasons=6' for the full state.

Prints requests/s and latency percentiles for both, the ratio (target >= 50 %), and the RSS of
the server process (target < 150 MB). Bounded in time (seconds per phase) and in request count.

    python -m benchmarks.bench_api [--clients 50] [--seconds 10] [--answer-query Q] [--json]

Also prints the CPU time per request of the server process (/proc/<pid>/stat) and of the load
generator (getrusage), since both share the machine's CPUs and the ratio depends on both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from hipcheck.engine import compile_model
from hipcheck.engine.evaluate import Case, parse_cases
from hipcheck.knowledge.load import load_knowledge_base

MAX_REQUESTS_PER_PHASE = 200_000
CASES = Path(__file__).resolve().parent.parent / "tests" / "cases" / "dev-cases.jsonl"
# Starting is not timed; the client asks for the same lean state as the answer endpoint returns.
START_QUERY = "?conditions=10&reasons=3"


def load_cases(path: Path = CASES) -> list[Case]:
    """The runners of a case file, read and checked by the engine's own case parser."""
    return parse_cases(path.read_text(encoding="utf-8"), compile_model(load_knowledge_base()))


@dataclass
class Phase:
    name: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms: float = 0.0
    client_cpu_ms: float = 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process in MB, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(name: str, latencies: list[float], errors: int, seconds: float) -> Phase:
    return Phase(
        name=name,
        requests=len(latencies),
        errors=errors,
        seconds=round(seconds, 2),
        rps=round(len(latencies) / seconds, 1),
        p50_ms=round(_percentile(latencies, 0.50) * 1000, 2),
        p99_ms=round(_percentile(latencies, 0.99) * 1000, 2),
        max_ms=round(max(latencies, default=float("nan")) * 1000, 2),
    )


async def _health_worker(client: httpx.AsyncClient, stop: float, out: list[float], errs: list[int]) -> None:
    while time.perf_counter() < stop and len(out) < MAX_REQUESTS_PER_PHASE:
        t0 = time.perf_counter()
        try:
            r = await client.get("/api/v1/health")
        except httpx.HTTPError:
            errs.append(0)
            continue
        if r.status_code == 200:
            out.append(time.perf_counter() - t0)
        else:
            errs.append(r.status_code)


async def _answer_worker(
    client: httpx.AsyncClient,
    stop: float,
    out: list[float],
    errs: list[int],
    cases: list[Case],
    first: int,
    query: str,
) -> None:
    """Runs one runner's assessment after another: start (not timed), then answer each question
    the engine asks as the case's runner would (present -> yes, absent -> no, else don't know) until
    it stops, then the next case. A grouped question is answered on one screen (the batch route)."""
    turn = first
    while time.perf_counter() < stop and len(out) < MAX_REQUESTS_PER_PHASE:
        case = cases[turn % len(cases)]
        turn += 1
        created = await client.post(
            f"/api/v1/assessments{START_QUERY}", json={"age": case.age, "sex": case.sex.value}
        )
        state = created.json()
        aid = state["id"]
        while time.perf_counter() < stop and len(out) < MAX_REQUESTS_PER_PHASE:
            nq = state["result"]["next_question"]
            if state["result"]["should_stop"] or nq is None:
                break
            ids: list[str] = nq["finding_ids"]
            if len(ids) == 1:
                url = f"/api/v1/assessments/{aid}/answers{query}"
                body: dict[str, Any] = {"finding_id": ids[0], "answer": case.answer(ids[0])}
            else:
                url = f"/api/v1/assessments/{aid}/answers/batch{query}"
                body = {"answers": {f: case.answer(f) for f in ids}}
            t0 = time.perf_counter()
            try:
                r = await client.post(url, json=body)
            except httpx.HTTPError:
                errs.append(0)
                continue
            elapsed = time.perf_counter() - t0
            if r.status_code == 200:
                out.append(elapsed)
                state = r.json()
            else:
                errs.append(r.status_code)
                break


async def _phase(
    base: str, name: str, clients: int, seconds: float, query: str = "", cases: list[Case] | None = None
) -> Phase:
    latencies: list[float] = []
    errors: list[int] = []
    # One client (one keep-alive connection) per simulated user: httpx's shared pool scans every
    # connection on each request, which made the load generator, not the server, the bottleneck.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with contextlib.AsyncExitStack() as stack:
        pool = [
            # verify=False: plain HTTP on loopback; skips building a TLS context per client.
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0, verify=False)
            )
            for _ in range(clients)
        ]
        start = time.perf_counter()
        stop = start + seconds
        if name == "health":
            workers = [_health_worker(c, stop, latencies, errors) for c in pool]
        else:
            if not cases:
                raise ValueError("the answer phase needs the runners' cases (load_cases())")
            workers = [
                _answer_worker(c, stop, latencies, errors, cases, i, query) for i, c in enumerate(pool)
            ]
        await asyncio.gather(*workers)
        elapsed = time.perf_counter() - start
    return _summary(name, latencies, len(errors), elapsed)


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hipcheck serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/api/v1/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("hipcheck serve did not start in time")


def _serve_command() -> list[str]:
    exe = shutil.which("hipcheck", path=str(Path(sys.executable).parent)) or shutil.which("hipcheck")
    return [exe] if exe else [sys.executable, "-m", "hipcheck"]


def _measured(
    base: str, pid: int, name: str, clients: int, seconds: float, query: str, cases: list[Case]
) -> Phase:
    """One phase, with the server's and the load generator's CPU time per request."""
    server0, own0 = _cpu_seconds(pid), _own_cpu_seconds()
    phase = asyncio.run(_phase(base, name, clients, seconds, query, cases))
    server, own = _cpu_seconds(pid) - server0, _own_cpu_seconds() - own0
    n = max(phase.requests, 1)
    phase.server_cpu_ms = round(server / n * 1000, 2)
    phase.client_cpu_ms = round(own / n * 1000, 2)
    return phase


def run(clients: int, seconds: float, answer_query: str = "") -> dict[str, Any]:
    query = f"?{answer_query.lstrip('?')}" if answer_query else ""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()[0]
    cases = load_cases()  # before any timing: it loads and compiles the knowledge base
    with tempfile.TemporaryDirectory(prefix="hipcheck-bench-api-") as tmp:
        env = dict(os.environ)
        env.update(
            HIPCHECK_DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            HIPCHECK_ACCESS_LOG="false",
            HIPCHECK_LOG_LEVEL="warning",
        )
        cmd = [*_serve_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        try:
            _wait_ready(base, proc)
            idle_rss, _ = _rss_mb(proc.pid)
            # short warm-up of both paths (connection set-up, first engine calls)
            asyncio.run(_phase(base, "health", clients, 1.0))
            asyncio.run(_phase(base, "answer", clients, 1.0, query, cases))
            health = _measured(base, proc.pid, "health", clients, seconds, "", [])
            answer = _measured(base, proc.pid, "answer", clients, seconds, query, cases)
            rss, peak = _rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}",
        "load_average_1min_before": round(load_before, 2),
        "clients": clients,
        "answer_query": query,
        "seconds_per_phase": seconds,
        "baseline": asdict(health),
        "answer": asdict(answer),
        "ratio": round(answer.rps / health.rps, 3) if health.rps else None,
        "server_rss_mb": {"idle": round(idle_rss, 1), "after_load": round(rss, 1), "peak": round(peak, 1)},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--answer-query", default="", help="query string for the answer POST")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args([] if argv is None and __name__ != "__main__" else argv)
    result = run(args.clients, args.seconds, args.answer_query)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['clients']} clients, {result['seconds_per_phase']} s per phase, {result['machine']}")
    print(f"load average (1 min) before the run: {result['load_average_1min_before']}")
    head = f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'errors':>8}"
    print(head + f"{'server CPU ms':>15}{'client CPU ms':>15}")
    answer_label = "POST .../answers" + result["answer_query"]
    for key, label in (("baseline", "GET /health (baseline)"), ("answer", answer_label)):
        p = result[key]
        print(
            f"{label:<28}{p['rps']:>10}{p['p50_ms']:>10}{p['p99_ms']:>10}{p['max_ms']:>10}{p['errors']:>8}"
            f"{p['server_cpu_ms']:>15}{p['client_cpu_ms']:>15}"
        )
    ratio = result["ratio"]
    print(f"ratio answer/baseline: {ratio:.1%} (target >= 50 %)" if ratio is not None else "ratio: n/a")
    rss = result["server_rss_mb"]
    print(
        f"hipcheck serve RSS: idle {rss['idle']} MB, after load {rss['after_load']} MB, "
        f"peak {rss['peak']} MB (target < 150 MB)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
