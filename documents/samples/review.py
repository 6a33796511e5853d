"""A review round of ten dimensions with long opinions, as 附件5 receives it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from documents.word.review_sheet import Confirmation, ReviewRow, ReviewSheet, UnitOpinion

_LONG = (
    "项目选址位于清新智能制造产业园规划工业用地范围内，符合园区产业定位；"
    "建设内容与申报材料一致，建议在用地预审阶段进一步核实容积率和建筑密度指标。"
)
_FORM_ROWS = (
    ("产业政策", "区发展改革局"),
    ("环境影响", "区环境保护局"),
    ("建设规划", "市城乡规划局清新分局、选址园区"),
    ("土地利用", "市国土资源局清新分局"),
    ("入园条件", "区经济和信息化局、区贸促会"),
    ("经济效益", "区经济和信息化局、区国税局、区地税局"),
    ("科技含量", "区经济和信息化局"),
    ("能源消耗评估", "区经济和信息化局"),
    ("投资实力评审", "区经济和信息化局、区贸促会"),
    ("法律风险评估", "区府办公室、区法制局"),
)


def review_sheet() -> ReviewSheet:
    """A closed round of the ten 附件5 dimensions, two of them reviewed jointly."""
    rows = []
    for number, (label, units) in enumerate(_FORM_ROWS):
        if label == "入园条件":
            rows.append(
                ReviewRow(
                    label=label,
                    units=[units],
                    verdict="conditional",
                    unit_opinions=[
                        UnitOpinion(
                            unit="区经济和信息化局",
                            verdict="agree",
                            opinion=_LONG,
                            reviewer="陈志强",
                            decided_on=date(2026, 11, 2),
                            confirmations=[
                                Confirmation(1, "不符合国家产业政策的项目", "no"),
                                Confirmation(2, "高污染、高耗能的项目", "no"),
                            ],
                        ),
                        UnitOpinion(
                            unit="区贸促会",
                            verdict="conditional",
                            opinion="投资方须在签约前补充近三年经审计的财务报表。",
                            suggestion="签约前补齐财务报表后再行确认。",
                            reviewer="刘晓敏",
                            decided_on=date(2026, 11, 3),
                            recorded_by="黄文静",  # the unit's A/B 岗, for 刘晓敏
                        ),
                    ],
                )
            )
            continue
        rows.append(
            ReviewRow(
                label=label,
                units=[units],
                verdict="agree",
                opinion=_LONG if number % 2 == 0 else "符合要求，同意引进。",
                suggestion="建议加快办理前期手续。" if number % 3 == 0 else None,
                reviewer=f"评审人{number + 1}",
                decided_on=date(2026, 11, 2),
            )
        )
    rows.append(
        ReviewRow(
            label="安全生产",
            units=["区应急管理局"],
            verdict="agree",
            opinion="项目不涉及重大危险源。",
            reviewer="黄建国",
            decided_on=date(2026, 11, 4),
            added_by="001 四(二)",
        )
    )
    return ReviewSheet(
        serial="QX-2026-0001",
        project_name="清新智能装备制造基地项目",
        investor="广东华锐精密科技股份有限公司",
        total_investment_wan=Decimal(65000),
        round_number=1,
        opened_on=date(2026, 10, 28),
        deadline=date(2026, 11, 6),
        closed_on=date(2026, 11, 5),
        outcome="passed",
        rows=rows,
        concluder="张庆忠",
    )


def open_round() -> ReviewSheet:
    """A round still open: nobody has given an opinion, the investor and amount are missing."""
    return ReviewSheet(
        serial="QX-2026-0002",
        project_name="清新生物医药产业园项目",
        investor=None,
        total_investment_wan=None,
        round_number=2,
        opened_on=date(2026, 11, 20),
        deadline=date(2026, 11, 27),
        rows=[ReviewRow(label=label, units=[units]) for label, units in _FORM_ROWS],
    )
