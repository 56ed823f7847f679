import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from awards.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the deadline reminders due today (in the app and by e-mail); each is sent once, "
        "so the command can run from cron every day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Send the reminders due on this day (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        else:
            today = timezone.localdate()
        sent = send_reminders(today)
        self.stdout.write(f"{sent} reminder(s) sent for {today:%d/%m/%Y}.")
