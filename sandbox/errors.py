"""Error types: Telegram-shaped API errors and sandbox misuse errors."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error answered to the bot exactly as Telegram shapes it."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """Return the Telegram error body."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class SandboxError(Exception):
    """Raised when a test drives the user side in a way the Telegram app would not allow."""


def bad_request(detail: str) -> ApiError:
    """Return a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def chat_not_found() -> ApiError:
    """Return Telegram's error for an unknown chat."""
    return bad_request("chat not found")


def bot_blocked() -> ApiError:
    """Return Telegram's error for a user who blocked the bot."""
    return ApiError(403, "Forbidden: bot was blocked by the user")


def too_many_requests(retry_after: int) -> ApiError:
    """Return Telegram's flood-control error."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def internal_error() -> ApiError:
    """Return Telegram's internal server error."""
    return ApiError(500, "Internal Server Error")


def unauthorized() -> ApiError:
    """Return Telegram's error for a wrong token."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """Return Telegram's error for an unknown method or malformed token."""
    return ApiError(404, "Not Found")


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
