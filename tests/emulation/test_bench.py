"""`make bench` (run_bench) on the demo, as the Makefile runs it: its own database, the JSON
document of contract.md on stdout and nothing else, progress on stderr."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


def test_the_bench_prints_the_contract_json_on_the_demo(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    finished = manage(
        env,
        "run_bench",
        "--quick",
        "--export-organizer",
        "ldld-binh-thuan",
        "--export-year",
        "2024",
        timeout=900,
    )
    result = json.loads(finished.stdout)  # the whole of stdout is one JSON document
    assert "bench: under load" in finished.stderr
    assert {"dataset", "floor", "pages", "documents", "export_year", "imports"} <= set(result)
    assert result["dataset"]["name"] == "demo"
    # Timed in process as production serves the pages: DEBUG off.
    assert result["in_process_debug"] is False
    # The collector set up as the WSGI entry point sets it up (DJANGO_GC_THRESHOLD).
    assert result["in_process_gc_threshold"] == (list(settings.GC_THRESHOLD) or None)
    assert set(result["dataset"]) >= {"organizations", "clusters", "results"}
    floor = result["floor"]
    assert floor["anonymous_rps"] > 0 and floor["logged_in_rps"] > 0
    assert floor["logged_in_p99_ms"] > 0
    # --quick measures each page and floor once under load; the run's p99 is kept beside.
    assert floor["load_runs"] == 1 and floor["logged_in_p99_ms_runs"] == [floor["logged_in_p99_ms"]]
    pages = result["pages"]
    assert {p["persona"] for p in pages} == {"confederation", "province", "head", "member"}
    names = {p["name"] for p in pages}
    assert {
        "dashboard",
        "clusters list",
        "cluster page",
        "results grid",
        "scoring form",
        "inbox",
        "dossier",
        "register",
        "fairness",
        "overview",
        "organisation list",
        "organisation page",
        "cluster-year management",
        "restructure form",
    } == names
    for page in pages:
        assert {"persona", "name", "path", "queries", "p50_ms", "p95_ms"} <= set(page)
        assert {"p99_ms_under_load", "ratio_p99_to_floor"} <= set(page)
        assert page["path"].startswith("/")
        assert page["status"] in (200, 403, 404), page
    staff = {p["name"]: p for p in pages if p["persona"] == "province"}
    assert staff["dashboard"]["status"] == 200 and staff["dashboard"]["queries"] > 0
    assert staff["dashboard"]["p99_ms_under_load"] > 0
    assert staff["dashboard"]["ratio_p99_to_floor"] == round(
        staff["dashboard"]["p99_ms_under_load"] / floor["logged_in_p99_ms"], 2
    )
    assert staff["dashboard"]["p99_ms_under_load_runs"] == [staff["dashboard"]["p99_ms_under_load"]]
    assert {p["status"] for p in pages if p["persona"] == "member" and p["name"] == "inbox"} == {
        403
    }
    (document,) = result["documents"]
    assert document["name"] == "summary" and document["members"] > 0
    assert document["app_seconds"] > 0 and document["weasyprint_seconds"] > 0
    export = result["export_year"]
    assert export["organizer"] == "ldld-binh-thuan" and export["clusters"] == 1
    assert export["workers"] == 2 and export["seconds"] > 0 and export["one_worker_seconds"] > 0
    (imported,) = result["imports"]
    assert imported["name"] == "structure" and imported["rows"] == 50


def test_the_warm_up_sends_the_page_to_every_worker_side_by_side(monkeypatch):
    """Before a page is loaded, every worker serves it: requests go side by side, as many at
    once as twice the workers (one after the other, they could all reach one worker and
    leave the others to meet the page cold during the measurement)."""
    import threading
    import urllib.request

    from emulation.scale.bench import Gunicorn

    server = Gunicorn(workers=3)
    together = threading.Barrier(6, timeout=10)  # broken if fewer are ever in flight at once
    asked = []

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return b""

    def urlopen(request, timeout):
        asked.append(request.full_url)
        together.wait()
        return Answer()

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    try:
        server.warm_up("/de-nghi/", "sessionid=x")
    finally:
        server.__exit__()  # its static folder
    assert len(asked) == 18 and not together.broken
    assert all(url.endswith("/de-nghi/") for url in asked)


def test_under_load_each_page_is_measured_several_times_and_the_medians_kept():
    """A p99 of five seconds is a page's second slowest request: three measurements, their
    medians, each one's p99 kept beside (contract.md: medians of several runs)."""
    from emulation.management.commands.run_bench import Command
    from emulation.scale.bench import LoadResult, Options, median_load

    measured = iter(
        [LoadResult(30.0, 500.0, 700.0), LoadResult(35.0, 450.0, 1400.0, errors=1)]
        + [LoadResult(33.0, 480.0, 650.0)]
    )
    result = median_load(lambda: next(measured), 3)
    assert (result.rps, result.p50_ms, result.p99_ms, result.errors) == (33.0, 480.0, 700.0, 1)
    assert result.p99_runs == [700.0, 1400.0, 650.0]
    assert Options().load_runs == 3
    parser = Command().create_parser("manage.py", "run_bench")
    assert parser.parse_args([]).load_runs == 3


def test_each_run_under_load_follows_a_warm_up_that_waits_out_the_last_runs_requests():
    """Back to back, a run began behind the requests the one before left queued: every run
    is preceded by the warm-up (whose requests wait for them), not only the first."""
    from emulation.scale.bench import LoadResult, Options, measure_under_load

    happened = []

    class Server:
        url = "http://127.0.0.1:1"

        def warm_up(self, path, cookie):
            happened.append(("warm-up", path, cookie))

    def tool(url, cookie, seconds, connections):
        happened.append(("run", url, seconds, connections))
        return LoadResult(40.0, 400.0, 500.0 + len(happened))

    options = Options(load_seconds=5.0, connections=20, load_runs=3)
    result = measure_under_load(Server(), tool, "/page/", "sessionid=x", options)
    warm_up = ("warm-up", "/page/", "sessionid=x")
    run = ("run", "http://127.0.0.1:1/page/", 5.0, 20)
    assert happened == [warm_up, run] * 3
    assert result.p99_runs == [502.0, 504.0, 506.0] and result.p99_ms == 504.0
