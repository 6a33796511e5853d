"""The office is told, once, when the documents go without their PDF copy because LibreOffice
is not on the server: a phone without an office app may not open a Word file."""

from __future__ import annotations

from typing import Final

from handlers.context import Services
from handlers.notify import message, notify_role
from storage.uow import UnitOfWork
from workflow.roles import Role

DEDUPE_KEY: Final = "pdf-copies-off"


def pdf_copies_off(s: Services, uow: UnitOfWork) -> int:
    """While LibreOffice is missing, one notice to each office holder, ever (one who joins the
    office later is told too); nothing while PDF copies are made, or were switched off on
    purpose (ZHAOSHANG_PDF_COPIES=false)."""
    if not s.libreoffice_missing:
        return 0
    return notify_role(
        s, uow, Role.OFFICE, message(s, "delivery#pdf_copies_off"), dedupe_key=DEDUPE_KEY
    )
