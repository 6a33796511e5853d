"""What people type is understood the way they meant it, or refused with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conversations.parsers import (
    ParseError,
    canonical,
    clean_text,
    parse_date,
    parse_money,
    parse_percent,
    parse_phone,
    parse_quantity,
    parse_text,
    parse_year_month,
    parse_yes_no,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("120", "mu", D(120)),
        ("120亩", "mu", D(120)),
        ("１２０", "mu", D(120)),
        ("１２０亩", "mu", D(120)),
        (" 120 亩 ", "mu", D(120)),
        ("12.5", "mu", D("12.5")),
        ("约120亩", "mu", D(120)),
        ("120亩左右", "mu", D(120)),
        ("12,000", "sqm", D(12000)),
        ("12，000平方米", "sqm", D(12000)),
        ("8000㎡", "sqm", D(8000)),
        ("8000m2", "sqm", D(8000)),
        ("8000 m²", "sqm", D(8000)),
        ("8000平米", "sqm", D(8000)),
        ("1.2万平方米", "sqm", D(12000)),
        ("5000KVA", "kva", D(5000)),
        ("5000kVA", "kva", D(5000)),
        ("5000千伏安", "kva", D(5000)),
        ("200吨", "ton", D(200)),
        ("200吨/天", "ton", D(200)),
        ("300人", "person", D(300)),
        ("24个月", "month", D(24)),
        ("24月", "month", D(24)),
        ("两期", "phase", D(2)),
        ("2期", "phase", D(2)),
    ],
)
def test_a_quantity_is_read_with_or_without_its_unit(text: str, unit: str, expected: D) -> None:
    assert parse_quantity(text, unit) == expected


@pytest.mark.parametrize(
    ("text", "unit", "code", "params"),
    [
        ("120平方米", "mu", "wrong_unit", {"expected": "mu", "given": "平方米"}),
        ("8000亩", "sqm", "wrong_unit", {"expected": "sqm", "given": "亩"}),
        ("3公顷", "mu", "wrong_unit", {"expected": "mu", "given": "公顷"}),
        ("120万元", "mu", "wrong_unit", {"expected": "mu", "given": "万元"}),
        ("2年", "month", "wrong_unit", {"expected": "month", "given": "年"}),
        ("abc", "mu", "not_a_number", {}),
        ("120abc", "mu", "not_a_number", {}),
        ("一百二十", "mu", "not_a_number", {}),
        ("", "mu", "empty", {}),
        ("   ", "mu", "empty", {}),
        ("1e5", "mu", "not_a_number", {}),
    ],
)
def test_a_quantity_in_the_wrong_unit_or_no_number_is_refused(
    text: str, unit: str, code: str, params: dict[str, str]
) -> None:
    with pytest.raises(ParseError) as err:
        parse_quantity(text, unit)
    assert err.value.code == code
    assert err.value.params == params


def test_an_integer_field_refuses_fractions() -> None:
    assert parse_quantity("300.0人", "person", integer=True) == 300
    with pytest.raises(ParseError, match="not_integer"):
        parse_quantity("300.5", "person", integer=True)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1.2亿", "wan_yuan", D(12000)),
        ("1.2亿元", "wan_yuan", D(12000)),
        ("12000万元", "wan_yuan", D(12000)),
        ("12000万", "wan_yuan", D(12000)),
        ("12,000", "wan_yuan", D(12000)),
        ("12，000", "wan_yuan", D(12000)),
        ("１２０００万元", "wan_yuan", D(12000)),
        ("5000000元", "wan_yuan", D(500)),
        ("5千万元", "wan_yuan", D(5000)),
        ("人民币3000万元", "wan_yuan", D(3000)),
        ("0", "wan_yuan", D(0)),
        ("3.5", "yi_yuan", D("3.5")),
        ("3.5亿", "yi_yuan", D("3.5")),
        ("3.5亿元", "yi_yuan", D("3.5")),
        ("35000万元", "yi_yuan", D("3.5")),
        ("35000万", "yi_yuan", D("3.5")),
    ],
)
def test_money_is_stored_in_the_fields_unit(text: str, unit: str, expected: D) -> None:
    assert parse_money(text, unit) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("100美元", "wrong_unit"),
        ("120亩", "wrong_unit"),
        ("一些钱", "not_a_number"),
        ("", "empty"),
    ],
)
def test_money_in_another_currency_or_unit_is_refused(text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_money(text)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35", D(35)),
        ("35%", D(35)),
        ("35％", D(35)),
        ("百分之35", D(35)),
        ("35 %", D(35)),
        ("0", D(0)),
        ("100", D(100)),
        ("12.5%", D("12.5")),
    ],
)
def test_a_percentage_is_read_in_any_usual_way(text: str, expected: D) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("120", "percent_range"),
        ("-1", "percent_range"),
        ("35亩", "wrong_unit"),
        ("很多", "not_a_number"),
    ],
)
def test_a_percentage_outside_0_to_100_is_refused(text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_percent(text)
    assert err.value.code == code


@pytest.mark.parametrize(
    "text",
    [
        "2027-03",
        "2027-3",
        "2027年3月",
        "2027年03月",
        "2027年3月份",
        "2027.3",
        "2027/3",
        "202703",
        "２０２７年３月",
        "2027 年 3 月",
    ],
)
def test_a_year_and_month_is_read_in_any_usual_way(text: str) -> None:
    assert parse_year_month(text) == "2027-03"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2027-13", "bad_month"),
        ("2027年0月", "bad_month"),
        ("1800-01", "bad_year"),
        ("明年三月", "bad_year_month"),
        ("2027-03-15", "bad_year_month"),
        ("27-3", "bad_year_month"),
    ],
)
def test_an_impossible_month_is_refused(text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_year_month(text)
    assert err.value.code == code


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("2026.11.20", date(2026, 11, 20)),
        ("20261120", date(2026, 11, 20)),
        ("2026年11月20日", date(2026, 11, 20)),
        ("2026年11月20号", date(2026, 11, 20)),
        ("2026 年 11 月 20 日", date(2026, 11, 20)),
        ("２０２６年１１月２０日", date(2026, 11, 20)),
        ("２０２６－１１－２０", date(2026, 11, 20)),
        ("2026-3-5", date(2026, 3, 5)),
        ("2026年3月5日", date(2026, 3, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        ("今天", TODAY),
        ("today", TODAY),
        (" Today ", TODAY),
    ],
)
def test_a_date_is_read_in_any_usual_way(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("2026-13-01", "bad_month", {"month": 13}),
        ("2026年0月1日", "bad_month", {"month": 0}),
        ("1800-01-01", "bad_year", {"year": 1800}),
        ("2026-02-29", "bad_day", {"year": 2026, "month": 2, "day": 29}),
        ("2026-11-31", "bad_day", {"year": 2026, "month": 11, "day": 31}),
        ("20261100", "bad_day", {"year": 2026, "month": 11, "day": 0}),
        ("2026-11", "bad_date", {}),
        ("2026-11/20", "bad_date", {}),
        ("26-11-20", "bad_date", {}),
        ("2026-W47-5", "bad_date", {}),
        ("明天", "bad_date", {}),
        ("", "empty", {}),
    ],
)
def test_an_impossible_date_is_refused(text: str, code: str, params: dict[str, int]) -> None:
    with pytest.raises(ParseError) as err:
        parse_date(text, TODAY)
    assert err.value.code == code
    assert err.value.params == params


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0763-1234567", "0763-1234567"),
        ("0763 12345678", "0763-12345678"),
        ("(0763)12345678", "0763-12345678"),
        ("（0763）1234567", "0763-1234567"),
        ("07631234567", "0763-1234567"),
        ("020-87654321", "020-87654321"),
        ("400-123-4567", "400-123-4567"),
    ],
)
def test_mainland_phone_numbers_are_normalised(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12812345678",
        "1381234567",
        "138123456789",
        "0763-123",
        "123456",
        "电话",
        "",
        "0763-0123456",
    ],
)
def test_a_number_that_is_no_mainland_phone_is_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_phone(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0086 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("+86 763 1234567", "0763-1234567"),
        ("+86 (0763) 1234567", "0763-1234567"),
        ("＋８６ １３８１２３４５６７８", "13812345678"),
    ],
)
def test_the_mainland_country_code_may_come_first(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1 415 555 0100", "+14155550100"),  # was read as the mainland mobile 14155550100
        ("+1 (415) 555-0100", "+14155550100"),
        ("001 415 555 0100", "+14155550100"),
        ("+852 9123 4567", "+85291234567"),
        ("00852 91234567", "+85291234567"),
        ("+886 912 345 678", "+886912345678"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+14155550100", "+14155550100"),  # a stored foreign number reads back as itself
    ],
)
def test_a_number_with_another_country_code_is_kept_as_a_foreign_number(
    text: str, expected: str
) -> None:
    assert parse_phone(text) == expected
    assert parse_phone(expected) == expected


@pytest.mark.parametrize(
    "text",
    [
        "+1 23",
        "+0 415 555 0100",
        "+1234567890123456",
        "138+12345678",
        "++8613812345678",
        "+86 12812345678",
        "+",
    ],
)
def test_a_malformed_international_number_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="bad_phone"):
        parse_phone(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("有", True),
        ("y", True),
        ("Y", True),
        ("yes", True),
        ("YES", True),
        ("是的", True),
        ("否", False),
        ("没有", False),
        ("无", False),
        ("n", False),
        ("no", False),
        ("不是", False),
        ("是。", True),
    ],
)
def test_yes_and_no_are_understood(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


def test_anything_else_is_not_a_yes_or_no() -> None:
    with pytest.raises(ParseError, match="bad_yes_no"):
        parse_yes_no("也许")


def test_short_text_is_trimmed_to_one_line_and_limited() -> None:
    assert parse_text("  清远  某某\n项目 ") == "清远 某某 项目"
    assert parse_text("，保留全角标点。") == "，保留全角标点。"
    with pytest.raises(ParseError) as err:
        parse_text("x" * 101)
    assert err.value.params == {"max": 100, "length": 101}
    with pytest.raises(ParseError, match="empty"):
        parse_text(" \n ")


@pytest.mark.parametrize(
    "text",
    [
        "\u200b",
        "\u200b\u200c\u200d",
        "\ufeff",
        "\u2060 \u200b",
        "\x00",
        "\x00\x01\x7f",
        " \u3000\u200b\n",
        "\u202e",
        "\u3164",
        "\u00ad",
    ],
)
def test_an_answer_of_invisible_characters_only_is_empty(text: str) -> None:
    for single_line in (True, False):
        with pytest.raises(ParseError, match="empty"):
            parse_text(text, single_line=single_line, max_length=2000)


def test_nul_and_control_characters_are_removed_from_text() -> None:
    assert parse_text("清远\x00项目\x07") == "清远项目"
    assert parse_text("\u200b 清远项目 \ufeff") == "清远项目"
    assert (
        parse_text("第一行\x00\r\n第二行", single_line=False, max_length=2000) == "第一行\n第二行"
    )
    assert clean_text("a\x00b\tc\x1bd") == "ab\tcd"


def test_invisible_characters_do_not_spoil_a_number_or_a_phone() -> None:
    assert parse_quantity("1\u200b20亩", "mu") == D(120)
    assert parse_phone("\u200b138\u200c1234\x005678") == "13812345678"


def test_long_text_keeps_its_lines() -> None:
    assert parse_text(" 第一行\n第二行 ", max_length=2000, single_line=False) == "第一行\n第二行"
    with pytest.raises(ParseError, match="too_long"):
        parse_text("字" * 2001, max_length=2000, single_line=False)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (D("12000.0"), "12000"),
        (D("1.2E+4"), "12000"),
        (D("1.20"), "1.2"),
        (D("-0"), "0"),
        (D("0.0123"), "0.0123"),
    ],
)
def test_decimals_are_stored_as_one_canonical_string(value: D, stored: str) -> None:
    assert canonical(value) == stored
