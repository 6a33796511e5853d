"""`zhaoshang policy check` reports what it used to accept silently, each with its key path and
line: a review dimension removed, a stage that does not exist, a routing tier's id twice, and a
duplicated key (named, not "(top)")."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import run
from workflow.policy_file import DEFAULT_POLICY_PATH

TEXT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_each_gap_is_reported_with_its_key_path_and_line(tmp_path: Path):
    lines = TEXT.splitlines(keepends=True)
    start = lines.index("  - id: energy\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    text = "".join(lines[:start] + lines[end:])
    text = text.replace("stall_days: {lead: 7,", "stall_days: {lead: 7, signd: 3,")
    text = text.replace("  - {id: approval, name:", "  - {id: filing, name:")
    bad = tmp_path / "county.yaml"
    bad.write_text(text, encoding="utf-8")
    out = run("policy", "check", str(bad))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "3 problem(s)" in out.stderr
    assert (
        f"line {line_of(text, 'ids: [industrial_policy')}: required_dimensions.ids[" in out.stderr
    )
    assert "'energy' is required by 000 一(二)1" in out.stderr
    assert f"line {line_of(text, 'signd: 3')}: deadlines.stall_days.signd:" in out.stderr
    assert f"line {line_of(text, '{id: filing, name: 市常务')}: routing[1].id:" in out.stderr


def test_a_duplicated_key_is_named_with_its_path(tmp_path: Path):
    text = TEXT.replace(
        "  agreement_scan_days: 15\n", "  agreement_scan_days: 15\n  agreement_scan_days: 20\n"
    )
    bad = tmp_path / "county.yaml"
    bad.write_text(text, encoding="utf-8")
    out = run("policy", "check", str(bad))
    assert out.returncode == 1 and "(top)" not in out.stderr
    where = f"line {line_of(text, 'agreement_scan_days: 20')}: deadlines.agreement_scan_days:"
    assert where in out.stderr and 'duplicate key "agreement_scan_days"' in out.stderr
