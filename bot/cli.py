"""The `zhaoshang` command line."""

from __future__ import annotations

import sys
import traceback
from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.backup.layout import BackupError
from bot.backup.make import backup, prune
from bot.backup.restore import restore
from bot.bootstrap import build_uow_factory, initialise
from bot.clock import utcnow
from bot.documents_cli import documents_app
from bot.logs import SecretFilter, secrets_of
from bot.runtimes import settings_problem
from bot.serve import StartupError, serve
from bot.settings import Settings
from storage.deployment import PERIOD
from templates.renderer import Renderer
from workflow.pipeline import Stage
from workflow.policy_file import PolicyFileError, load_policy
from workflow.validity import lapsed_documents

RUNTIMES = ("ptb", "aiogram")  # Telegram's two libraries
RUN_RUNTIMES = (*RUNTIMES, "wecom")  # what run and the demo take

app = typer.Typer(
    help="招商服务助手 — the investment-attraction and project-review bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Check policy files.", no_args_is_help=True)
projects_app = typer.Typer(help="Look at the project library.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(projects_app, name="projects")
app.add_typer(documents_app, name="documents")


class CliError(Exception):
    """An error shown to the operator as one line, with a non-zero exit."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _settings(database_url: str | None = None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).upper()
        raise CliError(f"bad setting ZHAOSHANG_{where}: {first['msg']}", 2) from exc
    if database_url:
        settings.database_url = database_url
    return settings


DbOption = Annotated[
    str | None, typer.Option("--database-url", help="Overrides ZHAOSHANG_DATABASE_URL.")
]


@app.command()
def init(
    database_url: DbOption = None,
    reporting_from: Annotated[
        str | None,
        typer.Option(
            help="The first monthly report (YYYY-MM) the units are asked for; by default the "
            "first period that opens after the first `init`."
        ),
    ] = None,
) -> None:
    """Create or migrate the database and load the policy and roster (safe to run again)."""
    if reporting_from is not None and not PERIOD.fullmatch(reporting_from):
        raise CliError(f"--reporting-from is a month as YYYY-MM, not {reporting_from!r}", 2)
    settings = _settings(database_url)
    report = initialise(settings, reporting_from)
    if report.changed:
        typer.echo(
            f"database ready: {report.units_added} units added, "
            f"{report.units_updated} updated, {report.people_added} people, "
            f"{report.appointments_added} positions"
        )
    else:
        typer.echo("database ready: already up to date")
    if reporting_from is not None:
        typer.echo(f"monthly reports are asked for from {reporting_from} on")


@policy_app.command("check")
def policy_check(
    file: Annotated[Path, typer.Argument(help="The policy YAML file.")],
    today: Annotated[
        str | None,
        typer.Option(help="Check validity as of this day (YYYY-MM-DD); by default today."),
    ] = None,
) -> None:
    """Validate a policy file and report every error with its key path and line; warn when a
    document's period of validity has ended (001 九(一))."""
    policy = load_policy(file)
    typer.echo(
        f"{file}: ok — {policy.name} ({policy.city}), {len(policy.units)} units, "
        f"{len(policy.review_dimensions)} review dimensions"
    )
    for lapse in lapsed_documents(policy, _today(today)):
        cite = f" ({lapse.source})" if lapse.source else ""
        typer.echo(
            f"warning: document {lapse.key} 《{lapse.title}》: its period of validity{cite} "
            f"ran until {lapse.last_day:%Y-%m-%d} and has ended; renew the "
            f"policy file (documents.{lapse.key}.effective_from) or mark it still in force "
            f"(documents.{lapse.key}.still_in_force_confirmed: {{on: YYYY-MM-DD, by: name}})",
            err=True,
        )


def _today(given: str | None) -> date:
    if given is not None:
        try:
            return date.fromisoformat(given)
        except ValueError as exc:
            raise CliError(f"--today is a day as YYYY-MM-DD, not {given!r}", 2) from exc
    try:
        zone = ZoneInfo(Settings().timezone)
    except (ValidationError, ZoneInfoNotFoundError):
        zone = ZoneInfo("Asia/Shanghai")
    return utcnow().astimezone(zone).date()


@projects_app.command("list")
def projects_list(
    stage: Annotated[str | None, typer.Option(help="Only this stage.")] = None,
    sector: Annotated[str | None, typer.Option(help="Only this sector id.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    database_url: DbOption = None,
) -> None:
    """List projects in the library, newest first."""
    if stage is not None and stage not in {s.value for s in Stage}:
        raise CliError(f"unknown stage {stage!r}; one of: {', '.join(s.value for s in Stage)}")
    settings = _settings(database_url)
    renderer = Renderer(settings.default_locale, settings.timezone)
    uow_factory = build_uow_factory(settings)
    with uow_factory() as uow:
        rows = uow.projects.listing(stage=stage, sector=sector, limit=limit)
        typer.echo(
            renderer.document("projects_list.txt", projects=rows, locale=settings.default_locale),
            nl=False,
        )


def _runtime(name: str, allowed: tuple[str, ...] = RUNTIMES) -> str:
    if name not in allowed:
        raise CliError(f"unknown runtime {name!r}; one of: {', '.join(allowed)}", 2)
    return name


@app.command()
def run(
    runtime: Annotated[
        str | None,
        typer.Option(
            help="ptb (python-telegram-bot), aiogram, or wecom (a WeCom self-built app); "
            "overrides ZHAOSHANG_RUNTIME."
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Start the bot: polling, or webhook when ZHAOSHANG_WEBHOOK_URL is set; on WeCom, its
    callback server."""
    settings = _settings(database_url)
    if runtime:
        settings.runtime = _runtime(runtime, RUN_RUNTIMES)  # type: ignore[assignment]
    problem = settings_problem(settings)  # before anything is migrated
    if problem:
        raise CliError(problem, 2)
    serve(settings)


@app.command("backup")
def backup_command(
    folder: Annotated[Path, typer.Argument(help="Where backups go: a new folder is made in it.")],
    keep: Annotated[
        int | None, typer.Option(min=1, help="Then keep only the newest N backups there.")
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Write a consistent copy of the database and the stored files (safe while the bot runs)."""
    settings = _settings(database_url)
    try:
        path = backup(settings.database_url, folder, files_dir=settings.files_dir, now=utcnow())
        removed = prune(folder, keep) if keep is not None else []
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    pruned = f" ({len(removed)} older removed)" if removed else ""
    typer.echo(f"backup written to {path}{pruned}")


@app.command("restore")
def restore_command(
    folder: Annotated[
        Path, typer.Argument(help="A backup folder, or a folder of backups (the newest is used).")
    ],
    database_url: DbOption = None,
) -> None:
    """Bring a backup back into an empty database (and its files into ZHAOSHANG_FILES_DIR)."""
    settings = _settings(database_url)
    try:
        used = restore(settings.database_url, folder, files_dir=settings.files_dir)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    typer.echo(f"restored {used}")


@app.command()
def demo(
    database: Annotated[Path, typer.Option(help="Where the demo leaves its database.")] = Path(
        "zhaoshang-demo.db"
    ),
    runtime: Annotated[
        str,
        typer.Option(help="ptb (python-telegram-bot) or aiogram; wecom: a review on WeCom."),
    ] = "ptb",
    web: Annotated[bool, typer.Option(help="Then serve the Mini App until Ctrl-C.")] = False,
    web_port: Annotated[int, typer.Option(help="The Mini App's port (--web).")] = 8080,
) -> None:
    """Play an investor's whole plan form against a local Telegram sandbox and print it; with
    --runtime wecom, a review round against a local WeCom sandbox."""
    runtime = _runtime(runtime, RUN_RUNTIMES)
    if web and runtime == "wecom":
        raise CliError("--web serves Telegram's Mini App: it does not go with --runtime wecom", 2)
    # Only the demo loads the sandboxes (stand-ins for the messengers' servers), so only it
    # imports them.
    from bot.demos import play

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    play(database, runtime, web_port if web else None, typer.echo)


def main() -> None:
    """Entry point: runs the app and turns every expected failure into one line."""
    try:
        code = app(standalone_mode=False)  # a command's typer.Exit comes back as its code
        if isinstance(code, int) and code:
            sys.exit(code)
    except CliError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.code)
    except KeyboardInterrupt:
        sys.exit(130)
    except StartupError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except PolicyFileError as exc:
        typer.echo(f"error: {exc.source}: {len(exc.errors)} problem(s)", err=True)
        for err in exc.errors:
            typer.echo(f"  {err}", err=True)
        sys.exit(1)
    except OperationalError as exc:
        typer.echo(f"error: cannot use the database: {str(exc.orig).splitlines()[0]}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        typer.echo(f"error: database: {str(exc).splitlines()[0]}", err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.TyperException as exc:  # usage errors: an unknown command, option or value
        show = getattr(exc, "show", None)  # typer's click errors print the usage with it
        if callable(show):
            show()
        else:
            typer.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except Exception:  # a bug: its traceback helps, but never with a secret in it
        typer.echo(_masked(traceback.format_exc()), err=True)
        sys.exit(1)


def _masked(text: str) -> str:
    """The text with every secret of the settings masked (all of it if they cannot be read)."""
    try:
        secrets = secrets_of(Settings())
    except Exception:  # settings that do not load: show only the last line, the error
        return text.strip().splitlines()[-1]
    return SecretFilter(secrets).redact(text)
