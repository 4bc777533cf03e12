"""Erase a person's personal data and keep only anonymous counts (what goes and what stays is described
in accounts/erasure.py), for a request that reached the staff by email or on paper.

    manage.py erase_person alex@example.org --dry-run    # list what would be erased; change nothing
    manage.py erase_person alex@example.org              # list it, ask for "yes", then erase
    manage.py erase_person alex@example.org --no-input   # erase without asking (scripts)

The same as the admin's "Erase these people" action and the person's own "Delete my account". It cannot
be undone: take the person's data download first (their profile page) if they asked for it. Running it
again for the same person changes nothing more.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.erasure import erasure_lines, erasure_plan, person_erase
from accounts.models import User


class Command(BaseCommand):
    help = "Erase a person's personal data, keeping only anonymous counts. --dry-run lists what would be erased."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address (case does not matter).")
        parser.add_argument("--dry-run", action="store_true", help="List what would be erased; change nothing.")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args, email: str, dry_run: bool = False, interactive: bool = True, **options):
        user = User.objects.with_email(email.strip()).first()
        if user is None:
            raise CommandError(f"No person has the email address {email!r}.")
        lines = erasure_lines(erasure_plan(user=user))
        verb = "Would erase" if dry_run else "Will erase"
        self.stdout.write(f"{verb} for {user.email} (person #{user.pk}):")
        for label, count in lines:
            self.stdout.write(f"  {count:>5}  {label}")
        if not lines:
            self.stdout.write("  nothing: this person was erased already.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        if interactive and input("This cannot be undone. Type 'yes' to erase: ").strip().lower() != "yes":
            raise CommandError("Cancelled: nothing was changed.")
        counts = person_erase(user=user, by=None)
        self.stdout.write(self.style.SUCCESS(f"Erased person #{user.pk}: {sum(counts.values())} items."))
