"""Test kit for the form engine: a small test form, a stand-in policy, and a driver that checks
every draft survives JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from conversations.callbacks import decode
from conversations.draft import Draft, new_draft
from conversations.engine import step
from conversations.fields import Check, Field, FormSpec, Kind
from conversations.inbound import FileRef
from conversations.inputs import ButtonInput, Command, Event, TextInput
from conversations.replies import Button
from conversations.step import FormContext, StepResult

TODAY = date(2026, 1, 15)
SHA = "5" * 64  # the SHA-256 of a file the runtime fetched

SAMPLE_FORM = FormSpec(
    id="sample",
    template="forms/sample",
    fields=(
        Field("title", Kind.SHORT_TEXT),
        Field(
            "size", Kind.DECIMAL, unit="mu", min=Decimal(0), min_exclusive=True, max=Decimal(1000)
        ),
        Field("kind", Kind.CHOICE, choices=("a", "b", "other")),
        Field("kind_other", Kind.SHORT_TEXT, condition=lambda v: v.get("kind") == "other"),
        Field("colours", Kind.MULTI_CHOICE, choices=("red", "green", "blue")),
        Field("total", Kind.MONEY, unit="wan_yuan", min=Decimal(0)),
        Field("part", Kind.MONEY, unit="wan_yuan", min=Decimal(0), required=False),
        Field("agree", Kind.YES_NO),
        Field("count", Kind.INTEGER, unit="phase", min=Decimal(0), max=Decimal(3)),
        Field(
            "rounds",
            Kind.GROUP,
            count_from="count",
            items=(
                Field("start", Kind.YEAR_MONTH, not_before_today=True),
                Field("end", Kind.YEAR_MONTH),
            ),
        ),
        Field("phone", Kind.PHONE, required=False),
        Field("doc", Kind.FILE, required=False, max_size=1024),
    ),
    checks=(
        Check(
            "part_within_total",
            ("part", "total"),
            lambda v: "part" not in v or "total" not in v or v["part"] <= v["total"],
        ),
        Check(
            "rounds_order",
            ("rounds",),
            lambda v: all(
                r["end"] > r["start"] for r in v.get("rounds", []) if "start" in r and "end" in r
            ),
        ),
    ),
)


@dataclass
class Named:
    """A stand-in for a policy entry (town, sector, investor category)."""

    id: str
    name: str


@dataclass
class FakePolicy:
    """A stand-in for workflow.policy: only the attributes the plan form reads."""

    sites: list[Named]
    sectors: list[Named]
    investor_categories: list[Named]


POLICY = FakePolicy(
    sites=[
        Named("taihe", "太和镇"),
        Named("taiping", "太平镇"),
        Named("park", "清新智能制造产业园"),
    ],
    sectors=[
        Named("auto_parts", "汽车零配件"),
        Named("new_materials", "新材料"),
        Named("biomed", "生物医药"),
    ],
    investor_categories=[
        Named("global500", "世界500强"),
        Named("listed", "上市公司"),
        Named("other", "其他"),
    ],
)


class Driver:
    """Sends events to the engine as a handler would, checking each result on the way."""

    def __init__(self, spec: FormSpec, ctx: FormContext, draft: Draft | None = None) -> None:
        self.spec = spec
        self.ctx = ctx
        self.draft = draft or new_draft(spec)
        self.result: StepResult | None = None

    def send(self, event: Event) -> StepResult:
        """Apply one event; the stored draft must come back from JSON unchanged."""
        before = self.draft
        result = step(self.spec, before, event, self.ctx)
        assert Draft.model_validate_json(result.draft.model_dump_json()) == result.draft
        if not result.changed:
            assert result.draft == before
        self.draft = result.draft
        self.result = result
        return result

    def text(self, text: str) -> StepResult:
        """Type a message."""
        return self.send(TextInput(text))

    def press(self, data: str) -> StepResult:
        """Press a button by its callback data."""
        return self.send(ButtonInput(decode(data)))

    def cmd(self, name: str, arg: str | None = None) -> StepResult:
        """Send a command."""
        return self.send(Command(name, arg))

    def file(
        self,
        name: str = "report.pdf",
        size: int = 100,
        mime: str | None = "application/pdf",
        *,
        received: bool = True,
    ) -> StepResult:
        """Send a file (whose bytes the runtime fetched, unless `received` is False)."""
        return self.send(FileRef("FILE-ID-1", name, mime, size, SHA if received else None))

    @property
    def out(self) -> str:
        """All reply texts of the last step."""
        assert self.result is not None
        return "\n".join(r.text for r in self.result.replies)

    def buttons(self) -> list[Button]:
        """The buttons of the last reply of the last step."""
        assert self.result is not None
        return [b for row in self.result.replies[-1].buttons for b in row]

    def button(self, text: str) -> str:
        """The callback data of the last reply's button whose label contains `text`."""
        found = [b.data for b in self.buttons() if text in b.text and b.data]
        assert found, f"no button {text!r} in {[b.text for b in self.buttons()]}"
        return found[0]

    def tap(self, text: str) -> StepResult:
        """Press the button labelled `text` on the last reply."""
        return self.press(self.button(text))


def fill_sample(d: Driver, **overrides: Any) -> None:
    """Answer the test form up to its summary with simple valid answers."""
    answers: list[tuple[str, str]] = [
        ("text", "第一个项目"),
        ("text", "12"),
        ("tap", "甲"),
        ("tap", "红"),
        ("tap", "完成"),
        ("text", "1.2亿"),
        ("text", "3000"),
        ("tap", "是"),
        ("text", "1"),
        ("text", "2026-03"),
        ("text", "2027-01"),
        ("tap", "跳过"),
        ("tap", "跳过"),
    ]
    for how, value in answers:
        d.tap(value) if how == "tap" else d.text(overrides.get(d.draft.current, value))
