"""One clock: nothing below `bot/` reads the wall clock; every timestamp comes from the clock
that the composition root passes down (ARCHITECTURE.md, "Rules that hold everywhere")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The packages below bot/; those that do not exist (yet) are skipped.
BELOW_BOT = ("workflow", "storage", "conversations", "handlers", "templates", "documents")

# Fully qualified names that read the wall clock, whether called or passed on (a
# `default_factory=datetime.now` reads it just as well as a call does).
WALL_CLOCK = frozenset(
    {
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.localtime",
        "time.gmtime",
        "time.ctime",
        "time.asctime",
        "time.strftime",
    }
)
# Written without their module (`datetime.now()` after `from datetime import datetime`, or a
# helper of our own such as `utcnow()`): the last parts are enough to recognise them.
WALL_CLOCK_TAILS = (
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("utcnow",),
)


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> fully qualified name, from the module's imports."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    names[a.asname] = a.name
                else:
                    top = a.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                names[a.asname or a.name] = f"{node.module}.{a.name}"
    return names


def _dotted(node: ast.expr) -> list[str] | None:
    """`a.b.c` as ['a', 'b', 'c']; None when the chain does not start at a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def wall_clock_reads(source: str, filename: str = "<string>") -> list[str]:
    """Every place in `source` that reads the wall clock, as 'line: name'."""
    tree = ast.parse(source, filename)
    aliases = _aliases(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name | ast.Attribute):
            continue
        if isinstance(node.ctx, ast.Store | ast.Del):
            continue
        parts = _dotted(node)
        if parts is None:
            continue
        resolved = aliases.get(parts[0], parts[0]).split(".") + parts[1:]
        qualified = ".".join(resolved)
        if qualified in WALL_CLOCK or any(
            tuple(resolved[-len(tail) :]) == tail for tail in WALL_CLOCK_TAILS
        ):
            found.append(f"{node.lineno}: {'.'.join(parts)}")
    # `a.b.c` is an Attribute whose value `a.b` is visited too: report each line once.
    return sorted(set(found), key=lambda f: (int(f.split(":")[0]), f))


def _sources() -> list[Path]:
    return sorted(
        p
        for package in BELOW_BOT
        if (ROOT / package).is_dir()
        for p in (ROOT / package).rglob("*.py")
        if ".venv" not in p.parts
    )


def test_nothing_below_bot_reads_the_wall_clock():
    sources = _sources()
    assert any(p.parts[-3:] == ("storage", "repositories", "projects.py") for p in sources)
    offences = [
        f"{p.relative_to(ROOT)}:{hit}"
        for p in sources
        for hit in wall_clock_reads(p.read_text(encoding="utf-8"), str(p))
    ]
    assert offences == [], (
        "the wall clock is read below bot/; take the time from the unit of work (uow.now()) "
        "or the services (services.clock()):\n" + "\n".join(offences)
    )


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\nx = datetime.now()",
        "from datetime import datetime, UTC\nx = datetime.now(UTC)",
        "import datetime\nx = datetime.datetime.now()",
        "import datetime as dt\nx = dt.datetime.utcnow()",
        "from datetime import date\nx = date.today()",
        "from datetime import datetime as D\nx = D.today()",
        "import time\nx = time.time()",
        "import time\nx = time.monotonic()",
        "from time import time\nx = time()",
        "from time import monotonic as m\nx = m()",
        "from storage.types import utcnow\nx = utcnow()",
        "x = utcnow()",
        "from datetime import datetime\nf = Field(default_factory=datetime.now)",
        "from somewhere import utcnow\nf = Field(default_factory=utcnow)",
    ],
)
def test_the_check_sees_each_way_of_reading_the_wall_clock(source: str):
    assert wall_clock_reads(source)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime, UTC\nx = datetime(2026, 11, 23, tzinfo=UTC)",
        "from datetime import date\nx = date(2026, 11, 23).isoformat()",
        "def f(now):\n    return now()",
        "x = uow.now()\ny = services.clock()\nz = s.today()",
        "from datetime import timedelta\nx = timedelta(days=1)",
        "import time\nx = time.struct_time",
    ],
)
def test_the_check_leaves_the_injected_clock_alone(source: str):
    assert wall_clock_reads(source) == []
