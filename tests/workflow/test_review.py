"""A round passes when every dimension agrees; a veto dimension's 不同意 fails it; a dimension's
verdict is its units' joint one; the prohibited categories are confirmed by reviewers; the
review group's leader concludes."""

from __future__ import annotations

from workflow.pipeline import ReviewOutcome
from workflow.policy import Policy
from workflow.policy_file import DEFAULT_POLICY_PATH, parse_policy
from workflow.review import (
    Conclusion,
    Verdict,
    allowed_verdicts,
    combine_units,
    concluded_outcome,
    concluding_roles,
    dimension_verdicts,
    kept_on_rescreening,
    pending_dimensions,
    round_result,
)
from workflow.roles import Role


def all_agree(policy: Policy) -> dict[str, Verdict | None]:
    return {d.id: Verdict.AGREE for d in policy.review_dimensions}


def test_a_round_with_a_pending_dimension_has_no_outcome(policy: Policy):
    verdicts = all_agree(policy) | {"legal_risk": None}
    assert round_result(verdicts, policy) is None
    assert pending_dimensions(verdicts, policy) == ["legal_risk"]


def test_every_dimension_agreeing_or_conditionally_agreeing_passes(policy: Policy):
    verdicts = all_agree(policy) | {"energy": Verdict.CONDITIONAL}
    result = round_result(verdicts, policy)
    assert result is not None and result.outcome is ReviewOutcome.PASSED
    assert result.conditional == ("energy",)


def test_a_disagreement_on_environment_is_a_one_vote_veto(policy: Policy):
    result = round_result(all_agree(policy) | {"environment": Verdict.DISAGREE}, policy)
    assert result is not None and result.outcome is ReviewOutcome.FAILED
    assert result.vetoed_by == ("environment",)


def test_any_other_disagreement_goes_to_the_meeting_flagged(policy: Policy):
    result = round_result(all_agree(policy) | {"technology": Verdict.DISAGREE}, policy)
    assert result is not None and result.outcome is ReviewOutcome.FLAGGED
    assert result.flagged == ("technology",)


def test_a_county_may_make_every_disagreement_fail_the_round():
    strict = parse_policy(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "non_veto_disagreement: flag", "non_veto_disagreement: fail"
        )
    )
    result = round_result(all_agree(strict) | {"technology": Verdict.DISAGREE}, strict)
    assert result is not None and result.outcome is ReviewOutcome.FAILED


# 联合评审: every unit the documents name for a dimension gives its own opinion (000 一(二)1)


def test_one_units_disagreement_is_the_dimensions_disagreement(policy: Policy):
    assert policy.review_rules.unit_combination == "any_disagree_disagrees"
    triples = [
        ("economic_benefit", "econ", Verdict.AGREE),
        ("economic_benefit", "state_tax", Verdict.DISAGREE),
        ("economic_benefit", "local_tax", Verdict.AGREE),
    ]
    assert dimension_verdicts(triples, policy)["economic_benefit"] is Verdict.DISAGREE
    assert combine_units([Verdict.AGREE, Verdict.CONDITIONAL], policy) is Verdict.CONDITIONAL
    assert combine_units([Verdict.CONDITIONAL, Verdict.DISAGREE], policy) is Verdict.DISAGREE
    assert combine_units([Verdict.AGREE, Verdict.AGREE], policy) is Verdict.AGREE


def test_a_dimension_waits_for_every_one_of_its_units(policy: Policy):
    triples = [("park_entry", "econ", Verdict.AGREE), ("park_entry", "ccpit", None)]
    assert dimension_verdicts(triples, policy)["park_entry"] is None
    assert dimension_verdicts(triples[:1], policy)["park_entry"] is Verdict.AGREE


