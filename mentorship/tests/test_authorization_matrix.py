"""Who may see what: every URL pattern of the project, requested as every kind of person.

The roles: anonymous; an applicant (a draft application); the mentee and the mentor of cohort A (paired,
with a logged week, an event, seats, ratings and pitch feedback); a mentor of cohort B; staff holding the
permissions program staff normally have (every permission of the project's apps and of the task schedule,
but the two that show more of people: self-identification answers and mentors' private notes); and staff
who also hold those two, the first through the "Identity data" group. Every object in a
URL belongs to cohort A's mentee or mentor (their application, pair, log, event, ratings and schedule), so
for every other role it is someone else's.

Each URL pattern needs an entry in MATRIX (one or more cases, each with an answer per role) or a RULE
(the admin's model pages, whose answers follow from the model permissions and from what each model admin
refuses, written out in ADMIN_REFUSES). A pattern with neither fails the test: a new page cannot ship
without a decision about who may see it.

Answers (mentorship/tests/matrix.py): 200, 400, 403, 404, 405, ``login`` (sent to a login page),
``redirect`` (sent anywhere else). Pages of a person's own things answer 404 to everyone else, staff
included: staff work in the admin. The cohort report is a staff page under admin/ that needs the reports
permission: anyone else signed in gets 403.
"""

import csv
import io
import re
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailConfirmationHMAC
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from applications.exports import identity_answers
from applications.models import SelfIdentification
from cohorts.models import Cohort, Program

from .matrix import (
    IDENTITY_ANSWERS,
    IDENTITY_WORDS,
    NOT_STAFF,
    OUTCOME_NOTE,
    PRIVATE_NOTE,
    ROLES,
    Case,
    Pattern,
    World,
    build_world,
    grid_table,
    mismatch_table,
    pattern_of,
    run,
    url_patterns,
)

pytestmark = pytest.mark.django_db

# Every answer of the last run, one line per case and a column per role.
OUTPUT = Path(django_settings.BASE_DIR) / "test-output" / "authorization-matrix.txt"


def to(name: str, *args):
    """The path of ``name`` with arguments (constants, or functions of the world)."""
    return lambda world: reverse(name, args=[arg(world) if callable(arg) else arg for arg in args])


def mentee_application(world):
    return world.mentee_application.pk


def applicant_application(world):
    return world.applicant_application.pk


# --- What pages must (not) show ----------------------------------------------------------------------------


def identity_only_for_identity_staff(role: str, response, world: World) -> str | None:
    page = response.content.decode("utf-8-sig", errors="replace")
    shown = any(word in page for word in IDENTITY_WORDS)
    if role == "staff_identity" and not shown:
        return "the self-identification answers are missing"
    if role != "staff_identity" and shown:
        return "shows self-identification answers"
    return None


def no_identity(role: str, response, world: World) -> str | None:
    page = response.content.decode("utf-8-sig", errors="replace")
    if any(word in page for word in IDENTITY_WORDS):
        return "shows self-identification answers"
    return None


def no_identity_unless_identity_staff(role: str, response, world: World) -> str | None:
    return None if role == "staff_identity" else no_identity(role, response, world)


def no_identity_trace(role: str, response, world: World) -> str | None:
    """Not even that a person gave self-identification answers, unless the reader may see them."""
    page = response.content.decode("utf-8-sig", errors="replace")
    if role != "staff_identity" and re.search("elf-identification", page):
        return "names the self-identification"
    return no_identity(role, response, world) if role != "staff_identity" else None


def identity_count_only_for_identity_staff(role: str, response, world: World) -> str | None:
    """What erasing the applicant removes: "self-identification answers: 1" says they gave some."""
    page = response.content.decode(errors="replace")
    shown = re.search(r"elf-identification answers[^<]*: 1\b", page) is not None
    if role == "staff_identity" and not shown:
        return "the count of self-identification answers is missing"
    if role != "staff_identity" and shown:
        return "counts the applicant's self-identification answers"
    return None


def no_permission_fields(role: str, response, world: World) -> str | None:
    fields = re.findall(r'name="(is_staff|is_superuser|groups|user_permissions)"', response.content.decode())
    return f"staff can change {sorted(set(fields))}" if fields else None


