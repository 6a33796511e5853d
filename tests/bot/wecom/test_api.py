"""WeCom's API client against a scripted WeCom (httpx.MockTransport): the token's cache and
refresh, the retry on a token errcode, each errcode's neutral error, the multipart upload, the
card update, the menu; and no token or secret in any error's text."""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from bot.messenger import DeliveryError, FileTooLarge, RetryLater, Transient, Unreachable
from bot.wecom.api import SendResult, WeComApi, multipart
from bot.wecom.errors import ERRCODES, ConfigError, Kind, TokenRejected, WeComError

SECRET = "s3cr3t-SECRET-value"
BASE = "https://wecom.test"

Answer = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Monotonic seconds the test moves."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class FakeWeCom:
    """Issues tokens tok-1, tok-2, …; answers each API from a queue of scripted answers (an
    errcode dict, or a callable), else ok. Records every request."""

    def __init__(self, expires_in: int = 7200) -> None:
        self.expires_in = expires_in
        self.issued = 0
        self.requests: list[httpx.Request] = []
        self.script: dict[str, list[dict[str, Any] | Answer]] = {}
        self.gettoken_delay = 0.0

    def answer(self, api: str, *answers: dict[str, Any] | Answer) -> None:
        self.script.setdefault(api, []).extend(answers)

    @property
    def token(self) -> str:
        return f"tok-{self.issued}"

    def calls(self, api: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == f"/cgi-bin/{api}"]

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        api = request.url.path.removeprefix("/cgi-bin/")
        queued = self.script.get(api)
        if queued:
            scripted = queued.pop(0)
            if callable(scripted):
                return scripted(request)
            return httpx.Response(200, json=scripted)
        if api == "gettoken":
            if self.gettoken_delay:
                await asyncio.sleep(self.gettoken_delay)
            assert request.url.params["corpsecret"] == SECRET
            self.issued += 1
            return httpx.Response(
                200,
                json={
                    "errcode": 0,
                    "errmsg": "ok",
                    "access_token": self.token,
                    "expires_in": self.expires_in,
                },
            )
        assert request.url.params["access_token"] == self.token, "a stale token was used"
        if api == "message/send":
            return httpx.Response(200, json={"errcode": 0, "errmsg": "ok", "msgid": "m1"})
        if api == "media/upload":
            return httpx.Response(
                200, json={"errcode": 0, "errmsg": "", "type": "file", "media_id": "MEDIA-1"}
            )
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def wecom() -> FakeWeCom:
    return FakeWeCom()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(wecom: FakeWeCom, clock: FakeClock) -> AsyncIterator[WeComApi]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(wecom)) as http:
        yield WeComApi(BASE, "corp-1", SECRET, 1000002, http, clock)


def _no_secrets(exc: BaseException, *tokens: str) -> None:
    """Neither the secret nor a token appears in the error's text or traceback."""
    text = "".join(traceback.format_exception(exc))
    for secret in (SECRET, *tokens):
        assert secret not in text
        assert secret not in repr(exc)


# -- the token -------------------------------------------------------------------------------


async def test_the_token_is_fetched_once_and_cached(api: WeComApi, wecom: FakeWeCom) -> None:
    assert await api.token() == "tok-1"
    assert await api.token() == "tok-1"
    await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    (call,) = wecom.calls("gettoken")
    assert call.method == "GET"
    assert call.url.params["corpid"] == "corp-1"


async def test_the_token_is_refreshed_a_margin_before_it_expires(
    api: WeComApi, wecom: FakeWeCom, clock: FakeClock
) -> None:
    assert await api.token() == "tok-1"
    clock.t += 7200 - 300 - 1  # a second before the 5-minute margin
    assert await api.token() == "tok-1"
    clock.t += 1
    assert await api.token() == "tok-2"
    assert len(wecom.calls("gettoken")) == 2


