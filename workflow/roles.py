"""The roles a person can hold in the bot, and what each is for."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """A role (角色) that grants actions; a person may hold several, each tied to a unit."""

    INVESTOR = "investor"  # 投资方: fills in the plan
    OFFICE = "office"  # 领导小组办公室: runs the pipeline
    REVIEWER = "reviewer"  # 评审小组成员单位: gives the opinion on a dimension
    REVIEW_CHAIR = "review_chair"  # 评审小组组长/副组长 (附件3): concludes a district round
    UNIT_REPORTER = "unit_reporter"  # 成员单位报送人: the monthly report
    UNIT_HEAD = "unit_head"  # 成员单位主要负责人: escalations, follow-up below 1亿
    LIAISON = "liaison"  # 联络员 of a signed project
    LEADER = "leader"  # 区领导 (组长, 副组长, 四套班子): decisions, follow-up from 1亿
    CITY_OFFICE = "city_office"  # 市领导小组办公室: filings
    CITY_EXEC_DEPUTY = "city_exec_deputy"  # 市常务副组长: approval from 3亿
    CITY_LEADER = "city_leader"  # 市组长: approval from 10亿
    CITY_REVIEWER = "city_reviewer"  # 市级评审单位: a dimension in the city's own review
    ADMIN = "admin"  # 管理员: invitations and settings
    DRC_FILING = "drc_filing"  # 发改局核准备案: approves and files a signed agreement


OFFICIAL_ROLES: Final = frozenset(Role) - {Role.INVESTOR}
"""Roles held only by invitation."""

CITY_ROLES: Final = frozenset({Role.CITY_OFFICE, Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER})
