"""`hipcheck serve` (what `make run` starts) as a runner starts it: a fresh SQLite database, loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

HIPCHECK = Path(sys.executable).with_name("hipcheck")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cmd(*args: str) -> list[str]:
    return [str(HIPCHECK), *args] if HIPCHECK.exists() else [sys.executable, "-m", "hipcheck", *args]


def _env(tmp_path: Path, url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["HIPCHECK_DATABASE_URL"] = url or f"sqlite:///{tmp_path}/new/folder/hipcheck.db"
    env["HIPCHECK_ACCESS_LOG"] = "false"
    return env


def test_serve_starts_on_a_fresh_sqlite_database(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        _cmd("serve", "--port", str(port)),
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "hipcheck serve did not answer within 60 s"
            time.sleep(0.2)
        assert "Hip pain" in httpx.get(base + "/").text
        created = httpx.post(base + "/api/v1/assessments", json={"age": 33, "sex": "male"})
        assert created.status_code == 201
        assert (tmp_path / "new" / "folder" / "hipcheck.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err


@pytest.mark.parametrize("port", ["0", "70000", "eighty"])
def test_bad_port_is_a_usage_error(tmp_path: Path, port: str) -> None:
    done = subprocess.run(_cmd("serve", "--port", port), env=_env(tmp_path), capture_output=True, text=True)
    assert done.returncode == 2
    assert "port" in done.stderr.lower()
    assert "Traceback" not in done.stderr


def test_unreachable_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    url = f"postgresql://nobody@127.0.0.1:{_free_port()}/nothing"
    done = subprocess.run(
        _cmd("serve", "--port", str(_free_port())),
        env=_env(tmp_path, url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "database" in done.stderr.lower()