def csv_identity_columns_only_for_identity_staff(role: str, response, world: World) -> str | None:
    if not response["Content-Type"].startswith("text/csv"):
        return f"not a CSV export: {response['Content-Type']}"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, cells = rows[0], ",".join(",".join(line) for line in rows[1:])
    shown = "How do you describe your gender?" in header or "Two-Spirit" in cells
    if role == "staff_identity" and not shown:
        return "the identity columns are missing"
    if role != "staff_identity" and shown:
        return "has identity columns"
    return None


def private_note_only_with_permission(role: str, response, world: World) -> str | None:
    """Staff pages: a mentor's private note only to staff holding meetings.view_private_note."""
    shown = PRIVATE_NOTE in response.content.decode("utf-8-sig", errors="replace")
    allowed = world.users[role].has_perm("meetings.view_private_note")
    if shown != allowed:
        return "shows the private note" if shown else "the private note is missing"
    return None


def private_note_only_for_its_mentor(role: str, response, world: World) -> str | None:
    shown = PRIVATE_NOTE in response.content.decode("utf-8-sig", errors="replace")
    if shown != (role == "mentor"):
        return "shows the private note" if shown else "the private note is missing"
    return None


def no_private_note(role: str, response, world: World) -> str | None:
    """The change history keeps no private note, for anyone."""
    return "shows the private note" if PRIVATE_NOTE in response.content.decode(errors="replace") else None


def outcome_note_only_for_its_person(role: str, response, world: World) -> str | None:
    shown = OUTCOME_NOTE in response.content.decode(errors="replace")
    if shown != (role == "mentee"):
        return "shows mentee A's outcome" if shown else "mentee A's outcome is missing"
    return None


def only_their_own_data(role: str, response, world: World) -> str | None:
    """The "download my data" file: the person's own, nothing of anyone else's that they do not already see."""
    data = response.content.decode("utf-8")
    others = [user.email for other, user in world.users.items() if user is not None and other != role]
    problems = [f"has {email}" for email in others if email in data]
    # Identity answers: the applicant's and the mentee's own; the mentor's private note: the mentor's own;
    # the mentee's rating of the mentor: the mentee's own (the mentor never reads it).
    owners = {"Two-Spirit": {"applicant", "mentee"}, PRIVATE_NOTE: {"mentor"}, "Would love to.": {"mentee"}}
    for text, allowed in owners.items():
        if (text in data) != (role in allowed):
            problems.append(f"{'has' if text in data else 'lacks'} {text!r}")
    return "; ".join(problems) or None


# --- The matrix ----------------------------------------------------------------------------------------------
# Columns:   anonymous  applicant  mentee(A)  mentor(A)  mentor(B)  staff  staff+identity group

PUBLIC = "200    200   200   200   200   200   200"
SIGNED_IN = "login  200   200   200   200   200   200"
STAFF_PAGE = "login  login login login login 200   200"  # pages for staff holding the permission
REPORT_PAGE = "login 403   403   403   403   200   200"  # the cohort report: the reports permission
MENTEE_A = "login  404   200   404   404   404   404"
PAIR_A = "login  404   200   200   404   404   404"
MENTOR_A = "login  404   404   200   404   404   404"
APPLICANT = "login  200   404   404   404   404   404"
ANONYMOUS_ONLY = "200    redirect redirect redirect redirect redirect redirect"

