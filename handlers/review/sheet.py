"""The 评审意见表 of a closed round, as a Word document (附件5)."""

from __future__ import annotations

from typing import cast

from conversations.replies import Document
from documents.word import ReviewRow, ReviewSheet, review_opinion_sheet
from documents.word.review_sheet import Verdict as SheetVerdict
from handlers.context import Services
from storage.tables import Project, ReviewRound
from storage.uow import UnitOfWork
from workflow.review import RoundResult

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def review_sheet_document(
    s: Services, uow: UnitOfWork, rnd: ReviewRound, project: Project, result: RoundResult
) -> Document:
    """The review opinion sheet of a round, in 附件5's layout."""
    by_dimension = {o.dimension_id: o for o in uow.reviews.opinions(rnd.id or 0)}
    rows = []
    for dim in s.policy.review_dimensions:
        op = by_dimension.get(dim.id)
        reviewer = uow.people.get(op.reviewer_id) if op and op.reviewer_id else None
        rows.append(
            ReviewRow(
                label=dim.form_label,
                units=[s.policy.unit(u).name for u in dim.units],
                verdict=cast(SheetVerdict | None, op.verdict) if op else None,
                opinion=op.opinion if op else None,
                suggestion=op.suggestion if op else None,
                reviewer=reviewer.name if reviewer else None,
                decided_on=op.decided_at.astimezone(s.timezone).date()
                if op and op.decided_at
                else None,
            )
        )
    veto = s.policy.dimension(result.vetoed_by[0]).name if result.vetoed_by else None
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
    )
    return Document(
        filename=s.file_name("review_sheet", serial=project.serial, number=rnd.number),
        content=review_opinion_sheet(sheet),
        mime_type=DOCX,
    )