async def test_a_short_lived_token_keeps_half_its_life_as_margin(
    wecom: FakeWeCom, clock: FakeClock
) -> None:
    wecom.expires_in = 60
    async with httpx.AsyncClient(transport=httpx.MockTransport(wecom)) as http:
        api = WeComApi(BASE, "corp-1", SECRET, 1, http, clock)
        await api.token()
        clock.t += 29
        assert await api.token() == "tok-1"
        clock.t += 1
        assert await api.token() == "tok-2"


async def test_concurrent_callers_share_one_refresh(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.gettoken_delay = 0.01
    tokens = await asyncio.gather(*(api.token() for _ in range(10)))
    assert set(tokens) == {"tok-1"}
    assert len(wecom.calls("gettoken")) == 1


@pytest.mark.parametrize("errcode", [42001, 40014, 40001])
async def test_a_token_errcode_refreshes_and_retries_once(
    api: WeComApi, wecom: FakeWeCom, errcode: int
) -> None:
    await api.token()
    wecom.answer("message/send", {"errcode": errcode, "errmsg": "access_token expired"})
    result = await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    assert result == SendResult(msgid="m1")
    sends = wecom.calls("message/send")
    assert [r.url.params["access_token"] for r in sends] == ["tok-1", "tok-2"]
    assert len(wecom.calls("gettoken")) == 2


async def test_a_token_refused_after_the_refresh_is_an_error(
    api: WeComApi, wecom: FakeWeCom
) -> None:
    refused = {"errcode": 40014, "errmsg": "invalid access_token"}
    wecom.answer("message/send", refused, refused)
    with pytest.raises(TokenRejected) as caught:
        await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    assert caught.value.errcode == 40014
    assert len(wecom.calls("message/send")) == 2
    _no_secrets(caught.value, "tok-1", "tok-2")


async def test_a_wrong_secret_is_refused_by_gettoken(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.answer("gettoken", {"errcode": 40001, "errmsg": "invalid credential"})
    with pytest.raises(TokenRejected) as caught:
        await api.token()
    assert "gettoken" in str(caught.value)
    _no_secrets(caught.value)


async def test_gettoken_from_an_untrusted_ip_is_a_config_error(
    api: WeComApi, wecom: FakeWeCom
) -> None:
    wecom.answer("gettoken", {"errcode": 60020, "errmsg": "not allow to access from your ip"})
    with pytest.raises(ConfigError) as caught:
        await api.token()
    assert caught.value.errcode == 60020


# -- errcodes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("errcode", "error", "seconds"),
    [
        (45009, RetryLater, 60.0),
        (45033, RetryLater, 2.0),
        (-1, RetryLater, 2.0),
        (6000, RetryLater, 1.0),
        (60011, Unreachable, None),
        (81013, Unreachable, None),
        (60111, Unreachable, None),
        (60021, Unreachable, None),
        (40003, Unreachable, None),
        (46004, Unreachable, None),
        (40056, ConfigError, None),
        (48002, ConfigError, None),
        (44004, WeComError, None),  # 文本消息content参数为空: not in the table
        (45002, WeComError, None),
    ],
)
async def test_each_errcode_is_its_neutral_error(
    api: WeComApi,
    wecom: FakeWeCom,
    errcode: int,
    error: type[DeliveryError],
    seconds: float | None,
) -> None:
    wecom.answer("message/send", {"errcode": errcode, "errmsg": f"boom {errcode}"})
    with pytest.raises(error) as caught:
        await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    text = str(caught.value)
    assert f"errcode {errcode}" in text
    assert f"boom {errcode}" in text
    assert "message/send" in text
    if seconds is not None:
        assert isinstance(caught.value, RetryLater)
        assert caught.value.seconds == seconds
    if error is WeComError:
        assert type(caught.value) is WeComError
        assert caught.value.errcode == errcode
    assert len(wecom.calls("message/send")) == 1  # only token errors are retried here
    _no_secrets(caught.value, "tok-1")


def test_the_table_names_every_kind() -> None:
    kinds = {m.kind for m in ERRCODES.values()}
    assert kinds == set(Kind)
    assert {c for c, m in ERRCODES.items() if m.kind is Kind.TOKEN} == {40001, 40014, 42001}


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_is_transient(api: WeComApi, wecom: FakeWeCom, status: int) -> None:
    wecom.answer("message/send", lambda r: httpx.Response(status, text="bad gateway"))
    with pytest.raises(Transient) as caught:
        await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    assert f"HTTP {status}" in str(caught.value)
    _no_secrets(caught.value, "tok-1")


async def test_a_network_error_is_transient_and_names_no_url(
    api: WeComApi, wecom: FakeWeCom
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    await api.token()
    wecom.answer("message/send", refuse)
    with pytest.raises(Transient) as caught:
        await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    assert "ConnectError" in str(caught.value)
    assert caught.value.__cause__ is None
    _no_secrets(caught.value, "tok-1")


async def test_a_network_error_on_gettoken_names_no_secret(
    api: WeComApi, wecom: FakeWeCom
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out on {request.url}", request=request)

    wecom.answer("gettoken", refuse)
    with pytest.raises(Transient) as caught:
        await api.token()
    _no_secrets(caught.value)


async def test_a_body_that_is_not_json_is_transient(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.answer("message/send", lambda r: httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(Transient):
        await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})


async def test_a_4xx_is_a_delivery_error(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.answer("message/send", lambda r: httpx.Response(404, text="no"))
    with pytest.raises(DeliveryError) as caught:
        await api.send("zhangsan", {"msgtype": "text", "text": {"content": "hi"}})
    assert not isinstance(caught.value, Transient)


def test_the_client_repr_holds_no_secret() -> None:
    http = httpx.AsyncClient()
    try:
        assert SECRET not in repr(WeComApi(BASE, "corp-1", SECRET, 1, http))
    finally:
        asyncio.run(http.aclose())


# -- message/send ----------------------------------------------------------------------------


async def test_send_posts_touser_agentid_and_the_message_as_raw_utf8(
    api: WeComApi, wecom: FakeWeCom
) -> None:
    result = await api.send("zhangsan", {"msgtype": "text", "text": {"content": "项目评审"}})
    assert result.msgid == "m1"
    assert result.response_code is None
    (call,) = wecom.calls("message/send")
    assert call.method == "POST"
    assert call.headers["content-type"].startswith("application/json")
    assert b"\\u" not in call.content  # 40033: WeCom refuses \uXXXX escapes
    assert json.loads(call.content) == {
        "touser": "zhangsan",
        "agentid": 1000002,
        "msgtype": "text",
        "text": {"content": "项目评审"},
    }


async def test_send_returns_a_cards_response_code(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.answer(
        "message/send",
        {"errcode": 0, "errmsg": "ok", "msgid": "m9", "response_code": "RC-1"},
    )
    card = {"card_type": "button_interaction", "task_id": "t-1"}
    result = await api.send("zhangsan", {"msgtype": "template_card", "template_card": card})
    assert result == SendResult(msgid="m9", response_code="RC-1")


async def test_an_invalid_user_in_a_successful_send_is_unreachable(
    api: WeComApi, wecom: FakeWeCom
) -> None:
    wecom.answer(
        "message/send", {"errcode": 0, "errmsg": "ok", "invaliduser": "zhangsan", "msgid": "x"}
    )
    with pytest.raises(Unreachable):
        await api.send("ZhangSan", {"msgtype": "text", "text": {"content": "hi"}})


# -- media -----------------------------------------------------------------------------------


async def test_upload_is_multipart_as_documented(api: WeComApi, wecom: FakeWeCom) -> None:
    content = b"PK\x03\x04 a word document"
    media_id = await api.upload("评审意见表.docx", content)
    assert media_id == "MEDIA-1"
    (call,) = wecom.calls("media/upload")
    assert call.method == "POST"
    assert call.url.params["type"] == "file"
    kind, _, boundary = call.headers["content-type"].partition("; boundary=")
    assert kind == "multipart/form-data"
    body = call.content
    head, _, rest = body.partition(b"\r\n\r\n")
    assert head.split(b"\r\n") == [
        f"--{boundary}".encode(),
        'Content-Disposition: form-data; name="media"; filename="评审意见表.docx"; '.encode()
        + f"filelength={len(content)}".encode(),
        b"Content-Type: application/octet-stream",
    ]
    assert rest == content + f"\r\n--{boundary}--\r\n".encode()


def test_multipart_escapes_quotes_and_line_breaks_in_the_filename() -> None:
    data = multipart("B", 'a"b\r\nc.txt', b"123456", "application/octet-stream")
    assert b'filename="a%22b%0D%0Ac.txt"' in data


async def test_upload_refuses_files_over_the_limit_or_too_small(api: WeComApi) -> None:
    with pytest.raises(FileTooLarge):
        await api.upload("big.png", b"x" * (10 * 1024 * 1024 + 1), kind="image")
    with pytest.raises(DeliveryError):
        await api.upload("tiny.txt", b"12345")
    with pytest.raises(ValueError):
        await api.upload("x.bin", b"123456", kind="movie")


async def test_upload_an_image_with_its_type(api: WeComApi, wecom: FakeWeCom) -> None:
    await api.upload("chart.png", b"\x89PNG....", kind="image", content_type="image/png")
    (call,) = wecom.calls("media/upload")
    assert call.url.params["type"] == "image"
    assert b"Content-Type: image/png" in call.content


async def test_download_returns_the_bytes(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.answer(
        "media/get",
        lambda r: httpx.Response(
            200, content=b"file bytes", headers={"content-type": "application/octet-stream"}
        ),
    )
    assert await api.download("MEDIA-9", max_bytes=100) == b"file bytes"
    (call,) = wecom.calls("media/get")
    assert call.url.params["media_id"] == "MEDIA-9"


async def test_download_past_max_bytes_is_file_too_large(api: WeComApi, wecom: FakeWeCom) -> None:
    wecom.answer(
        "media/get",
        lambda r: httpx.Response(
            200, content=b"x" * 50, headers={"content-type": "application/octet-stream"}
        ),
    )
    with pytest.raises(FileTooLarge):
        await api.download("MEDIA-9", max_bytes=10)


async def test_download_errcodes_and_token_retry(api: WeComApi, wecom: FakeWeCom) -> None:
    await api.token()
    wecom.answer(
        "media/get",
        {"errcode": 42001, "errmsg": "access_token expired"},
        lambda r: httpx.Response(
            200, content=b"ok bytes", headers={"content-type": "application/octet-stream"}
        ),
        {"errcode": 40007, "errmsg": "invalid media_id"},
    )
    assert await api.download("MEDIA-9", max_bytes=100) == b"ok bytes"
    with pytest.raises(WeComError) as caught:
        await api.download("MEDIA-9", max_bytes=100)
    assert caught.value.errcode == 40007


# -- cards and the menu ----------------------------------------------------------------------


async def test_update_card_body(api: WeComApi, wecom: FakeWeCom) -> None:
    card = {"card_type": "button_interaction", "task_id": "t-1", "main_title": {"title": "进度"}}
    await api.update_card(["zhangsan"], "RC-1", card)
    (call,) = wecom.calls("message/update_template_card")
    assert call.method == "POST"
    assert json.loads(call.content) == {
        "userids": ["zhangsan"],
        "agentid": 1000002,
        "response_code": "RC-1",
        "template_card": card,
    }


async def test_update_buttons_body(api: WeComApi, wecom: FakeWeCom) -> None:
    await api.update_buttons(["zhangsan", "lisi"], "RC-2", "已处理")
    (call,) = wecom.calls("message/update_template_card")
    assert json.loads(call.content) == {
        "userids": ["zhangsan", "lisi"],
        "agentid": 1000002,
        "response_code": "RC-2",
        "button": {"replace_name": "已处理"},
    }


async def test_create_menu_with_the_agentid_in_the_query(api: WeComApi, wecom: FakeWeCom) -> None:
    menu = {"button": [{"type": "click", "name": "待审事项", "key": "/pending"}]}
    await api.create_menu(menu)
    (call,) = wecom.calls("menu/create")
    assert call.url.params["agentid"] == "1000002"
    assert json.loads(call.content) == menu
