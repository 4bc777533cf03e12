import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.tests.factories import StaffFactory, UserFactory
from applications import services
from applications.models import Application, ApplicationEvent, ConfidenceStatement, Tag
from applications.tasks import invite_alumni, send_decision_email
from cohorts.models import Participant, Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db

Status = Application.Status


def complete_data(application, **overrides):
    """What a fully filled form gives the service."""
    data = {
        "goals": Tag.objects.filter(kind=Tag.Kind.GOAL)[:2],
        "skills": Tag.objects.none(),
        "industries": Tag.objects.none(),
        "time_zone": "America/Toronto",
        "availability": ["weekday_evening"],
        "outreach_channel": None,
        "mentee_capacity": 2 if application.role == Role.MENTOR else None,
        "wants_stipend": False,
        "answers": dict.fromkeys(application.cohort.questions.filter(role=application.role), "An answer."),
        "confidence": dict.fromkeys(ConfidenceStatement.objects.filter(active=True), 3),
    }
    return data | overrides


def submitted(cohort=None, user=None, role=Role.MENTEE, language="en"):
    cohort = cohort or CohortFactory()
    user = user or UserFactory(language=language)
    application = services.application_start(cohort=cohort, user=user, role=role)
    services.application_save(application=application, by=user, data=complete_data(application))
    return services.application_submit(application=application, by=user)


def test_one_application_per_person_cohort_and_role():
    cohort, user = CohortFactory(), UserFactory()

    first = services.application_start(cohort=cohort, user=user, role=Role.MENTEE)
    again = services.application_start(cohort=cohort, user=user, role=Role.MENTEE)
    mentor = services.application_start(cohort=cohort, user=user, role=Role.MENTOR)

    assert first == again
    assert mentor != first
    assert Application.objects.count() == 2


def test_a_draft_saves_incomplete_and_submitting_says_what_is_missing():
    cohort, user = CohortFactory(), UserFactory()
    QuestionFactory(cohort=cohort, text_en="Why this program?", required=True)
    application = services.application_start(cohort=cohort, user=user, role=Role.MENTEE)
    services.application_save(
        application=application, by=user, data=complete_data(application, answers={}, availability=[])
    )

    with pytest.raises(services.ApplicationError) as error:
        services.application_submit(application=application, by=user)

    assert "Why this program?" in error.value.messages[0]
    assert "weekly availability" in error.value.messages[0]
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_submitting_twice_submits_once():
    application = submitted()

    services.application_submit(application=application, by=application.user)

    assert application.events.filter(kind=ApplicationEvent.Kind.SUBMITTED).count() == 1


def test_after_the_deadline_nothing_is_saved_or_submitted():
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC), tick=False):
        cohort = CohortFactory(
            applications_open_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
            applications_close_at=dt.datetime(2026, 11, 2, 4, 59, tzinfo=dt.UTC),  # 23:59 in Toronto
        )
        user = UserFactory()
        application = services.application_start(cohort=cohort, user=user, role=Role.MENTEE)
    with time_machine.travel(dt.datetime(2026, 11, 2, 4, 59, tzinfo=dt.UTC), tick=False):
        with pytest.raises(services.ApplicationError, match="closed"):
            services.application_save(application=application, by=user, data=complete_data(application))
        with pytest.raises(services.ApplicationError, match="closed"):
            services.application_submit(application=application, by=user)
        with pytest.raises(services.ApplicationError, match="closed"):
            services.application_start(cohort=cohort, user=UserFactory(), role=Role.MENTEE)
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.availability == []
    assert Application.objects.count() == 1


def test_answers_to_another_cohorts_questions_are_not_saved():
    application = services.application_start(cohort=CohortFactory(), user=UserFactory(), role=Role.MENTEE)
    foreign = QuestionFactory(cohort=CohortFactory())

    services.application_save(
        application=application, by=application.user, data=complete_data(application, answers={foreign: "Sneaky"})
    )

    assert not application.answers.exists()


def test_editing_a_submitted_application_keeps_it_submitted_and_records_it():
    application = submitted()

    services.application_save(application=application, by=application.user, data=complete_data(application))

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert list(application.events.values_list("kind", flat=True)) == ["created", "submitted", "edited"]


