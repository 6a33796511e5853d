"""Joint meetings as the 会议纪要 receives them: a full one, a short one, a sparse one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from documents.word.minutes import AgendaItem, Attendee, AttendeeGroup, Disagreement, Minutes

_GROUPS = (
    ("区发展改革局", (("卢梓星", "局长"), ("曾卫坤", None))),
    ("区经济和信息化局", (("张庆忠", "局长"),)),
    ("区财政局", (("李文华", "副局长"),)),
    ("市自然资源局清新分局", (("黄志明", "副局长"),)),
    ("市生态环境局清新分局", (("陈立新", "局长"),)),
    ("区住房和城乡建设局", (("周海燕", "副局长"),)),
    ("区应急管理局", (("梁国栋", "局长"),)),
    ("清新智能制造产业园管委会", (("何俊峰", "主任"),)),
)


def minutes() -> Minutes:
    """A meeting of three projects: approved with conditions, rejected over a 不同意, deferred;
    every field set, an approved exception and long conditions. It runs to two pages."""
    return Minutes(
        number="2026年第3期",
        title="2026年第3次招商选资工作协调联席会议",
        held_at=datetime(2026, 11, 20, 1, 30, tzinfo=UTC),
        place="区政府三楼第一会议室",
        chair=Attendee("张仁建", "区委副书记、区长"),
        attendees=[
            AttendeeGroup(unit, [Attendee(name, title) for name, title in people])
            for unit, people in _GROUPS
        ],
        items=[
            AgendaItem(
                serial="QX-2026-0001",
                project_name="清新智能装备制造基地项目",
                investor="广东华锐精密科技股份有限公司",
                total_investment_wan=Decimal(65000),
                outcome="passed",
                decision="approved",
                flags=["项目用地涉及部分存量厂房改造，需同步办理不动产权变更"],
                conditions=[
                    "环境影响：须在动工前取得环境影响评价批复，并落实废水、废气治理设施与主体工程同时设计、同时施工、同时投产使用",
                    "2027年6月前动工建设，2028年12月前建成投产",
                    "达产后亩均税收不低于30万元，亩均产值不低于500万元",
                ],
                remarks="由区经济和信息化局牵头，会同选址园区做好项目落地跟踪服务。",
                exceptions=[
                    "经区招商选资工作领导小组同意，本项目按例外情形办理（001 四(三)）："
                    "投资强度低于标准，以税收贡献承诺替代。"
                ],
            ),
            AgendaItem(
                serial="QX-2026-0002",
                project_name="电镀加工项目",
                investor="清远某电镀有限公司",
                total_investment_wan=Decimal("8000.5"),
                outcome="flagged",
                decision="rejected",
                disagreements=[
                    Disagreement(
                        "建设规划",
                        "市城乡规划局清新分局",
                        "选址不符合园区规划，园区未规划电镀集中区",
                    ),
                    Disagreement("环境影响", "市生态环境局清新分局", "属于重污染行业"),
                ],
            ),
            AgendaItem(
                serial="QX-2026-0003",
                project_name="冷链物流项目",
                investor="清远冷链供应链管理有限公司",
                total_investment_wan=Decimal(20000),
                outcome="passed",
                decision="deferred",
                conditions=["补充用地选址论证材料", "补充近三年经审计的财务报表"],
            ),
        ],
        recorder="吴惠红",
        issuer="区招商选资工作领导小组办公室",
        issued_on=date(2026, 11, 21),
        send_to=["区招商选资工作领导小组各成员单位"],
        copy_to=["区委办公室", "区人大常委会办公室", "区政协办公室"],
    )


def short_minutes() -> Minutes:
    """A meeting that deferred one project: one page, with the 版记 at its foot."""
    full = minutes()
    deferred = replace(full.items[2], investor="清远冷链物流公司", conditions=[])
    return replace(
        full,
        attendees=full.attendees[:1],
        items=[deferred],
        recorder=None,
        send_to=[],
        copy_to=[],
    )


def sparse_minutes() -> Minutes:
    """A meeting with most optional fields missing: no investor, place, issuer or distribution."""
    return Minutes(
        number="4",
        title="2026年第4次招商选资工作协调联席会议",
        held_at=datetime(2026, 12, 1, 2, 0),
        place=None,
        chair=Attendee("张仁建"),
        attendees=[AttendeeGroup("区发展改革局", [Attendee("卢梓星")])],
        items=[
            AgendaItem(
                serial="QX-2026-0004",
                project_name="冷链物流二期项目",
                investor=None,
                total_investment_wan=None,
                outcome="passed",
                decision="approved",
            )
        ],
    )
