"""`zhaoshang documents`: the office's Word templates, checked before a deployment uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.settings import Settings
from documents.word.catalog import DOCUMENTS, check_templates
from documents.word.templates import WordTemplates

documents_app = typer.Typer(help="Check the documents' Word templates.", no_args_is_help=True)


@documents_app.command("check")
def documents_check(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A folder of edited templates (by default ZHAOSHANG_DOCUMENTS_DIR, else the "
            "packaged ones); a template it lacks is taken from the packaged ones."
        ),
    ] = None,
) -> None:
    """Fill every Word template with sample data and report each unknown field, broken tag
    and layout defect, naming the template."""
    if folder is None:
        try:
            folder = Settings().documents_dir
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]).upper()
            typer.echo(f"error: bad setting ZHAOSHANG_{where}: {first['msg']}", err=True)
            raise typer.Exit(2) from exc
    if folder is not None and not folder.is_dir():
        typer.echo(f"error: {folder}: no such folder", err=True)
        raise typer.Exit(2)
    problems = check_templates(folder)
    failing = {problem.template for problem in problems}
    templates = WordTemplates(folder)
    for document in DOCUMENTS:
        if document.name not in failing:
            typer.echo(f"{document.name}: ok ({document.title}, {templates.path(document.name)})")
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        typer.echo(f"error: {len(problems)} problem(s) in the templates", err=True)
        raise typer.Exit(1)
