"""Forged callback data is refused, never crashes: a clear answer, an audit row, a handled
update id, and nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.callbacks import MAX_CALLBACK_BYTES
from conversations.views import FORM_BUTTONS
from handlers.context import Services
from storage.tables import ProcessedUpdate
from tests.handlers.conftest import ROUTES
from tests.handlers.world import COLUMNS, Copy, World, copy_of, event, template

__all__ = ["template"]  # the module's fixture

FORGED = (
    "rv:ok:abc",
    "rv:ok:２\u202e",
    "rv:ok:99999999999999999999999",
    "rv:ok:2147483648",
    "rv:ok:0",
    "rv:ok:-1",
    "rv:ok",
    "rv:ok:1:2:3",
    "iv:r:99",
    "iv:u:1:999",
    "iv:d:1:1:99",
    "iv:r:٣",
    "pr:card:1 ",
    "lg:set:fr",
    "mr:fill:2026-13",
    "mr:fill:../../etc",
    "zz:top:1",
    "f:c:name:99999",
    "rv",
    ":",
    "",
    "\x00",
    "rv:ok:1\x00",
    "x" * 65,
)


@pytest.fixture
def world(template: tuple[Path, World, Services], tmp_path: Path):
    copy = copy_of(template, tmp_path / "forged.db")
    yield copy
    copy.close()


def _press(world: Copy, who: str, data: str, n: int) -> tuple[int, int]:
    before = world.dump()
    refusals = len(world.refusals())
    outcome = world.dispatcher.handle(event(who, data, n))
    assert outcome.replies or outcome.toast, f"no answer for {who} pressing {data!r}"
    assert world.dump() == before, f"{who} pressing {data!r} changed the database"
    return refusals, len(world.refusals())


@pytest.mark.parametrize("data", FORGED, ids=repr)
def test_a_forged_press_is_refused_and_audited_from_every_role(world: Copy, data: str):
    for n, who in enumerate(COLUMNS, start=1):
        before, after = _press(world, who, data, n)
        assert after == before + 1, f"{who} pressing {data!r} was not audited"
        with world.services.uow() as uow:
            assert uow.session.get(ProcessedUpdate, f"telegram:{n}") is not None


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    who=st.sampled_from(COLUMNS),
    raw=st.binary(max_size=MAX_CALLBACK_BYTES).map(lambda b: b.decode("utf-8", "replace")),
)
def test_arbitrary_bytes_as_callback_data_never_raise_nor_change_anything(
    world: Copy, who: str, raw: str
):
    world.counter += 1
    _press(world, who, raw, 10_000 + world.counter)


def _payloads() -> st.SearchStrategy[str]:
    """Well-shaped presses with arguments that may be anything: ids of real objects, other
    numbers, words, odd digits."""
    schemas = [spec.schema for spec in ROUTES.buttons.values()] + [FORM_BUTTONS]
    argument = st.one_of(
        st.integers(min_value=0, max_value=40).map(str),
        st.integers(min_value=2**31 - 2, max_value=2**70).map(str),
        st.sampled_from(["zh-Hans", "en", "2026-11", "econ", "district", "name", "summary"]),
        st.text(min_size=0, max_size=6),
    )
    return st.builds(
        lambda schema, action, args: ":".join([schema.prefix, action, *args]),
        st.sampled_from(schemas),
        st.sampled_from(sorted({a for s in schemas for a in s.actions} | {"x"})),
        st.lists(argument, max_size=4),
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(who=st.sampled_from(COLUMNS), data=_payloads())
def test_any_press_from_anyone_gets_an_answer_and_never_raises(world: Copy, who: str, data: str):
    world.counter += 1
    outcome = world.dispatcher.handle(event(who, data, 50_000 + world.counter))
    assert outcome.replies or outcome.toast