MATRIX: dict[str, list[Case]] = {
    # The site
    "home": [Case("/", PUBLIC)],
    "healthz": [Case("/healthz", PUBLIC)],
    # Signing in and the account (allauth): a person's own account only, no id in any URL.
    "account_login": [Case(to("account_login"), ANONYMOUS_ONLY)],
    "account_logout": [Case(to("account_logout"), "redirect 200 200 200 200 200 200")],
    "account_inactive": [Case(to("account_inactive"), PUBLIC)],
    "account_signup": [Case(to("account_signup"), ANONYMOUS_ONLY)],
    "account_reauthenticate": [Case(to("account_reauthenticate"), SIGNED_IN)],
    "account_email": [Case(to("account_email"), SIGNED_IN)],
    "account_email_verification_sent": [Case(to("account_email_verification_sent"), PUBLIC)],
    "account_change_password": [Case(to("account_change_password"), SIGNED_IN)],
    "account_set_password": [
        Case(to("account_set_password"), "login redirect redirect redirect redirect redirect redirect")
    ],
    "account_reset_password": [Case(to("account_reset_password"), PUBLIC)],
    # Steps of a login in progress (a code by email, a second factor): with none, back to the start.
    "account_confirm_login_code": [Case(to("account_confirm_login_code"), "login " + "redirect " * 6)],
    "account_confirm_email": [
        # The key is the proof: whoever holds the link may confirm the address it names (as allauth does);
        # allauth logs out whoever else is signed in (fresh: on a session of its own).
        Case(
            lambda world: reverse("account_confirm_email", args=[_confirmation_key(world)]),
            PUBLIC,
            variant="someone else's key",
            fresh=True,
        ),
        Case(to("account_confirm_email", "forged-key"), PUBLIC, variant="forged key", fresh=True),
    ],
    "account_reset_password_from_key_done": [Case(to("account_reset_password_from_key_done"), PUBLIC)],
    "account_reset_password_from_key": [
        Case(to("account_reset_password_from_key", "1", "forged-key"), PUBLIC, fresh=True)
    ],
    "account_reset_password_done": [Case(to("account_reset_password_done"), PUBLIC)],
    "mfa_index": [Case(to("mfa_index"), SIGNED_IN)],
    "mfa_authenticate": [Case(to("mfa_authenticate"), "login " + "redirect " * 6)],
    # Second-factor pages: one's own authenticators only. Only staff have one (an authenticator app, no
    # recovery codes); changing them asks to re-authenticate first (a redirect), as does adding one.
    "mfa_reauthenticate": [Case(to("mfa_reauthenticate"), "login redirect redirect redirect redirect 200 200")],
    "mfa_activate_totp": [Case(to("mfa_activate_totp"), "login " + "redirect " * 6)],
    "mfa_deactivate_totp": [Case(to("mfa_deactivate_totp"), "login 404 404 404 404 redirect redirect")],
    "mfa_view_recovery_codes": [Case(to("mfa_view_recovery_codes"), "login 404 404 404 404 404 404")],
    "mfa_generate_recovery_codes": [Case(to("mfa_generate_recovery_codes"), "login " + "redirect " * 6)],
    "mfa_download_recovery_codes": [Case(to("mfa_download_recovery_codes"), "login 404 404 404 404 404 404")],
    # The profile
    "accounts:profile": [Case(to("accounts:profile"), SIGNED_IN)],
    "accounts:download_my_data": [Case(to("accounts:download_my_data"), SIGNED_IN, check=only_their_own_data)],
    "accounts:delete": [Case(to("accounts:delete"), SIGNED_IN)],  # confirming with the password erases
    "accounts:deleted": [Case(to("accounts:deleted"), PUBLIC)],
    "accounts:set_language": [
        Case(to("accounts:set_language"), "redirect " * 7, method="post", data={"language": "en"})
    ],
    # Programs and cohorts: public pages; the calendar feed's secret address is its own proof.
    "cohorts:programs": [Case(to("cohorts:programs"), PUBLIC)],
    "cohorts:program": [Case(to("cohorts:program", lambda world: world.cohort_a.program.slug), PUBLIC)],
    "cohorts:cohort": [Case(to("cohorts:cohort", lambda world: world.cohort_a.slug), PUBLIC)],
    "cohorts:calendar": [
        Case(to("cohorts:calendar", lambda world: world.calendar_token), PUBLIC, variant="mentee A's feed"),
        Case(to("cohorts:calendar", "forged-token"), "404 " * 7, variant="forged token"),
    ],
    # Applications: each person's own; anyone else's id is a 404, staff included (they review in the admin).
    "applications:apply": [
        Case(
            to("applications:apply", lambda world: world.open_cohort.slug, "mentee"),
            "login redirect 200 200 200 200 200",  # the applicant has a draft there: back to it
        )
    ],
    "applications:dashboard": [Case(to("applications:dashboard"), SIGNED_IN)],
    "applications:detail": [
        Case(to("applications:detail", mentee_application), MENTEE_A, variant="mentee A's"),
        Case(to("applications:detail", applicant_application), APPLICANT, variant="the applicant's"),
    ],
    "applications:edit": [
        # An accepted application can no longer be changed: its owner is sent to read it.
        Case(to("applications:edit", mentee_application), "login 404 redirect 404 404 404 404", variant="mentee A's"),
        Case(to("applications:edit", applicant_application), APPLICANT, variant="the applicant's"),
    ],
    "applications:identity": [
        Case(
            to("applications:identity", mentee_application), "login 404 redirect 404 404 404 404", variant="mentee A's"
        ),
        Case(to("applications:identity", applicant_application), APPLICANT, variant="the applicant's"),
    ],
    "applications:submit": [
        Case(
            to("applications:submit", mentee_application),
            "login 404 redirect 404 404 404 404",
            method="post",
            variant="mentee A's",
        ),
        Case(
            to("applications:submit", applicant_application),
            "login redirect 404 404 404 404 404",
            method="post",
            variant="the applicant's",
        ),
    ],
    "applications:withdraw": [
        Case(to("applications:withdraw", mentee_application), MENTEE_A, variant="mentee A's"),
        Case(to("applications:withdraw", applicant_application), APPLICANT, variant="the applicant's"),
    ],
    # The speed-networking event of cohort A: its participants' pages, and staff pages with the permission.
    "events:mine": [Case(to("events:mine", lambda world: world.event_a.pk), PAIR_A)],
    "events:rsvp": [
        Case(
            to("events:rsvp", lambda world: world.event_a.pk), "login 404 redirect redirect 404 404 404", method="post"
        )
    ],
    "events:rate": [Case(to("events:rate", lambda world: world.event_a.pk), PAIR_A)],
    "events:check_in": [Case(to("events:check_in", lambda world: world.event_a.pk), STAFF_PAGE)],
    "events:run_sheet": [Case(to("events:run_sheet", lambda world: world.event_a.pk), STAFF_PAGE)],
    "events:projector": [Case(to("events:projector", lambda world: world.event_a.pk), STAFF_PAGE)],
    "events:schedule": [
        # Writing the schedule is a POST; a GET sends staff back to the run sheet.
        Case(to("events:schedule", lambda world: world.event_a.pk), "login login login login login redirect redirect")
    ],
    "events:completion": [Case(to("events:completion", lambda world: world.event_a.pk), STAFF_PAGE)],
    # The mentorship period: the two people of a pair only; logging is the mentor's, answering the mentee's.
    "meetings:home": [Case(to("meetings:home"), SIGNED_IN)],
    "meetings:pair": [
        Case(to("meetings:pair", lambda world: world.pair_a.pk), PAIR_A, check=private_note_only_for_its_mentor)
    ],
    "meetings:log_week": [Case(to("meetings:log_week", lambda world: world.pair_a.pk, 2), MENTOR_A)],
    "meetings:log_edit": [Case(to("meetings:log_edit", lambda world: world.log_a.pk), MENTOR_A)],
    "meetings:log_respond": [
        Case(
            to("meetings:log_respond", lambda world: world.log_a.pk),
            "login 404 redirect 404 404 404 404",
            method="post",
        )
    ],
    # A reminder's links name their person: anyone else signed in is told so (400).
    "meetings:log_link": [
        Case(to("meetings:log_link", lambda world: world.log_token), "login 400 400 redirect 400 400 400")
    ],
    "meetings:pause_link": [
        Case(to("meetings:pause_link", lambda world: world.pause_token), "login 400 400 200 400 400 400")
    ],
    # Outcomes: a person's own, on their page (with no participation: an explanation, no form).
    "reports:outcomes": [Case(to("reports:outcomes"), SIGNED_IN, check=outcome_note_only_for_its_person)],
    "reports:outcome_delete": [
        Case(to("reports:outcome_delete", lambda world: world.outcome_to_delete.pk), "login " + "405 " * 6),
        # Mentee A's own is deleted (and then back to the page); anyone else's is a 404, staff included.
        Case(
            to("reports:outcome_delete", lambda world: world.outcome_to_delete.pk),
            "login 404 redirect 404 404 404 404",
            method="post",
            variant="mentee A's",
        ),
    ],
    # A survey: its person's only (staff included, anyone else gets 404).
    "reports:survey": [Case(to("reports:survey", lambda world: world.survey_a.pk), "login 404 200 404 404 404 404")],
    # The cohort report: staff with the reports permission; anyone else signed in is refused.
    "reports:index": [Case(to("reports:index"), REPORT_PAGE)],
    "reports:report": [
        Case(to("reports:report", "cohort", lambda world: world.cohort_a.slug), REPORT_PAGE, variant="a cohort"),
        Case(
            to("reports:report", "program", lambda world: world.cohort_a.program.slug), REPORT_PAGE, variant="a program"
        ),
    ],
    "reports:report_csv": [
        Case(to("reports:report_csv", "cohort", lambda world: world.cohort_a.slug, "identity-gender"), REPORT_PAGE)
    ],
    # The admin site's own pages. Signed-in people who are not staff are sent to the (admin) login.
    "admin:index": [Case(to("admin:index"), STAFF_PAGE)],
    "admin:login": [Case(to("admin:login"), "login 403 403 403 403 redirect redirect")],
    # Logging out (a POST, on a session of its own): staff leave for the home page; the admin sends anyone
    # else to its index (and from there to log in).
    "admin:logout": [Case(to("admin:logout"), "redirect " * 7, method="post", fresh=True)],
    "admin:password_change": [Case(to("admin:password_change"), STAFF_PAGE)],
    "admin:password_change_done": [Case(to("admin:password_change_done"), STAFF_PAGE)],
    "admin:jsi18n": [Case(to("admin:jsi18n"), STAFF_PAGE)],
    # No model admin has autocomplete fields: every autocomplete request is refused.
    "admin:autocomplete": [Case(to("admin:autocomplete"), "login login login login login 403 403")],
    "admin:view_on_site": [
        Case(
            lambda world: reverse(
                "admin:view_on_site", args=[ContentType.objects.get_for_model(world.cohort_a).pk, world.cohort_a.pk]
            ),
            "login login login login login redirect redirect",
        )
    ],
    "admin/(?P<url>.*)$": [Case("/admin/no-such-page/", "login login login login login 404 404")],
    # Custom admin pages
    "admin:matching_run": [Case(to("admin:matching_run", lambda world: world.cohort_a.pk), STAFF_PAGE)],
    "admin:auth_user_password_change": [
        Case(to("admin:auth_user_password_change", lambda world: world.users["mentee"].pk), STAFF_PAGE)
    ],
}


