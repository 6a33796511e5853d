"""The office's judgement of a priority condition the documents leave to it (001 五(三) 单体
when the plan does not say, 五(八) with no figures): a button per open question on the card, a
reason, an audit. Only once the basic requirements are met (001 五, "符合引入基本要求")."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.notes import PRIORITY_JUDGEMENT
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome
from handlers import forms
from handlers.buttons import PIPELINE_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.stages import open_project_blockers
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.priority import judged_priority, open_questions


def judgement_buttons(s: Services, uow: UnitOfWork, project: Project, locale: str) -> list[Button]:
    """A 认定 button for each priority question the office may answer now."""
    if project.priority or open_project_blockers(uow, project):
        return []
    return [
        Button(
            s.renderer.message(locale, "pipeline#btn_priority", number=number),
            PIPELINE_BUTTONS.encode("prio", project.id, number),
        )
        for number in open_questions(project.findings, ready_only=True)
    ]


def _check(uow: UnitOfWork, project: Project, number: int) -> None:
    if project.priority:
        raise HandlerError("pipeline#priority_already", serial=project.serial)
    if open_project_blockers(uow, project):
        raise HandlerError("pipeline#priority_blocked", serial=project.serial)
    if number not in open_questions(project.findings, ready_only=False):
        raise HandlerError("pipeline#priority_not_open", serial=project.serial, number=number)
    if number not in open_questions(project.findings, ready_only=True):
        raise HandlerError("pipeline#priority_entry_open", serial=project.serial)


def start_judgement(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    project: Project,
    data: CallbackData,
) -> Outcome:
    """The office presses 认定: the form asks its reasons."""
    number = int(data.args[1])
    _check(uow, project, number)
    subject = f"{project.id}:{number}"
    return Outcome(forms.start(s, uow, actor, event.chat_id, PRIORITY_JUDGEMENT.id, subject))


def record_judgement(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> Project:
    """The condition is judged met: the project is priority (and has the green channel); the
    reason is kept as a note and audited."""
    pid, _, number_text = subject.partition(":")
    project = uow.projects.get(int(pid)) if pid.isdigit() else None
    if project is None or not number_text.isdigit():
        raise HandlerError("common#stale_button")
    number = int(number_text)
    _check(uow, project, number)
    reason = str(draft.answers["priority_judgement"])
    project.findings = judged_priority(project.findings, number)
    project.priority = True
    uow.session.add(project)
    uow.projects.add_note(project.id or 0, "priority", reason, actor.person_id)
    uow.audit(
        "priority_judged",
        "project",
        project.id,
        actor_id=actor.person_id,
        to_value=str(number),
        note=reason,
    )
    return project
