"""What the platform holds about a person, and for how long: "my data" for its owner, the expiry of
self-identification answers, and the erasure of a person (pretix's "shredder").

Erasure keeps what the cohort reports count and removes what identifies or describes the person:

- kept: the account row (so that counts keep their rows), applications with their status, dates, role,
  structured choices (goals, skills, industries, availability, outreach channel) and confidence ratings;
  participations; matches; meeting logs' existence, dates, durations, formats, topics and the mentee's
  confirmation; event attendance and check-in; rating scores; review scores. Self-identification answers
  are kept only as anonymous counts (``IdentityTally``).
- removed: email, name, pronouns and password (the account can no longer sign in), email addresses,
  sessions and authenticators; self-identification answers; answers to the application questions;
  every text written by the person (event intros, rating notes, pitch feedback, a mentee's comment on a
  log) or about them (reviewers' notes on their applications, rating notes and pitch feedback they
  received, the notes of their pairs' meeting logs, reasons given for pinning or forbidding their pairs),
  the affinity part of their matches' explanations (it derives from identity answers), the same text in
  the change history, and their name in the admin's log of staff actions.

What is still under way stops: an open application to a cohort that has not ended is withdrawn, a
participation in such a cohort is withdrawn and its active pairs end, so that nobody is reminded,
matched or emailed about a person who is no longer there. Nothing of an ended cohort changes status.
"""

import calendar
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.exports import identity_answers
from applications.models import Answer, Application, IdentityTally, Review, SelfIdentification
from cohorts.models import Cohort, Participant, Stage
from events.models import Attendance, PitchFeedback, Rating
from matching.models import Match, PairRule
from meetings.models import MeetingLog

from .models import User

ERASED_EMAIL_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): nothing can be sent there
ERASED_REPR = "—"  # what the admin's log of staff actions shows instead of an erased person's name
AFFINITY_PART = "affinity"
STILL_IN_PLAY = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.ACCEPTED,
    Application.Status.WAITLISTED,
)

# What an erasure removes or stops, in the order staff read it on the confirmation page and in --dry-run.
ERASURE_ITEMS = {
    "account": gettext_lazy("account details (email address, name, pronouns, password)"),
    "email_addresses": gettext_lazy("email addresses"),
    "sessions": gettext_lazy("signed-in sessions"),
    "authenticators": gettext_lazy("two-factor authenticators"),
    "identity": gettext_lazy("self-identification answers (kept only as anonymous counts)"),
    "answers": gettext_lazy("answers to application questions"),
    "review_notes": gettext_lazy("reviewers' notes on their applications"),
    "intros": gettext_lazy("event intros"),
    "rating_notes": gettext_lazy("notes of event ratings they gave or received"),
    "pitch_feedback": gettext_lazy("pitch feedback they gave or received"),
    "meeting_notes": gettext_lazy("meeting logs of their pairs with notes or comments"),
    "outcome_notes": gettext_lazy("notes of the career outcomes they reported"),
    "survey_comments": gettext_lazy("written answers to surveys"),
    "pair_rule_reasons": gettext_lazy("reasons given for pinning or forbidding their pairs"),
    "match_affinity": gettext_lazy("match explanations naming an affinity"),
    "history": gettext_lazy("change-history versions with their text"),
    "admin_log": gettext_lazy("entries of the staff log naming them"),
    "open_applications": gettext_lazy("applications to cohorts under way, withdrawn"),
    "participations": gettext_lazy("participations in cohorts under way, withdrawn"),
    "pairs": gettext_lazy("active pairs, ended"),
}


class ErasureRefused(ValidationError):
    """The erasure is not allowed; the message is for the person who asked, in their language."""


# --- Anonymous counts ------------------------------------------------------------------------


