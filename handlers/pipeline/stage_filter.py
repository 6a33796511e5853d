"""Which projects a view of the pipeline shows: the stages a person names, in the words of
附件8 and of the stage names (`/pipeline 洽谈`, `/pipeline ③`, `/pipeline 3`, `/pipeline
negotiation`), as a short token a button can carry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from templates.renderer import LOCALES, Renderer
from workflow.pipeline import ACTIVE_STAGES, Stage


@dataclass(frozen=True, slots=True)
class StageFilter:
    """A view's filter: its token (in callback data) and the stages it shows."""

    token: str
    stages: tuple[Stage, ...]

    @property
    def values(self) -> tuple[str, ...]:
        """The stored values of its stages, for the query."""
        return tuple(s.value for s in self.stages)

    @property
    def single(self) -> Stage | None:
        """Its one stage, when it shows one."""
        return self.stages[0] if len(self.stages) == 1 else None

    @property
    def reviews(self) -> bool:
        """Whether it shows projects under review (where bulk 催办 belongs)."""
        return Stage.REVIEW in self.stages


ACTIVE: Final = StageFilter("active", ACTIVE_STAGES)
"""The default view: every project still in progress."""
ALL: Final = StageFilter("all", tuple(Stage))
DECIDING: Final = StageFilter(
    "s4", (Stage.REVIEW, Stage.DECISION, Stage.CITY, Stage.CLEARED, Stage.SIGNED)
)
"""附件8's ④ 项目决策: the review, the joint meeting's decision, the city's filing or
approval, and the contract that concludes it (000 一(二)2)."""

FILTERS: Final = {
    f.token: f for f in (ACTIVE, ALL, DECIDING, *(StageFilter(s.value, (s,)) for s in Stage))
}
"""Every filter a button may name, by token."""

STEPS: Final = {
    1: FILTERS[Stage.LEAD.value],
    2: FILTERS[Stage.CONFIRMED.value],
    3: FILTERS[Stage.NEGOTIATION.value],
    4: DECIDING,
    5: FILTERS[Stage.LANDING.value],
    6: FILTERS[Stage.CONSTRUCTION.value],
}
"""附件8's six steps by number: ① 信息收集 … ⑥ 建设服务."""
CIRCLED: Final = "①②③④⑤⑥"


def _key(word: str) -> str:
    return "".join(word.split()).casefold()


@cache
def _words(renderer: Renderer) -> dict[str, StageFilter]:
    """What a person may type for each filter, in every locale: the stage names of
    stages.j2 (with and without their number) and the words of pipeline.j2's stage_words."""
    table: dict[str, StageFilter] = {}
    for locale in LOCALES:
        for stage in Stage:
            name = renderer.message(locale, "stages#name", stage=stage.value)
            table[_key(name)] = FILTERS[stage.value]
            table[_key(name.lstrip(CIRCLED))] = FILTERS[stage.value]
        for line in renderer.message(locale, "pipeline#stage_words").splitlines():
            token, _, words = line.partition(":")
            for word in words.split("、"):
                if word.strip():
                    table[_key(word)] = FILTERS[token.strip()]
    return table


def parse_filter(renderer: Renderer, text: str) -> StageFilter | None:
    """The filter a person named, or None when the words name no stage."""
    key = _key(text)
    if not key:
        return ACTIVE
    if key in FILTERS:
        return FILTERS[key]
    if len(key) == 1 and key in CIRCLED:
        return STEPS[CIRCLED.index(key) + 1]
    if key.isdigit() and int(key) in STEPS:
        return STEPS[int(key)]
    return _words(renderer).get(key)