def test_a_county_may_let_the_lead_unit_decide():
    lead = parse_policy(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "unit_combination: any_disagree_disagrees", "unit_combination: lead_unit_decides"
        )
    )
    triples = [("park_entry", "ccpit", Verdict.DISAGREE), ("park_entry", "econ", Verdict.AGREE)]
    assert dimension_verdicts(triples, lead)["park_entry"] is Verdict.AGREE


def test_the_sited_town_reviews_planning_and_housing_sits_in_planning(policy: Policy):
    planning = policy.dimension("planning")
    assert planning.units_for(policy.site_unit("taihe")) == ("planning", "housing", "taihe")
    assert planning.units_for(policy.site_unit("smart_park")) == (
        "planning",
        "housing",
        "park_committee",
    )
    assert planning.form_units == "市城乡规划局清新分局、选址园区"
    assert policy.dimension("land_use").units_for("taihe") == ("land",)
    assert policy.dimension("legal_risk").form_units is None  # 附件5 omits it


# The prohibited categories no screening can compute (001 六(一)(二)(四))


def test_catalogues_and_lists_go_to_industrial_policy_and_laws_to_legal_risk(policy: Policy):
    assert [c.id for c in policy.confirmations("industrial_policy")] == [
        "forbidden_catalogue",
        "negative_list",
    ]
    assert [c.id for c in policy.confirmations("legal_risk")] == ["forbidden_by_law"]
    assert all(
        not c.automatic for d in policy.review_dimensions for c in policy.confirmations(d.id)
    )


def test_no_opinion_before_the_confirmations_and_only_disagree_after_a_yes(policy: Policy):
    conditions = policy.confirmations("industrial_policy")
    assert allowed_verdicts({"forbidden_catalogue": "no"}, conditions) == frozenset()
    both_no = {"forbidden_catalogue": "no", "negative_list": "no"}
    assert allowed_verdicts(both_no, conditions) == frozenset(Verdict)
    one_yes = {"forbidden_catalogue": "no", "negative_list": "yes"}
    assert allowed_verdicts(one_yes, conditions) == frozenset({Verdict.DISAGREE})
    assert allowed_verdicts({}, ()) == frozenset(Verdict)


# The conclusion (000 一(二)1): the review group's 组长/副组长 at the district


def test_the_leader_concludes_pass_only_where_no_veto_and_fail_always(policy: Policy):
    vetoed = round_result(all_agree(policy) | {"environment": Verdict.DISAGREE}, policy)
    flagged = round_result(all_agree(policy) | {"technology": Verdict.DISAGREE}, policy)
    assert vetoed is not None and flagged is not None
    assert concluded_outcome(vetoed, Conclusion.PASS) is None
    assert concluded_outcome(vetoed, Conclusion.FAIL) is ReviewOutcome.FAILED
    assert concluded_outcome(flagged, Conclusion.PASS) is ReviewOutcome.FLAGGED
    assert concluded_outcome(flagged, Conclusion.FAIL) is ReviewOutcome.FAILED
    assert concluding_roles("district") == frozenset({Role.REVIEW_CHAIR})
    assert Role.OFFICE not in concluding_roles("district")
    assert concluding_roles("city") == frozenset({Role.CITY_OFFICE})


def test_the_environment_veto_cites_the_city_rules(policy: Policy):
    assert policy.dimension("environment").veto_source == "001 四(一)、六(三)"


def test_a_new_screening_keeps_what_reviewers_confirmed_prohibited():
    confirmed = {
        "code": "prohibited",
        "status": "fail",
        "citation": "001 六(一)",
        "params": {"number": 1, "name": "禁止类项目", "confirmed_by": "发改局"},
    }
    computed = {"code": "prohibited", "status": "fail", "citation": "001 六(五)", "params": {}}
    fresh = [{"code": "prohibited_none", "status": "info", "citation": "001 六", "params": {}}]
    assert kept_on_rescreening([computed, confirmed], fresh) == [*fresh, confirmed]
    assert kept_on_rescreening([confirmed], [confirmed]) == [confirmed]