def _tally(identities: Iterable[SelfIdentification]) -> int:
    """Add each answer of these self-identifications to the anonymous counts of its cohort and role.

    A list answer counts each of its values; "prefer not to say" is a value like any other. The caller
    deletes the rows in the same transaction, so that no answer is ever counted twice or lost.
    """
    counts: Counter[tuple[int, str, bool, str, str]] = Counter()
    for identity in identities:
        application = identity.application
        accepted = application.status == Application.Status.ACCEPTED
        answers = identity.answers if isinstance(identity.answers, dict) else {}
        for question, value in answers.items():
            for answer in value if isinstance(value, list) else [value]:
                if answer not in (None, ""):
                    key = (application.cohort_id, application.role, accepted, str(question)[:40], str(answer)[:40])
                    counts[key] += 1
    # In a fixed order: two transactions adding to the same counts lock them in the same order.
    for (cohort_id, role, accepted, question, answer), count in sorted(counts.items()):
        tally, _created = IdentityTally.objects.get_or_create(
            cohort_id=cohort_id, role=role, accepted=accepted, question=question, answer=answer
        )
        IdentityTally.objects.filter(pk=tally.pk).update(count=F("count") + count)
    return sum(counts.values())


def _tally_and_delete(identities) -> int:
    """Count then delete the self-identifications of ``identities`` (a queryset), locked first: a
    concurrent expiry or erasure of the same rows waits, then finds them gone."""
    locked = list(identities.select_for_update(of=("self",)).select_related("application"))
    if not locked:
        return 0
    _tally(locked)
    SelfIdentification.objects.filter(pk__in=[identity.pk for identity in locked]).delete()
    return len(locked)


# --- Retention -------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when it is shorter (31 January + 1: 28 February)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month_index + 1, min(day.day, calendar.monthrange(year, month_index + 1)[1]))


def identity_answers_kept_until(cohort: Cohort) -> dt.date:
    """The last day (in the cohort's time zone) on which the cohort's self-identification answers are kept."""
    return add_months(cohort.ends_on, cohort.identity_retention_months)


def identity_answers_expire(*, now: dt.datetime) -> int:
    """Delete the self-identification answers of every cohort that ended (``Cohort.ends_on``, in the
    cohort's time zone) more than its ``identity_retention_months`` ago, after adding them to the
    anonymous counts. One transaction per cohort; a second run finds nothing left. Returns how many
    people's answers were deleted."""
    deleted = 0
    cohorts = Cohort.objects.filter(applications__self_identification__isnull=False).distinct()
    for cohort in cohorts:
        if now.astimezone(cohort.zone).date() <= identity_answers_kept_until(cohort):
            continue
        with transaction.atomic():
            deleted += _tally_and_delete(SelfIdentification.objects.filter(application__cohort=cohort))
    return deleted


# --- My data ---------------------------------------------------------------------------------


def _event_name(event) -> str:
    return f"{event.cohort} — {timezone.localtime(event.starts_at, event.cohort.zone):%Y-%m-%d}"


