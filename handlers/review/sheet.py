"""The 评审意见表 of a closed round, as a Word document (附件5)."""

from __future__ import annotations

from typing import cast

from conversations.replies import Document
from documents.word import ReviewRow, ReviewSheet, review_opinion_sheet
from documents.word.review_sheet import Answer, Confirmation, UnitOpinion
from documents.word.review_sheet import Verdict as SheetVerdict
from handlers.context import Services
from handlers.review.summary import dimension_rows
from storage.tables import Project, ReviewRound
from storage.uow import UnitOfWork
from workflow.review import RoundResult

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def review_sheet_document(
    s: Services, uow: UnitOfWork, rnd: ReviewRound, project: Project, result: RoundResult
) -> Document:
    """The review opinion sheet of a round, in 附件5's layout: 附件5's rows and units as it
    prints them, each unit's opinion under the dimension's joint verdict, and the dimensions
    附件5 lacks after them with a note citing the text that adds them."""
    rows_by_dimension = {
        r.dimension_id: r for r in dimension_rows(s, uow, uow.reviews.opinions(rnd.id or 0))
    }
    on_form = [d for d in s.policy.review_dimensions if d.form_units is not None]
    added = [d for d in s.policy.review_dimensions if d.form_units is None]
    rows = []
    for dim in (*on_form, *added):
        joint = rows_by_dimension[dim.id]
        rows.append(
            ReviewRow(
                label=dim.form_label,
                units=[dim.form_units]
                if dim.form_units
                else [s.policy.unit(u).name for u in dim.units],
                verdict=cast(SheetVerdict | None, joint.verdict),
                unit_opinions=[
                    UnitOpinion(
                        unit=u.unit,
                        verdict=cast(SheetVerdict | None, u.verdict),
                        opinion=u.opinion,
                        suggestion=u.suggestion,
                        reviewer=u.reviewer,
                        decided_on=u.decided_on,
                        confirmations=[
                            Confirmation(c.number, c.name, cast(Answer | None, c.answer))
                            for c in u.confirmations
                        ],
                        recorded_by=u.recorded_by,
                    )
                    for u in joint.units
                ],
                added_by=None if dim.form_units else dim.source,
            )
        )
    veto = s.policy.dimension(result.vetoed_by[0]).name if result.vetoed_by else None
    concluder = uow.people.get(rnd.concluded_by) if rnd.concluded_by else None
    sheet = ReviewSheet(
        serial=project.serial,
        project_name=project.name,
        investor=project.investor_name or "",
        total_investment_wan=project.total_investment_wan,
        round_number=rnd.number,
        opened_on=rnd.opened_at.astimezone(s.timezone).date(),
        deadline=rnd.deadline,
        closed_on=rnd.closed_at.astimezone(s.timezone).date() if rnd.closed_at else None,
        outcome=result.outcome.value,
        veto_dimension=veto,
        rows=rows,
        concluder=concluder.name if concluder else None,
    )
    return Document(
        filename=s.file_name("review_sheet", serial=project.serial, number=rnd.number),
        content=review_opinion_sheet(sheet, templates=s.documents),
        mime_type=DOCX,
    )
