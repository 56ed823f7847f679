"""Load the demo data of README.md: the structure before 2025, the 2025 restructuring as its
own step, the clusters of the articles, and the demo users. A second run writes nothing."""

from django.core.management.base import BaseCommand

from emulation.demo import seed_demo
from emulation.demo.base import PASSWORD
from emulation.demo.structure import DEMO_USERS


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run writes nothing)."

    def handle(self, *args, **options):
        created = seed_demo()
        if created:
            self.stdout.write(f"Demo data loaded ({created} records).")
        else:
            self.stdout.write("Demo data already present; nothing written.")
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        self.stdout.write(f"  {'admin':<16} administrator (Django admin)")
        for username, full_name, code, _role, title in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {full_name} – {title} ({code})")
