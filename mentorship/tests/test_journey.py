"""One cohort from end to end, in the system Chromium, on the real stack.

Postgres, Redis and a real Celery worker process (``celery_workers`` in conftest.py) sending its emails to an
SMTP sink (``mentorship/smtp_sink.py``); the site is pytest-django's live server. Emails the web process sends
itself (allauth's address confirmations) are read from Django's test outbox, the others (decisions, event
invitations, matches, surveys, check-in reminders) from the sink, as the worker sent them.

What the browser drives, and what goes through the same forms without it:

- staff log in with their second factor and, in the admin, create the program, the cohort, its weekly
  sessions and its questions; score one application against the rubric and accept all fourteen in bulk;
  create the speed-networking event and invite the cohort; check two people in on the phone check-in page
  and the others with the admin's action; write the schedule; run the matching, pin a pair, run it again and
  publish; at the end, open the cohort report;
- one mentor (Maya, English) and one mentee (Fatou, French, on a French browser) sign up, confirm their
  address from the email and apply, on a phone-sized window (390x844). The other five mentors and seven
  mentees (two of each in French) post the same sign-up, confirmation and application forms with Django's
  test ``Client`` (fourteen sign-ups in the browser would take minutes);
- Maya and Fatou answer the event's invitation, follow two rounds on their phones, then rate the people they
  met (Maya also writes pitch feedback, which Fatou reads); the others post the rating form with the
  ``Client``;
- in week 10 the worker sends the end-of-program survey (``reports.tasks.send_surveys``) and Fatou answers it
  from the email's link; in week 1 of the mentorship Maya logs her meeting with Fatou; at the reminder
  moment (the cohort's Thursday 10:00 in each mentor's time zone) the worker's task emails each mentor who
  did not log exactly once, and its next run a quarter of an hour later sends nothing.

Time: the browser and the worker run in real time. The test process, and the live server's thread in it,
travel with time-machine to each moment of the cohort, always forwards from today (the browser keeps the
cookies the server sets), and the worker's periodic tasks are given the moment as their ``now`` argument.
Sessions end as they would (staff's after 30 idle minutes, everyone's after two weeks), so people log in again
at each step. Nothing sleeps for time to pass.

Every page the browser shows is saved as ``test-output/journey/NN-name.png`` and checked with axe-core
(``mentorship/tests/axe.py``, which evaluates it in the page; the Content Security Policy stays on); the test
fails on any serious or critical finding, listing them all. A page shown again in the same state (the login
and the admin's home page at each staff login) is saved again but checked once.
"""

import datetime as dt
import importlib
import re
import time
import unicodedata
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, StaffFactory, totp_code
from applications.models import Application, ConfidenceStatement, OutreachChannel, Tag
from cohorts.models import Cohort, Participant, Role
from events import services as event_services
from events.models import Attendance, Event, PitchFeedback, Rating, Seat
from matching.models import Match, MatchRun
from meetings.models import MeetingLog
from meetings.tasks import queue_checkin_reminders
from mentorship import health
from mentorship.smtp_sink import SmtpSink
from mentorship.tasks import worker_heartbeat
from reports.models import SurveyInvitation
from reports.surveys import program_survey_moment
from reports.tasks import send_surveys

from .axe import PageChecker

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "journey"
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def install_default_lists() -> None:
    """The lists a data migration fills on a new database (transactional tests empty every table)."""
    for module, function in (
        ("applications.migrations.0003_default_choice_lists", "install"),
        ("meetings.migrations.0002_default_topics", "add_topics"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


def next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=7 - day.weekday())


class Journey:
    """The browser side of the test: pages opened in fresh contexts, each page checked when shown."""

    def __init__(self, chromium, live_server, checker: PageChecker):
        self.chromium, self.url, self.checker = chromium, live_server.url, checker
        self.contexts = []

    def open(self, *, locale: str = "en-CA", size: dict = PHONE):
        context = self.chromium.new_context(base_url=self.url, viewport=size, locale=locale)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def check(self, page, name: str) -> None:
        self.checker.check(page, name)

    def log_in(self, page, email: str, name: str, *, at: str = "/accounts/login/") -> None:
        """Log in from ``at`` (a page that asks to log in first, or the login page)."""
        page.goto(at)
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(PASSWORD)
        self.check(page, f"login form {page.locator('html').get_attribute('lang')}")
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        self.check(page, name)

    def staff_log_in(self, staff) -> object:
        """A desk-sized window logged in to the admin: password, then the authenticator app's code."""
        page = self.open(size=DESK)
        page.goto("/admin/login/")
        page.locator("#id_login").fill(staff.email)
        page.locator("#id_password").fill(PASSWORD)
        self.check(page, "staff login form")
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/accounts/2fa/authenticate/")
        self.check(page, "staff second factor")
        page.locator("#id_code").fill(totp_code(staff))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/admin/")
        self.check(page, "admin home")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(chromium, live_server):
    checker = PageChecker(OUTPUT)
    browser = Journey(chromium, live_server, checker)
    yield browser
    browser.close()


@dataclass
class Person:
    name: str
    pronouns: str
    language: str
    time_zone: str
    role: str
    capacity: int | None = None  # mentors: how many mentees they can take

    @property
    def email(self) -> str:
        plain = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z]+", ".", plain) + "@example.org"


