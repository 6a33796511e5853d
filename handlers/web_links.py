"""The chat's ways into the Mini App: the address of one of its pages, and the web_app
buttons that open it inside the messenger. None when the Mini App is not served
(`ZHAOSHANG_WEB_URL` unset): then the chat offers no such button."""

from __future__ import annotations

from urllib.parse import quote

from conversations.replies import Button
from handlers.context import Actor, Services


def page_url(s: Services, page: str = "home") -> str | None:
    """The address that opens the Mini App at `page` (a path under `/web/`)."""
    return address(s.web_url, page) if s.web_url else None


def address(web_url: str, page: str = "home") -> str:
    """The Mini App at `web_url` (its shell, `…/web/`) opening at `page`."""
    base = web_url if web_url.endswith("/") else web_url + "/"
    return base if page == "home" else f"{base}?open={quote(page, safe='/')}"


def menu_button(s: Services, actor: Actor) -> Button | None:
    """The chat's menu button for this person: the Mini App's 工作台, once the bot knows
    them (None when the Mini App is not served)."""
    if actor.person is None:
        return None
    return web_app_button(s, s.renderer.message(actor.locale, "pipeline#btn_menu"))


def web_app_button(s: Services, text: str, page: str = "home") -> Button | None:
    """A button opening the Mini App at `page`, labelled `text` (None when it is not served)."""
    url = page_url(s, page)
    return Button(text, web_app=url) if url else None
