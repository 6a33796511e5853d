"""/find 关键词: projects by serial, name, investor or sector, as buttons that open them, a
page at a time. Officials search the whole library; an investor only their own projects."""

from __future__ import annotations

from dataclasses import replace

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers.buttons import FIND_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.pipeline.export import export_reply
from handlers.pipeline.paging import PAGE_SIZE, nav_row, page_of
from handlers.pipeline.project_view import project_detail
from handlers.pipeline.search import (
    Search,
    record_search,
    recorded_search,
    run_search,
    scope_of,
)
from storage.uow import UnitOfWork
from workflow.roles import Role


def find(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The first page of what a search finds."""
    if not event.args.strip():
        raise HandlerError("pipeline#find_usage")
    search = record_search(uow, actor, event.args)
    return Outcome([results(s, uow, actor, search, 1)])


def results(s: Services, uow: UnitOfWork, actor: Actor, search: Search, number: int) -> Reply:
    """One page of a search's results: each project a button, ◀ ▶, and the office's export."""
    offset = (number - 1) * PAGE_SIZE
    total, projects = run_search(s, uow, search, limit=PAGE_SIZE, offset=offset)
    page = page_of(number, total)
    if page.offset != offset:  # fewer found than when the button was made: the last page
        _, projects = run_search(s, uow, search, limit=PAGE_SIZE, offset=page.offset)
    rows: list[tuple[Button, ...]] = [
        (Button(f"{p.serial} {p.name[:16]}", FIND_BUTTONS.encode("open", p.id)),) for p in projects
    ]
    nav = nav_row(s, actor.locale, page, lambda n: FIND_BUTTONS.encode("pg", search.id, n))
    if nav:
        rows.append(nav)
    if total and actor.has(Role.OFFICE):
        export = s.renderer.message(actor.locale, "pipeline#btn_export")
        rows.append((Button(export, FIND_BUTTONS.encode("xl", search.id)),))
    text = s.renderer.message(
        actor.locale,
        "pipeline#found",
        words=search.words,
        total=total,
        page=page.number,
        pages=page.pages,
        own=search.investor is not None,
    )
    return Reply(text, tuple(rows))


def find_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A result's buttons: another page (the same message, edited), a project, the export."""
    if data.action == "open":
        project = uow.projects.get(data.arg_int(0))
        scope = scope_of(actor)
        if project is None or (scope is not None and project.investor_person_id != scope):
            # The same answer whether the id exists or not, and no serial told.
            raise Refused("common#not_allowed", audit_action="refused:fd:open")
        return project_detail(s, uow, actor, replace(event, args=project.serial))
    search = recorded_search(uow, actor, data.arg_int(0))
    if search is None:  # someone else's search, or none: its words are not shown
        raise Refused("common#not_allowed", audit_action=f"refused:fd:{data.action}")
    if data.action == "xl":
        return Outcome([export_reply(s, uow, actor, search=search)])
    return Outcome([results(s, uow, actor, search, data.arg_int(1)).as_edit()])
