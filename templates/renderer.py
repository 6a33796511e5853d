"""The one Jinja2 environment: chat messages per locale and office documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

TEMPLATE_ROOT: Final = Path(__file__).parent
LOCALES: Final = ("zh-Hans", "en")
_BABEL_LOCALE: Final = {"zh-Hans": "zh_Hans_CN", "en": "en_US"}


def normalize_locale(code: str | None, default: str = "zh-Hans") -> str:
    """Map a messenger language code ("zh-hans", "en-US", "zh") to one of our locales."""
    if not code:
        return default
    low = code.lower()
    if low.startswith("zh"):
        return "zh-Hans"
    if low.startswith("en"):
        return "en"
    return default


class Renderer:
    """Renders message templates (HTML-escaped, for Telegram's HTML parse mode) and documents."""

    def __init__(self, default_locale: str = "zh-Hans", timezone: str = "Asia/Shanghai") -> None:
        self.default_locale = default_locale
        self.tz = ZoneInfo(timezone)
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATE_ROOT)),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("j2",), default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["num"] = self._number
        self.env.filters["dt"] = self._datetime
        self.env.filters["d"] = self._date
        self.env.filters["ym"] = self._year_month
        self.plain_env = Environment(
            loader=FileSystemLoader(str(TEMPLATE_ROOT)),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.plain_env.filters.update(self.env.filters)
        self._modules: dict[tuple[str, str], Any] = {}

    def message(self, locale: str | None, name: str, /, **params: Any) -> str:
        """Render `messages/<locale>/<file>.j2`; `file#macro` calls one macro of the file."""
        loc = locale if locale in LOCALES else self.default_locale
        path, _, macro = name.partition("#")
        template = self.env.get_template(f"messages/{loc}/{path}.j2")
        if macro:
            text = getattr(self._module(loc, path, template), macro)(**params)
        else:
            text = template.render(locale=loc, **params)
        return str(text).strip()

    def _module(self, locale: str, path: str, template: Template) -> Any:
        # Building a template's module runs its top level; macros are pure, so build it once.
        key = (locale, path)
        module = self._modules.get(key)
        if module is None:
            module = self._modules[key] = template.make_module({"locale": locale})
        return module

    def has_message(self, locale: str, name: str) -> bool:
        """Whether a message (or `file#macro`) exists for this locale."""
        path, _, macro = name.partition("#")
        try:
            template = self.env.get_template(f"messages/{locale}/{path}.j2")
        except Exception:
            return False
        if not macro:
            return True
        return hasattr(template.make_module({"locale": locale}), macro)

    def document(self, name: str, **params: Any) -> str:
        """Render a plain-text document template from `documents/` (no HTML escaping)."""
        return self.plain_env.get_template(f"documents/{name}").render(**params)

    def _number(self, value: Any, digits: int = 2, locale: str = "zh-Hans") -> str:
        if value is None:
            return "—"
        if isinstance(value, float | Decimal) and float(value).is_integer():
            value = int(value)
        fmt = "#,##0" if digits == 0 else "#,##0." + "#" * digits
        return format_decimal(value, format=fmt, locale=_BABEL_LOCALE.get(locale, "zh_Hans_CN"))

    def _datetime(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def _date(self, value: date | str | None) -> str:
        if value is None:
            return "—"
        return value if isinstance(value, str) else value.isoformat()

    def _year_month(self, value: str | None) -> str:
        return value or "—"


def safe(text: str) -> Markup:
    """Mark already-rendered HTML as safe when nesting one rendered message in another."""
    return Markup(text)
