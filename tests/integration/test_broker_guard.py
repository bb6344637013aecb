"""The tests' broker is a Redis of their own: one they did not start is refused, never
flushed or stopped; one a killed run left behind is taken over."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import Broker, ForeignServer, free_port, port_open, running_broker, wait_for


def _redis_cli(port: int, *args: str) -> str:
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def machines_redis() -> Iterator[int]:
    """A Redis as a machine runs it: its own data directory, data in it."""
    port = free_port()
    directory = tempfile.mkdtemp(prefix="machine-redis-")
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: port_open(port), timeout=10, what="the machine's redis")
        _redis_cli(port, "set", "sessions", "kept")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_redis_the_tests_did_not_start_is_refused_and_keeps_its_data(machines_redis: int, tmp_path: Path) -> None:
    with (
        pytest.raises(ForeignServer, match=f"port {machines_redis} is taken"),
        running_broker(f"redis://127.0.0.1:{machines_redis}/0", tmp_path),
    ):
        pass
    assert port_open(machines_redis)
    assert _redis_cli(machines_redis, "get", "sessions").strip() == "kept"


def test_a_broker_left_by_a_killed_run_is_taken_over_and_stopped(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    left = Broker(url, tmp_path / "killed-run")
    left.workdir.mkdir()
    left.start()  # and the run that started it dies: nobody stops it
    with running_broker(url, tmp_path / "next-run") as broker:
        assert broker.process is None  # taken over, not started again
    assert not port_open(broker.port)
    assert left.process is not None
    left.process.wait(timeout=10)