def personal_data_export(*, user: User) -> dict:
    """Everything the platform holds about ``user`` that is theirs to see, as JSON-ready data.

    Their own self-identification answers are included (they are theirs); of other people only the
    display names they already see on the site; no staff review, no rating others gave them, no
    mentor's private note unless they wrote it.
    """
    from reports.models import Outcome, SurveyInvitation

    applications = (
        Application.objects.of(user)
        .select_related("cohort__program", "outreach_channel", "self_identification")
        .prefetch_related(
            "goals", "skills", "industries", "answers__question", "confidence_ratings__statement", "events"
        )
        .order_by("created_at", "pk")
    )
    participations = Participant.objects.filter(user=user).select_related("cohort__program").order_by("joined_at")
    attendances = (
        Attendance.objects.filter(participant__user=user)
        .select_related("event__cohort__program")
        .order_by("event__starts_at")
    )
    ratings = (
        Rating.objects.filter(rater__user=user)
        .select_related("event__cohort__program", "rated__user")
        .order_by("event__starts_at", "pk")
    )
    feedback = PitchFeedback.objects.filter(Q(mentee__user=user) | Q(mentor__user=user)).select_related(
        "event__cohort__program", "mentor__user", "mentee__user"
    )
    matches = (
        Match.objects.for_user(user)
        .filter(run__published_at__isnull=False)
        .select_related("run__cohort__program", "mentee__user", "mentor__user")
        .prefetch_related("logs__topics")
        .order_by("run__cohort__start_date", "pk")
    )
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    surveys = (
        SurveyInvitation.objects.of_user(user)
        .select_related("participant__cohort__program", "response")
        .prefetch_related("response__ratings__statement")
        .order_by("sent_at")
    )

    def survey_data(invitation: SurveyInvitation) -> dict:
        response = getattr(invitation, "response", None)
        return {
            "survey": str(invitation.get_kind_display()),
            "cohort": str(invitation.participant.cohort),
            "sent_at": invitation.sent_at,
            "answers": response
            and {
                "submitted_at": response.submitted_at,
                "updated_at": response.updated_at,
                "would_recommend": response.recommend,
                "helped_most": response.helped,
                "to_change": response.change,
                "confidence": [
                    {"statement": str(rating.statement.name), "rating": rating.rating}
                    for rating in response.ratings.all()
                ],
            },
        }

    def application_data(application: Application) -> dict:
        identity = getattr(application, "self_identification", None)
        return {
            "cohort": str(application.cohort),
            "role": application.role,
            "status": application.status,
            "created_at": application.created_at,
            "submitted_at": application.submitted_at,
            "decided_at": application.decided_at,
            "answers": [
                {"question": answer.question.text, "answer": answer.display()}
                for answer in sorted(application.answers.all(), key=lambda a: (a.question.position, a.question_id))
            ],
            "goals": [tag.name for tag in application.goals.all()],
            "skills": [tag.name for tag in application.skills.all()],
            "industries": [tag.name for tag in application.industries.all()],
            "time_zone": application.time_zone,
            "availability": application.availability,
            "heard_of_the_program_through": str(application.outreach_channel or ""),
            "mentee_capacity": application.mentee_capacity,
            "wants_stipend": application.wants_stipend,
            "confidence": [
                {"statement": rating.statement.name, "rating": rating.rating}
                for rating in application.confidence_ratings.all()
            ],
            "self_identification": None
            if identity is None
            else {
                "answers": [
                    {"question": question, "answer": answer}
                    for question, answer in identity_answers(identity)
                    if answer
                ],
                "share_with_match": identity.share_with_match,
                "consented_at": identity.consented_at,
            },
            "history": [{"what": event.kind, "at": event.at} for event in application.events.all()],
        }

    def log_data(log: MeetingLog, match: Match) -> dict:
        data = {
            "week": log.week,
            "met": log.met,
            "date": log.met_on,
            "duration_minutes": log.duration_minutes,
            "format": log.format,
            "topics": [topic.name for topic in log.topics.all()],
            "shared_notes": log.shared_notes,
            "why_not_met": log.not_met_reason,
            "mentee_answer": log.mentee_response,
            "mentee_comment": log.mentee_comment,
        }
        if match.mentor.user_id == user.pk and log.logged_by_id == user.pk:
            data["private_note_for_staff"] = log.private_note
        return data

    def match_data(match: Match) -> dict:
        my_role, other = ("mentee", match.mentor) if match.mentee.user_id == user.pk else ("mentor", match.mentee)
        return {
            "cohort": str(match.run.cohort),
            "my_role": my_role,
            "matched_with": other.user.display_name,
            "status": match.status,
            "ended_at": match.ended_at,
            "meeting_logs": [log_data(log, match) for log in match.logs.all()],
        }

    return {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "preferred_name": user.preferred_name,
            "pronouns": user.pronouns,
            "time_zone": user.time_zone,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in addresses
            ],
        },
        "applications": [application_data(application) for application in applications],
        "participations": [
            {"cohort": str(p.cohort), "role": p.role, "status": p.status, "joined_at": p.joined_at}
            for p in participations
        ],
        "speed_networking": [
            {
                "event": _event_name(attendance.event),
                "answer": attendance.rsvp,
                "checked_in_at": attendance.checked_in_at,
                "intro": attendance.intro,
            }
            for attendance in attendances
        ],
        "ratings_given": [
            {
                "event": _event_name(rating.event),
                "person": rating.rated.user.display_name,
                "score": rating.score,
                "note": rating.note,
            }
            for rating in ratings
        ],
        "pitch_feedback_received": [
            {"event": _event_name(item.event), "from": item.mentor.user.display_name, "feedback": item.text}
            for item in feedback
            if item.mentee.user_id == user.pk
        ],
        "pitch_feedback_given": [
            {"event": _event_name(item.event), "to": item.mentee.user.display_name, "feedback": item.text}
            for item in feedback
            if item.mentor.user_id == user.pk
        ],
        "matches": [match_data(match) for match in matches],
        "career_outcomes": [
            {"kind": str(outcome.get_kind_display()), "date": outcome.happened_on, "note": outcome.note}
            for outcome in Outcome.objects.filter(participant__user=user).order_by("happened_on")
        ],
        "reminder_pauses": list(user.reminder_pauses.order_by("week").values_list("week", flat=True)),
        "surveys": [survey_data(invitation) for invitation in surveys],
    }


