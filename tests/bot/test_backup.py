"""Backups while the bot writes, and their return into an empty database: every project, draft,
opinion, audit row and file comes back byte for byte, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

import bot.backup.make
from bot.backup.layout import MANIFEST, BackupError, backups
from bot.backup.make import BackupPlan, backup, prune, scheduled_backup
from bot.backup.restore import find_backup, restore
from bot.bootstrap import routes
from bot.leader.jobs import daily_backup, jobs
from handlers.context import Services
from storage.db import make_engine, migrate
from storage.files import FileStore
from storage.seed import seed_policy
from storage.tables import (
    FormDraft,
    Person,
    Project,
    ReviewOpinion,
    ReviewRound,
    StoredFile,
    Unit,
)
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from tests.conftest import _fresh_postgres
from workflow.policy import Policy

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A database to back up and an empty one to restore into, of the same backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    first, second = _fresh_postgres(), _fresh_postgres()
    try:
        yield next(first), next(second)
    finally:
        for database in (first, second):
            for _ in database:  # runs its clean-up: the database is dropped
                pass


def factory(url: str) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(make_engine(url), lambda: NOW)


def write_group(uow_factory: UnitOfWorkFactory, files: FileStore, n: int) -> None:
    """One transaction as a handler writes it: a project with its draft, an opinion, an audit
    row and an uploaded file (content unique to `n`)."""
    with uow_factory() as uow:
        person = uow.session.exec(select(Person).order_by(Person.id)).first()  # type: ignore[arg-type]
        unit = uow.session.exec(select(Unit).order_by(Unit.id)).first()  # type: ignore[arg-type]
        assert person is not None and person.id is not None and unit is not None
        content = hashlib.sha512(str(n).encode()).digest() * 512 + n.to_bytes(4, "big")
        stored = files.keep(
            uow.session,
            content,
            filename=f"报告-{n}.pdf",
            mime_type="application/pdf",
            now=NOW,
            messenger_file_id=f"BQAC-{n}",
        )
        project = Project(
            serial=f"BK-{n:05d}",
            name=f"项目{n}",
            stage="lead",
            plan={"n": n, "名称": f"项目{n}", "feasibility_report": {"sha256": stored.sha256}},
        )
        uow.session.add(project)
        uow.session.flush()
        assert project.id is not None
        uow.session.add(
            FormDraft(
                person_id=person.id,
                chat_id=f"chat-{n}",
                form_id="plan",
                subject=str(project.id),
                data={"form_id": "plan", "answers": {"name": f"项目{n}"}, "current": "summary"},
            )
        )
        rnd = ReviewRound(project_id=project.id, deadline=date(2026, 12, 1))
        uow.session.add(rnd)
        uow.session.flush()
        assert rnd.id is not None
        uow.session.add(
            ReviewOpinion(
                round_id=rnd.id,
                dimension_id="environment",
                unit_id=unit.id,
                verdict="agree",
            )
        )
        uow.audit("backup_test", "project", project.id, note=f"组 {n}")
        uow.commit()


class Writer(threading.Thread):
    """Writes groups as fast as it can until told to stop."""

    def __init__(self, uow_factory: UnitOfWorkFactory, files: FileStore, start: int) -> None:
        super().__init__(daemon=True)
        self.uow_factory, self.files, self.next = uow_factory, files, start
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                write_group(self.uow_factory, self.files, self.next)
                self.next += 1
        except BaseException as exc:  # pragma: no cover - reported by the test
            self.error = exc


def canonical(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes:" + bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return repr(value)


def every_row(url: str) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table of ours, as comparable tuples."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: {
                    tuple(canonical(v) for v in row) for row in conn.execute(sa_select(table))
                }
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def groups(rows: dict[str, set[tuple[Any, ...]]]) -> set[str]:
    return {row[1] for row in rows["project"]}  # the serials


@pytest.mark.parametrize("in_folder", [False, True], ids=["files-in-db", "files-folder"])
def test_a_busy_database_is_backed_up_and_restored_byte_for_byte(
    two_databases: tuple[str, str],
    tmp_path: Path,
    policy: Policy,
    in_folder: bool,
    monkeypatch: pytest.MonkeyPatch,
):
    live_url, restored_url = two_databases
    migrate(live_url)
    live = factory(live_url)
    files = FileStore(tmp_path / "files" if in_folder else None)
    with live() as uow:
        seed_policy(uow, policy)
        uow.commit()
    for n in range(150):
        write_group(live, files, n)

    writer = Writer(live, files, 150)
    writer.start()
    try:
        while writer.next < 160 and writer.is_alive():  # under way before the backup starts
            time.sleep(0.001)
        before = writer.next
        # However fast the snapshot, the backup is not over before more groups are written:
        # its last steps (the files folder's copy, the digest) wait for five more.
        digest = bot.backup.make.sha256_file

        def slow_digest(path: Path) -> str:
            target = writer.next + 5
            while writer.next < target and writer.is_alive():
                time.sleep(0.001)
            return digest(path)

        monkeypatch.setattr(bot.backup.make, "sha256_file", slow_digest)
        folder = backup(live_url, tmp_path / "backups", files_dir=files.folder, now=NOW)
        monkeypatch.undo()
        during = writer.next
        while writer.next < during + 5 and writer.is_alive():  # and goes on after it
            time.sleep(0.001)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None
    live.engine.dispose()
    assert during > before, "no write happened while the backup ran"

    target_files = tmp_path / "restored-files" if in_folder else None
    assert restore(restored_url, tmp_path / "backups", files_dir=target_files) == folder

    source, copy = every_row(live_url), every_row(restored_url)
    for table, rows in copy.items():
        assert rows <= source[table], f"{table}: rows that were never written"
    # One moment's state: every group committed before the backup began, and only whole groups.
    kept = groups(copy)
    assert {f"'BK-{n:05d}'" for n in range(before)} <= kept
    assert len(kept) < len(groups(source))
    counts = {t: len(copy[t]) for t in ("project", "formdraft", "reviewopinion", "storedfile")}
    assert set(counts.values()) == {len(kept)}, counts
    assert len([r for r in copy["auditentry"] if "'backup_test'" in r]) == len(kept)
    for table in ("unit", "person", "personrole"):
        assert copy[table] == source[table]

    restored = factory(restored_url)
    restored_store = FileStore(target_files)
    try:
        with restored() as uow:
            stored = list(uow.session.exec(select(StoredFile)))
            assert len(stored) == len(kept)
            for row in stored:
                n = int(row.filename.removeprefix("报告-").removesuffix(".pdf"))
                expected = hashlib.sha512(str(n).encode()).digest() * 512 + n.to_bytes(4, "big")
                assert restored_store.read(row) == expected
                assert row.sha256 == hashlib.sha256(expected).hexdigest()
                assert (row.content is None) == in_folder
        # The restored database is a working one: it takes the next write.
        write_group(restored, restored_store, 10_000)
    finally:
        restored.engine.dispose()
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["database"]["revision"] is not None
    assert (manifest["files"] is not None) == in_folder


def test_restore_refuses_a_database_that_is_not_empty(
    two_databases: tuple[str, str], tmp_path: Path, policy: Policy
):
    live_url, other_url = two_databases
    migrate(live_url)
    folder = backup(live_url, tmp_path / "backups", now=NOW)
    migrate(other_url)  # as `zhaoshang init` would leave it
    with pytest.raises(BackupError, match="not empty"):
        restore(other_url, folder)


def test_a_damaged_backup_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate(url)
    folder = backup(url, tmp_path / "backups", now=NOW)
    with (folder / "database.sqlite3").open("ab") as f:
        f.write(b"x")
    with pytest.raises(BackupError, match="damaged"):
        restore(f"sqlite:///{tmp_path / 'new.db'}", folder)


def test_a_backup_with_files_needs_a_files_folder_to_restore_into(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate(url)
    (tmp_path / "files").mkdir()
    folder = backup(url, tmp_path / "backups", files_dir=tmp_path / "files", now=NOW)
    with pytest.raises(BackupError, match="ZHAOSHANG_FILES_DIR"):
        restore(f"sqlite:///{tmp_path / 'new.db'}", folder)


def test_the_daily_backup_keeps_the_newest_copies(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate(url)
    plan = BackupPlan(tmp_path / "backups", keep=3)
    for day in range(5):
        scheduled_backup(url, plan, NOW + timedelta(days=day))
    scheduled_backup(url, plan, NOW + timedelta(days=4))  # twice in one second: a second name
    names = [p.name for p in backups(plan.folder)]
    assert names == [
        "zhaoshang-20261127T020000Z-2",
        "zhaoshang-20261127T020000Z",
        "zhaoshang-20261126T020000Z",
    ]
    assert find_backup(plan.folder).name == names[0]
    assert prune(plan.folder, 1) == [plan.folder / names[1], plan.folder / names[2]]
    (plan.folder / ".zhaoshang-20261128T020000Z.partial").mkdir()  # an unfinished one is ignored
    assert [p.name for p in backups(plan.folder)] == names[:1]


def test_backup_and_restore_from_the_command_line(tmp_path: Path, policy: Policy):
    live_url, new_url = f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    migrate(live_url)
    live = factory(live_url)
    with live() as uow:
        seed_policy(uow, policy)
        uow.commit()
    write_group(live, FileStore(), 1)
    live.engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}

    def cli(*args: str, db: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from bot.cli import main; main()", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, "ZHAOSHANG_DATABASE_URL": db},
        )

    made = cli("backup", str(tmp_path / "backups"), db=live_url)
    assert made.returncode == 0, made.stderr
    assert "backup written to" in made.stdout
    done = cli("restore", str(tmp_path / "backups"), db=new_url)
    assert done.returncode == 0, done.stderr
    assert every_row(new_url)["project"] == every_row(live_url)["project"]
    again = cli("restore", str(tmp_path / "backups"), db=new_url)
    assert again.returncode == 1
    assert again.stderr.startswith("error: the database is not empty")
    assert "Traceback" not in again.stderr


def test_the_leader_backs_up_once_a_day_when_a_backup_folder_is_set(
    tmp_path: Path, policy: Policy
):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate(url)
    clock = {"now": NOW}
    uow_factory = UnitOfWorkFactory(make_engine(url), lambda: clock["now"])
    services = Services(
        uow=uow_factory,
        policy=policy,
        renderer=Renderer(),
        clock=lambda: clock["now"],
        timezone=ZoneInfo("Asia/Shanghai"),
        routes=routes(),
    )
    plan = BackupPlan(tmp_path / "backups", keep=2)
    try:
        assert [j.id for j in jobs(60)] == ["sweep:deadlines", "prune:updates"]
        assert [j.id for j in jobs(60, backup=True)][-1] == "backup:daily"
        assert not daily_backup(services, url, None)  # no folder set: nothing to do
        assert daily_backup(services, url, plan)
        assert not daily_backup(services, url, plan)  # run again the same day: no second copy
        for day in (1, 2, 3):
            clock["now"] = NOW + timedelta(days=day)
            assert daily_backup(services, url, plan)
        assert [p.name for p in backups(plan.folder)] == [
            "zhaoshang-20261126T020000Z",
            "zhaoshang-20261125T020000Z",
        ]
    finally:
        uow_factory.engine.dispose()
