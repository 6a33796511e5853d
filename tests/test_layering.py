"""Dependencies point one way. The layer contracts live in pyproject.toml (import-linter); these
tests run them, and check what import-linter cannot: no import cycle between our own modules
(type-only ones included), no library loaded by importing the domain, no long module without a
reason."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workflow", "storage", "templates", "conversations", "documents", "handlers", "bot")
BELOW_BOT = PACKAGES[:-1]
LONG = 300  # lines; a longer module says why on one of its first lines ("Longer than …")


def _files(package: str) -> list[Path]:
    return [p for p in sorted((ROOT / package).rglob("*.py")) if "migrations" not in p.parts]


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _modules(package: str) -> list[str]:
    return [_module(p) for p in _files(package)]


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


def test_the_layer_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("lint-imports is not installed (it comes with the test extra)")
    out = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:]


def test_nothing_below_bot_loads_a_messenger_library():
    loaded = _loaded_after_import([m for p in BELOW_BOT for m in _modules(p)])
    assert not {m for m in loaded if m.split(".")[0] in {"telegram", "aiogram", "aiohttp"}}


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


def _imports(path: Path, known: set[str]) -> set[str]:
    """Our modules that a module imports, wherever the import stands (TYPE_CHECKING too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            # `from package import module` needs the module, not the package's __init__.
            names = submodules if all(m in known for m in submodules) else [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        out |= {n for n in names if n in known}
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_our_modules():
    paths = {_module(p): p for package in (*PACKAGES, "sandbox") for p in _files(package)}
    graph = {m: _imports(p, set(paths)) - {m} for m, p in paths.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_long_module_says_why():
    long = []
    for package in PACKAGES:
        for path in _files(package):
            lines = path.read_text(encoding="utf-8").splitlines()
            if len(lines) > LONG and not any("Longer than" in line for line in lines[:12]):
                long.append(f"{path.relative_to(ROOT)}: {len(lines)} lines")
    assert long == []