# --- Erasure ---------------------------------------------------------------------------------


def erasure_refusal(*, user: User, by: User | None) -> str | None:
    """Why ``by`` may not erase ``user`` (a message for ``by``), or None. ``by`` None: an operator's command."""
    if by is None:
        return None
    if by.pk == user.pk:
        if user.is_staff or user.is_superuser:
            return _(
                "A staff account cannot be deleted by its owner: ask another administrator to erase it "
                "once someone else has taken over your responsibilities."
            )
        return None
    if not by.has_perm("accounts.erase_person"):
        return _("You do not have the permission to erase people.")
    if (user.is_staff or user.is_superuser) and not by.is_superuser:
        return _("Only a superuser can erase a staff account.")
    return None


class _Targets:
    """The rows of one person that an erasure changes, as querysets of what still holds something to
    remove: counted by the plan, changed by the erasure (a second erasure finds them all empty)."""

    def __init__(self, user: User, now: dt.datetime):
        self.user = user
        self.application_ids = list(Application.objects.filter(user=user).values_list("pk", flat=True))
        self.participant_ids = list(Participant.objects.filter(user=user).values_list("pk", flat=True))
        self.match_ids = list(
            Match.objects.filter(Q(mentee_id__in=self.participant_ids) | Q(mentor_id__in=self.participant_ids))
            .values_list("pk", flat=True)
            .distinct()
        )
        theirs = Cohort.objects.filter(Q(participants__user=user) | Q(applications__user=user)).distinct()
        self.ongoing_cohort_ids = {cohort.pk for cohort in theirs if cohort.stage(now) != Stage.ENDED}

    def identities(self):
        return SelfIdentification.objects.filter(application_id__in=self.application_ids)

    def answers(self):
        return Answer.objects.filter(application_id__in=self.application_ids)

    def review_notes(self):
        return Review.objects.filter(application_id__in=self.application_ids).exclude(notes="")

    def intros(self):
        return Attendance.objects.filter(participant_id__in=self.participant_ids).exclude(intro="")

    def outcome_notes(self):
        from reports.models import Outcome

        return Outcome.objects.filter(participant_id__in=self.participant_ids).exclude(note="")

    def survey_comments(self):
        from reports.models import SurveyResponse

        return SurveyResponse.objects.filter(invitation__participant_id__in=self.participant_ids).exclude(
            helped="", change=""
        )

    def ratings(self):
        return Rating.objects.filter(Q(rater_id__in=self.participant_ids) | Q(rated_id__in=self.participant_ids))

    def rating_notes(self):
        return self.ratings().exclude(note="")

    def pitch_feedback(self):
        mine = Q(mentor_id__in=self.participant_ids) | Q(mentee_id__in=self.participant_ids)
        return PitchFeedback.objects.filter(mine)

    def meeting_notes(self):
        return MeetingLog.objects.filter(match_id__in=self.match_ids).exclude(
            shared_notes="", private_note="", not_met_reason="", mentee_comment=""
        )

    def pair_rules(self):
        return PairRule.objects.filter(Q(mentee_id__in=self.participant_ids) | Q(mentor_id__in=self.participant_ids))

    def matches_with_affinity(self) -> list[Match]:
        return [match for match in Match.objects.filter(pk__in=self.match_ids) if _has_affinity(match.parts)]

    def history(self) -> dict[str, list]:
        """Versions in the change history that still hold text to remove, by model."""
        return {
            "reviews": Review.history.model.objects.filter(application_id__in=self.application_ids).exclude(notes=""),
            "logs": MeetingLog.history.model.objects.filter(match_id__in=self.match_ids).exclude(
                shared_notes="", not_met_reason="", mentee_comment=""
            ),
            "matches": [
                version
                for version in Match.history.model.objects.filter(id__in=self.match_ids)
                if _has_affinity(version.parts)
            ],
        }

    def admin_log(self) -> list[LogEntry]:
        """The admin's log entries about their objects (it keeps each object's name as it was then)."""
        logs = MeetingLog.objects.filter(match_id__in=self.match_ids)
        attendances = Attendance.objects.filter(participant_id__in=self.participant_ids)
        objects: list[tuple[type[Model], Iterable[int]]] = [
            (User, [self.user.pk]),
            (Application, self.application_ids),
            (SelfIdentification, self.identities().values_list("pk", flat=True)),
            (Answer, self.answers().values_list("pk", flat=True)),
            (Review, Review.objects.filter(application_id__in=self.application_ids).values_list("pk", flat=True)),
            (Participant, self.participant_ids),
            (Attendance, attendances.values_list("pk", flat=True)),
            (Rating, self.ratings().values_list("pk", flat=True)),
            (PitchFeedback, self.pitch_feedback().values_list("pk", flat=True)),
            (PairRule, self.pair_rules().values_list("pk", flat=True)),
            (Match, self.match_ids),
            (MeetingLog, logs.values_list("pk", flat=True)),
        ]
        types = ContentType.objects.get_for_models(*(model for model, _ids in objects))
        wanted = Q(pk__in=[])
        for model, ids in objects:
            wanted |= Q(content_type=types[model], object_id__in=[str(pk) for pk in ids])
        return list(LogEntry.objects.filter(wanted).exclude(object_repr=ERASED_REPR))

    def session_keys(self) -> list[str]:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if not hasattr(store, "get_model_class"):
            # Cookie or cache sessions cannot be listed: the unusable password ends them at their next request.
            return []
        rows = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
        return [
            key
            for key, data in rows.values_list("session_key", "session_data").iterator()
            if store().decode(data).get(SESSION_KEY) == str(self.user.pk)
        ]

    def open_applications(self):
        return Application.objects.filter(
            pk__in=self.application_ids, cohort_id__in=self.ongoing_cohort_ids, status__in=STILL_IN_PLAY
        )

    def participations(self):
        return Participant.objects.active().filter(pk__in=self.participant_ids, cohort_id__in=self.ongoing_cohort_ids)

    def pairs(self):
        return Match.objects.filter(
            pk__in=self.match_ids, run__cohort_id__in=self.ongoing_cohort_ids, status=Match.Status.ACTIVE
        )


