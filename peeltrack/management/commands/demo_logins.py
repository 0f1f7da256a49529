"""Print how to sign in to the demo."""

from django.core.management.base import BaseCommand

from peeltrack.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where it serves")

    def handle(self, *args, url="http://127.0.0.1:8000/", **options):
        out = self.stdout.write
        out("")
        out(f"PEELtrack is starting on {url}")
        out(f"Sign in with any of these users; the password is '{DEMO_PASSWORD}' for all:")
        for username, first, last, force, role, _team in DEMO_USERS:
            out(f"  {username:<12} {first} {last}: {role.replace('_', ' ')}, {force}")
        out(f"  {'admin':<12} back office (Django admin at /admin/), every force")
        out("")