# Capacities add up to the eight mentees: everyone can be matched. Maya and Fatou use the browser.
MENTORS = [
    Person("Maya Okafor", "she/her", "en", "America/Vancouver", Role.MENTOR, 1),
    Person("Étienne Roy", "il/lui", "fr", "America/Toronto", Role.MENTOR, 2),
    Person("Priya Natarajan", "she/her", "en", "America/Toronto", Role.MENTOR, 2),
    Person("Jordan Blake", "they/them", "en", "America/Halifax", Role.MENTOR, 1),
    Person("Camille Tremblay", "elle", "fr", "America/Toronto", Role.MENTOR, 1),
    Person("Kenji Ito", "he/him", "en", "America/Edmonton", Role.MENTOR, 1),
]
MENTEES = [
    Person("Fatou Diallo", "elle", "fr", "America/Toronto", Role.MENTEE),
    Person("Liam Nguyen", "he/him", "en", "America/Toronto", Role.MENTEE),
    Person("Amara Mensah", "she/her", "en", "America/Winnipeg", Role.MENTEE),
    Person("Noé Gagnon", "iel", "fr", "America/Toronto", Role.MENTEE),
    Person("Sofia Reyes", "she/her", "en", "America/Vancouver", Role.MENTEE),
    Person("Alex Chen", "they/them", "en", "America/Toronto", Role.MENTEE),
    Person("Inès Haddad", "elle", "fr", "America/Toronto", Role.MENTEE),
    Person("Tariq Ali", "he/him", "en", "America/Halifax", Role.MENTEE),
]