def test_identity_answers_need_consent_and_blank_answers_remove_them():
    application = submitted()

    with pytest.raises(services.ApplicationError, match="consent"):
        services.self_identification_save(
            application=application, answers={"trans": "yes"}, consent=False, share_with_match=False
        )
    kept = services.self_identification_save(
        application=application, answers={"trans": "yes", "gender": []}, consent=True, share_with_match=True
    )
    assert kept.answers == {"trans": "yes"}

    assert (
        services.self_identification_save(application=application, answers={}, consent=True, share_with_match=False)
        is None
    )
    assert not hasattr(Application.objects.get(pk=application.pk), "self_identification")


def test_accepting_makes_a_participant_and_emails_once_in_the_applicants_language(
    django_capture_on_commit_callbacks,
):
    application = submitted(role=Role.MENTOR, language="fr")
    staff = StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, decision=Status.ACCEPTED, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, decision=Status.ACCEPTED, by=staff)

    participant = Participant.objects.get(user=application.user)
    assert (participant.cohort, participant.role, participant.mentee_capacity) == (application.cohort, "mentor", 2)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [application.user.email]
    assert "acceptée" in mail.outbox[0].subject


def test_a_decision_email_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    application = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, decision=Status.WAITLISTED, by=StaffFactory())
    event = application.events.get(kind="waitlisted")

    send_decision_email.apply(kwargs={"event_id": event.pk})

    assert len(mail.outbox) == 1
    assert "waiting list" in mail.outbox[0].subject


def test_accepting_beyond_the_cohorts_places_is_refused_and_changes_nothing():
    cohort = CohortFactory(mentee_capacity=1)
    first, second = submitted(cohort=cohort), submitted(cohort=cohort)
    staff = StaffFactory()

    changed, refusals = services.applications_decide(applications=[first, second], decision=Status.ACCEPTED, by=staff)

    assert changed == 1
    assert "The only place for a mentee is taken" in refusals[0]
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED
    assert Participant.objects.count() == 1


def test_a_draft_or_withdrawn_application_cannot_be_decided():
    application = services.application_start(cohort=CohortFactory(), user=UserFactory(), role=Role.MENTEE)

    with pytest.raises(services.ApplicationError, match="cannot be decided"):
        services.application_decide(application=application, decision=Status.ACCEPTED, by=StaffFactory())


def test_an_accepted_person_who_withdraws_leaves_the_cohort_and_the_waitlist_can_be_promoted():
    cohort = CohortFactory(mentee_capacity=1)
    accepted, waiting = submitted(cohort=cohort), submitted(cohort=cohort)
    staff = StaffFactory()
    services.application_decide(application=accepted, decision=Status.ACCEPTED, by=staff)
    services.application_decide(application=waiting, decision=Status.WAITLISTED, by=staff)

    services.application_withdraw(application=accepted, by=accepted.user)
    services.application_decide(application=waiting, decision=Status.ACCEPTED, by=staff)

    assert Participant.objects.get(user=accepted.user).status == Participant.Status.WITHDRAWN
    assert Participant.objects.get(user=waiting.user).status == Participant.Status.ACTIVE


def test_a_mentor_application_shows_alumni_of_the_program():
    past = CohortFactory(start_date=dt.date(2025, 1, 6))
    person = UserFactory()
    ParticipantFactory(cohort=past, user=person, role=Role.MENTEE)
    cohort = CohortFactory(program=past.program)

    alumni = services.application_start(cohort=cohort, user=person, role=Role.MENTOR)
    newcomer = services.application_start(cohort=cohort, user=UserFactory(), role=Role.MENTOR)

    assert alumni.is_alumni
    assert not newcomer.is_alumni


def test_mentees_of_an_ended_cohort_are_invited_once_to_mentor_the_next_one():
    ended = CohortFactory(
        start_date=dt.date(2025, 1, 6),
        applications_open_at=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
        applications_close_at=dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
    )
    mentee = ParticipantFactory(cohort=ended, role=Role.MENTEE, user=UserFactory(language="fr"))
    ParticipantFactory(cohort=ended, role=Role.MENTOR)
    ParticipantFactory(cohort=ended, role=Role.MENTEE, status=Participant.Status.WITHDRAWN)
    upcoming = CohortFactory(program=ended.program)

    assert invite_alumni.apply().get() == 1
    assert invite_alumni.apply().get() == 0

    assert [message.to for message in mail.outbox] == [[mentee.user.email]]
    assert f"/cohorts/{upcoming.slug}/apply/mentor/" in mail.outbox[0].body
