"""When a source document's period of validity ends (001 九(一): "本办法自2020年9月4日起实施,
试行期2年"), and which documents of a policy have lapsed on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workflow.policy import Policy, SourceDocument


@dataclass(frozen=True, slots=True)
class Lapse:
    """A document whose period has ended and that the policy file has not renewed or confirmed."""

    key: str
    title: str
    ended: date  # the first day outside the period
    source: str | None

    @property
    def last_day(self) -> date:
        """The last day of the period."""
        return self.ended - timedelta(days=1)


def period_end(doc: SourceDocument) -> date | None:
    """The first day after the document's trial period, or None when it states no period.

    A period of two years from 2020-09-04 covers 2020-09-04 to 2022-09-03; it has ended on
    2022-09-04. A period that starts on 29 February ends on 1 March.
    """
    if doc.effective_from is None or doc.trial_years is None:
        return None
    start = doc.effective_from
    year = start.year + doc.trial_years
    try:
        return start.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def lapsed_documents(policy: Policy, today: date) -> tuple[Lapse, ...]:
    """The documents whose period has ended by today, unless confirmed in force since it ended."""
    out: list[Lapse] = []
    for key, doc in policy.documents.items():
        end = period_end(doc)
        if end is None or today < end:
            continue
        confirmed = doc.still_in_force_confirmed
        if confirmed is not None and confirmed.on >= end:
            continue
        out.append(Lapse(key, doc.title, end, doc.validity_source))
    return tuple(out)