def _delete(queryset) -> int:
    """Delete and return how many rows of the queryset's own model went (not the rows that cascaded)."""
    _total, by_model = queryset.delete()
    return by_model.get(queryset.model._meta.label, 0)


def _has_affinity(parts) -> bool:
    return any(isinstance(part, list | tuple) and part and part[0] == AFFINITY_PART for part in parts or [])


def _without_affinity(parts) -> list:
    return [part for part in parts or [] if not (isinstance(part, list | tuple) and part and part[0] == AFFINITY_PART)]


def _without_object_names(change_message: str) -> str:
    """The admin's change message without the names of the objects it added, changed or deleted (Django
    writes ``str(object)`` there, which for an answer is its text); the actions and field names stay."""
    try:
        actions = json.loads(change_message)
    except ValueError:
        return ""
    if not isinstance(actions, list):
        return ""
    for action in actions:
        for detail in action.values() if isinstance(action, dict) else []:
            if isinstance(detail, dict):
                detail.pop("object", None)
    return json.dumps(actions)


def erasure_plan(*, user: User, now: dt.datetime | None = None) -> dict[str, int]:
    """How many things of each kind ``person_erase`` would remove or stop (see ``ERASURE_ITEMS``); changes nothing."""
    targets = _Targets(user, now or timezone.now())
    history = targets.history()
    return {
        "account": int(user.erased_at is None),
        "email_addresses": EmailAddress.objects.filter(user=user).count(),
        "sessions": len(targets.session_keys()),
        "authenticators": Authenticator.objects.filter(user=user).count(),
        "identity": targets.identities().count(),
        "answers": targets.answers().count(),
        "review_notes": targets.review_notes().count(),
        "intros": targets.intros().count(),
        "rating_notes": targets.rating_notes().count(),
        "pitch_feedback": targets.pitch_feedback().count(),
        "meeting_notes": targets.meeting_notes().count(),
        "outcome_notes": targets.outcome_notes().count(),
        "survey_comments": targets.survey_comments().count(),
        "pair_rule_reasons": targets.pair_rules().exclude(reason="").count(),
        "match_affinity": len(targets.matches_with_affinity()),
        "history": history["reviews"].count() + history["logs"].count() + len(history["matches"]),
        "admin_log": len(targets.admin_log()),
        "open_applications": targets.open_applications().count(),
        "participations": targets.participations().count(),
        "pairs": targets.pairs().count(),
    }


