"""Fixtures for the form engine: a renderer that also sees the test form's templates, contexts,
and a driver on the test form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from form_kit import POLICY, SAMPLE_FORM, TODAY, Driver
from jinja2 import ChoiceLoader, FileSystemLoader

from conversations.fields import Choice
from conversations.forms.plan import plan_options
from conversations.step import FormContext
from templates.renderer import Renderer

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    """The real renderer, also loading the test form's templates from tests/."""
    r = Renderer()
    base = r.env.loader
    assert base is not None
    r.env.loader = ChoiceLoader([FileSystemLoader(str(HERE / "templates")), base])
    return r


@pytest.fixture
def make_ctx(renderer: Renderer) -> Callable[..., FormContext]:
    """A form context in a locale, with the plan form's options."""

    def make(
        locale: str = "zh-Hans",
        today: date = TODAY,
        extra: str | None = None,
        options: dict[str, list[Choice]] | None = None,
    ) -> FormContext:
        opts = plan_options(POLICY) if options is None else options
        return FormContext(
            locale, renderer, today, opts, None if extra is None else lambda _: extra
        )

    return make


@pytest.fixture
def sample(make_ctx: Callable[..., FormContext]) -> Driver:
    """A driver on the small test form, started."""
    d = Driver(SAMPLE_FORM, make_ctx())
    d.cmd("start")
    return d
