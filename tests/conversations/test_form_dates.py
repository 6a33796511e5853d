"""A full date in a form: typed in any usual way, stored as "YYYY-MM-DD", shown as such, and
refused when the field says it cannot lie in the future (or the past)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from form_kit import Driver

from conversations.draft import Draft
from conversations.engine import step
from conversations.fields import Field, FormSpec, Kind
from conversations.inputs import TextInput
from conversations.parsers import ParseError
from conversations.step import FormContext
from conversations.values import check_stored, decode, encode, parse_input

TODAY = date(2026, 11, 23)

DATE_FORM = FormSpec(
    id="dates",
    template="forms/dates",
    fields=(
        Field("signed", Kind.DATE, not_after_today=True),
        Field("visit", Kind.DATE, not_before_today=True, required=False),
    ),
)
SIGNED, VISIT = DATE_FORM.fields


@pytest.fixture
def dates(make_ctx: Callable[..., FormContext]) -> Driver:
    """A driver on the date form, started on 2026-11-23."""
    d = Driver(DATE_FORM, make_ctx(today=TODAY))
    d.cmd("start")
    return d


def test_a_signing_date_in_the_future_is_refused_naming_the_field(dates: Driver) -> None:
    before = dates.draft
    result = dates.text("2026-11-24")
    assert not result.changed and dates.draft == before
    assert "“签约日期”未能保存：日期不能晚于今天（2026年11月23日）" in dates.out
    assert "示例：2026-11-20" in dates.out


def test_today_is_not_in_the_future(dates: Driver) -> None:
    dates.text("今天")
    assert dates.draft.answers == {"signed": "2026-11-23"} and dates.draft.current == "visit"


def test_a_typed_date_is_stored_in_one_form_and_shown_so_in_the_summary(dates: Driver) -> None:
    dates.text("２０２６年１１月２０日")
    dates.text("2026/12/1")
    assert dates.draft.answers == {"signed": "2026-11-20", "visit": "2026-12-01"}
    assert "1. 签约日期：2026年11月20日" in dates.out and "2. 考察日期：2026年12月1日" in dates.out


def test_an_unreadable_date_says_how_to_write_one(dates: Driver) -> None:
    dates.text("下周一")
    assert "请按“年-月-日”填写，如 2026年11月20日 或 2026-11-20" in dates.out
    dates.text("2026-02-30")
    assert "2026年2月没有30日" in dates.out
    assert dates.draft.answers == {}


def test_back_shows_the_date_and_the_same_answer_restores_the_draft(dates: Driver) -> None:
    dates.text("20261120")
    at_visit = dates.draft
    dates.cmd("back")
    assert "当前填写：2026年11月20日" in dates.out
    dates.text("2026.11.20")
    assert dates.draft == at_visit


def test_a_visit_date_before_today_is_refused_and_goes_stale_by_submission(
    dates: Driver, make_ctx: Callable[..., FormContext]
) -> None:
    dates.text("2026-11-20")
    dates.text("2026-11-22")
    assert "日期不能早于今天（2026年11月23日）" in dates.out and "visit" not in dates.draft.answers
    dates.text("2026-11-25")
    dates.ctx = make_ctx(today=date(2026, 11, 26))
    result = dates.tap("提交")
    assert (
        result.status == "open" and "2. 考察日期：日期不能早于今天（2026年11月26日）" in dates.out
    )


def test_the_english_locale_refuses_and_shows_the_same_way(
    make_ctx: Callable[..., FormContext],
) -> None:
    d = Driver(DATE_FORM, make_ctx("en", today=TODAY))
    d.cmd("start")
    d.text("2027-01-01")
    assert (
        "“Signing date” was not saved: the date cannot be later than today (23 November 2026)"
        in d.out
    )
    d.text("today")
    d.cmd("skip")
    assert "1. Signing date: 23 November 2026" in d.out


@pytest.mark.parametrize("typed", ["2026-11-20", "2026年11月20日", "20261120", "今天"])
def test_a_date_survives_the_json_round_trip(typed: str) -> None:
    value = parse_input(SIGNED, typed, [], TODAY)
    stored = json.loads(json.dumps(encode(SIGNED, value)))
    assert isinstance(value, date) and stored == value.isoformat()
    assert decode(SIGNED, stored) == value
    check_stored(SIGNED, stored, {}, TODAY)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-02-30",
        "20261120",
        "2026-W47-5",
        "2026-11-20T00:00",
        "2026-1-5",
        20261120,
        None,
    ],
)
def test_a_malformed_stored_date_is_refused(raw: object) -> None:
    with pytest.raises(ParseError, match="invalid_stored"):
        decode(SIGNED, raw)


def test_a_draft_with_a_malformed_date_is_repaired(make_ctx: Callable[..., FormContext]) -> None:
    stored = Draft(
        form_id="dates",
        answers={"signed": "2026/11/20", "visit": "2026-12-01"},
        current="visit",
        back_stack=("signed",),
    )
    result = step(DATE_FORM, stored, TextInput("/continue"), make_ctx(today=TODAY))
    assert result.changed and result.draft.answers == {"visit": "2026-12-01"}


def test_not_after_today_is_only_for_dates() -> None:
    with pytest.raises(ValueError, match="not_after_today"):
        FormSpec(id="bad", fields=(Field("start", Kind.YEAR_MONTH, not_after_today=True),))
