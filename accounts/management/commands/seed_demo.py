"""Fill the database with a realistic demo: staff, mentors and mentees with demo logins.

Idempotent: running it again updates the same people and adds nothing twice. Each app that has
demo data (programs, cohorts, events...) adds its step to ``handle`` below, after the people.
Refuses to run with DEBUG off unless --allow-production is given: demo logins have known passwords. The
staff login also has a published authenticator secret (the staff site needs a second factor): it is printed
with recovery codes, so that `make run` can be tried without setting up an authenticator app.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, seed_people, seed_second_factor
from cohorts.demo import seed_cohorts
from events.demo import seed_event
from meetings.demo import seed_pairs
from reports.demo import seed_reports


class Command(BaseCommand):
    help = "Create or refresh the demo data and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (the demo logins have a published password).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: refusing to create demo logins. Pass --allow-production to insist.")
        people = seed_people()
        second_factors = [seed_second_factor(person.user) for person in people if person.user.is_staff]
        cohorts = seed_cohorts(people)
        event = seed_event()
        pairs = seed_pairs()
        answered = seed_reports()
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Demo logins (password for all: {DEMO_PASSWORD}):"))
        for person in people:
            self.stdout.write(f"  {person.role:<8} {person.user.email:<36} {person.user}")
        for cohort in cohorts:
            self.stdout.write(f"  cohort   {cohort.slug:<36} {cohort.stage().label}")
        self.stdout.write(
            f"Speed-networking event under way: {settings.SITE_URL.rstrip('/')}{event.get_absolute_url()}"
        )
        self.stdout.write(f"Pairs in their mentorship period: {len(pairs)}: {settings.SITE_URL.rstrip('/')}/mentoring/")
        self.stdout.write(
            f"Cohort report ({answered} survey answers): {settings.SITE_URL.rstrip('/')}"
            f"{reverse('reports:report', args=['cohort', 'early-career-mentorship'])}"
        )
        self.stdout.write(
            f"Staff site: {settings.SITE_URL.rstrip('/')}/admin/ (sign in with the staff login, then give a code "
            "from an authenticator app, or one of the recovery codes below)"
        )
        for second_factor in second_factors:
            self.stdout.write(f"  authenticator secret  {second_factor.secret}  ({second_factor.url})")
            self.stdout.write(f"  recovery codes        {' '.join(second_factor.recovery_codes)}")
            self.stdout.write(f"  or, for the code now: oathtool --totp -b {second_factor.secret}")
