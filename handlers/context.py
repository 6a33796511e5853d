"""What every handler works with: the services built once, and the actor resolved per event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from documents.word.templates import WordTemplates
from handlers.routing import Routes
from handlers.workdays import StatutoryCalendar
from storage.files import FileStore
from storage.tables import MessengerAccount, Person, PersonRole
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.calendar import WorkCalendar
from workflow.policy import Policy
from workflow.roles import Role


@dataclass(frozen=True)
class Services:
    """Built once in the composition root and handed to every handler."""

    uow: UnitOfWorkFactory
    policy: Policy
    renderer: Renderer
    clock: Callable[[], datetime]
    timezone: ZoneInfo
    admins: frozenset[str] = frozenset()
    """The administrators named in the settings, each as `handlers.actors.admin_key` names an
    account: Telegram ids, and "wecom:" UserIDs."""
    bot_username: str = "zhaoshang_bot"
    messengers: tuple[str, ...] = ("telegram",)
    """The messengers this deployment runs (`Settings.messengers`): people are notified on
    one of these, and only an account on one of them can be reached."""
    calendar: WorkCalendar = field(default_factory=StatutoryCalendar)
    routes: Routes = field(default_factory=Routes)
    """The composed routers: commands, buttons, forms, sweeps."""
    files: FileStore = field(default_factory=FileStore)
    """Where the bytes of uploads are kept: the database, or the files folder."""
    documents: WordTemplates = field(default_factory=WordTemplates)
    """The Word templates the documents are filled from: the office's folder, then ours."""
    web_url: str | None = None
    """The Mini App's public https address (`ZHAOSHANG_WEB_URL`), when it is served: the
    chat then offers its pages with web_app buttons (`handlers.web_links`)."""
    libreoffice_missing: bool = False
    """PDF copies of the Word documents are wanted but LibreOffice was not found: the
    documents go as Word only, and the office is told once."""

    def file_name(self, kind: str, /, **params: object) -> str:
        """The name of a generated file, from templates, in the deployment's language."""
        return self.renderer.message(self.renderer.default_locale, f"files#{kind}", **params)

    def today(self) -> date:
        """Today's date in the deployment's time zone."""
        return self.clock().astimezone(self.timezone).date()


@dataclass
class Actor:
    """The person behind an event, with their roles; `person` is None before registration."""

    person: Person | None
    account: MessengerAccount | None
    locale: str
    role_rows: list[PersonRole] = field(default_factory=list)
    is_admin: bool = False

    @property
    def roles(self) -> frozenset[Role]:
        """Every role held (administrators from settings hold ADMIN)."""
        held = {Role(r.role) for r in self.role_rows if r.role in Role.__members__.values()}
        if self.is_admin:
            held.add(Role.ADMIN)
        return frozenset(held)

    @property
    def person_id(self) -> int:
        """The person's id (only for registered actors)."""
        assert self.person is not None and self.person.id is not None
        return self.person.id

    def has(self, *roles: Role) -> bool:
        """Whether the actor holds any of these roles."""
        return bool(self.roles & set(roles))

    def units(self, role: Role) -> set[str]:
        """The units for which the actor holds a role."""
        return {r.unit_id for r in self.role_rows if r.role == role.value and r.unit_id}
