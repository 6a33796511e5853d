"""项目建设联络表 (000 附件7): each unit's liaison leader and officer for a signed project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.texts import Texts
from documents.word.base import (
    FormTable,
    check_choice,
    new_document,
    paragraph,
    title,
    to_bytes,
)
from templates.renderer import Renderer

FollowedBy = Literal["unit_heads", "district_leaders"]  # as the policy's follow-up tiers
FOLLOWED_BY: Final = ("unit_heads", "district_leaders")
TEMPLATE: Final = "liaison_table.j2"
COLUMNS: Final = ("number", "unit", "duties", "leader", "officer")


@dataclass(frozen=True, slots=True)
class Contact:
    """A person named on the form, with the phone printed under the name."""

    name: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class LiaisonRow:
    """One unit's row: what it handles and its 责任领导 and 业务骨干 (000 一(三)2(1))."""

    unit: str
    duties: str | None = None  # 主要负责业务
    leader: Contact | None = None  # 联络领导
    officer: Contact | None = None  # 联络办事员


@dataclass(frozen=True, slots=True)
class LiaisonTable:
    """The liaison form of one signed project and who follows it up (000 一(三)2(3))."""

    serial: str
    project_name: str
    investor: str | None
    total_investment_wan: Decimal | None
    dated: date | None  # the form's date; blank for the units to fill in when None
    followed_by: FollowedBy  # the policy's follow-up tier for the total investment
    rows: list[LiaisonRow] = field(default_factory=list)
    district_leaders: list[str] = field(default_factory=list)  # who 分头联系 it, when named

    def __post_init__(self) -> None:
        check_choice("followed_by", self.followed_by, FOLLOWED_BY)


def liaison_table(t: LiaisonTable, *, renderer: Renderer | None = None) -> bytes:
    """The 项目建设联络表 of a signed project as a .docx file."""
    text = Texts(renderer, TEMPLATE)
    doc = new_document(body_size=12)
    title(doc, text("title"), size=18)
    paragraph(doc, text("day", value=t.dated), align=WD_ALIGN_PARAGRAPH.CENTER)

    head = FormTable(doc, (16, 34, 16, 34))
    keys = ("serial", "project", "investor", "investment")
    label = {key: text("label", key=key) for key in keys}
    investment = text("investment", value=t.total_investment_wan)
    head.row([label["serial"], t.serial, label["investment"], investment], labels=(0, 2))
    head.row([label["project"], t.project_name], spans=(1, 3), labels=(0,))
    head.row([label["investor"], t.investor], spans=(1, 3), labels=(0,))

    paragraph(doc)
    body = FormTable(doc, (8, 19, 27, 23, 23))  # wide enough for a mobile number on one line
    body.row([text.lines("column", key=key) for key in COLUMNS], header=True)
    for number, row in enumerate(t.rows, start=1):
        cells = body.row(
            [
                str(number),
                row.unit,
                row.duties,
                _contact(text, row.leader),
                _contact(text, row.officer),
            ]
        )
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    paragraph(doc)
    for line in text.lines("follow_up", followed_by=t.followed_by, leaders=t.district_leaders):
        paragraph(doc, line, indent=True)
    return to_bytes(doc)


def _contact(text: Texts, person: Contact | None) -> list[str] | None:
    if person is None:
        return None
    return text.lines("contact", name=person.name, phone=person.phone)
