"""WeCom's server API (企业微信 服务端API) for a self-built app (自建应用): the access token
(获取access_token), 发送应用消息, 上传临时素材, 获取临时素材, 更新模版卡片消息, 创建菜单 and
读取成员.
(Longer than 300 lines: one method per API, beside the token's cache and retry they share.)

Every call answers JSON with an `errcode`; a non-zero one becomes the port's neutral error
(bot/wecom/errors.py). The access token is cached and refreshed a margin before it expires,
one refresh at a time; a call refused for its token (40001, 40014, 42001) is retried once
with a fresh one. The token and the secret travel in the query string, so no exception raised
here names the URL, and none chains the HTTP library's exception (whose text may).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx

from bot.messenger import DeliveryError, FileTooLarge, Unreachable
from bot.wecom.errors import NOT_VISIBLE, TOKEN_ERRCODES, error_for, transient

DEFAULT_BASE_URL: Final = "https://qyapi.weixin.qq.com"
# Refresh this long before `expires_in` runs out (7200 s as WeCom issues them).
REFRESH_MARGIN: Final = 300.0
# 上传的媒体文件限制: every file more than 5 bytes; image 10 MB, voice 2 MB, video 10 MB,
# file 20 MB.
MIN_UPLOAD_BYTES: Final = 6
UPLOAD_LIMITS: Final[Mapping[str, int]] = {
    "image": 10 * 1024 * 1024,
    "voice": 2 * 1024 * 1024,
    "video": 10 * 1024 * 1024,
    "file": 20 * 1024 * 1024,
}

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class SendResult:
    """What message/send answered: the message id (for 撤回应用消息), and for an interactive
    template card the `response_code` that lets 更新模版卡片消息 update it once (72 hours)."""

    msgid: str
    response_code: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    """What 读取成员 answered of a member: their UserID and their name ("" when WeCom gave
    none)."""

    userid: str
    name: str = ""


class WeComApi:
    """One self-built app's server API. `clock` is monotonic seconds (time.monotonic by
    default; tests pass a fake one); `http` is the caller's client, closed by the caller."""

    def __init__(
        self,
        base_url: str,
        corp_id: str,
        corp_secret: str,
        agent_id: int | str,
        http: httpx.AsyncClient,
        clock: Clock = time.monotonic,
        *,
        refresh_margin: float = REFRESH_MARGIN,
    ) -> None:
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.corp_id = corp_id
        self._secret = corp_secret
        self.agent_id = int(agent_id)
        self.http = http
        self.clock = clock
        self.refresh_margin = refresh_margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"WeComApi({self.base_url!r}, corp_id={self.corp_id!r}, agent_id={self.agent_id})"

    # -- the access token ------------------------------------------------------------------

    async def token(self) -> str:
        """A valid access token: the cached one, or a new one from `gettoken` once the cached
        one is within the margin of its expiry (one refresh at a time)."""
        token = self._fresh()
        if token is not None:
            return token
        async with self._lock:
            token = self._fresh()
            if token is not None:
                return token
            return await self._refresh()

    def _fresh(self) -> str | None:
        if self._token is not None and self.clock() < self._expires_at:
            return self._token
        return None

    def _forget(self, token: str) -> None:
        """Drop `token` if it is still the cached one (another task may have replaced it)."""
        if self._token == token:
            self._token = None

    async def _refresh(self) -> str:
        api = "gettoken"
        started = self.clock()
        body = await self._exchange(
            api, "GET", params={"corpid": self.corp_id, "corpsecret": self._secret}
        )
        _check(body, api)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise DeliveryError(f"{api}: no access_token in the answer")
        expires_in = float(body.get("expires_in") or 7200)
        margin = min(self.refresh_margin, expires_in / 2)
        self._token = token
        self._expires_at = started + expires_in - margin
        return token

    # -- the calls -------------------------------------------------------------------------

    async def send(self, to_user: str, message: Mapping[str, Any]) -> SendResult:
        """发送应用消息 to one member (`touser`), `message` being the body without touser and
        agentid (bot/wecom/render.py makes them). Unreachable when WeCom names the member
        invalid (invaliduser) even though the call succeeded."""
        payload = {"touser": to_user, "agentid": self.agent_id, **message}
        body = await self._call("message/send", "POST", json_body=payload)
        invalid = {u for u in str(body.get("invaliduser") or "").split("|") if u}
        if to_user.lower() in {u.lower() for u in invalid}:
            raise Unreachable(f"{NOT_VISIBLE}: message/send: invaliduser")
        code = body.get("response_code")
        return SendResult(msgid=str(body.get("msgid") or ""), response_code=code or None)

    async def upload(
        self,
        filename: str,
        content: bytes,
        kind: str = "file",
        content_type: str = "application/octet-stream",
    ) -> str:
        """上传临时素材 (multipart, the part named "media" with filename and filelength);
        returns the media_id, valid three days. FileTooLarge past the kind's limit."""
        limit = UPLOAD_LIMITS.get(kind)
        if limit is None:
            raise ValueError(f"unknown media type {kind!r}")
        if len(content) > limit:
            raise FileTooLarge(f"{len(content)} bytes, the {kind} limit is {limit}")
        if len(content) < MIN_UPLOAD_BYTES:
            raise DeliveryError(f"media/upload: a file must be more than 5 bytes ({filename!r})")
        boundary = uuid.uuid4().hex
        data = multipart(boundary, filename, content, content_type)
        body = await self._call(
            "media/upload",
            "POST",
            params={"type": kind},
            content=data,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        media_id = body.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise DeliveryError("media/upload: no media_id in the answer")
        return media_id

    async def download(self, media_id: str, max_bytes: int) -> bytes:
        """获取临时素材: the bytes of a file a member sent (its MediaId); FileTooLarge past
        `max_bytes`. WeCom answers JSON with an errcode instead of the file on an error."""
        api = "media/get"
        for attempt in (1, 2):
            token = await self.token()
            try:
                data, is_json = await self._fetch_media(api, token, media_id, max_bytes)
            except _Failed as failed:
                raise failed.error from None
            if not is_json:
                return data
            body = _parse(data, api)
            if body.get("errcode") in TOKEN_ERRCODES and attempt == 1:
                self._forget(token)
                continue
            _check(body, api)
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    async def update_card(
        self, userids: Sequence[str], response_code: str, card: Mapping[str, Any]
    ) -> None:
        """更新模版卡片消息 into a new card (`template_card`) for these members, spending
        `response_code` (valid once, 72 hours, from the send or from the member's press)."""
        payload = {
            "userids": list(userids),
            "agentid": self.agent_id,
            "response_code": response_code,
            "template_card": dict(card),
        }
        await self._call("message/update_template_card", "POST", json_body=payload)

    async def update_buttons(
        self, userids: Sequence[str], response_code: str, replace_name: str
    ) -> None:
        """更新模版卡片消息, buttons only: the card's buttons become one grey, unclickable
        button reading `replace_name` (更新按钮为不可点击状态); its text stays."""
        payload = {
            "userids": list(userids),
            "agentid": self.agent_id,
            "response_code": response_code,
            "button": {"replace_name": replace_name},
        }
        await self._call("message/update_template_card", "POST", json_body=payload)

    async def create_menu(self, menu: Mapping[str, Any]) -> None:
        """创建菜单 for the app: `menu` is `{"button": [...]}` as WeCom documents it (1-3
        buttons, each with up to 5 sub_button)."""
        await self._call(
            "menu/create", "POST", params={"agentid": str(self.agent_id)}, json_body=dict(menu)
        )

    async def get_member(self, userid: str) -> Member:
        """读取成员 (user/get): a member's name. A self-built app reads only the members in its
        visible range: Unreachable for one outside it (60011) or unknown (60111, 40003),
        ConfigError when the app may not call the API (48002)."""
        body = await self._call("user/get", "GET", params={"userid": userid})
        name = body.get("name")
        return Member(
            userid=str(body.get("userid") or userid),
            name=name.strip() if isinstance(name, str) else "",
        )

    # -- transport -------------------------------------------------------------------------

    async def _call(
        self,
        api: str,
        method: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        """One API call with the token; refreshed and retried once on a token errcode."""
        if json_body is not None:
            # WeCom refuses \\uXXXX escapes (40033 不合法的请求字符): raw UTF-8.
            content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        for attempt in (1, 2):
            token = await self.token()
            body = await self._exchange(
                api,
                method,
                params={**(params or {}), "access_token": token},
                content=content,
                content_type=content_type,
            )
            if body.get("errcode") in TOKEN_ERRCODES and attempt == 1:
                self._forget(token)
                continue
            _check(body, api)
            return body
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(
        self,
        api: str,
        method: str,
        *,
        params: Mapping[str, str],
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        """Send one request, return its JSON body; network errors and 5xx are Transient."""
        headers = {"Content-Type": content_type} if content_type else None
        try:
            response = await self.http.request(
                method,
                f"{self.base_url}/cgi-bin/{api}",
                params=params,
                content=content,
                headers=headers,
            )
        except httpx.HTTPError as exc:
            failure: DeliveryError = transient(api, f"network error ({type(exc).__name__})")
        else:
            failure = _status_error(api, response.status_code)
            if response.status_code == 200:
                return _parse(response.content, api)
        raise failure

    async def _fetch_media(
        self, api: str, token: str, media_id: str, max_bytes: int
    ) -> tuple[bytes, bool]:
        """The body of media/get, at most `max_bytes`, and whether it is JSON (an error)."""
        url = f"{self.base_url}/cgi-bin/{api}"
        params = {"access_token": token, "media_id": media_id}
        try:
            async with self.http.stream("GET", url, params=params) as response:
                if response.status_code != 200:
                    raise _Failed(_status_error(api, response.status_code))
                kind = response.headers.get("content-type", "")
                is_json = kind.startswith(("application/json", "text/plain"))
                length = response.headers.get("content-length")
                if not is_json and length and length.isdigit() and int(length) > max_bytes:
                    raise _Failed(FileTooLarge(f"{length} bytes"))
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes and not is_json:
                        raise _Failed(FileTooLarge(f"more than {max_bytes} bytes"))
                    chunks.append(chunk)
                return b"".join(chunks), is_json
        except httpx.HTTPError as exc:
            failure = transient(api, f"network error ({type(exc).__name__})")
        raise _Failed(failure)


class _Failed(Exception):
    """Carries an error out of a `with` block, raised afresh without the library's context."""

    def __init__(self, error: DeliveryError) -> None:
        super().__init__(str(error))
        self.error = error


def _status_error(api: str, status: int) -> DeliveryError:
    if status >= 500:
        return transient(api, f"HTTP {status}")
    return DeliveryError(f"{api}: HTTP {status}")


def _parse(data: bytes, api: str) -> dict[str, Any]:
    try:
        body = json.loads(data)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise transient(api, "not a JSON object")
    return body


def _check(body: Mapping[str, Any], api: str) -> None:
    """Raise the port's error for a non-zero errcode."""
    try:
        errcode = int(body.get("errcode") or 0)
    except (TypeError, ValueError):
        raise transient(api, "errcode is not a number") from None
    if errcode != 0:
        raise error_for(errcode, str(body.get("errmsg") or ""), api)


def multipart(boundary: str, filename: str, content: bytes, content_type: str) -> bytes:
    """One file as multipart/form-data in the form 上传临时素材 documents: the part named
    "media", with `filename` (UTF-8) and `filelength`."""
    safe = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="media"; filename="{safe}"; '
        f"filelength={len(content)}\r\n"
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode()
