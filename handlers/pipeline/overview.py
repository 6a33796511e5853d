"""/pipeline: the 招商项目信息库 at a glance, by stage (named in 附件8's words or numbers), a
page at a time with ◀ ▶, the page edited in place; and its 📤 导出 and 🔔 全部催办."""

from __future__ import annotations

from dataclasses import replace

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers.buttons import PIPELINE_BUTTONS, PROGRESS_BUTTONS, VIEW_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.pipeline.export import export_reply
from handlers.pipeline.paging import PAGE_SIZE, nav_row, page_of
from handlers.pipeline.project_view import project_detail
from handlers.pipeline.stage_filter import FILTERS, StageFilter, parse_filter
from handlers.web_links import web_app_button
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.roles import Role


def pipeline(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The pipeline at a glance: counts by stage and the first page of a view (the projects
    in progress, unless a stage is named)."""
    view = parse_filter(s.renderer, event.args)
    if view is None:
        raise HandlerError("pipeline#unknown_stage", stage=event.args.strip())
    return Outcome([pipeline_view(s, uow, actor, view, 1)])


def pipeline_view(
    s: Services, uow: UnitOfWork, actor: Actor, view: StageFilter, number: int
) -> Reply:
    """One page of a view: the counts by stage, the page's projects as buttons, ◀ ▶, and for
    the office its export (and 催办 of every pending reviewer, where reviews are shown)."""
    counts = uow.projects.count_by_stage()
    total = sum(counts.get(v, 0) for v in view.values)
    page = page_of(number, total)
    projects = uow.projects.listing(stages=view.values, limit=PAGE_SIZE, offset=page.offset)
    office = actor.has(Role.OFFICE)
    rows: list[tuple[Button, ...]] = [(_open(p, office),) for p in projects]
    nav = nav_row(s, actor.locale, page, lambda n: VIEW_BUTTONS.encode("pg", view.token, n))
    if nav:
        rows.append(nav)
    label = lambda key: s.renderer.message(actor.locale, f"pipeline#btn_{key}")  # noqa: E731
    tools = []
    if office and total:
        tools.append(Button(label("export"), VIEW_BUTTONS.encode("xl", view.token)))
    if office and view.reviews and counts.get("review"):
        tools.append(Button(label("urge_all"), PROGRESS_BUTTONS.encode("every")))
    board = web_app_button(s, label("board"), "board")
    if board is not None:
        tools.append(board)
    if tools:
        rows.append(tuple(tools))
    text = s.renderer.message(
        actor.locale,
        "pipeline#overview",
        counts=counts,
        view=view.token,
        page=page.number,
        pages=page.pages,
        total=total,
    )
    return Reply(text, tuple(rows))


def _open(project: Project, office: bool) -> Button:
    """A project's button: the office's card for the office, the detail for a leader."""
    label = f"{project.serial} {project.name[:16]}"
    if office:
        return Button(label, PIPELINE_BUTTONS.encode("card", project.id))
    return Button(label, VIEW_BUTTONS.encode("open", project.id))


def view_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The view's buttons: another page (the same message, edited), a project, the export."""
    if data.action == "open":
        project = uow.projects.get(data.arg_int(0))
        if project is None:
            raise HandlerError("common#stale_button")
        return project_detail(s, uow, actor, replace(event, args=project.serial))
    view = FILTERS[data.arg_str(0)]  # the schema admits only the filters' tokens
    if data.action == "xl":
        return Outcome([export_reply(s, uow, actor, view=view)])
    return Outcome([pipeline_view(s, uow, actor, view, data.arg_int(1)).as_edit()])