def _confirmation_key(world: World) -> str:
    return EmailConfirmationHMAC(world.unconfirmed).key


# --- Rules: the admin's model pages ---------------------------------------------------------------------------

# What each model admin refuses to everyone, whatever their permissions (a decision of its own, each with a
# reason in the admin): the pages answer 403.
ADMIN_REFUSES = {
    "applications.application": {"add", "delete"},  # applicants apply on the site; erasure is its own service
    "events.attendance": {"add"},  # people are invited from the event
    "matching.matchrun": {"add"},  # runs are made by the run page (admin:matching_run)
    "meetings.pair": {"add", "delete"},  # pairs are made by matching; ending keeps the logs
    # The reminder ledger is read-only: its change page shows the row, nothing is saved.
    "meetings.reminder": {"add", "delete"},
    "meetings.reminderpause": {"add", "delete"},
    "meetings.atriskalert": {"add", "delete"},
    "meetings.staffdigest": {"add", "delete"},
    "reports.surveyinvitation": {"add", "delete"},  # the survey task sends them; answers are never shown
}
# What the pages of the rule must (not) show, where they could show something sensitive.
RULE_CHECKS = {
    # The change history keeps no identity answer; a past version's page shows today's answers beside it,
    # as the application's page does (to the identity group only).
    ("applications.application", "history"): no_identity,
    ("applications.application", "simple_history"): no_identity_unless_identity_staff,
    ("meetings.meetinglog", "change"): private_note_only_with_permission,
    ("meetings.meetinglog", "history"): no_private_note,
    ("meetings.meetinglog", "simple_history"): no_private_note,
    ("meetings.pair", "change"): no_private_note,
    ("meetings.pair", "changelist"): no_private_note,
}
ADMIN_ACTIONS = ("changelist", "add", "change", "delete", "history", "simple_history")


