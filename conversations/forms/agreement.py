"""The formal investment agreement (正式投资协议书, 001 八) and its scan."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from conversations.fields import Check, Field, FormSpec, Kind
from conversations.files import MAX_FILE_SIZE

AGREEMENT_FORM: Final = FormSpec(
    id="agreement",
    template="forms/agreement",
    fields=(
        Field("signed_on", Kind.DATE, not_after_today=True),
        Field("signer", Kind.CHOICE, choices=("district_head", "authorised_leader")),
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
        Field("exit_mechanism", Kind.YES_NO),
    ),
    checks=(
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
