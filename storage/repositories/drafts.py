"""Conversation drafts, stored after every answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.tables import FormDraft
from storage.types import Clock

# Built once: every answer runs it, and building a statement costs more than running it.
_ACTIVE = select(FormDraft).where(
    col(FormDraft.person_id) == bindparam("person_id"),
    col(FormDraft.chat_id) == bindparam("chat_id"),
    col(FormDraft.active).is_(True),
)

_STORE = (
    update(FormDraft)
    .where(col(FormDraft.id) == bindparam("draft_id"))
    .values(
        {
            name: bindparam(name, type_=FormDraft.__table__.c[name].type)  # type: ignore[attr-defined]
            for name in ("data", "active", "updated_at")
        }
    )
)


class DraftRepository:
    """The stored form drafts of each person and chat."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def active(self, person_id: int, chat_id: str) -> FormDraft | None:
        """The draft that takes this person's next message in this chat."""
        params = {"person_id": person_id, "chat_id": chat_id}
        return self.session.exec(_ACTIVE, params=params).first()  # type: ignore[call-overload]

    def find(
        self, person_id: int, chat_id: str, form_id: str, subject: str = ""
    ) -> FormDraft | None:
        """A person's draft of one form (and subject) in a chat."""
        stmt = select(FormDraft).where(
            FormDraft.person_id == person_id,
            FormDraft.chat_id == chat_id,
            FormDraft.form_id == form_id,
            FormDraft.subject == subject,
        )
        return self.session.exec(stmt).first()

    def save(
        self,
        person_id: int,
        chat_id: str,
        form_id: str,
        data: dict[str, Any],
        subject: str = "",
        active: bool = True,
    ) -> FormDraft:
        """Store a draft; an active draft makes the person's other drafts in the chat inactive."""
        draft = self.find(person_id, chat_id, form_id, subject)
        if active:
            stmt = (
                update(FormDraft)
                .where(
                    col(FormDraft.person_id) == person_id,
                    col(FormDraft.chat_id) == chat_id,
                    col(FormDraft.active).is_(True),
                )
                .values(active=False)
            )
            if draft is not None and draft.id is not None:
                stmt = stmt.where(col(FormDraft.id) != draft.id)
            self.session.exec(stmt)  # type: ignore[call-overload]
        if draft is None:
            draft = FormDraft(
                person_id=person_id, chat_id=chat_id, form_id=form_id, subject=subject
            )
        draft.data = data
        draft.active = active
        draft.updated_at = self.now()
        self.session.add(draft)
        self.session.flush()
        return draft

    def store(self, draft: FormDraft, data: dict[str, Any], active: bool) -> None:
        """Write a loaded draft's new state; the caller knows no other draft must change
        (it was the chat's active one, or it is being paused).

        One UPDATE by id, at once; the loaded row takes the values as already written, so the
        session's flush has nothing more to do for it."""
        now = self.now()
        values = {"data": data, "active": active, "updated_at": now}
        if draft.id is None or draft in self.session.new:  # not written yet: the flush will
            for key, value in values.items():
                setattr(draft, key, value)
            self.session.add(draft)
            return
        self.session.connection().execute(_STORE, {"draft_id": draft.id, **values})
        for key, value in values.items():
            set_committed_value(draft, key, value)

    def delete(self, draft: FormDraft) -> None:
        """Remove a draft (after submission)."""
        self.session.delete(draft)

    def of_person(self, person_id: int, form_id: str | None = None) -> list[FormDraft]:
        """Every draft of a person, optionally of one form."""
        stmt = select(FormDraft).where(FormDraft.person_id == person_id)
        if form_id:
            stmt = stmt.where(FormDraft.form_id == form_id)
        return list(self.session.exec(stmt.order_by(col(FormDraft.updated_at).desc())).all())
