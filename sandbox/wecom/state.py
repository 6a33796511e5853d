"""What the WeCom sandbox knows: its clock, members, tokens, media, messages, cards, menus."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

TOKEN_LIFETIME = 7200  # seconds, gettoken's documented expires_in
RESPONSE_CODE_LIFETIME = 72 * 3600  # response_code: once, within 72 hours
MEDIA_LIFETIME = 3 * 24 * 3600  # media_id: three days


class Clock:
    """Wall-clock seconds that a test can move forward (token, response_code and media expiry)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """Return the sandbox's current time, in seconds since the epoch."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox's time forward."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds


@dataclass
class Member:
    """A member (成员) of the corp; visible when inside the app's visible range (可见范围)."""

    userid: str
    name: str
    visible: bool = True


@dataclass
class AccessToken:
    """An access_token handed out by gettoken."""

    value: str
    issued_at: float
    expires_in: int
    revoked: bool = False

    def expired(self, now: float) -> bool:
        """Return True once the token's lifetime has passed or a test expired it."""
        return self.revoked or now >= self.issued_at + self.expires_in


@dataclass
class Media:
    """A temporary media file (临时素材) uploaded with media/upload."""

    media_id: str
    type: str
    filename: str
    content_type: str
    content: bytes
    created_at: float

    def expired(self, now: float) -> bool:
        """Return True three days after the upload."""
        return now >= self.created_at + MEDIA_LIFETIME


@dataclass
class SentMessage:
    """One message/send as one member received it."""

    msgid: str
    userid: str
    msgtype: str
    body: dict[str, Any]
    at: float
    truncated: bool = False
    dropped: bool = False  # over WeCom's per-member rate: accepted, not delivered
    response_code: str | None = None

    @property
    def content(self) -> str:
        """Return the text a text or markdown message shows (after truncation)."""
        part = self.body.get(self.msgtype)
        return str(part.get("content", "")) if isinstance(part, dict) else ""

    @property
    def card(self) -> dict[str, Any] | None:
        """Return the template_card as sent, for a card message."""
        card = self.body.get("template_card")
        return card if isinstance(card, dict) else None


@dataclass
class CardUpdate:
    """One message/update_template_card applied to one member's card."""

    userid: str
    task_id: str
    response_code: str
    at: float
    replace_name: str | None = None
    card: dict[str, Any] | None = None


@dataclass
class CardView:
    """A card as a member sees it now: the card last shown and whether its buttons work."""

    task_id: str
    userid: str
    msgid: str
    card: dict[str, Any]
    replace_name: str | None = None
    updates: list[CardUpdate] = field(default_factory=list)

    @property
    def clickable(self) -> bool:
        """Return False once an update turned the buttons into replace_name text."""
        return self.replace_name is None

    def button_keys(self) -> list[str]:
        """Return the keys of the callback buttons (type 0) the card shows."""
        buttons = self.card.get("button_list") or []
        return [str(b["key"]) for b in buttons if int(b.get("type", 0)) == 0 and "key" in b]


@dataclass
class ResponseCode:
    """A response_code: from a send (every recipient) or a press (that member only)."""

    code: str
    task_id: str
    userids: list[str]
    issued_at: float
    used_at: float | None = None

    def usable(self, now: float) -> bool:
        """Return True when unused and issued less than 72 hours ago."""
        return self.used_at is None and now < self.issued_at + RESPONSE_CODE_LIFETIME


@dataclass
class CallRecord:
    """One call the bot made to the sandbox's /cgi-bin API, with the errcode it got."""

    api: str
    query: dict[str, str]
    body: Any
    errcode: int
    at: float


@dataclass
class Attempt:
    """One POST or GET of a callback to the bot: its HTTP status and answer, or the error."""

    status: int | None
    body: str
    elapsed: float
    error: str | None = None


@dataclass
class Delivery:
    """One callback the sandbox delivered to the bot (retried like WeCom when it gets no 200)."""

    kind: str
    userid: str | None
    plain: str
    query: dict[str, str]
    body: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def status(self) -> int | None:
        """Return the last attempt's HTTP status (None when it timed out or failed)."""
        return self.attempts[-1].status if self.attempts else None

    @property
    def answer(self) -> str:
        """Return the body of the last attempt's answer."""
        return self.attempts[-1].body if self.attempts else ""


@dataclass
class TranscriptEntry:
    """One line of what a member saw or did, in order."""

    at: float
    who: str  # "app" or "user"
    kind: str
    text: str


class Ids:
    """Fresh identifiers in WeCom's shapes."""

    def __init__(self) -> None:
        self._msg = itertools.count(7_000_000_000_000_000_001)

    def msgid(self) -> str:
        """Return a message id for message/send (an opaque string in WeCom)."""
        return secrets.token_urlsafe(48)

    def inbound_msgid(self) -> str:
        """Return a 64-bit MsgId for a callback message."""
        return str(next(self._msg))

    def token(self) -> str:
        """Return an access_token (WeCom reserves 512 bytes; real ones are ~200)."""
        return secrets.token_urlsafe(150)

    def media_id(self) -> str:
        """Return a media_id."""
        return "3" + secrets.token_urlsafe(40)

    def response_code(self) -> str:
        """Return a response_code."""
        return secrets.token_urlsafe(32)

    def nonce(self) -> str:
        """Return a callback nonce (digits, as WeCom sends)."""
        return str(secrets.randbelow(10**10))


@dataclass
class WeComState:
    """Everything the sandbox holds now (reset() replaces it)."""

    members: dict[str, Member] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)
    messages: list[SentMessage] = field(default_factory=list)
    task_ids: set[str] = field(default_factory=set)
    cards: dict[tuple[str, str], CardView] = field(default_factory=dict)
    response_codes: dict[str, ResponseCode] = field(default_factory=dict)
    updates: list[CardUpdate] = field(default_factory=list)
    menus: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    transcripts: dict[str, list[TranscriptEntry]] = field(default_factory=dict)

    def member(self, userid: str) -> Member | None:
        """Return a member by UserID, which WeCom compares without case."""
        return self.members.get(userid.lower())

    def log(self, userid: str, entry: TranscriptEntry) -> None:
        """Append a line to a member's transcript."""
        self.transcripts.setdefault(userid.lower(), []).append(entry)
