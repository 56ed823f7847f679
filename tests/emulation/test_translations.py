"""The Vietnamese catalogue is complete, and the committed .mo is compiled from the .po."""

import subprocess
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "d.mo"), str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert (tmp_path / "d.mo").read_bytes() == PO.with_suffix(".mo").read_bytes(), (
        "locale/vi/LC_MESSAGES/django.mo is stale: run `make messages`"
    )