def erasure_lines(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) for each kind with something in it, in the order of ``ERASURE_ITEMS``."""
    return [(str(label), counts[key]) for key, label in ERASURE_ITEMS.items() if counts.get(key)]


@transaction.atomic
def person_erase(*, user: User, by: User | None) -> dict[str, int]:
    """Erase ``user``'s personal data and keep only what the reports count (see the module's docstring).

    ``by`` is who asked: the person themselves (the profile page), staff with the ``accounts.erase_person``
    permission (the admin), or None (``manage.py erase_person``). Raises ``ErasureRefused``. Running it
    again changes nothing more. Returns how many things of each kind were removed or stopped.
    """
    from applications.services import application_withdraw
    from meetings.services import pair_end

    refusal = erasure_refusal(user=user, by=by)
    if refusal:
        raise ErasureRefused(refusal)
    # Locked: a double-clicked "Delete my account" and the admin's action run one after the other.
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    targets = _Targets(user, now)
    counts = dict.fromkeys(ERASURE_ITEMS, 0)

    # What is under way stops first, through the services that keep its rules (and its audit rows).
    for application in targets.open_applications():
        application_withdraw(application=application, by=by)
        counts["open_applications"] += 1
    counts["participations"] = targets.participations().update(status=Participant.Status.WITHDRAWN)
    for match in targets.pairs():
        counts["pairs"] += int(pair_end(match=match, by=by))

    # The staff log first: it names objects (answers, feedback) deleted below.
    for entry in targets.admin_log():
        entry.object_repr, entry.change_message = ERASED_REPR, _without_object_names(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])
        counts["admin_log"] += 1

    counts["identity"] = _tally_and_delete(targets.identities())
    counts["answers"] = _delete(targets.answers())
    counts["review_notes"] = targets.review_notes().update(notes="")
    counts["intros"] = targets.intros().update(intro="")
    counts["rating_notes"] = targets.rating_notes().update(note="")
    # Deleted, not blanked: the site treats pitch feedback without text as none (events.services).
    counts["pitch_feedback"] = _delete(targets.pitch_feedback())
    counts["meeting_notes"] = targets.meeting_notes().update(
        shared_notes="", private_note="", not_met_reason="", mentee_comment=""
    )
    counts["outcome_notes"] = targets.outcome_notes().update(note="")  # the outcomes stay: reports count them
    # The ratings and the 0-10 answer stay, without a name: the report counts them.
    counts["survey_comments"] = targets.survey_comments().update(helped="", change="")
    counts["pair_rule_reasons"] = targets.pair_rules().exclude(reason="").update(reason="")
    for match in targets.matches_with_affinity():
        Match.objects.filter(pk=match.pk).update(parts=_without_affinity(match.parts))
        counts["match_affinity"] += 1

    # The change history keeps versions of the rows above: the same text goes from them too. These are
    # queryset updates, which write no new version.
    history = targets.history()
    counts["history"] = history["reviews"].update(notes="")
    counts["history"] += history["logs"].update(shared_notes="", not_met_reason="", mentee_comment="")
    for version in history["matches"]:
        type(version).objects.filter(pk=version.pk).update(parts=_without_affinity(version.parts))
        counts["history"] += 1

    # The account: it stays as an anonymous row the counts above belong to, and can no longer sign in.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in targets.session_keys():
        store(session_key=key).delete()
        counts["sessions"] += 1
    counts["email_addresses"] = _delete(EmailAddress.objects.filter(user=user))
    counts["authenticators"] = _delete(Authenticator.objects.filter(user=user))
    counts["account"] = int(user.erased_at is None)
    user.email = f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"
    user.preferred_name = ""
    user.pronouns = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.erased_at = user.erased_at or now
    user.save(
        update_fields=[
            "email",
            "preferred_name",
            "pronouns",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "last_login",
            "erased_at",
        ]
    )
    user.groups.clear()
    user.user_permissions.clear()
    return counts
