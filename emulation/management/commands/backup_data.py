"""Back up the database and the uploaded files into one archive (README.md, "Backup and
restore"): run it daily from cron, and keep the archives somewhere else."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from emulation.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the uploads folder into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the archive to write (default: backups/thidua-YYYYMMDD-HHMMSS.tar.gz)",
        )

    def handle(self, *args, **options):
        output = options["output"] or (
            f"backups/thidua-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            path = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")
