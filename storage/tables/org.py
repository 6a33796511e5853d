"""People and organisation: units, persons, messenger accounts, roles, invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, stamped_column


class Unit(SQLModel, table=True):
    """A unit of the policy (单位), mirrored from the policy file by `zhaoshang init`."""

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    short: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    member: bool = False
    hosted_by: str | None = Field(default=None, max_length=40)


class Person(SQLModel, table=True):
    """A person: an official from the roster or by invitation, or a registered investor."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    title: str | None = Field(default=None, max_length=200)
    unit_id: str | None = Field(default=None, foreign_key="unit.id", index=True)
    company: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    locale: str | None = Field(default=None, max_length=10)
    from_roster: bool = False
    consent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The messenger this person wrote in last: notifications go there, when it runs.
    last_messenger: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default=None, sa_column=stamped_column())


class MessengerAccount(SQLModel, table=True):
    """A person's account in a messenger, and the private chat we reach them in."""

    __table_args__ = (UniqueConstraint("messenger", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    messenger: str = Field(default="telegram", max_length=20)
    external_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    username: str | None = Field(default=None, max_length=64)
    language_code: str | None = Field(default=None, max_length=16)
    blocked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    linked_at: datetime = Field(default=None, sa_column=stamped_column())


class PersonRole(SQLModel, table=True):
    """A role a person holds for a unit; a delegate (A/B 岗) may act for the unit's principal.

    A delegate's row is a reviewer row of the unit with `delegate_of` set and no dimension: it
    covers every dimension its reviewer reviews for the unit (rows without a dimension never
    collide in the unique constraint, so one colleague can stand in for two reviewers)."""

    __table_args__ = (UniqueConstraint("person_id", "role", "unit_id", "dimension_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=30, index=True)
    unit_id: str | None = Field(default=None, foreign_key="unit.id", index=True)
    dimension_id: str | None = Field(default=None, max_length=40)
    delegate_of: int | None = Field(default=None, foreign_key="person.id")
    granted_by: int | None = Field(default=None, foreign_key="person.id")
    granted_at: datetime = Field(default=None, sa_column=stamped_column())


class Appointment(SQLModel, table=True):
    """A position (职务) a person holds, from the roster of 附件1 / 附件3."""

    __table_args__ = (UniqueConstraint("person_id", "position_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    position_id: str = Field(max_length=40, index=True)


ACCOUNT_LINK: Final = "account_link"
"""The role of an invitation that links a person's other messenger account (关联账号)."""


class Invitation(SQLModel, table=True):
    """A single-use invitation link binding whoever opens it to a role and unit.

    With `messenger` and `external_id` (an invitation by WeCom UserID), only that account
    may take it, and it is taken at the account's first contact, with no link to open. With
    `person_id` and the role ACCOUNT_LINK, it links the opener's account to that person
    (their other messenger, 关联账号) and grants nothing."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    role: str = Field(max_length=30)
    unit_id: str | None = Field(default=None, foreign_key="unit.id")
    dimension_id: str | None = Field(default=None, max_length=40)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    delegate_of: int | None = Field(default=None, foreign_key="person.id")  # an A/B 岗's reviewer
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default=None, sa_column=stamped_column())
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_by: int | None = Field(default=None, foreign_key="person.id")
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    messenger: str | None = Field(default=None, max_length=20)
    external_id: str | None = Field(default=None, max_length=64)
