"""项目建设联络表 (000 附件7): each unit's liaison leader and officer for a signed project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from documents.word.base import check_choice
from documents.word.templates import WordTemplates, default_templates

FollowedBy = Literal["unit_heads", "district_leaders"]  # as the policy's follow-up tiers
FOLLOWED_BY: Final = ("unit_heads", "district_leaders")
TEMPLATE: Final = "liaison_table"


@dataclass(frozen=True, slots=True)
class Contact:
    """A person named on the form, with the phone printed under the name."""

    name: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class LiaisonRow:
    """One unit's row: what it handles and its 责任领导 and 业务骨干 (000 一(三)2(1))."""

    unit: str  # 部门
    duties: str | None = None  # 主要负责业务
    leader: Contact | None = None  # 联络领导（电话）
    officer: Contact | None = None  # 联络办事员（电话）


@dataclass(frozen=True, slots=True)
class LiaisonTable:
    """The liaison form of one signed project and who follows it up (000 一(三)2(3)): the data
    of the liaison_table template."""

    serial: str  # 项目编号
    project_name: str  # 项目名称
    investor: str | None  # 投资方
    total_investment_wan: Decimal | None  # 投资总额（万元）
    dated: date | None  # the form's date; blank for the units to fill in when None
    followed_by: FollowedBy  # the policy's follow-up tier for the total investment
    rows: list[LiaisonRow] = field(default_factory=list)
    district_leaders: list[str] = field(default_factory=list)  # who 分头联系 it, when named

    def __post_init__(self) -> None:
        check_choice("followed_by", self.followed_by, FOLLOWED_BY)


def liaison_table(t: LiaisonTable, *, templates: WordTemplates | None = None) -> bytes:
    """The 项目建设联络表 of a signed project as a .docx file."""
    return (templates or default_templates()).render(TEMPLATE, t)
