"""Restore a backup of `backup_data` into the configured database, which must be empty (a new
database), and the uploads folder, which must be empty too: a restore never merges into live
data. Afterwards run `manage.py migrate` (it applies what a newer version adds)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from emulation.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into the (empty) configured database and uploads folder."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by backup_data")

    def handle(self, *args, **options):
        connections["default"].close()
        try:
            done = restore(
                Path(options["archive"]),
                database=connections["default"].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(done.capitalize() + ".")
