"""Dependencies point one way: only bot/ knows the messenger libraries; workflow/ has no I/O."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BELOW_BOT = ("workflow", "conversations", "handlers", "storage", "templates")


def _modules(package: str) -> list[str]:
    path = ROOT / package
    if not path.exists():
        return []
    return [package] + [
        f"{package}.{m.name}"
        for m in pkgutil.walk_packages([str(path)])
        if "migrations" not in m.name
    ]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(json.loads(out.stdout))


def test_nothing_below_bot_imports_telegram_or_aiogram():
    loaded = _loaded_after_import([m for p in BELOW_BOT for m in _modules(p)])
    assert not {m for m in loaded if m.split(".")[0] in {"telegram", "aiogram"}}


def test_workflow_loads_no_io_library():
    loaded = _loaded_after_import(_modules("workflow"))
    forbidden = {
        "sqlalchemy",
        "sqlmodel",
        "telegram",
        "aiogram",
        "httpx",
        "aiohttp",
        "jinja2",
        "sqlite3",
        "psycopg",
        "storage",
        "handlers",
        "bot",
    }
    assert not {m.split(".")[0] for m in loaded} & forbidden
