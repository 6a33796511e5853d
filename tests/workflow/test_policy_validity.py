"""The documents' periods of validity (001 九(一)) and what `policy check` refuses that it used
to accept silently: a dimension removed, a stage that does not exist, a band's id twice, and a
duplicated key shown without its place."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.policy import InForceConfirmation, Policy
from workflow.policy_file import DEFAULT_POLICY_PATH, PolicyFileError, parse_policy
from workflow.validity import lapsed_documents, period_end

DEFAULT_TEXT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def errors_of(text: str) -> list[str]:
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(text, "county.yaml")
    return [str(e) for e in caught.value.errors]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def with_document(policy: Policy, key: str, **changes: object) -> Policy:
    doc = policy.documents[key].model_copy(update=changes)
    return policy.model_copy(update={"documents": {**policy.documents, key: doc}})


# -- validity -----------------------------------------------------------------------------------


def test_the_city_rules_run_two_years_from_4_september_2020_and_the_district_text_states_none(
    policy: Policy,
):
    city = policy.documents["001"]
    assert city.effective_from == date(2020, 9, 4) and city.trial_years == 2
    assert city.validity_source == "001 九(一)"
    assert period_end(city) == date(2022, 9, 4)
    assert period_end(policy.documents["000"]) is None


def test_the_trial_period_holds_on_its_last_day_and_has_ended_the_day_after(policy: Policy):
    assert lapsed_documents(policy, date(2022, 9, 3)) == ()
    (lapse,) = lapsed_documents(policy, date(2022, 9, 4))
    assert lapse.key == "001" and lapse.last_day == date(2022, 9, 3)
    assert lapse.source == "001 九(一)"


def test_a_confirmation_after_the_end_keeps_the_document_in_force(policy: Policy):
    confirmed = with_document(
        policy,
        "001",
        still_in_force_confirmed=InForceConfirmation(
            on=date(2026, 11, 2), by="张庆忠（办公室主任）"
        ),
    )
    assert lapsed_documents(confirmed, date(2026, 12, 1)) == ()


def test_a_confirmation_dated_before_the_period_ended_does_not_count(policy: Policy):
    early = with_document(
        policy,
        "001",
        still_in_force_confirmed=InForceConfirmation(on=date(2022, 9, 3), by="张庆忠"),
    )
    assert [x.key for x in lapsed_documents(early, date(2022, 9, 4))] == ["001"]


def test_a_renewed_file_with_a_new_effective_date_is_in_force_again(policy: Policy):
    renewed = with_document(policy, "001", effective_from=date(2025, 3, 1))
    assert lapsed_documents(renewed, date(2026, 12, 1)) == ()
    assert [x.key for x in lapsed_documents(renewed, date(2027, 3, 1))] == ["001"]


def test_a_period_from_29_february_ends_on_1_march(policy: Policy):
    leap = with_document(policy, "001", effective_from=date(2024, 2, 29), trial_years=1)
    assert period_end(leap.documents["001"]) == date(2025, 3, 1)


def test_the_confirmation_in_the_file_is_read_with_who_confirmed():
    text = DEFAULT_TEXT.replace(
        '    validity_source: "001 九(一)"\n',
        '    validity_source: "001 九(一)"\n'
        "    still_in_force_confirmed: {on: 2026-11-02, by: 张庆忠}\n",
    )
    confirmed = parse_policy(text).documents["001"].still_in_force_confirmed
    assert confirmed == InForceConfirmation(on=date(2026, 11, 2), by="张庆忠")


def test_a_confirmation_without_who_confirmed_is_refused():
    text = DEFAULT_TEXT.replace(
        '    validity_source: "001 九(一)"\n',
        '    validity_source: "001 九(一)"\n    still_in_force_confirmed: {on: 2026-11-02}\n',
    )
    (error,) = errors_of(text)
    assert "documents.001.still_in_force_confirmed.by" in error
    assert f"line {line_of(text, 'still_in_force_confirmed: {on: 2026')}" in error


def test_a_trial_period_without_an_effective_date_is_refused():
    text = DEFAULT_TEXT.replace(
        "    effective_from: 2020-09-04  # 本办法自2020年9月4日起实施\n", ""
    )
    (error,) = errors_of(text)
    assert "documents.001.trial_years" in error and "effective_from" in error
    assert f"line {line_of(text, 'trial_years: 2')}" in error


# -- the gaps of `policy check` ---------------------------------------------------------------


def drop_dimension(text: str, dim_id: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line == f"  - id: {dim_id}\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    return "".join(lines[:start] + lines[end:])


def test_the_shipped_policy_requires_the_ten_dimensions_of_the_district_text(policy: Policy):
    required = policy.required_dimensions
    assert required is not None and required.source == "000 一(二)1"
    assert set(required.ids) == {d.id for d in policy.review_dimensions}
    assert len(required.ids) == 10


def test_a_policy_without_one_of_the_ten_dimensions_is_refused_with_its_line():
    text = drop_dimension(DEFAULT_TEXT, "technology")
    (error,) = errors_of(text)
    assert "required_dimensions.ids[6]" in error and "'technology'" in error
    assert "000 一(二)1" in error
    assert f"line {line_of(text, 'ids: [industrial_policy')}" in error


def test_an_unknown_stage_in_the_stall_days_is_refused_with_its_key_and_line():
    text = DEFAULT_TEXT.replace("stall_days: {lead: 7,", "stall_days: {lead: 7, sigend: 30,")
    (error,) = errors_of(text)
    assert "deadlines.stall_days.sigend" in error and "is not a stage" in error
    assert f"line {line_of(text, 'sigend')}" in error


def test_every_stage_key_of_the_shipped_stall_days_is_a_stage(policy: Policy):
    assert parse_policy(DEFAULT_TEXT).deadlines.stall_days == policy.deadlines.stall_days


def test_a_routing_tier_id_given_twice_is_refused_with_its_line():
    text = DEFAULT_TEXT.replace(
        "  - {id: approval, name: 市常务副组长审批", "  - {id: filing, name: 市常务副组长审批"
    )
    (error,) = errors_of(text)
    assert "routing[1].id" in error and "duplicate id 'filing'" in error
    assert f"line {line_of(text, 'name: 市常务副组长审批')}" in error


def test_a_duplicated_key_names_its_key_path_and_the_key_itself():
    text = DEFAULT_TEXT.replace(
        "  agreement_scan_days: 15\n", "  agreement_scan_days: 15\n  agreement_scan_days: 20\n"
    )
    (error,) = errors_of(text)
    assert "deadlines.agreement_scan_days" in error and "(top)" not in error
    assert 'duplicate key "agreement_scan_days"' in error
    assert error.startswith(f"line {line_of(text, 'agreement_scan_days: 20')}:")


def test_a_duplicated_key_inside_a_list_item_names_the_item():
    text = DEFAULT_TEXT.replace("    veto: true\n", "    veto: true\n    veto: false\n", 1)
    (error,) = errors_of(text)
    assert "review_dimensions[1].veto" in error
    assert error.startswith(f"line {line_of(text, 'veto: false')}:")


def test_a_duplicated_top_level_key_names_it():
    text = DEFAULT_TEXT.replace("serial_prefix: QX\n", "serial_prefix: QX\nserial_prefix: QY\n")
    (error,) = errors_of(text)
    assert error.startswith(f"line {line_of(text, 'serial_prefix: QY')}: serial_prefix:")


def test_a_syntax_error_keeps_its_line():
    text = DEFAULT_TEXT.replace("serial_prefix: QX\n", "serial_prefix: [QX\n")
    (error,) = errors_of(text)
    assert error.startswith("line ")
