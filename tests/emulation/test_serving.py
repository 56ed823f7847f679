"""The garbage collector of a serving process (emulation/serving.py): the WSGI and ASGI entry
points freeze what the loaded app holds and raise the collector's thresholds."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]
PROBE = "import gc, {module}; print(gc.get_threshold()); print(gc.get_freeze_count() > 10000)"


def _entry_point(module: str, **env) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    finished = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=BASE,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.split("\n")[:2]


@pytest.mark.parametrize("module", ["emulation.wsgi", "emulation.asgi"])
def test_entry_points_freeze_the_loaded_app_and_raise_the_thresholds(module):
    threshold, frozen = _entry_point(module)
    assert threshold == "(5000, 10, 10)"
    assert frozen == "True"  # the app's modules, models and settings: never walked again


def test_thresholds_come_from_the_environment_and_empty_keeps_pythons_defaults():
    assert _entry_point("emulation.wsgi", DJANGO_GC_THRESHOLD="5000,20,50")[0] == ("(5000, 20, 50)")
    threshold, frozen = _entry_point("emulation.wsgi", DJANGO_GC_THRESHOLD="")
    assert threshold == "(700, 10, 10)"
    assert frozen == "False"


@pytest.mark.parametrize("value", ["0", "20000,0", "abc", "1,2,3,4", "-5"])
def test_a_threshold_that_would_stop_or_break_the_collector_is_refused(value):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    finished = subprocess.run(
        [sys.executable, "-c", "import emulation.wsgi"],
        cwd=BASE,
        env={**clean, "DJANGO_DEBUG": "1", "DJANGO_GC_THRESHOLD": value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode != 0
    assert "DJANGO_GC_THRESHOLD must be up to three positive whole numbers" in finished.stderr
