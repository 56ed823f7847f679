"""Files the commands write: the usual permissions, nothing left behind when stopped."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from emulation.demo import seed_demo

BASE = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_export_document_writes_a_file_with_the_usual_permissions(demo, tmp_path, umask_022):
    output = tmp_path / "r.pdf"
    call_command("export_document", "roster", cluster="binh-thuan-1", year=2024, output=str(output))
    assert oct(output.stat().st_mode & 0o777) == "0o644"


def test_export_year_writes_a_zip_with_the_usual_permissions(demo, tmp_path, umask_022):
    output = tmp_path / "2018.zip"
    call_command(
        "export_year", organizer="ldld-soc-trang", year=2018, output=str(output), quiet=True
    )
    assert oct(output.stat().st_mode & 0o777) == "0o644"


def workers_of(database_url: str) -> list[int]:
    """The running `db_worker` processes on that database (read from /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"db_worker" in command and f"DATABASE_URL={database_url}".encode() in environ:
            found.append(int(proc.name))
    return found


def test_a_sigterm_during_export_year_leaves_nothing_behind(tmp_path):
    """As a stopped container or a killed job would: the command runs in its own process on a
    demo database of its own, with a worker process of its own, and is sent SIGTERM while the
    documents are being printed: no file, no temporary file, no export, no worker left."""
    database_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=BASE, env=env, check=True, capture_output=True)
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / "2024.zip"
    output.write_bytes(b"the previous export")
    export = subprocess.Popen(
        manage
        + ["export_year", "--organizer", "ldld-tp-phan-thiet", "--year", "2024"]
        + ["--output", str(output), "--quiet", "--workers", "2"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Once a cluster's folder exists, its worker is printing the documents.
    exports = tmp_path / "media" / "exports"
    deadline = time.monotonic() + 120
    while not any(exports.glob("*/parts/*")):
        assert export.poll() is None, export.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert workers_of(database_url)
    export.send_signal(signal.SIGTERM)
    export.wait(timeout=60)
    assert export.returncode != 0
    assert sorted(p.name for p in folder.iterdir()) == ["2024.zip"]
    assert output.read_bytes() == b"the previous export"
    assert list(exports.iterdir()) == []
    assert workers_of(database_url) == []
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        assert db.execute("select count(*) from awards_export").fetchone() == (0,)


def test_two_workers_share_the_parts_of_a_year(tmp_path):
    """`export_year --workers 2`: the command and the process it starts each print some of
    the nine clusters' documents, and the zip holds them all."""
    database_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=BASE, env=env, check=True, capture_output=True)
    output = tmp_path / "2024.zip"
    subprocess.run(
        manage
        + ["export_year", "--organizer", "ldld-tp-phan-thiet", "--year", "2024"]
        + ["--output", str(output), "--quiet", "--workers", "2"],
        cwd=BASE,
        env=env,
        check=True,
        capture_output=True,
    )
    with zipfile.ZipFile(output) as archive:
        folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    assert folders == {f"phan-thiet-{n}" for n in range(1, 10)}
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        rows = db.execute(
            "select worker_ids from django_tasks_database_dbtaskresult where queue_name = 'exports'"
        ).fetchall()
    assert len(rows) == 10
    assert len({json.loads(ids)[0] for (ids,) in rows}) == 2, rows
