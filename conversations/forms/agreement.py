"""The formal investment agreement (正式投资协议书, 001 八): who signed it and in which capacity,
the committed figures, each required clause, and its scan."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Final

from conversations.fields import Check, Field, FormSpec, Kind, Values
from conversations.files import MAX_FILE_SIZE

SIGNER_CAPACITIES: Final = ("district_head", "authorised_leader")
"""由区长或区长授权区政府分管相关工作的领导签订 (000 一(二)2(3))."""

AUTHORISERS: Final = "authorisers"
"""The run-time choices of who authorised the signer: the roster's 区长 (组长, 000 一(一)1)."""

CLAUSES: Final = ("exit_mechanism", "breach_liability", "supervision_duty")
"""The clauses the agreement must hold: 退出机制、违约责任、监管责任 (001 八). An agreement
without one of them is not registered."""


def _held(clause: str) -> Callable[[Values], bool]:
    """The clause is not answered 否 (a 否 is refused, and the agreement cannot be registered)."""
    return lambda v: v.get(clause) is not False


AGREEMENT_FORM: Final = FormSpec(
    id="agreement",
    template="forms/agreement",
    fields=(
        Field("signed_on", Kind.DATE, not_after_today=True),
        Field("signer", Kind.CHOICE, choices=SIGNER_CAPACITIES),
        # An authorised leader signs on the 区长's authority: which 区长 (from the roster).
        Field(
            "authoriser",
            Kind.CHOICE,
            choices_from=AUTHORISERS,
            condition=lambda v: v.get("signer") == "authorised_leader",
        ),
        Field("signer_name", Kind.SHORT_TEXT, max_length=50),
        Field("committed_start", Kind.YEAR_MONTH),
        Field("committed_production", Kind.YEAR_MONTH),
        Field("committed_intensity", Kind.DECIMAL, min=Decimal(0), max=Decimal(100_000)),
        Field(
            "committed_output",
            Kind.MONEY,
            unit="yi_yuan",
            min=Decimal(0),
            max=Decimal(100_000_000),
        ),
        Field(
            "committed_tax", Kind.MONEY, unit="wan_yuan", min=Decimal(0), max=Decimal(100_000_000)
        ),
        *(Field(clause, Kind.YES_NO) for clause in CLAUSES),
    ),
    checks=(
        *(Check(f"has_{clause}", (clause,), _held(clause)) for clause in CLAUSES),
        Check(
            "production_after_start",
            ("committed_start", "committed_production"),
            lambda v: (
                v.get("committed_start") is None
                or v.get("committed_production") is None
                or v["committed_production"] >= v["committed_start"]
            ),
        ),
    ),
)

SCAN_FORM: Final = FormSpec(
    id="agreement_scan",
    template="forms/agreement",
    fields=(Field("scan", Kind.FILE, max_size=MAX_FILE_SIZE),),
)

DRC_RETURN_FORM: Final = FormSpec(
    id="drc_return",
    template="forms/drc_return",
    fields=(Field("drc_return", Kind.LONG_TEXT, max_length=2000),),
)
"""Why 发改局 does not approve and file the agreement as registered (000 一(二)2(3))."""
