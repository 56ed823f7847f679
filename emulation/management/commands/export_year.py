"""Write every document of an organiser's year into one zip, for the archive or for sending
upward:

    python manage.py export_year --organizer ldld-binh-thuan --year 2024 --output 2024.zip

One folder per cluster with each document in each of its formats; a document that cannot be
built from the data (e.g. no pact that year) is listed in DANH-SACH.txt instead. The year is
prepared as the browser's download is – one background task per cluster (awards.tasks) – by
`--workers` workers: the command itself and as many more processes started for it (default 1;
two prepare a year in about half the time on two cores; 0 leaves the tasks to the workers
already running). A progress bar goes to the terminal (stderr). On an error or a SIGTERM
nothing is written, an existing file at the output path is left untouched, and the workers
started are stopped.
"""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from awards.models import Export, ExportKind, ExportStatus
from awards.services.exports import QUEUE, ExportError, export_folder, start_export
from clusters.models import Organization
from emulation.files import atomic_output


def progress(done: int, total: int, label: str, stream) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    stream.write(f"\r[{bar}] {done}/{total} {label[:50]:<50}", ending="")
    stream.flush()


def queued_in_database() -> bool:
    """The tasks wait in the database for workers (else a backend runs them as queued)."""
    return settings.TASKS["default"]["BACKEND"].endswith("DatabaseBackend")


class Command(BaseCommand):
    help = "Write every document of an organiser's year (PDF, Word, Excel) into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("--organizer", required=True, help="the organiser's code")
        parser.add_argument("--year", required=True, type=int, help="the emulation year")
        parser.add_argument("--output", required=True, help="the .zip file to write")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="worker processes to start for it (0: the running workers do it)",
        )

    def handle(self, *args, organizer, year, output, quiet=False, workers=1, **options):
        found = Organization.objects.filter(code=organizer).first()
        if found is None:
            raise CommandError(_("Unknown organiser '%(code)s'.") % {"code": organizer})
        target = Path(output)
        if target.suffix.lower() != ".zip":
            raise CommandError(_("The output must be a .zip file."))
        if not target.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": target.parent}
            )
        if workers < 0:
            raise CommandError(_("--workers is a number of processes, 0 or more."))
        stream = None if quiet else self.stderr
        started: list[subprocess.Popen] = []
        export = None
        here = None  # the worker in this process
        stopped = []

        def stop(signum, frame):
            stopped.append(signum)
            if here is not None:
                here.running = False  # it stops after the part it is printing
            raise SystemExit(128 + signum)

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            try:
                export = start_export(
                    None, ExportKind.YEAR, year=year, organizer=found, on_commit=False
                )
            except ExportError as error:
                raise CommandError(str(error)) from error
            if queued_in_database() and workers:
                started = [self._worker() for _ in range(workers - 1)]
                here = self._local_worker()
                if stream:
                    progress(0, export.parts_total, f"{found.code} {year}", stream)
                here.run()  # until no part is left to start
                if stopped:  # a SIGTERM while a part was printing: the worker swallowed it
                    raise SystemExit(128 + stopped[0])
            export = self._wait(export, started, stream)
            if export.status != ExportStatus.DONE:
                raise CommandError(export.error or _("The export stopped before its end."))
            with atomic_output(target) as temporary:
                shutil.copyfile(Path(export.file.path), temporary)
        finally:
            signal.signal(signal.SIGTERM, previous)
            for worker in started:
                if worker.poll() is None:
                    # Twice: the worker's first SIGTERM waits for its task to end.
                    worker.send_signal(signal.SIGTERM)
                    time.sleep(0.2)
                    if worker.poll() is None:
                        worker.send_signal(signal.SIGTERM)
                    worker.wait(timeout=30)
            if export is not None:
                # The command's own export: its files were for this output only.
                shutil.rmtree(export_folder(export), ignore_errors=True)
                Export.objects.filter(pk=export.pk).delete()
        self.stdout.write(
            _("Wrote %(path)s: %(count)s parts (clusters and the overview).")
            % {"path": target, "count": export.parts_total}
        )

    def _worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--queue-name",
                QUEUE,
                "--worker-id",
                f"export-year-{get_random_string(8)}",
                "-v0",
            ],
            stdout=subprocess.DEVNULL,
        )

    def _local_worker(self):
        """A worker of the queue in this process, its signals left to the command."""
        from django_tasks_db.management.commands.db_worker import Worker

        return Worker(
            queue_names=[QUEUE],
            interval=0.2,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"export-year-{get_random_string(8)}",
            excluded_queue_names=[],
        )

    def _wait(self, export: Export, started: list, stream) -> Export:
        label = f"{export.organizer.code} {export.year}"
        while True:
            export.refresh_from_db()
            if stream:
                progress(export.parts_done, export.parts_total, label, stream)
            if export.is_finished:
                break
            if started and all(worker.poll() is not None for worker in started):
                # The batch workers ran out of tasks: the rest is in other workers' hands,
                # or the packing is just ending.
                started.clear()
            time.sleep(0.3)
        if stream:
            stream.write("")
        return export
