"""People, their messenger accounts, roles, positions and invitations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from storage.repositories.merging import merge_person, records_of
from storage.tables import (
    ACCOUNT_LINK,
    Appointment,
    Invitation,
    MessengerAccount,
    Person,
    PersonRole,
)
from storage.types import Clock

# Built once: every message runs it, and building a statement costs more than running it.
_ACTOR = (
    select(MessengerAccount, Person, PersonRole)
    .outerjoin(Person, col(Person.id) == MessengerAccount.person_id)
    .outerjoin(PersonRole, col(PersonRole.person_id) == Person.id)
    .where(
        col(MessengerAccount.messenger) == bindparam("messenger"),
        col(MessengerAccount.external_id) == bindparam("external_id"),
    )
    .order_by(col(PersonRole.id))
)


class PeopleRepository:
    """Queries and changes on people and what they may do."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def get(self, person_id: int) -> Person | None:
        """The person with this id."""
        return self.session.get(Person, person_id)

    def by_account(self, messenger: str, external_id: str) -> Person | None:
        """The person behind a messenger account, if linked."""
        stmt = (
            select(Person)
            .join(MessengerAccount, col(MessengerAccount.person_id) == Person.id)
            .where(
                MessengerAccount.messenger == messenger,
                MessengerAccount.external_id == external_id,
            )
        )
        return self.session.exec(stmt).first()

    def actor(
        self, messenger: str, external_id: str
    ) -> tuple[MessengerAccount | None, Person | None, list[PersonRole]]:
        """A messenger account, its person and their roles, in one query (every message
        starts with it)."""
        params = {"messenger": messenger, "external_id": external_id}
        rows = self.session.exec(_ACTOR, params=params).all()  # type: ignore[call-overload]
        if not rows:
            return None, None, []
        account, person, _ = rows[0]
        return account, person, [role for _, _, role in rows if role is not None]

    def account(
        self, messenger: str, external_id: str, *, any_case: bool = False
    ) -> MessengerAccount | None:
        """A messenger account by its external id; `any_case` for an id typed by a person
        (WeCom's UserIDs are not case-sensitive), off the hot path: it reads no index."""
        same = (
            func.lower(MessengerAccount.external_id) == external_id.lower()
            if any_case
            else MessengerAccount.external_id == external_id
        )
        stmt = select(MessengerAccount).where(MessengerAccount.messenger == messenger, same)
        return self.session.exec(stmt).first()

    def accounts_of(self, person_id: int) -> Sequence[MessengerAccount]:
        """Every messenger account of a person."""
        stmt = select(MessengerAccount).where(MessengerAccount.person_id == person_id)
        return self.session.exec(stmt).all()

    def link_account(
        self,
        person: Person,
        messenger: str,
        external_id: str,
        chat_id: str,
        username: str | None = None,
        language_code: str | None = None,
    ) -> MessengerAccount:
        """Bind a messenger account to a person (moving it if it was bound elsewhere)."""
        acc = self.account(messenger, external_id)
        if acc is None:
            acc = MessengerAccount(
                person_id=person.id or 0,
                messenger=messenger,
                external_id=external_id,
                chat_id=chat_id,
                username=username,
                language_code=language_code,
            )
        else:
            acc.person_id = person.id or 0
            acc.chat_id = chat_id
        self.session.add(acc)
        return acc

    def add(self, person: Person) -> Person:
        """Store a new person and give it an id."""
        self.session.add(person)
        self.session.flush()
        return person

    def roles_of(self, person_id: int) -> Sequence[PersonRole]:
        """Every role a person holds."""
        return self.session.exec(select(PersonRole).where(PersonRole.person_id == person_id)).all()

    def grant(
        self,
        person_id: int,
        role: str,
        unit_id: str | None = None,
        dimension_id: str | None = None,
        delegate_of: int | None = None,
        granted_by: int | None = None,
    ) -> PersonRole:
        """Give a person a role (idempotent)."""
        stmt = select(PersonRole).where(
            PersonRole.person_id == person_id,
            PersonRole.role == role,
            PersonRole.unit_id == unit_id,
            PersonRole.dimension_id == dimension_id,
            PersonRole.delegate_of == delegate_of,
        )
        existing = self.session.exec(stmt).first()
        if existing:
            return existing
        pr = PersonRole(
            person_id=person_id,
            role=role,
            unit_id=unit_id,
            dimension_id=dimension_id,
            delegate_of=delegate_of,
            granted_by=granted_by,
        )
        self.session.add(pr)
        self.session.flush()
        return pr

    def name_delegate(
        self, person_id: int, role: str, unit_id: str, delegate_of: int, granted_by: int | None
    ) -> PersonRole:
        """Make a person the unit's delegate (A/B 岗) for one of its reviewers (idempotent). The
        row has no dimension: it covers whatever the reviewer reviews for the unit."""
        return self.grant(person_id, role, unit_id, delegate_of=delegate_of, granted_by=granted_by)

    def delegates(self, role: str, unit_id: str) -> Sequence[PersonRole]:
        """The delegate rows (A/B 岗) of a role in a unit, oldest first."""
        stmt = select(PersonRole).where(
            PersonRole.role == role,
            PersonRole.unit_id == unit_id,
            col(PersonRole.delegate_of).is_not(None),
        )
        return self.session.exec(stmt.order_by(col(PersonRole.id))).all()

    def role_row(self, row_id: int) -> PersonRole | None:
        """One role row by id."""
        return self.session.get(PersonRole, row_id)

    def revoke(self, row: PersonRole) -> None:
        """Take a role row away."""
        self.session.delete(row)
        self.session.flush()

    def unit_members(self, unit_id: str, skip_roles: frozenset[str]) -> Sequence[Person]:
        """The people holding a role for a unit other than `skip_roles`, and reachable in a
        messenger: the unit's officials a head can choose among."""
        stmt = (
            select(Person)
            .join(PersonRole, col(PersonRole.person_id) == Person.id)
            .join(MessengerAccount, col(MessengerAccount.person_id) == Person.id)
            .where(PersonRole.unit_id == unit_id, col(PersonRole.role).not_in(skip_roles))
        )
        return self.session.exec(stmt.distinct().order_by(col(Person.id))).all()

    def holders(self, role: str, unit_id: str | None = None) -> Sequence[Person]:
        """The people holding a role (for a unit, when given)."""
        stmt = (
            select(Person)
            .join(PersonRole, col(PersonRole.person_id) == Person.id)
            .where(PersonRole.role == role)
        )
        if unit_id is not None:
            stmt = stmt.where(PersonRole.unit_id == unit_id)
        return self.session.exec(stmt.distinct().order_by(col(Person.id))).all()

    def role_rows(self, role: str, unit_id: str | None = None) -> Sequence[PersonRole]:
        """The role rows of a role (for a unit, when given), oldest first."""
        stmt = select(PersonRole).where(PersonRole.role == role)
        if unit_id is not None:
            stmt = stmt.where(PersonRole.unit_id == unit_id)
        return self.session.exec(stmt.order_by(col(PersonRole.id))).all()

    def has_account(self, person_id: int) -> bool:
        """Whether a person can be reached in a messenger."""
        stmt = select(MessengerAccount.id).where(MessengerAccount.person_id == person_id)
        return self.session.exec(stmt).first() is not None

    def position_holders(self, position_id: str) -> Sequence[Person]:
        """The people holding a position of the roster."""
        stmt = (
            select(Person)
            .join(Appointment, col(Appointment.person_id) == Person.id)
            .where(Appointment.position_id == position_id)
            .order_by(col(Person.id))
        )
        return self.session.exec(stmt).all()

    def positions_of(self, person_id: int) -> list[str]:
        """The positions a person holds."""
        stmt = select(Appointment.position_id).where(Appointment.person_id == person_id)
        return list(self.session.exec(stmt).all())

    def add_invitation(self, invitation: Invitation) -> Invitation:
        """Store a new invitation."""
        self.session.add(invitation)
        self.session.flush()
        return invitation

    def invitation(self, code: str) -> Invitation | None:
        """An invitation by its code."""
        return self.session.exec(select(Invitation).where(Invitation.code == code)).first()

    def invitation_for(self, messenger: str, external_id: str, now: datetime) -> Invitation | None:
        """The newest invitation bound to this account (by WeCom UserID, in any case, as
        WeCom matches them) and still open."""
        stmt = (
            select(Invitation)
            .where(
                Invitation.messenger == messenger,
                func.lower(Invitation.external_id) == external_id.lower(),
                col(Invitation.used_at).is_(None),
                Invitation.expires_at > now,
            )
            .order_by(col(Invitation.id).desc())
        )
        return self.session.exec(stmt).first()

    def invitee(self, messenger: str, external_id: str) -> Person | None:
        """The person an earlier invitation to this account (by WeCom UserID) was made for,
        while no account is theirs yet: inviting the account again invites the same person."""
        linked = select(MessengerAccount.id).where(MessengerAccount.person_id == Person.id)
        stmt = (
            select(Person)
            .join(Invitation, col(Invitation.person_id) == Person.id)
            .where(
                Invitation.messenger == messenger,
                func.lower(Invitation.external_id) == external_id.lower(),
                Invitation.role != ACCOUNT_LINK,
                ~linked.exists(),
            )
            .order_by(col(Invitation.id).desc())
        )
        return self.session.exec(stmt).first()

    def records(self, person: Person) -> list[str]:
        """What names this person beyond what a provisional person (an unregistered
        visitor) leaves behind; empty for a provisional person."""
        return records_of(self.session, person)

    def merge(self, provisional: Person, into: Person) -> None:
        """Fold a provisional person into the person they are: their accounts, drafts,
        queued notifications, link invitations and audit rows now name `into`, and the
        provisional person is gone."""
        merge_person(self.session, provisional, into)

    def use_invitation(
        self, invitation: Invitation, person_id: int, now: datetime | None = None
    ) -> None:
        """Mark an invitation used by a person."""
        invitation.used_by = person_id
        invitation.used_at = now or self.now()
        self.session.add(invitation)
