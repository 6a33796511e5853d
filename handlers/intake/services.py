"""/services: what each member unit publishes (000 一(三)2(2) "公开本单位、本部门的工作职责、
服务事项、办理程序、办事时限"), for anyone, registered or not, one unit at a time and in pages
that fit a message."""

from __future__ import annotations

from typing import Final

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers.buttons import SERVICES_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import Refused
from storage.uow import UnitOfWork
from workflow.policy import PublishedServices

PAGE_CHARS: Final = 3500  # under Telegram's 4096, with room for the page line


def services_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The member units that publish service items, as buttons."""
    return Outcome([_unit_list(s, actor.locale)])


def services_button(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Back to the list of units, or one page of a unit's service items."""
    if data.action == "list":
        return Outcome([_unit_list(s, actor.locale).as_edit()])
    published = s.policy.published_services
    index, page = data.arg_int(0), data.arg_int(1)
    if index >= len(published):
        raise Refused("common#stale_button", audit_action="refused:sv:unit")
    pages = service_pages(s, actor.locale, published[index])
    if page >= len(pages):
        raise Refused("common#stale_button", audit_action="refused:sv:page")
    nav: list[Button] = []
    if page > 0:
        nav.append(
            Button(
                s.renderer.message(actor.locale, "services#previous"),
                SERVICES_BUTTONS.encode("u", index, page - 1),
            )
        )
    if page + 1 < len(pages):
        nav.append(
            Button(
                s.renderer.message(actor.locale, "services#next"),
                SERVICES_BUTTONS.encode("u", index, page + 1),
            )
        )
    back = Button(
        s.renderer.message(actor.locale, "services#back"), SERVICES_BUTTONS.encode("list")
    )
    text = pages[page]
    if len(pages) > 1:
        text += "\n\n" + s.renderer.message(
            actor.locale, "services#page", page=page + 1, pages=len(pages)
        )
    return Outcome([Reply(text, (*keyboard(nav), (back,)), edit=True)])


def service_pages(s: Services, locale: str, entry: PublishedServices) -> list[str]:
    """A unit's duties and items, packed into pages of at most PAGE_CHARS characters."""
    unit = s.policy.unit(entry.unit)
    head = s.renderer.message(locale, "services#unit", unit=unit.name, duties=entry.duties)
    more = s.renderer.message(locale, "services#continued", unit=unit.name)
    pages: list[str] = []
    current = head
    for number, item in enumerate(entry.items, 1):
        block = s.renderer.message(locale, "services#item", number=number, item=item)
        if len(current) + 2 + len(block) > PAGE_CHARS and current not in (head, more):
            pages.append(current)
            current = more
        current += "\n\n" + block
    pages.append(current)
    return pages


def _unit_list(s: Services, locale: str) -> Reply:
    published = s.policy.published_services
    if not published:
        return Reply(s.renderer.message(locale, "services#empty"))
    buttons = [
        Button(s.policy.unit(entry.unit).short, SERVICES_BUTTONS.encode("u", i, 0))
        for i, entry in enumerate(published)
    ]
    return Reply(
        s.renderer.message(locale, "services#choose", source=published[0].source),
        keyboard(buttons, per_row=3),
    )
