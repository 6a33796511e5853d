"""/export: the 招商项目信息库 as Excel for the office, with the filter of the view it comes
from: a stage (`/export 洽谈`, the 📤 导出 of a /pipeline view) or a search (`/export 碳纤维`,
the 📤 导出 of a /find result)."""

from __future__ import annotations

from typing import Final

from conversations.inbound import Inbound
from conversations.replies import Document, Outcome, Reply
from documents.excel.projects import LibraryRow, ProjectLibrary, project_library
from handlers.context import Actor, Services
from handlers.pipeline.search import Search, record_search, run_search
from handlers.pipeline.stage_filter import StageFilter, parse_filter
from storage.tables import Project
from storage.uow import UnitOfWork

XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT: Final = 2000
"""The most rows one export holds, the newest first (the workbook says when there are more)."""


def export(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The library as Excel: the projects in progress, those of a named stage, or those a
    search finds (words that name no stage are searched for)."""
    words = event.args.strip()
    view = parse_filter(s.renderer, words)
    if view is not None:
        return Outcome([export_reply(s, uow, actor, view=view)])
    return Outcome([export_reply(s, uow, actor, search=record_search(uow, actor, words))])


def export_reply(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    *,
    view: StageFilter | None = None,
    search: Search | None = None,
) -> Reply:
    """The workbook of one view, or of one search, with a caption saying which."""
    if search is not None:
        total, projects = run_search(s, uow, search, limit=EXPORT_LIMIT)
    else:
        assert view is not None
        values = view.values
        total = uow.projects.count(values)
        projects = uow.projects.listing(stages=values, limit=EXPORT_LIMIT)
    token = view.token if view is not None else None
    words = search.words if search is not None else None
    library = ProjectLibrary(
        [_row(s, p) for p in projects], s.today(), view=token, query=words, total=total
    )
    office = s.policy.office()
    content = project_library(library, renderer=s.renderer, unit=office.name if office else None)
    caption = s.renderer.message(
        actor.locale,
        "pipeline#export_caption",
        view=token,
        query=words,
        count=len(projects),
        total=total,
    )
    name = s.renderer.message(actor.locale, "files#library", day=s.today())
    return Reply(caption, document=Document(name, content, mime_type=XLSX))


def _row(s: Services, p: Project) -> LibraryRow:
    sector = s.policy.sector(p.sector) if p.sector else None
    site = next((x.name for x in s.policy.sites if x.id == p.site), None)
    local = lambda dt: dt.astimezone(s.timezone).date() if dt else None  # noqa: E731
    return LibraryRow(
        serial=p.serial,
        name=p.name,
        investor=p.investor_name,
        sector=sector.name if sector else None,
        site=p.plan.get("site_other") if p.site == "other" else site,
        total_investment_wan=p.total_investment_wan,
        land_area_mu=p.land_area_mu,
        stage=p.stage,
        priority=p.priority,
        submitted_on=local(p.created_at),
        updated_on=local(p.updated_at),
    )
