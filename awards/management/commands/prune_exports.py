"""Delete the downloads prepared in the background once they are older than
EXPORT_RETENTION_DAYS (default 3), with their files, and the finished task records of the
queue: run daily (the compose file's scheduler does). --dry-run only counts them."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from awards.models import Export
from awards.services.exports import prune_exports, retention


class Command(BaseCommand):
    help = "Delete the downloads older than EXPORT_RETENTION_DAYS, with their files."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = Export.objects.filter(created_at__lt=timezone.now() - retention()).count()
            self.stdout.write(f"{count} download(s) would be deleted.")
            return
        count = prune_exports()
        self.stdout.write(f"{count} download(s) deleted.")
