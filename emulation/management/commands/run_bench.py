"""`make bench`: one JSON document on stdout, progress on stderr (contract.md, "The national
dataset and the benchmark"). On the national dataset when `seed_scale` has run on this
database, else on the demo. The logic is in emulation/scale/bench.py."""

import json
import logging
import sys

from django.core.management.base import BaseCommand

from emulation.scale.bench import Options, run_bench


class Command(BaseCommand):
    help = "Measure every page of every persona, the floors, the documents and export_year."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7, help="requests per page in process")
        parser.add_argument(
            "--load-seconds", type=float, default=5.0, help="seconds under load per page"
        )
        parser.add_argument(
            "--load-runs",
            type=int,
            default=3,
            help="measurements under load of each page and floor (their median is kept)",
        )
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument("--import-rows", type=int, default=5000)
        parser.add_argument(
            "--quick",
            action="store_true",
            help="a few requests per page and a second under load: checks that it runs",
        )
        parser.add_argument("--no-export", action="store_true", help="skip export_year")
        parser.add_argument(
            "--export-organizer", default="", help="time export_year of this organiser instead"
        )
        parser.add_argument("--export-year", type=int, default=None)

    def handle(
        self, *args, runs, load_seconds, load_runs, connections, import_rows, quick, **options
    ):
        def progress(text):
            sys.stderr.write(f"bench: {text}\n")
            sys.stderr.flush()

        chosen = Options(
            runs=runs,
            load_seconds=load_seconds,
            load_runs=load_runs,
            connections=connections,
            import_rows=import_rows,
            export=not options["no_export"],
            export_organizer=options["export_organizer"],
            export_year=options["export_year"],
            progress=progress,
        )
        if quick:
            chosen.runs, chosen.load_seconds, chosen.document_runs = 2, 2, 1
            chosen.load_runs = 1
            chosen.import_rows, chosen.load_pages = min(import_rows, 50), 2
        # Stdout carries the JSON alone: the log (e.g. the 403s of pages a persona may not
        # open) goes to stderr with the progress.
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)
        self.stdout.write(json.dumps(run_bench(chosen), ensure_ascii=False))