def admin_model_expected(model, action: str):
    opts = model._meta

    def expected(role: str, world: World) -> str:
        if role in NOT_STAFF:
            return "login"
        if action in ADMIN_REFUSES.get(opts.label_lower, ()):
            return "403"
        user = world.users[role]

        def can(permission: str) -> bool:
            return user.has_perm(f"{opts.app_label}.{get_permission_codename(permission, opts)}")

        allowed = can(action) if action in ("add", "delete") else can("view") or can("change")
        return "200" if allowed else "403"

    return expected


def admin_model_path(model, action: str):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"

    def path(world: World) -> str:
        obj = world.admin_objects[model]
        if action in ("changelist", "add"):
            return reverse(name)
        if action == "simple_history":
            version = obj.history.order_by("history_id").first()
            assert version is not None, f"{model._meta.label}: build_world() makes no past version to show"
            return reverse(name, args=[obj.pk, version.history_id])
        return reverse(name, args=[obj.pk])

    return path


def old_change_path(model):
    return lambda world: f"/admin/{model._meta.app_label}/{model._meta.model_name}/{world.admin_objects[model].pk}/"


def admin_model_rule(pattern: Pattern) -> list[Case] | None:
    """The pages of every registered model: non-staff are sent to log in, staff get what their model
    permissions allow (403 otherwise), except what ADMIN_REFUSES says the model admin refuses."""
    for model in admin.site._registry:
        opts = model._meta
        for action in ADMIN_ACTIONS:
            if pattern.key == f"admin:{opts.app_label}_{opts.model_name}_{action}":
                check = RULE_CHECKS.get((opts.label_lower, action))
                return [Case(admin_model_path(model, action), admin_model_expected(model, action), check=check)]
        if pattern.key == f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/":
            # The old address of a change page: a redirect to it, for staff.
            return [Case(old_change_path(model), "login login login login login redirect redirect")]
    return None