def confirmation_link(email: str) -> str:
    message = [message for message in mail.outbox if message.to == [email]][-1]
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def client_sign_up(person: Person) -> Client:
    """The sign-up form, the confirmation link of the email, posted like a browser would."""
    client = Client(HTTP_ACCEPT_LANGUAGE=person.language)
    response = client.post(
        "/accounts/signup/",
        {
            "preferred_name": person.name,
            "pronouns": person.pronouns,
            "email": person.email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": person.time_zone,
            "language": person.language,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    response = client.post(urlparse(confirmation_link(person.email)).path)
    assert response.status_code == 302
    return client


def application_data(cohort: Cohort, person: Person, number: int) -> dict:
    """What an applicant posts: the cohort's questions, goals, skills, industries, availability, confidence."""
    tags = {kind: list(Tag.objects.filter(kind=kind).values_list("pk", flat=True)) for kind in Tag.Kind.values}
    data = {
        "action": "continue",
        "time_zone": person.time_zone,
        "availability": ["weekday_evening", "weekend_morning"][: 1 + number % 2],
        "goals": tags["goal"][number % 4 : number % 4 + 2],
        "skills": tags["skill"][number % 5 : number % 5 + 2],
        "industries": tags["industry"][number % 3 : number % 3 + 1],
        "outreach_channel": OutreachChannel.objects.order_by("position")[number % 3].pk,
    }
    for question in cohort.questions.filter(role=person.role):
        data[f"question_{question.pk}"] = "1" if question.kind == "single_choice" else f"{person.name} wants to grow."
    for statement in ConfidenceStatement.objects.all():
        data[f"confidence_{statement.pk}"] = str(1 + (number + statement.position) % 5)
    if person.role == Role.MENTOR:
        data["mentee_capacity"] = str(person.capacity)
    return data


def client_apply(client: Client, cohort: Cohort, person: Person, number: int) -> None:
    response = client.post(f"/cohorts/{cohort.slug}/apply/{person.role}/", application_data(cohort, person, number))
    assert response.status_code == 302 and "/identity/" in response.url, response.content[:3000]
    application = Application.objects.get(user__email=person.email, cohort=cohort)
    client.post(f"/applications/{application.pk}/identity/", {"action": "skip"})
    response = client.post(f"/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED, person


def browser_sign_up(journey: "Journey", person: Person, *, locale: str):
    """Sign up on a phone, confirm the address from the email: signed in at the end."""
    page = journey.open(locale=locale)
    page.goto("/")
    journey.check(page, f"home {person.language}")
    page.goto("/accounts/signup/")
    page.locator("#id_preferred_name").fill(person.name)
    page.locator("#id_pronouns").fill(person.pronouns)
    page.locator("#id_email").fill(person.email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_time_zone").select_option(person.time_zone)
    page.locator("#id_language").select_option(person.language)
    journey.check(page, f"sign-up form {person.language}")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/accounts/confirm-email/")
    journey.check(page, f"check your inbox {person.language}")
    page.goto(confirmation_link(person.email))
    journey.check(page, f"confirm address {person.language}")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(f"{journey.url}/")
    journey.check(page, f"signed in {person.language}")
    return page


def wait_for(condition, what: str, timeout: float = 60) -> None:
    """Wait for the worker, another process (never for time to pass in the code under test)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def worker_done() -> None:
    """Wait until the worker is past every task sent so far (one solo worker runs them in order), twice:
    tasks that those tasks sent are then done too."""
    for _ in range(2):
        cache.delete(health.HEARTBEAT_KEY)
        worker_heartbeat.delay()
        wait_for(lambda: health.heartbeat_last_seen() is not None, "the worker's heartbeat")


def new_mail(sink: SmtpSink, since: int) -> list:
    return sink.messages[since:]


def link_in(message, pattern: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, body).group(0)


def signed_in_client(person: Person) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=person.email))
    return client


def admin_action(page, action: str, ids) -> None:
    for pk in ids:
        page.locator(f"input[name=_selected_action][value='{pk}']").check()
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Go").click()
    page.wait_for_load_state()


def test_one_cohort_from_sign_up_to_report(journey, celery_workers, live_server, settings):
    install_default_lists()
    settings.SITE_URL = live_server.url
    staff = StaffFactory(preferred_name="Sam Staff", time_zone="America/Toronto")
    sink = SmtpSink().start()
    try:
        celery_workers(EMAIL_URL=sink.url, SITE_URL=live_server.url)
        with time_machine.travel(timezone.now(), tick=True) as clock:
            run_the_cohort(journey, staff, sink, clock)
    finally:
        sink.stop()
    checker = journey.checker
    print(f"journey: {checker.count} pages saved under {OUTPUT} and checked in {checker.seconds:.1f} s")
    assert checker.problems == [], "accessibility problems:\n" + checker.report()


def run_the_cohort(journey: Journey, staff, sink: SmtpSink, clock) -> None:
    now = timezone.now().astimezone(TORONTO)
    start_date = next_monday(now.date() + dt.timedelta(days=14))

    # --- Set-up: staff create the program, the cohort, its sessions and its questions in the admin.
    desk = journey.staff_log_in(staff)
    desk.goto("/admin/cohorts/program/add/")
    desk.locator("#id_name_en").fill("Early career")
    desk.locator("#id_name_fr").fill("Début de carrière")
    desk.locator("#id_slug").fill("early-career")
    desk.locator("#id_track").select_option("early_career")
    desk.locator("#id_description_en").fill("Ten weeks of career skills and confidence, then mentorship.")
    journey.check(desk, "admin program add")
    desk.locator("input[name=_save]").click()
    desk.wait_for_url("**/admin/cohorts/program/")

    desk.goto("/admin/cohorts/cohort/add/")
    desk.locator("#id_program").select_option(label="Early career")
    desk.locator("#id_name_en").fill("Spring cohort")
    desk.locator("#id_name_fr").fill("Cohorte du printemps")
    desk.locator("#id_slug").fill("spring")
    desk.locator("#id_start_date").fill(start_date.isoformat())
    desk.locator("#id_time_zone").fill("America/Toronto")
    opens, closes = now - dt.timedelta(hours=1), now + dt.timedelta(days=7)
    desk.locator("#id_applications_open_at_0").fill(opens.date().isoformat())
    desk.locator("#id_applications_open_at_1").fill(opens.strftime("%H:%M:%S"))
    desk.locator("#id_applications_close_at_0").fill(closes.date().isoformat())
    desk.locator("#id_applications_close_at_1").fill(closes.strftime("%H:%M:%S"))
    desk.locator("#id_mentee_capacity").fill("8")
    desk.locator("#id_mentor_capacity").fill("6")
    journey.check(desk, "admin cohort add")
    desk.locator("input[name=_save]").click()
    desk.wait_for_url("**/admin/cohorts/cohort/")
    cohort = Cohort.objects.get(slug="spring")
    admin_action(desk, "generate_sessions", [cohort.pk])
    journey.check(desk, "admin sessions generated")
    assert cohort.sessions.count() == 10

    questions = [
        (Role.MENTEE, "long_text", "Why do you want to join?", "Pourquoi voulez-vous participer ?", "", ""),
        (
            Role.MENTEE,
            "single_choice",
            "Preferred format?",
            "Format préféré ?",
            "Video\nIn person",
            "Vidéo\nEn personne",
        ),
        (Role.MENTOR, "long_text", "What would you like to pass on?", "Que voulez-vous transmettre ?", "", ""),
    ]
    desk.goto("/admin/applications/question/add/")
    for number, (role, kind, text_en, text_fr, choices_en, choices_fr) in enumerate(questions, start=1):
        desk.locator("#id_cohort").select_option(str(cohort.pk))
        desk.locator("#id_role").select_option(role)
        desk.locator("#id_kind").select_option(kind)
        desk.locator("#id_text_en").fill(text_en)
        desk.locator("#id_text_fr").fill(text_fr)
        desk.locator("#id_choices_en").fill(choices_en)
        desk.locator("#id_choices_fr").fill(choices_fr)
        desk.locator("#id_position").fill(str(number))
        if number == 1:
            journey.check(desk, "admin question add")
        desk.locator("input[name=_addanother]").click()
        desk.wait_for_load_state()
    desk.goto(f"/admin/applications/question/?cohort__id__exact={cohort.pk}")
    journey.check(desk, "admin questions")
    assert cohort.questions.count() == 3

    # --- Applications: two people in the browser (a mentor in English, a mentee in French), the others
    # through the same forms with the test client.
    maya, fatou = MENTORS[0], MENTEES[0]
    phone = browser_sign_up(journey, maya, locale="en-CA")
    phone.goto(cohort.get_absolute_url())
    journey.check(phone, "cohort page")
    phone.get_by_role("link", name="Apply as mentor").click()
    phone.get_by_label("What would you like to pass on?").fill("How to negotiate a first offer <and> keep learning.")
    phone.get_by_label("Land my first tech job").check()
    phone.get_by_label("Software development").check()
    phone.get_by_label("Software and SaaS").check()
    phone.get_by_label("Weekday evenings").check()
    phone.locator("#div_id_mentee_capacity").get_by_label("1", exact=True).check()
    for group in phone.locator("[id^=div_id_confidence_]").all():
        group.get_by_label("4", exact=True).check()
    journey.check(phone, "mentor application form")
    phone.locator("button[name=action][value=continue]").click()
    phone.wait_for_url("**/identity/")
    journey.check(phone, "mentor self-identification")
    phone.locator("button[name=action][value=skip]").click()
    phone.wait_for_load_state()
    journey.check(phone, "mentor application draft")
    phone.get_by_role("button", name="Submit my application").click()
    phone.wait_for_load_state()
    journey.check(phone, "mentor application submitted")

    telephone = browser_sign_up(journey, fatou, locale="fr-CA")
    assert telephone.locator("html").get_attribute("lang") == "fr"
    telephone.goto(cohort.get_absolute_url())
    journey.check(telephone, "page de la cohorte")
    telephone.get_by_role("link", name="Postuler comme mentoré·e").click()
    telephone.get_by_label("Pourquoi voulez-vous participer ?").fill("Pour prendre confiance et trouver un emploi.")
    telephone.get_by_label("En personne").check()
    telephone.get_by_label("Décrocher mon premier emploi en technologie").check()
    telephone.get_by_label("Développement logiciel").check()
    telephone.get_by_label("Logiciels et SaaS").check()
    telephone.get_by_label("Soirs de semaine").check()
    for group in telephone.locator("[id^=div_id_confidence_]").all():
        group.get_by_label("2", exact=True).check()
    journey.check(telephone, "formulaire de candidature")
    telephone.locator("button[name=action][value=continue]").click()
    telephone.wait_for_url("**/identity/")
    journey.check(telephone, "auto-identification")
    telephone.locator("button[name=action][value=skip]").click()
    telephone.wait_for_load_state()
    telephone.get_by_role("button", name="Soumettre ma candidature").click()
    telephone.wait_for_load_state()
    journey.check(telephone, "candidature soumise")

    for number, person in enumerate(MENTORS[1:] + MENTEES[1:], start=1):
        client_apply(client_sign_up(person), cohort, person, number)
    submitted = Application.objects.filter(cohort=cohort, status=Application.Status.SUBMITTED)
    assert Counter(submitted.values_list("role", flat=True)) == {Role.MENTOR: 6, Role.MENTEE: 8}
    assert User.objects.get(email=fatou.email).language == "fr"

    # --- Review: once the window has closed, staff score one application against the rubric, then
    # accept everyone in bulk; each person gets one decision email, in their language.
    clock.move_to(cohort.applications_close_at + dt.timedelta(hours=2))
    desk = journey.staff_log_in(staff)
    fatou_application = Application.objects.get(user__email=fatou.email)
    desk.goto(f"/admin/applications/application/{fatou_application.pk}/change/")
    for select in desk.locator("select[name^='reviews-0-score_']").all():
        select.select_option("4")
    desk.locator("textarea[name='reviews-0-notes']").first.fill("Clear goals; a strong fit for the program.")
    journey.check(desk, "admin application review")
    desk.locator("input[name=_continue]").click()
    desk.wait_for_load_state()
    journey.check(desk, "admin application reviewed")
    assert fatou_application.reviews.count() == 1
    desk.goto(f"/admin/applications/application/?cohort__id__exact={cohort.pk}")
    desk.locator("#action-toggle").check()
    desk.locator("select[name=action]").select_option("accept")
    desk.get_by_role("button", name="Go").click()
    desk.wait_for_load_state()
    journey.check(desk, "admin applications accepted")
    assert Participant.objects.filter(cohort=cohort).count() == 14
    wait_for(lambda: sink.count() >= 14, "the decision emails")
    decisions = {message["To"]: message for message in sink.messages}
    assert len(decisions) == 14
    assert "acceptée" in decisions[fatou.email]["Subject"]
    assert "accepted" in decisions[maya.email]["Subject"]

    # --- The speed-networking event, in week 8: staff create it and invite the cohort.
    event_day = start_date + dt.timedelta(weeks=7, days=1)
    clock.move_to(dt.datetime.combine(event_day - dt.timedelta(days=10), dt.time(10), tzinfo=TORONTO))
    desk = journey.staff_log_in(staff)
    desk.goto("/admin/events/event/add/")
    desk.locator("#id_cohort").select_option(str(cohort.pk))
    desk.locator("#id_starts_at_0").fill(event_day.isoformat())
    desk.locator("#id_starts_at_1").fill("18:00:00")
    desk.locator("#id_place").fill("Notman House, Montréal")
    desk.locator("#id_rounds").fill("4")
    desk.locator("#id_round_minutes").fill("7")
    desk.locator("#id_break_minutes").fill("2")
    desk.locator("#id_tables").fill("6")
    desk.locator("#id_seats_per_table").fill("1")
    desk.locator("#id_ratings_close_at_0").fill((event_day + dt.timedelta(days=3)).isoformat())
    desk.locator("#id_ratings_close_at_1").fill("23:00:00")
    journey.check(desk, "admin event add")
    desk.locator("input[name=_save]").click()
    desk.wait_for_url("**/admin/events/event/")
    event = Event.objects.get(cohort=cohort)
    sent = sink.count()
    admin_action(desk, "invite", [event.pk])
    journey.check(desk, "admin event invited")
    wait_for(lambda: sink.count() >= sent + 14, "the event invitations")

    # Fatou answers the invitation from its email on her phone; Maya adds her one-line intro.
    invitation = next(m for m in new_mail(sink, sent) if m["To"] == fatou.email)
    telephone = journey.open(locale="fr-CA")
    journey.log_in(telephone, fatou.email, "connexion", at=link_in(invitation, rf"https?://\S+/events/{event.pk}/"))
    telephone.wait_for_url(f"**/events/{event.pk}/")
    telephone.get_by_label("Je serai là").check()
    telephone.locator("#id_intro").fill("Développeuse en reconversion, passionnée d’accessibilité")
    journey.check(telephone, "invitation à l’événement")
    telephone.locator("main form[method=post] button[type=submit]").click()
    telephone.wait_for_load_state()
    journey.check(telephone, "réponse enregistrée")
    phone = journey.open()
    journey.log_in(phone, maya.email, "mentor login")
    phone.goto(f"/events/{event.pk}/")
    phone.get_by_label("I will come").check()
    phone.locator("#id_intro").fill("Engineering manager at a fintech")
    phone.locator("main form[method=post] button[type=submit]").click()
    phone.wait_for_load_state()
    journey.check(phone, "mentor event rsvp")
    assert Attendance.objects.filter(event=event, rsvp="yes").count() == 2

    # The day: staff check people in (the phone page for two, the admin's action for the rest) and write
    # the schedule.
    clock.move_to(event.starts_at - dt.timedelta(minutes=15))  # staff sessions end after 30 idle minutes
    desk = journey.staff_log_in(staff)
    desk.set_viewport_size(PHONE)
    for person in (fatou, maya):
        desk.goto(f"/events/{event.pk}/check-in/")
        desk.locator("#search").fill(person.name.split()[0])
        desk.locator("#search").press("Enter")
        desk.wait_for_load_state()
        desk.get_by_role("button", name="Check in").first.click()
        desk.wait_for_load_state()
    journey.check(desk, "check-in on the phone")
    desk.set_viewport_size(DESK)
    desk.goto(f"/admin/events/attendance/?event__id__exact={event.pk}")
    desk.locator("#action-toggle").check()
    desk.locator("select[name=action]").select_option("check_in")
    desk.get_by_role("button", name="Go").click()
    desk.wait_for_load_state()
    journey.check(desk, "admin attendances checked in")
    assert Attendance.objects.filter(event=event, checked_in_at__isnull=False).count() == 14
    desk.goto(f"/events/{event.pk}/run-sheet/")
    desk.get_by_role("button", name="Write the schedule").click()
    desk.wait_for_load_state()
    journey.check(desk, "run sheet")
    assert Seat.objects.filter(event=event).exists()

    # Two rounds followed on the phones.
    fatou_place = Participant.objects.get(user__email=fatou.email)
    maya_place = Participant.objects.get(user__email=maya.email)
    for number in (1, 2):
        clock.move_to(event.round_starts_at(number) + dt.timedelta(minutes=1))
        for page, person, place in ((telephone, fatou, fatou_place), (phone, maya, maya_place)):
            page.goto(f"/events/{event.pk}/")
            current = page.locator(".current-round")
            assert current.get_by_text(re.compile(f"(Round|Ronde|Tour) {number}")).is_visible(), page.url
            seat = Seat.objects.filter(event=event, participant=place, round=number).first()
            if seat is not None:
                for mate in Seat.objects.filter(event=event, round=number, table=seat.table).exclude(participant=place):
                    assert current.get_by_text(mate.participant.user.display_name).is_visible()
            journey.check(page, f"round {number} {person.language}")
        desk.goto(f"/events/{event.pk}/projector/")
        journey.check(desk, f"projector round {number}")

    # After the event: everyone rates whom they met; mentors write pitch feedback.
    clock.move_to(event.ends_at + dt.timedelta(minutes=15))
    met_by_maya = event_services.people_met(event, maya_place)
    phone.goto(f"/events/{event.pk}/rate/")
    for mentee in met_by_maya:
        block = phone.get_by_role("group", name=mentee.user.display_name)
        block.get_by_label("5", exact=True).check()
        block.get_by_label("Feedback on their networking pitch (they will read it)").fill(
            f"Clear and warm, {mentee.user.display_name}: lead with the project you are proudest of."
        )
    journey.check(phone, "mentor rates and gives pitch feedback")
    phone.get_by_role("button", name="Save my ratings").click()
    phone.wait_for_load_state()
    journey.check(phone, "mentor ratings saved")
    met_by_fatou = event_services.people_met(event, fatou_place)
    telephone.goto(f"/events/{event.pk}/rate/")
    for number, mentor in enumerate(met_by_fatou):
        block = telephone.get_by_role("group", name=mentor.user.display_name)
        block.get_by_label(str(5 - number % 3), exact=True).check()
    journey.check(telephone, "évaluations")
    telephone.locator("main form[method=post] button[type=submit]").click()
    telephone.wait_for_load_state()
    for person in MENTORS[1:] + MENTEES[1:]:
        place = Participant.objects.get(user__email=person.email)
        data = {}
        for other in event_services.people_met(event, place):
            data[f"score_{other.pk}"] = str(1 + (place.pk + other.pk) % 5)
            if person.role == Role.MENTOR:
                data[f"feedback_{other.pk}"] = f"Good energy. From {person.name}."
        response = signed_in_client(person).post(f"/events/{event.pk}/rate/", data)
        assert response.status_code == 302, response.content[:2000]
    meetings = sum(
        len(event_services.people_met(event, place)) for place in Participant.objects.filter(role=Role.MENTEE)
    )
    assert Rating.objects.filter(event=event).count() == 2 * meetings  # both sides rated every meeting
    telephone.goto(f"/events/{event.pk}/")
    journey.check(telephone, "retours sur le pitch")
    feedback = PitchFeedback.objects.filter(event=event, mentee=fatou_place)
    assert feedback.count() == len(met_by_fatou)
    for item in feedback:
        assert telephone.get_by_text(item.text).is_visible()

    # --- Matching, once ratings have closed: staff run it, pin Fatou with Maya, run it again, publish.
    clock.move_to(event.ratings_close_at + dt.timedelta(hours=12))
    desk = journey.staff_log_in(staff)

    def run_matching() -> MatchRun:
        desk.goto(f"/admin/cohorts/cohort/{cohort.pk}/change/")
        desk.get_by_role("link", name="Run matching").click()
        desk.get_by_label("Best overall").check()
        journey.check(desk, "admin run matching")
        desk.get_by_role("button", name="Run").click()
        desk.wait_for_url("**/admin/matching/matchrun/*/change/")
        journey.check(desk, "admin match run")
        return MatchRun.objects.latest("created_at")

    first = run_matching()
    assert first.matches.count() == 8
    desk.goto("/admin/matching/pairrule/add/")
    desk.locator("#id_cohort").select_option(str(cohort.pk))
    desk.locator("#id_mentee").fill(str(fatou_place.pk))
    desk.locator("#id_mentor").fill(str(maya_place.pk))
    desk.locator("#id_kind").select_option("pin")
    desk.locator("#id_reason").fill("Both asked for each other at the event.")
    journey.check(desk, "admin pin a pair")
    desk.locator("input[name=_save]").click()
    desk.wait_for_url("**/admin/matching/pairrule/")
    second = run_matching()
    assert second.matches.filter(mentee=fatou_place, mentor=maya_place, pinned=True).exists()
    assert second.matches.count() == 8
    sent = sink.count()
    desk.goto("/admin/matching/matchrun/")
    admin_action(desk, "publish", [second.pk])
    journey.check(desk, "admin published")
    assert Match.objects.active().count() == 8
    wait_for(lambda: sink.count() >= sent + 16, "the match emails")
    match_mail = [m for m in new_mail(sink, sent) if m["To"] == fatou.email]
    assert len(match_mail) == 1 and "Maya Okafor" in match_mail[0]["Subject"]

    # --- Week 10: the end-of-program survey goes to every participant (the worker's hourly task, given the
    # moment); Fatou answers it from the email's link, in French.
    survey_moment = program_survey_moment(cohort) + dt.timedelta(minutes=20)
    clock.move_to(survey_moment + dt.timedelta(hours=3))
    sent = sink.count()
    send_surveys.delay(now=survey_moment.isoformat())
    wait_for(lambda: sink.count() >= sent + 14, "the survey invitations")
    invitations = {message["To"]: message for message in new_mail(sink, sent)}
    assert len(invitations) == 14
    survey_link = link_in(invitations[fatou.email], r"https?://\S+/surveys/\d+/")
    telephone = journey.open(locale="fr-CA")
    journey.log_in(telephone, fatou.email, "connexion au sondage", at=survey_link)
    telephone.wait_for_url(survey_link)
    for group in telephone.locator("[id^=div_id_confidence_]").all():
        group.get_by_label("4", exact=True).check()
    telephone.locator("#div_id_recommend").get_by_label("9", exact=True).check()
    telephone.locator("#id_helped").fill("Les retours sur mon pitch et les ateliers.")
    journey.check(telephone, "sondage de fin de programme")
    telephone.locator("main form[method=post] button[type=submit]").click()
    telephone.wait_for_load_state()
    journey.check(telephone, "sondage envoyé")
    answered = SurveyInvitation.objects.get(participant=fatou_place, kind=SurveyInvitation.Kind.END_OF_PROGRAM)
    assert answered.response.recommend == 9

    # --- The mentorship period, week 1: Maya logs her meeting with Fatou from her phone.
    period_start = cohort.mentorship_starts_on
    vancouver = zoneinfo.ZoneInfo(maya.time_zone)
    clock.move_to(dt.datetime.combine(period_start + dt.timedelta(days=1), dt.time(12), tzinfo=vancouver))
    phone = journey.open()
    journey.log_in(phone, maya.email, "mentor login to mentoring", at="/mentoring/")
    phone.wait_for_url("**/mentoring/")
    journey.check(phone, "mentor home")
    phone.get_by_role("link", name=re.compile("Log this week")).first.click()
    phone.wait_for_url("**/weeks/1/log/")
    phone.get_by_label("Yes, we met").check()
    phone.get_by_label("Duration in minutes").fill("45")
    phone.get_by_label("Video call").check()
    phone.get_by_label("Interview practice").check()
    phone.get_by_label("Notes shared with your mentee").fill("We rehearsed a first-round interview.")
    journey.check(phone, "log a meeting")
    phone.get_by_role("button", name="Log this week").click()
    phone.wait_for_url("**/mentoring/pairs/*/#log-*")
    journey.check(phone, "meeting logged")
    log = MeetingLog.objects.get()
    assert (log.match.mentee, log.match.mentor, log.week) == (fatou_place, maya_place, period_start)

    # --- The reminder moment: Thursday of week 1, past 10:00 in every mentor's time zone. Each mentor
    # without a log for the week gets one email; a tick a quarter of an hour later sends nothing more.
    reminder_moment = dt.datetime.combine(period_start + dt.timedelta(days=3), dt.time(20), tzinfo=dt.UTC)
    clock.move_to(reminder_moment)
    unlogged = set(
        Match.objects.active().exclude(logs__week=period_start).values_list("mentor__user__email", flat=True)
    )
    assert maya.email not in unlogged and len(unlogged) == 5
    sent = sink.count()
    queue_checkin_reminders.delay(now=reminder_moment.isoformat())
    wait_for(lambda: sink.count() >= sent + len(unlogged), "the check-in reminders")
    queue_checkin_reminders.delay(now=(reminder_moment + dt.timedelta(minutes=15)).isoformat())
    worker_done()
    reminders = Counter(message["To"] for message in new_mail(sink, sent))
    assert reminders == Counter(dict.fromkeys(unlogged, 1))

    # --- The cohort report: staff see the funnel (the figures and its chart) and the survey answered.
    desk = journey.staff_log_in(staff)
    desk.goto("/admin/cohort-reports/")
    journey.check(desk, "reports index")
    desk.goto(f"/admin/cohort-reports/cohort/{cohort.slug}/")
    desk.locator("#funnel canvas").wait_for()
    journey.check(desk, "cohort report")
    funnel = {
        row.locator("th").inner_text(): sorted(cell.inner_text() for cell in row.locator("td").all())
        for row in desk.locator("#funnel tbody tr").all()
    }
    for step in ("Applied", "Accepted into the cohort", "Attended the event", "Matched"):
        assert funnel[step] == ["6", "8"], (step, funnel)
    assert desk.locator("#funnel canvas").is_visible()
    mentee_surveys = desk.locator("#surveys tbody tr").filter(has_text="End of the program").first
    assert [cell.inner_text() for cell in mentee_surveys.locator("td").all()][1:3] == ["8", "1"]  # sent, answered
    meeting_rate = desk.locator("#meeting-rate tbody tr").first
    assert meeting_rate.locator("td").first.inner_text() == "12%"  # one pair of eight met in week 1
    assert desk.locator("#funnel canvas").evaluate("canvas => canvas.width > 0 && canvas.height > 0")
