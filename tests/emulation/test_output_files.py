"""Files the commands write: the usual permissions, nothing left behind when stopped."""

import os
import signal
import subprocess
import sys
import time
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


def test_a_sigterm_during_export_year_leaves_no_temporary_file(tmp_path):
    """As a stopped container or a killed job would: the command runs in its own process on a
    demo database of its own, and is sent SIGTERM while it prints."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
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
        + ["export_year", "--organizer", "ldld-binh-thuan", "--year", "2024"]
        + ["--output", str(output), "--quiet"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Once the temporary file exists, the documents are being printed.
    deadline = time.monotonic() + 60
    while not any(p.suffix == ".tmp" for p in folder.iterdir()):
        assert export.poll() is None, export.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    export.send_signal(signal.SIGTERM)
    export.wait(timeout=60)
    assert export.returncode != 0
    assert sorted(p.name for p in folder.iterdir()) == ["2024.zip"]
    assert output.read_bytes() == b"the previous export"
