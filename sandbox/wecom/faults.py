"""Errcodes a test asks for: which API and member a rule hits, and how many times."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.wecom import errors

INJECTABLE = frozenset(
    {
        errors.SYSTEM_BUSY,
        errors.INVALID_ACCESS_TOKEN,
        errors.ACCESS_TOKEN_EXPIRED,
        errors.INVALID_SECRET,
        errors.FREQUENCY_LIMIT,
        errors.CONCURRENCY_LIMIT,
        errors.API_FORBIDDEN,
        errors.NO_PRIVILEGE,
        errors.USERID_NOT_FOUND,
        errors.ALL_INVALID,
    }
)


@dataclass
class ErrcodeRule:
    """Answer errcode to the calls of api (e.g. "message/send") for userid, times times."""

    errcode: int
    api: str | None = None
    userid: str | None = None
    times: int | None = 1
    hits: int = 0

    def __post_init__(self) -> None:
        if self.errcode not in INJECTABLE:
            raise ValueError(
                f"errcode {self.errcode} cannot be injected; use {sorted(INJECTABLE)}"
            )

    def matches(self, api: str, userids: list[str]) -> bool:
        """Return True when this rule applies to a call."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.api is not None and self.api != api:
            return False
        return self.userid is None or self.userid.lower() in {u.lower() for u in userids}


class Faults:
    """The active errcode rules, first match wins; a faulted call changes nothing."""

    def __init__(self) -> None:
        self.rules: list[ErrcodeRule] = []

    def add(self, rule: ErrcodeRule) -> ErrcodeRule:
        """Add a rule and return it."""
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def take(self, api: str, userids: list[str]) -> int | None:
        """Return the errcode for a call, counting the hit, or None."""
        for rule in self.rules:
            if rule.matches(api, userids):
                rule.hits += 1
                return rule.errcode
        return None
