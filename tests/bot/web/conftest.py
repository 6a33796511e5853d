"""The handlers' services fixture for the web adapter's tests."""

from __future__ import annotations

from tests.handlers.conftest import services

__all__ = ["services"]
