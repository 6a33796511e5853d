"""The one Jinja2 environment: chat messages per locale and office documents, and the filters
every message formats with (`num`, `d`, `ym`, `dt`), each written once and aware of the
locale of the template it runs in."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

TEMPLATE_ROOT: Final = Path(__file__).parent
LOCALES: Final = ("zh-Hans", "en")
_BABEL_LOCALE: Final = {"zh-Hans": "zh_Hans_CN", "en": "en_US"}
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EMPTY: Final = "—"


def format_number(value: Any, digits: int = 2, locale: str | None = None) -> str:
    """A figure with thousands separators and at most `digits` places ("65,000", "1.2");
    a figure given as text ("65000", as findings keep them) is read as a number first."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        try:
            value = Decimal(value.replace(",", ""))
        except ArithmeticError:
            return value
    if isinstance(value, float | Decimal) and float(value).is_integer():
        value = int(value)
    fmt = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    return format_decimal(value, format=fmt, locale=_BABEL_LOCALE.get(locale or "", "zh_Hans_CN"))


def format_date(value: date | str | None, locale: str | None) -> str:
    """A day as the locale writes it: "2026年12月1日", "1 December 2026"; ISO elsewhere."""
    if value is None:
        return EMPTY
    day = value
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
    assert isinstance(day, date)
    if locale == "zh-Hans":
        return f"{day.year}年{day.month}月{day.day}日"
    if locale == "en":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()


def format_year_month(value: str | None, locale: str | None) -> str:
    """A month kept as "2027-03" as the locale writes it: "2027年3月", "March 2027"."""
    if not value:
        return EMPTY
    if not isinstance(value, str):
        return str(value)
    year, _, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return value
    if locale == "zh-Hans":
        return f"{int(year)}年{int(month)}月"
    if locale == "en":
        return f"{_MONTHS[int(month) - 1]} {int(year)}"
    return value


def _template_locale(context: Context) -> str | None:
    """The locale of the message or page template a filter runs in ("messages/en/…",
    "web/en/…"), or of the page that included a shared part ("web/_board.html"); else None."""
    parts = (context.name or "").split("/")
    if len(parts) > 2 and parts[0] in ("messages", "web") and parts[1] in LOCALES:
        return parts[1]
    locale = context.get("locale")
    return locale if locale in LOCALES else None


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
            autoescape=select_autoescape(
                enabled_extensions=("j2", "html"), default_for_string=True
            ),
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

    def page(self, locale: str | None, name: str, /, **params: Any) -> str:
        """Render the Mini App's page `web/<locale>/<name>.html` (HTML-escaped)."""
        loc = locale if locale in LOCALES else self.default_locale
        return self.env.get_template(f"web/{loc}/{name}.html").render(locale=loc, **params)

    def document(self, name: str, **params: Any) -> str:
        """Render a plain-text document template from `documents/` (no HTML escaping)."""
        return self.plain_env.get_template(f"documents/{name}").render(**params)

    @pass_context
    def _number(
        self, context: Context, value: Any, digits: int = 2, locale: str | None = None
    ) -> str:
        return format_number(value, digits, locale or _template_locale(context))

    @pass_context
    def _datetime(self, context: Context, value: datetime | None) -> str:
        if value is None:
            return EMPTY
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        local = value.astimezone(self.tz)
        return f"{format_date(local.date(), _template_locale(context))} {local:%H:%M}"

    @pass_context
    def _date(self, context: Context, value: date | str | None) -> str:
        return format_date(value, _template_locale(context))

    @pass_context
    def _year_month(self, context: Context, value: str | None) -> str:
        return format_year_month(value, _template_locale(context))


def safe(text: str) -> Markup:
    """Mark already-rendered HTML as safe when nesting one rendered message in another."""
    return Markup(text)
