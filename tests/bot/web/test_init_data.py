"""initData: a Mini App's request is believed only when Telegram's signature over it holds
and it was signed recently; anything else says why it was refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.web.init_data import InitDataError, Why, sign_fields, verify

TOKEN = "123456:TEST-token_abc"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)
USER = {"id": 1001, "first_name": "丽", "last_name": "李", "language_code": "zh-hans"}


def signed(token: str = TOKEN, at: datetime = NOW, **extra: str) -> str:
    fields = {
        "query_id": "AAtest",
        "user": json.dumps(USER, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(at.timestamp())),
        **extra,
    }
    fields["hash"] = sign_fields(token, fields)
    return urlencode(fields, quote_via=quote)


def check(data: str, max_age: timedelta = DAY) -> object:
    return verify(data, TOKEN, now=lambda: NOW, max_age=max_age)


def refusal(data: str, max_age: timedelta = DAY) -> Why:
    with pytest.raises(InitDataError) as caught:
        check(data, max_age)
    return caught.value.why


def test_a_fresh_signed_init_data_names_its_telegram_user() -> None:
    user = verify(signed(), TOKEN, now=lambda: NOW, max_age=DAY)
    assert (user.id, user.first_name, user.last_name) == (1001, "丽", "李")
    assert user.language_code == "zh-hans" and user.username is None
    assert user.auth_date == NOW.replace(microsecond=0)


def test_telegrams_own_example_shape_with_a_signature_field_is_accepted() -> None:
    # Telegram adds `signature` (for third parties); it stays in the data-check string.
    assert check(signed(signature="abc-_")) is not None


def test_init_data_without_a_hash_is_unsigned() -> None:
    assert refusal("") is Why.UNSIGNED
    data = signed()
    assert refusal(data[: data.index("&hash=")]) is Why.UNSIGNED


def test_init_data_signed_with_another_bots_token_is_tampered() -> None:
    assert refusal(signed(token="654321:OTHER-token")) is Why.TAMPERED


def test_a_changed_user_is_tampered() -> None:
    other = quote(json.dumps({**USER, "id": 1}, separators=(",", ":")))
    data = signed()
    start = data.index("user=") + len("user=")
    end = data.index("&", start)
    assert refusal(data[:start] + other + data[end:]) is Why.TAMPERED


def test_an_added_field_is_tampered() -> None:
    assert refusal(signed() + "&start_param=x") is Why.TAMPERED


def test_a_repeated_field_is_malformed() -> None:
    data = signed()
    assert refusal(data + "&" + data.split("&")[0]) is Why.MALFORMED


@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_any_changed_byte_that_changes_what_it_says_is_refused(position: int, byte: int) -> None:
    original = signed()
    raw = bytearray(original.encode())
    index = position % len(raw)
    if raw[index] == byte:
        byte = (byte + 1) % 256
    raw[index] = byte
    tampered = raw.decode("latin-1")
    if parse_qsl(tampered, keep_blank_values=True) == parse_qsl(original):
        # Another spelling of the same fields (%7b for %7B): Telegram signs values, not bytes.
        assert check(tampered) is not None
        return
    with pytest.raises(InitDataError):
        check(tampered)


def test_init_data_older_than_the_limit_is_expired() -> None:
    old = signed(at=NOW - DAY - timedelta(seconds=1))
    assert refusal(old) is Why.EXPIRED
    assert check(signed(at=NOW - DAY)) is not None
    assert refusal(signed(at=NOW - timedelta(hours=2)), max_age=timedelta(hours=1)) is Why.EXPIRED


def test_init_data_from_the_future_is_expired() -> None:
    assert refusal(signed(at=NOW + timedelta(hours=1))) is Why.EXPIRED


def test_signed_init_data_without_a_user_is_malformed() -> None:
    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "x"}
    fields["hash"] = sign_fields(TOKEN, fields)
    assert refusal(urlencode(fields)) is Why.MALFORMED


def test_signed_init_data_with_a_bad_date_is_malformed() -> None:
    fields = {"auth_date": "yesterday", "user": json.dumps(USER)}
    fields["hash"] = sign_fields(TOKEN, fields)
    assert refusal(urlencode(fields)) is Why.MALFORMED
