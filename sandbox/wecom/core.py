"""The WeCom sandbox's shared parts: the app's settings, state, clock, ids, faults, limits."""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections import deque
from dataclasses import dataclass

from sandbox.wecom import errors
from sandbox.wecom.crypto import WXBizMsgCrypt
from sandbox.wecom.errors import ApiError
from sandbox.wecom.faults import Faults
from sandbox.wecom.state import (
    TOKEN_LIFETIME,
    AccessToken,
    Clock,
    Ids,
    TranscriptEntry,
    WeComState,
)

PER_MEMBER_MINUTE = 30  # "每应用对同一个成员不可超过30次/分钟,1000次/小时,超过部分会被丢弃不下发"
PER_MEMBER_HOUR = 1000


def default_aes_key(seed: str) -> str:
    """Return a 43-character EncodingAESKey derived from a seed (stable across runs), made
    of letters and digits only, as WeCom's admin console makes them."""
    for n in itertools.count():
        key = base64.b64encode(hashlib.sha256(f"{seed}:{n}".encode()).digest()).decode()[:43]
        if key.isalnum():
            return key
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class AppConfig:
    """A self-built app (自建应用): corp id, secret, agent id and its callback settings."""

    corp_id: str = "ww0000sandbox0001"
    corp_secret: str = "sandbox-secret"
    agent_id: int = 1000002
    token: str = "sandboxtoken"
    encoding_aes_key: str = default_aes_key("zhaoshang-wecom-sandbox")


class Core:
    """The sandbox's current state and the switches that outlive reset()."""

    def __init__(
        self,
        config: AppConfig,
        *,
        expires_in: int = TOKEN_LIFETIME,
        enforce_limits: bool = False,
    ) -> None:
        self.config = config
        self.crypto = WXBizMsgCrypt(config.token, config.encoding_aes_key, config.corp_id)
        self.expires_in = expires_in
        self.enforce_limits = enforce_limits
        self.clock = Clock()
        self.ids = Ids()
        self.faults = Faults()
        self.state = WeComState()
        self._sent: dict[str, deque[float]] = {}

    def reset(self) -> None:
        """Forget members, tokens, media, messages, cards, menus and faults; keep the app."""
        self.state = WeComState()
        self.faults.clear()
        self._sent.clear()

    def now(self) -> float:
        """Return the sandbox's time."""
        return self.clock.now()

    def issue_token(self) -> AccessToken:
        """Return the live token, or a new one (gettoken returns the same one until expiry)."""
        now = self.now()
        for token in self.state.tokens.values():
            if not token.expired(now):
                return token
        token = AccessToken(self.ids.token(), now, self.expires_in)
        self.state.tokens[token.value] = token
        return token

    def check_token(self, value: str | None) -> None:
        """Raise 41001, 40014 or 42001 unless the access_token is live."""
        if not value:
            raise ApiError(errors.MISSING_ACCESS_TOKEN)
        token = self.state.tokens.get(value)
        if token is None:
            raise ApiError(errors.INVALID_ACCESS_TOKEN)
        if token.expired(self.now()):
            raise ApiError(errors.ACCESS_TOKEN_EXPIRED)

    def expire_tokens(self) -> None:
        """Expire every token now: later calls get 42001 until the bot calls gettoken."""
        for token in self.state.tokens.values():
            token.revoked = True

    def over_rate(self, userid: str) -> bool:
        """Count a message to a member; True when WeCom would drop it (30/min, 1000/h)."""
        if not self.enforce_limits:
            return False
        now = self.now()
        sent = self._sent.setdefault(userid.lower(), deque())
        while sent and sent[0] <= now - 3600:
            sent.popleft()
        last_minute = sum(1 for at in sent if at > now - 60)
        if last_minute >= PER_MEMBER_MINUTE or len(sent) >= PER_MEMBER_HOUR:
            return True
        sent.append(now)
        return False

    def log(self, userid: str, who: str, kind: str, text: str) -> None:
        """Append a line to a member's transcript at the sandbox's time."""
        self.state.log(userid, TranscriptEntry(self.now(), who, kind, text))
