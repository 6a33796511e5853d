"""The processes a benchmark runs: the fake Bot API, the floors and the real `zhaoshang run`,
each started as a subprocess on 127.0.0.1 and stopped by its pid; and the databases they use,
a SQLite file or a fresh PostgreSQL database created and dropped here."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
PG_ADMIN = os.environ.get("ZHAOSHANG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
LOGS = Path(tempfile.gettempdir()) / "zhaoshang-bench-logs"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A subprocess with its output in a log file, stopped by its pid."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        LOGS.mkdir(exist_ok=True)
        self.name = name
        self.log_path = LOGS / f"{name}.log"
        self._log = self.log_path.open("wb")
        full_env = {**os.environ, "PTB_TIMEDELTA": "true", "PYTHONPATH": str(ROOT), **(env or {})}
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=full_env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.pid = self.popen.pid

    def alive(self) -> bool:
        """Whether it still runs."""
        return self.popen.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL if it does not end in time (by pid only)."""
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()

    def tail(self, lines: int = 20) -> str:
        """The end of its log."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


class FakeApi:
    """The fake Bot API process and its control API."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = Proc("fakeapi", [PYTHON, str(BENCH / "fakeapi.py"), str(self.port)])
        self.http = httpx.Client(base_url=self.url, timeout=120)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.http.get("/control/stats")
                break
            except httpx.TransportError as exc:
                if time.monotonic() > deadline or not self.proc.alive():
                    tail = self.proc.tail()
                    raise RuntimeError(f"the fake Bot API did not start:\n{tail}") from exc
                time.sleep(0.1)

    def stats(self) -> dict[str, Any]:
        """Calls by method, unknown methods, tokens that polled."""
        return dict(self.http.get("/control/stats").json())

    def wait_polling(self, token: str, proc: Proc, timeout: float = 90) -> None:
        """Wait until the bot with this token asks for updates."""
        deadline = time.monotonic() + timeout
        while token not in self.stats()["polled"]:
            if not proc.alive():
                raise RuntimeError(f"{proc.name} ended:\n{proc.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{proc.name} never polled:\n{proc.tail()}")
            time.sleep(0.2)

    def start(self, **spec: Any) -> None:
        """Start a round (see fakeapi.FakeBotApi.start)."""
        self.http.post("/control/start", json=spec).raise_for_status()

    def stop(self, drain: float = 30, settle: float = 0.2) -> dict[str, Any]:
        """Stop the round and get what it measured."""
        r = self.http.post(
            "/control/stop", json={"drain": drain, "settle": settle}, timeout=drain + 60
        )
        return dict(r.json())

    def close(self) -> None:
        """Stop the fake."""
        self.http.close()
        self.proc.stop()


def floor(
    kind: str, name: str, api: str, token: str, url: str, env: dict[str, str] | None = None
) -> Proc:
    """A floor bot process (kind: ptb or aiogram)."""
    return Proc(name, [PYTHON, str(BENCH / f"floor_{kind}.py"), api, token, url], env)


def full_bot(
    name: str, runtime: str, api: str, token: str, url: str, extra: dict[str, str] | None = None
) -> Proc:
    """The real `zhaoshang run` on a runtime."""
    env = {
        "ZHAOSHANG_RUNTIME": runtime,
        "ZHAOSHANG_API_BASE_URL": api,
        "ZHAOSHANG_BOT_TOKEN": token,
        "ZHAOSHANG_DATABASE_URL": url,
        "ZHAOSHANG_LOG_LEVEL": "WARNING",
        **(extra or {}),
    }
    return Proc(name, [str(Path(PYTHON).parent / "zhaoshang"), "run"], env)


@contextmanager
def database(backend: str, name: str, template: str | None = None) -> Iterator[str]:
    """A fresh database URL: a SQLite file in a temporary folder, or a PostgreSQL database
    created for this run (and dropped after it); a copy of `template` (a URL) when given."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="zb-") as folder:
            path = Path(folder) / (name + ".db")
            if template is not None:
                shutil.copyfile(template.removeprefix("sqlite:///"), path)
            yield f"sqlite:///{path}"
        return
    import psycopg

    db = f"zbench_{os.getpid()}_{name}"
    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"{copy}')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{db}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def pg_available() -> bool:
    """Whether the PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False
