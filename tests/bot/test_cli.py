"""The command line: init is idempotent, errors are one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.cli
from storage.db import make_engine
from storage.deployment import deployment_start
from storage.uow import UnitOfWorkFactory
from workflow.policy_file import DEFAULT_POLICY_PATH


def run(
    *args: str, db: str | None = None, cwd: Path | None = None, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    if db:
        env["ZHAOSHANG_DATABASE_URL"] = db
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_init_twice_reports_nothing_new_the_second_time(database_url: str):
    first = run("init", db=database_url)
    assert first.returncode == 0, first.stderr
    assert "18 units added" in first.stdout
    second = run("init", db=database_url)
    assert second.returncode == 0 and "already up to date" in second.stdout


def test_projects_list_on_an_empty_library(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'z.db'}"
    run("init", db=db)
    out = run("projects", "list", "--stage", "lead", db=db)
    assert out.returncode == 0 and "没有" in out.stdout


def test_an_unknown_stage_is_one_clear_line(tmp_path: Path):
    out = run("projects", "list", "--stage", "bogus", db=f"sqlite:///{tmp_path / 'z.db'}")
    assert out.returncode == 1
    assert out.stderr.strip().startswith("error: unknown stage 'bogus'")
    assert "Traceback" not in out.stderr


def test_policy_check_accepts_the_shipped_policy():
    out = run("policy", "check", str(DEFAULT_POLICY_PATH))
    assert out.returncode == 0 and "ok" in out.stdout


def test_policy_check_lists_each_error_with_its_line(tmp_path: Path):
    bad = tmp_path / "county.yaml"
    bad.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "threshold: 380", "threshold: many"
        ),
        encoding="utf-8",
    )
    out = run("policy", "check", str(bad))
    assert out.returncode == 1
    assert "land_indicators[0].threshold" in out.stderr and "line " in out.stderr
    assert "Traceback" not in out.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path):
    out = run("init", db="postgresql://postgres@127.0.0.1:1/none")
    assert out.returncode == 1
    assert out.stderr.startswith("error: cannot use the database")
    assert len(out.stderr.strip().splitlines()) == 1


def test_every_command_has_help():
    for args in (
        ["--help"],
        ["init", "--help"],
        ["policy", "check", "--help"],
        ["projects", "list", "--help"],
    ):
        out = run(*args)
        assert out.returncode == 0 and "Usage" in out.stdout


def test_an_unknown_command_or_option_is_a_usage_error_not_a_traceback(tmp_path: Path):
    for args in (["nosuch"], ["init", "--bogus"]):
        out = run(*args, cwd=tmp_path)
        assert out.returncode == 2, out.stderr
        assert "Error: No such" in out.stderr and "Traceback" not in out.stderr


def test_an_unknown_runtime_is_one_clear_line(tmp_path: Path):
    out = run("demo", "--runtime", "telethon", "--database", str(tmp_path / "d.db"))
    assert out.returncode == 2 and out.stderr.startswith("error: unknown runtime 'telethon'")


def test_run_on_wecom_needs_no_telegram_token_and_names_the_wecom_setting_missing(
    tmp_path: Path,
):
    out = run("run", "--runtime", "wecom", db=f"sqlite:///{tmp_path / 'w.db'}")
    assert out.returncode == 2, out.stderr
    expected = "error: ZHAOSHANG_WECOM_CORP_ID is not set (needed by the WeCom runtime)"
    assert out.stderr.strip() == expected
    assert "BOT_TOKEN" not in out.stderr and "Traceback" not in out.stderr


def test_run_on_wecom_with_the_api_unreachable_says_so_in_one_line_without_its_secrets(
    tmp_path: Path,
):
    wecom = {
        "ZHAOSHANG_WECOM_CORP_ID": "ww0123456789abcdef",
        "ZHAOSHANG_WECOM_AGENT_ID": "1000002",
        "ZHAOSHANG_WECOM_SECRET": "app-secret-never-logged",
        "ZHAOSHANG_WECOM_TOKEN": "callback-token-never-logged",
        "ZHAOSHANG_WECOM_AES_KEY": "a" * 43,
        "ZHAOSHANG_WECOM_API_BASE_URL": "http://127.0.0.1:1",
    }
    out = run("run", "--runtime", "wecom", db=f"sqlite:///{tmp_path / 'w.db'}", extra=wecom)
    assert out.returncode == 2, out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot reach WeCom's API at http://127.0.0.1:1")
    assert "never-logged" not in out.stderr + out.stdout and "Traceback" not in out.stderr


def test_init_records_the_start_once_and_the_office_may_set_the_first_report(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'z.db'}"

    def start():
        factory = UnitOfWorkFactory(make_engine(db), lambda: datetime(2026, 11, 23, tzinfo=UTC))
        try:
            with factory() as uow:
                return deployment_start(uow)
        finally:
            factory.engine.dispose()

    assert run("init", db=db).returncode == 0
    first = start()
    assert first is not None and first.reporting_from is None
    out = run("init", "--reporting-from", "2026-11", db=db)
    assert out.returncode == 0 and "from 2026-11 on" in out.stdout
    again = start()
    assert again is not None and (again.at, again.reporting_from) == (first.at, "2026-11")
    bad = run("init", "--reporting-from", "2026-13", db=db)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: --reporting-from")


def test_an_unexpected_error_shows_its_traceback_with_every_secret_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    token = "123456:SECRET-never-in-a-log"
    monkeypatch.setenv("ZHAOSHANG_BOT_TOKEN", token)

    def boom(**_: object) -> None:
        raise RuntimeError(f"GET https://api.telegram.org/bot{token}/getMe failed")

    monkeypatch.setattr(bot.cli, "app", boom)
    with pytest.raises(SystemExit) as exit_:
        bot.cli.main()
    err = capsys.readouterr().err
    assert exit_.value.code == 1
    assert "Traceback" in err and "RuntimeError" in err
    assert "SECRET-never-in-a-log" not in err and "123456:" in err


def test_documents_check_exits_2_for_a_folder_that_is_not_there_and_1_for_a_broken_template(
    tmp_path: Path,
):
    missing = run("documents", "check", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    (tmp_path / "review_opinion_sheet.docx").write_bytes(b"not a Word file")
    broken = run("documents", "check", str(tmp_path))
    assert broken.returncode == 1
    assert "review_opinion_sheet: cannot be read as a Word template" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert "plan_sheet: ok" in broken.stdout  # the others are taken from the packaged ones
