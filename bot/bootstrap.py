"""The composition root: settings, engine, unit-of-work factory with the clock, policy,
renderer, and the routers of every capability composed into one table."""

from __future__ import annotations

import functools
import logging
from zoneinfo import ZoneInfo

from bot.clock import utcnow
from bot.settings import Settings
from documents.pdf import PdfConverter, find_soffice
from documents.word.templates import WordTemplates
from handlers import drafts
from handlers.aftercare import router as aftercare
from handlers.context import Services
from handlers.decision import router as decision
from handlers.intake import router as intake
from handlers.pipeline import router as pipeline
from handlers.reporting import router as reporting
from handlers.review import router as review
from handlers.routing import Routes, compose
from storage.db import make_engine, migrate
from storage.deployment import record_deployment_start
from storage.files import FileStore
from storage.seed import SeedReport, seed_policy
from storage.types import Clock
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.policy_file import load_policy

log = logging.getLogger(__name__)

MENU = (
    *("pipeline", "urge", "meeting", "agenda", "export", "invite", "delegate", "assessment"),
    *("forum", "visit", "start", "help", "menu", "whoami", "lang", "new", "continue", "cancel"),
    *("my", "project", "report", "find"),
)
"""The order of the command menu and of /help: the office's daily work first."""


def routes() -> Routes:
    """Every capability's commands, buttons, forms and sweeps; the routers' order is the
    sweep's."""
    return compose(
        intake.router(),
        drafts.router(),
        pipeline.router(),
        review.router(),
        decision.router(),
        aftercare.router(),
        reporting.router(),
        menu=MENU,
    )


def build_uow_factory(settings: Settings, clock: Clock = utcnow) -> UnitOfWorkFactory:
    """The unit-of-work factory on the configured database, on the real clock by default."""
    return UnitOfWorkFactory(make_engine(settings.database_url), clock)


def initialise(settings: Settings, reporting_from: str | None = None) -> SeedReport:
    """Migrate the database, load the policy and roster into it, and record when the
    deployment started (once: scheduled notices never concern a time before it). With
    `reporting_from` (YYYY-MM), monthly reports are asked for from that period on instead of
    from the first period that opens after the start."""
    policy = load_policy(settings.policy_file)
    migrate(settings.database_url)
    uow_factory = build_uow_factory(settings)
    try:
        with uow_factory() as uow:
            report = seed_policy(uow, policy)
            record_deployment_start(uow, uow.now(), reporting_from)
            uow.commit()
    finally:
        uow_factory.engine.dispose()
    return report


def build_services(
    settings: Settings, uow_factory: UnitOfWorkFactory, bot_username: str
) -> Services:
    """The services every handler receives, from the settings. They run on the unit-of-work
    factory's clock, so a handler's "now" and the rows it writes come from one clock."""
    return Services(
        uow=uow_factory,
        policy=load_policy(settings.policy_file),
        renderer=Renderer(settings.default_locale, settings.timezone),
        clock=uow_factory.clock,
        timezone=ZoneInfo(settings.timezone),
        admins=frozenset(settings.admins),
        bot_username=bot_username,
        messengers=settings.messengers(),
        files=FileStore(settings.files_dir),
        documents=WordTemplates(settings.documents_dir),
        routes=routes(),
        web_url=settings.web_url,
        libreoffice_missing=settings.pdf_copies and pdf_converter(settings) is None,
    )


def pdf_converter(settings: Settings) -> PdfConverter | None:
    """What makes the PDF copy of each Word document the bot sends: None when PDF copies are
    switched off or LibreOffice is not found (Word only, and the office is told once). One per
    program in a process, so its cache serves every runtime and the sender alike."""
    if not settings.pdf_copies:
        return None
    return _converter(settings.soffice)


@functools.cache
def _converter(program: str | None) -> PdfConverter | None:
    found = find_soffice(program)
    if found is None:
        log.warning(
            "LibreOffice (%s) was not found: documents are sent as Word only, without a PDF copy",
            program or "soffice",
        )
        return None
    return PdfConverter(found)