def admin_app_rule(pattern: Pattern) -> list[Case] | None:
    """An app's page in the admin: staff holding a permission of the app see it, other staff get a 404."""
    if pattern.key != "admin:app_list":
        return None
    labels = sorted({model._meta.app_label for model in admin.site._registry})

    def expected_for(label: str):
        def expected(role: str, world: World) -> str:
            if role in NOT_STAFF:
                return "login"
            return "200" if world.users[role].has_module_perms(label) else "404"

        return expected

    return [Case(to("admin:app_list", label), expected_for(label), variant=label) for label in labels]


RULES = [admin_app_rule, admin_model_rule]


# --- Admin pages where identity data could show: only to the identity group ------------------------------

User = get_user_model()


def admin_case(model, action: str, target, **kwargs) -> Case:
    """A page of a model admin (as the rule decides it) about ``target`` (a function of the world)."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"
    args = (lambda world: [target(world).pk]) if target else (lambda world: [])
    return Case(lambda world: reverse(name, args=args(world)), admin_model_expected(model, action), **kwargs)


MATRIX.update(
    {
        # Where identity data could show in the admin: only to the identity group.
        "admin:applications_application_change": [
            Case(
                to("admin:applications_application_change", mentee_application),
                STAFF_PAGE,
                check=identity_only_for_identity_staff,
            ),
        ],
        "admin:applications_application_changelist": [
            Case(to("admin:applications_application_changelist"), STAFF_PAGE, check=no_identity, variant="list"),
            Case(
                to("admin:applications_application_changelist"),
                STAFF_PAGE,
                method="post",
                data=lambda world: {"action": "export_csv", ACTION_CHECKBOX_NAME: [world.mentee_application.pk]},
                check=csv_identity_columns_only_for_identity_staff,
                variant="CSV export",
            ),
        ],
        "admin:meetings_meetinglog_changelist": [
            Case(
                to("admin:meetings_meetinglog_changelist"),
                STAFF_PAGE,
                check=private_note_only_with_permission,
                variant="list",
            ),
            Case(
                to("admin:meetings_meetinglog_changelist"),
                STAFF_PAGE,
                method="post",
                data=lambda world: {"action": "export_csv", ACTION_CHECKBOX_NAME: [world.log_a.pk]},
                check=private_note_only_with_permission,
                variant="CSV export",
            ),
        ],
        # Erasing people (an action, asked first on a page that lists what goes for each of them): the list
        # counts self-identification answers only for the identity group.
        "admin:accounts_user_changelist": [
            admin_case(User, "changelist", None, variant="list"),
            admin_case(
                User,
                "changelist",
                None,
                method="post",
                data=lambda world: {"action": "erase_people", ACTION_CHECKBOX_NAME: [world.users["applicant"].pk]},
                check=identity_count_only_for_identity_staff,
                variant="erase: the confirmation page",
            ),
        ],
        # Who is staff and what they may see is for superusers to decide: not a field staff can change, on
        # anyone's page or on their own (where they would join the identity group).
        "admin:accounts_user_change": [
            admin_case(
                User, "change", lambda world: world.users["mentee"], variant="mentee A", check=no_permission_fields
            ),
            admin_case(
                User, "change", lambda world: world.users["staff"], variant="staff's own", check=no_permission_fields
            ),
        ],
        # Deleting a person, a cohort or a program lists what goes with it: never their self-identification.
        "admin:accounts_user_delete": [
            admin_case(
                User, "delete", lambda world: world.users["mentee"], variant="mentee A", check=no_identity_trace
            ),
            admin_case(
                User, "delete", lambda world: world.users["applicant"], variant="the applicant", check=no_identity_trace
            ),
        ],
        "admin:cohorts_cohort_delete": [
            admin_case(Cohort, "delete", lambda world: world.cohort_a, variant="cohort A", check=no_identity_trace),
            admin_case(
                Cohort, "delete", lambda world: world.open_cohort, variant="the open cohort", check=no_identity_trace
            ),
        ],
        "admin:cohorts_program_delete": [
            admin_case(
                Program,
                "delete",
                lambda world: world.open_cohort.program,
                variant="the open cohort's",
                check=no_identity_trace,
            ),
        ],
    }
)


def cases_for(pattern: Pattern) -> tuple[list[Case] | None, str]:
    """The cases of a pattern and where they come from ("entry" or "rule"); None when it has neither."""
    if pattern.key in MATRIX:
        return MATRIX[pattern.key], "entry"
    for rule in RULES:
        cases = rule(pattern)
        if cases is not None:
            return cases, "rule"
    return None, ""


# --- The tests ------------------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_decision():
    """A pattern nobody decided about fails here with its name, before any request is made."""
    patterns = url_patterns()
    missing = [f"{pattern.key}  ({pattern.route})" for pattern in patterns if cases_for(pattern)[0] is None]
    assert not missing, "URL patterns without an entry in the authorization matrix:\n" + "\n".join(missing)
    stale = set(MATRIX) - {pattern.key for pattern in patterns}
    assert not stale, f"entries of the matrix for URL patterns that no longer exist: {sorted(stale)}"


def test_the_authorization_matrix(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # /healthz: no broker to reach in tests
    started = time.monotonic()
    world = build_world()
    for model, obj in world.admin_objects.items():
        assert obj is not None, f"build_world() makes no {model._meta.label} for its admin pages"

    patterns = url_patterns()
    cases: list[tuple[str, Case]] = []
    by_entry = by_rule = 0
    wrong_target = []
    for pattern in patterns:
        found, source = cases_for(pattern)
        assert found is not None, f"{pattern.key} has no entry in the matrix"
        by_entry += source == "entry"
        by_rule += source == "rule"
        for case in found:
            target = pattern_of(case.url(world), patterns)
            if target != pattern:
                wrong_target.append(f"{pattern.key}: {case.url(world)} is answered by {target and target.key}")
            cases.append((pattern.key, case))
    assert not wrong_target, "cases that request another pattern than their own:\n" + "\n".join(wrong_target)

    result = run(cases, world)

    summary = (
        f"authorization matrix: {len(patterns)} URL patterns ({by_entry} by entry, {by_rule} by rule), "
        f"{len(cases)} cases x {len(ROLES)} roles = {result.requests} requests in {result.seconds:.1f} s "
        f"({time.monotonic() - started:.1f} s with the set-up)"
    )
    print(summary)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(f"{summary}\n\n{grid_table(result.grid)}\n")
    assert not result.mismatches, (
        f"{summary}\n{len(result.mismatches)} answers differ (every answer: {OUTPUT}):\n"
        f"{mismatch_table(result.mismatches)}"
    )


def test_the_world_gives_identity_answers_to_find():
    """The identity checks look for words of these answers: they must be what the labels say."""
    shown = dict(identity_answers(SelfIdentification(answers=IDENTITY_ANSWERS)))
    assert shown["How do you describe your gender?"] == "Two-Spirit"
    assert set(IDENTITY_WORDS) <= {*shown, *shown.values()}
