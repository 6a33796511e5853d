"""PostgreSQL's side of a backup: pg_dump out and pg_restore in, with the password kept out
of every process list."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Final

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.backup.layout import BackupError
from storage.db import make_engine, normalize_url

TOOL_TIMEOUT: Final = 6 * 3600  # seconds a pg_dump or pg_restore may take


def dump(database_url: str, target: Path) -> str | None:
    """pg_dump the database into `target`; returns its schema revision."""
    tool = _tool("pg_dump", database_url)
    revision = _revision(database_url)
    uri, env = _target(database_url)
    _run([tool, "--format=custom", "--file", str(target), "--dbname", uri], env, "pg_dump")
    return revision


def load(source: Path, database_url: str) -> None:
    """pg_restore a dump into the database, in one transaction."""
    tool = _tool("pg_restore", database_url)
    uri, env = _target(database_url)
    args = [
        tool,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--dbname",
        uri,
        str(source),
    ]
    _run(args, env, "pg_restore")


def _target(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment that carries it (so it
    shows in no process list)."""
    url = make_url(normalize_url(database_url))
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str, database_url: str) -> str:
    """The path of pg_dump or pg_restore, refused when older than the server."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install postgresql-client")
    out = subprocess.run(
        [path, "--version"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)*", out)
    tool_major = int(match[1]) if match else 0
    server_major = _server_major(database_url)
    if tool_major < server_major:
        raise BackupError(
            f"{name} {tool_major} is older than the server (PostgreSQL {server_major}): "
            f"install postgresql-client-{server_major} or newer"
        )
    return path


def _server_major(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()


def _revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if value is None else str(value)
    finally:
        engine.dispose()


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        args, capture_output=True, text=True, env=env, timeout=TOOL_TIMEOUT, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {lines[-1] if lines else f'exit {done.returncode}'}")
