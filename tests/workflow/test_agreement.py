"""The agreement's figures against the screened plan (001 八)."""

from __future__ import annotations

from decimal import Decimal

from workflow.agreement import Commitments, differences, plan_commitments

PLAN = {
    "land_area": "40",
    "fixed_investment": "16000",
    "annual_output_value": "6",
    "annual_tax": "3500",
    "phases": [{"start": "2027-05", "end": "2028-06"}, {"start": "2027-03", "end": "2029-12"}],
}


def test_the_plan_commits_its_earliest_start_and_the_first_phase_s_completion():
    c = plan_commitments(PLAN)
    assert (c.start, c.production) == ("2027-03", "2028-06")
    assert (c.intensity, c.output, c.tax) == (Decimal(400), Decimal(6), Decimal(3500))


def test_matching_figures_are_no_difference_to_the_cent():
    screened = plan_commitments({**PLAN, "fixed_investment": "16000.1"})  # 400.0025 万元/亩
    agreed = Commitments("2027-03", "2028-06", Decimal("400.00"), Decimal(6), Decimal(3500))
    assert differences(screened, agreed) == []
    lower = Commitments("2027-03", "2028-06", Decimal("399.99"), Decimal(6), Decimal(3500))
    assert [d.figure for d in differences(screened, lower)] == ["intensity"]


def test_every_differing_figure_is_listed_in_the_documents_order():
    agreed = Commitments("2027-04", "2028-07", Decimal(380), Decimal("5.5"), Decimal(3000))
    found = differences(plan_commitments(PLAN), agreed)
    assert [d.figure for d in found] == ["start", "production", "intensity", "output", "tax"]
    assert (found[2].screened, found[2].agreed) == (Decimal(400), Decimal(380))


def test_a_figure_only_one_side_gives_is_a_difference_and_one_neither_gives_is_not():
    screened = plan_commitments({"land_area": "40", "fixed_investment": "16000"})
    agreed = Commitments(start="2027-03", intensity=Decimal(400))
    found = differences(screened, agreed)
    assert [(d.figure, d.screened, d.agreed) for d in found] == [("start", None, "2027-03")]
