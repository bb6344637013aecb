"""`scripts/demo` (what `make demo` runs) as a newcomer runs it: real processes, SQLite,
the embedded broker, a port of its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "demo"

pytestmark = pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "celery").exists(), reason="scripts/demo runs the project's .venv"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - http://127.0.0.1 only
    except OSError:
        return False
    return True


def alive(pid: int) -> bool:
    """Whether a process is running (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


SERVERS = ("runserver", "worker", "beat")


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except FileNotFoundError:
        return ""


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_demo_stops_its_servers_when_the_command_that_started_it_is_killed(tmp_path: Path) -> None:
    # As `kill -9` of make does: make is gone at once, and the script it started is not told.
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # A shell that waits for the script, standing in for make.
    parent = subprocess.Popen(
        ["bash", "-c", f"'{SCRIPT}'; true"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not answers(f"http://127.0.0.1:{port}/"):
            assert parent.poll() is None, "the demo exited before its web server answered"
            assert time.monotonic() < deadline, "the demo's web server did not answer in 240 s"
            time.sleep(1)
        (script,) = children_of(parent.pid)
        servers = [pid for pid in children_of(script) if any(name in command(pid) for name in SERVERS)]
        assert len(servers) == 3

        parent.send_signal(signal.SIGKILL)
        parent.wait()

        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in (script, *servers)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [pid for pid in (script, *servers) if alive(pid)]
        assert not answers(f"http://127.0.0.1:{port}/")
    finally:
        # Whatever is left of the session, the shell included (the script put its servers
        # in process groups of their own, so only the session holds them all).
        subprocess.run(["pkill", "-KILL", "-s", str(parent.pid)], check=False)
