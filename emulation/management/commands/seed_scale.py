"""Build the national dataset `make bench` measures at real size (see emulation/scale/).

It writes in bulk on the configured database – PostgreSQL in practice (`DATABASE_URL`) – beside
anything already there; when its confederation `qg-tld` exists it refuses and writes nothing."""

import sys

from django.core.management.base import BaseCommand, CommandError

from emulation.scale.national import (
    PERSONA_LABELS,
    PERSONAS,
    SCALE_PASSWORD,
    AlreadyLoaded,
    seed_scale,
)


class Command(BaseCommand):
    help = "Build the national-size dataset (about 125,000 grassroots unions) in bulk."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="share of the national size (1: 125,000 grassroots unions; 0.001 for a test)",
        )

    def handle(self, *args, scale, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")

        def progress(text):
            sys.stderr.write(f"seed_scale: {text}\n")
            sys.stderr.flush()

        try:
            built = seed_scale(scale=scale, progress=progress)
        except AlreadyLoaded:
            self.stdout.write(
                "The national dataset is already loaded (organisation qg-tld exists); "
                "nothing written."
            )
        else:
            rows = sum(built.counts.values())
            self.stdout.write(f"National dataset loaded: {rows} rows in {built.seconds:.0f} s.")
            for model, count in sorted(built.counts.items()):
                self.stdout.write(f"  {model:<32} {count}")
        self.stdout.write(f"Logins (password for all: {SCALE_PASSWORD}):")
        for persona, username in PERSONAS.items():
            self.stdout.write(f"  {username:<16} {PERSONA_LABELS[persona]}")
