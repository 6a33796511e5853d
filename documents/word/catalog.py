"""Every Word template the bot fills, with its data and sample data, and the check an office
runs on its own edited copies (`zhaoshang documents check DIR`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, UndefinedError

from documents.samples import application as application_samples
from documents.samples import city as city_samples
from documents.samples import liaison as liaison_samples
from documents.samples import minutes as minutes_samples
from documents.samples import plan as plan_samples
from documents.samples import progress as progress_samples
from documents.samples import review as review_samples
from documents.word.application import Application, application_form
from documents.word.city import CityFiling, approval_form, filing_form
from documents.word.layout import layout_problems
from documents.word.liaison import LiaisonTable, liaison_table
from documents.word.minutes import Minutes, meeting_minutes
from documents.word.plan import PlanSheet, plan_sheet
from documents.word.progress import ProgressReport, progress_report
from documents.word.review_sheet import ReviewSheet, review_opinion_sheet
from documents.word.templates import WORDS, WordTemplates, template_context


@dataclass(frozen=True, slots=True)
class WordDocument:
    """One template: its file's stem, what it is, the dataclass it is filled from, and sample
    instances (a full one and a sparse one) to render it with."""

    name: str
    title: str  # what it is, for the operator
    data: type
    build: Callable[[Any, WordTemplates], bytes]
    samples: tuple[Callable[[], object], ...]


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """Something wrong with one template, in words a clerk can act on."""

    template: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.template}: {self.field}: " if self.field else f"{self.template}: "
        return where + self.message


DOCUMENTS: tuple[WordDocument, ...] = (
    WordDocument(
        "plan_sheet",
        "the investor's project plan, 000 annex 4",
        PlanSheet,
        lambda data, t: plan_sheet(data, templates=t),
        (plan_samples.plan, plan_samples.sparse_plan),
    ),
    WordDocument(
        "review_opinion_sheet",
        "the review opinion sheet, 000 annex 5",
        ReviewSheet,
        lambda data, t: review_opinion_sheet(data, templates=t),
        (review_samples.review_sheet, review_samples.open_round),
    ),
    WordDocument(
        "meeting_minutes",
        "the joint meeting's minutes",
        Minutes,
        lambda data, t: meeting_minutes(data, templates=t),
        (minutes_samples.minutes, minutes_samples.short_minutes, minutes_samples.sparse_minutes),
    ),
    WordDocument(
        "city_filing",
        "the city's filing form, 001 annex 4",
        CityFiling,
        lambda data, t: filing_form(data, templates=t),
        (city_samples.city_filing,),
    ),
    WordDocument(
        "city_approval",
        "the city's selection and review approval form, 001 annex 3",
        CityFiling,
        lambda data, t: approval_form(data, templates=t),
        (city_samples.city_two_level, city_samples.sparse_approval),
    ),
    WordDocument(
        "application_form",
        "the application for selection, 001 annex 2",
        Application,
        lambda data, t: application_form(data, templates=t),
        (application_samples.application, application_samples.sparse_application),
    ),
    WordDocument(
        "liaison_table",
        "the liaison table of a signed project, 000 annex 7",
        LiaisonTable,
        lambda data, t: liaison_table(data, templates=t),
        (liaison_samples.liaison, liaison_samples.sparse_liaison),
    ),
    WordDocument(
        "city_progress",
        "the progress report to the city, 001 section 8",
        ProgressReport,
        lambda data, t: progress_report(data, templates=t),
        (progress_samples.progress, progress_samples.sparse_progress),
    ),
)


def check_templates(folder: Path | None) -> list[TemplateProblem]:
    """Render every template of `folder` (the packaged ones where it has none) with each
    sample and report each unknown field, broken tag and layout defect; never raises for a
    template's fault."""
    templates = WordTemplates(folder, strict=True)
    problems: list[TemplateProblem] = []
    try:
        _ = templates.env  # loads the shared words, where a broken tag shows
    except TemplateSyntaxError as exc:
        return [TemplateProblem(WORDS, f"broken tag on line {exc.lineno}: {exc.message}")]
    for document in DOCUMENTS:
        problems += _check_one(document, templates)
    if folder is not None:
        known = {f"{d.name}.docx" for d in DOCUMENTS} | {WORDS}
        for path in sorted(folder.iterdir()):
            if path.suffix in (".docx", ".j2") and path.name not in known:
                problems.append(TemplateProblem(path.name, "not a template the bot uses"))
    return problems


def _check_one(document: WordDocument, templates: WordTemplates) -> list[TemplateProblem]:
    name = document.name
    path = templates.path(name)
    try:
        template = DocxTemplate(path)
        names = set(template_context(document.samples[0]()))
        unknown = template.get_undeclared_template_variables(templates.env) - names
    except TemplateSyntaxError as exc:
        return [TemplateProblem(name, f"broken tag: {exc.message}", _near(exc))]
    except Exception as exc:  # not a Word file, or one docxtpl cannot read
        return [TemplateProblem(name, f"cannot be read as a Word template: {exc}")]
    problems = [TemplateProblem(name, "no such field", field) for field in sorted(unknown)]
    if problems:
        return problems
    seen: set[str] = set()
    for sample in document.samples:
        try:
            data = document.build(sample(), templates)
        except UndefinedError as exc:
            message = str(exc.message or exc)
            if message not in seen:
                seen.add(message)
                problems.append(TemplateProblem(name, _undefined(message)))
            continue
        except TemplateSyntaxError as exc:
            return [TemplateProblem(name, f"broken tag: {exc.message}", _near(exc))]
        except Exception as exc:  # a tag that renders to broken Word XML, a failing filter
            problems.append(TemplateProblem(name, f"cannot be filled: {exc}"))
            continue
        for line in layout_problems(data):
            if line not in seen:
                seen.add(line)
                problems.append(TemplateProblem(name, line))
    return problems


def _near(exc: TemplateSyntaxError) -> str | None:
    """The template's text around a broken tag, as the clerk sees it in Word."""
    context = getattr(exc, "docx_context", None)
    if context is None:
        return None
    text = " ".join(part.strip() for part in context if part.strip())
    return f"near “{text[:80]}”" if text else None


def _undefined(message: str) -> str:
    # Jinja says "'ReviewRow object' has no attribute 'lable'" or "'lable' is undefined".
    attribute = re.match(r"'(.+?)' has no attribute '(.+?)'", message)
    if attribute:
        owner = attribute.group(1).removesuffix(" object").rpartition(".")[2]
        return f"no such field: {attribute.group(2)} (of {owner})"
    plain = re.match(r"'(.+?)' is undefined", message)
    return f"no such field: {plain.group(1)}" if plain else message
