"""Loading the policy's units and roster into the database, idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlmodel import select

from storage.tables import Appointment, Person, Unit
from storage.uow import UnitOfWork
from workflow.policy import Policy
from workflow.roles import Role

# Positions of the roster and the role each brings in the bot.
POSITION_ROLES: Final[dict[str, Role]] = {
    "leading_group_leader": Role.LEADER,
    "leading_group_deputy": Role.LEADER,
    "leading_group_member": Role.UNIT_HEAD,
    "office_director": Role.OFFICE,
    "office_deputy": Role.OFFICE,
    "review_leader": Role.REVIEWER,
    "review_deputy": Role.REVIEWER,
    "review_member": Role.REVIEWER,
    "city_leader": Role.CITY_LEADER,
    "city_exec_deputy": Role.CITY_EXEC_DEPUTY,
    "city_office_director": Role.CITY_OFFICE,
}


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seeding run changed."""

    units_added: int
    units_updated: int
    people_added: int
    appointments_added: int

    @property
    def changed(self) -> bool:
        """Whether anything changed."""
        return any(
            (self.units_added, self.units_updated, self.people_added, self.appointments_added)
        )


def seed_policy(uow: UnitOfWork, policy: Policy) -> SeedReport:
    """Mirror the policy's units and roster; a second run changes nothing."""
    s = uow.session
    units_added = units_updated = people_added = appointments_added = 0
    for u in policy.units:
        row = s.get(Unit, u.id)
        values: dict[str, Any] = {
            "name": u.name,
            "short": u.short,
            "kind": u.kind.value,
            "member": u.member,
            "hosted_by": u.hosted_by,
        }
        if row is None:
            s.add(Unit(id=u.id, **values))
            units_added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            s.add(row)
            units_updated += 1
    s.flush()
    office_id = policy.office().id
    for entry in policy.roster:
        person = s.exec(
            select(Person).where(
                Person.name == entry.name, Person.unit_id == entry.unit, Person.from_roster
            )
        ).first()
        if person is None:
            person = uow.people.add(
                Person(name=entry.name, title=entry.title, unit_id=entry.unit, from_roster=True)
            )
            people_added += 1
        assert person.id is not None
        held = set(uow.people.positions_of(person.id))
        for pos in entry.positions:
            if pos not in held:
                s.add(Appointment(person_id=person.id, position_id=pos))
                appointments_added += 1
            role = POSITION_ROLES.get(pos)
            if role is not None:
                unit = office_id if role is Role.OFFICE else entry.unit
                uow.people.grant(person.id, role.value, unit_id=unit)
    s.flush()
    return SeedReport(units_added, units_updated, people_added, appointments_added)
