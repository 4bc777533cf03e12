import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from cohorts.models import Participant, Role
from cohorts.tests.factories import ParticipantFactory
from reports.models import Outcome
from reports.services import outcome_add

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:outcomes")


def today():
    return timezone.localdate()


def post(client, participant, **data):
    payload = {"participant": participant.pk, "kind": "offer", "happened_on": today().isoformat(), "note": ""}
    return client.post(PAGE, {**payload, **data})


def test_anonymous_is_sent_to_log_in(client):
    for response in (client.get(PAGE), client.post(reverse("reports:outcome_delete", args=[1]))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_a_participant_adds_an_outcome(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)

    response = post(client, participant, kind="new_role", note="Junior developer at a co-op.")

    assert response.status_code == 302
    assert response.url == PAGE
    outcome = Outcome.objects.get()
    assert (outcome.participant, outcome.kind, outcome.happened_on, outcome.note, outcome.reported_by) == (
        participant,
        "new_role",
        today(),
        "Junior developer at a co-op.",
        participant.user,
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Thank you! Your outcome is saved."]
    page = client.get(PAGE).content.decode()
    assert "New role" in page
    assert "Junior developer at a co-op." in page


def test_one_participation_is_chosen_for_the_person(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)

    form = client.get(PAGE).context["form"]

    assert form["participant"].value() == participant.pk
    assert form.fields["participant"].widget.is_hidden


def test_a_person_with_several_participations_picks_one(client):
    mentee = ParticipantFactory()
    mentor = ParticipantFactory(user=mentee.user, role=Role.MENTOR)
    ParticipantFactory(user=mentee.user, status=Participant.Status.WITHDRAWN)  # not offered
    client.force_login(mentee.user)

    form = client.get(PAGE).context["form"]
    assert set(form.fields["participant"].queryset) == {mentee, mentor}

    post(client, mentor)
    assert Outcome.objects.get().participant == mentor


def test_a_future_date_is_refused_and_nothing_is_saved(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)

    response = post(client, participant, happened_on=(today() + dt.timedelta(days=2)).isoformat())

    assert response.status_code == 200
    assert "happened_on" in response.context["form"].errors
    assert not Outcome.objects.exists()


def test_bad_input_is_refused(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)

    response = post(client, participant, kind="lottery", happened_on="not a date", note="x" * 501)

    assert set(response.context["form"].errors) == {"kind", "happened_on", "note"}
    assert not Outcome.objects.exists()


def test_someone_elses_participation_is_refused(client):
    mine = ParticipantFactory()
    theirs = ParticipantFactory()
    client.force_login(mine.user)

    response = post(client, theirs)

    assert response.status_code == 200
    assert "participant" in response.context["form"].errors
    assert not Outcome.objects.exists()


def test_a_person_without_a_participation_gets_an_explanation_and_no_form(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(PAGE)

    assert response.context["form"] is None
    assert "once you are accepted in a cohort" in response.content.decode()
    assert post(client, ParticipantFactory()).status_code == 200  # a POST changes nothing either
    assert not Outcome.objects.exists()


def test_the_page_lists_only_my_outcomes(client):
    mine = ParticipantFactory()
    mine_as_mentor = ParticipantFactory(user=mine.user, role=Role.MENTOR)
    outcome_add(participant=mine, kind="offer", happened_on=today(), note="My offer.", by=mine.user)
    outcome_add(participant=mine_as_mentor, kind="spoke_at_event", happened_on=today(), note="My talk.", by=None)
    other = ParticipantFactory()
    outcome_add(participant=other, kind="raise", happened_on=today(), note="Their raise.", by=other.user)
    client.force_login(mine.user)

    page = client.get(PAGE).content.decode()

    assert "My offer." in page
    assert "My talk." in page
    assert "Their raise." not in page


def test_a_double_submit_makes_one_outcome(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)

    post(client, participant)
    post(client, participant)

    assert Outcome.objects.count() == 1


def test_the_same_outcome_later_is_a_new_one():
    participant = ParticipantFactory()
    first = outcome_add(participant=participant, kind="interview", happened_on=today(), by=None)
    Outcome.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(minutes=2))

    second = outcome_add(participant=participant, kind="interview", happened_on=today(), by=None)

    assert second != first
    assert outcome_add(participant=participant, kind="interview", happened_on=today(), by=None) == second


def test_a_person_deletes_their_own_outcome(client):
    participant = ParticipantFactory()
    outcome = outcome_add(participant=participant, kind="offer", happened_on=today(), by=participant.user)
    client.force_login(participant.user)

    response = client.post(reverse("reports:outcome_delete", args=[outcome.pk]))

    assert response.status_code == 302
    assert not Outcome.objects.exists()


def test_someone_elses_outcome_cannot_be_deleted(client):
    theirs = ParticipantFactory()
    outcome = outcome_add(participant=theirs, kind="offer", happened_on=today(), by=theirs.user)
    delete = reverse("reports:outcome_delete", args=[outcome.pk])

    client.force_login(ParticipantFactory().user)
    assert client.post(delete).status_code == 404
    client.force_login(theirs.user)
    assert client.get(delete).status_code == 405  # POST only
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_staff_add_an_outcome_in_the_admin(client):
    staff = StaffFactory()
    participant = ParticipantFactory()
    client.force_login(staff)

    response = client.post(
        reverse("admin:reports_outcome_add"),
        {"participant": participant.pk, "kind": "promotion", "happened_on": today().isoformat(), "note": ""},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    outcome = Outcome.objects.get()
    assert (outcome.participant, outcome.kind, outcome.reported_by) == (participant, "promotion", staff)
    changelist = client.get(reverse("admin:reports_outcome_changelist"), {"q": participant.user.email})
    assert changelist.status_code == 200
    assert "Promotion" in changelist.content.decode()


def test_staff_cannot_add_a_future_outcome_in_the_admin(client):
    client.force_login(StaffFactory())
    participant = ParticipantFactory()

    response = client.post(
        reverse("admin:reports_outcome_add"),
        {"participant": participant.pk, "kind": "promotion", "happened_on": (today() + dt.timedelta(days=3))},
    )

    assert response.status_code == 200
    assert "happened_on" in response.context["adminform"].form.errors
    assert not Outcome.objects.exists()


def test_the_profile_links_to_the_outcomes(client):
    client.force_login(UserFactory())
    assert PAGE in client.get(reverse("accounts:profile")).content.decode()


def test_the_page_costs_the_same_queries_with_1_and_5_outcomes(client):
    participant = ParticipantFactory()
    ParticipantFactory(user=participant.user, role=Role.MENTOR)  # two participations: the cohort is shown
    client.force_login(participant.user)

    def queries_with(count: int) -> int:
        while Outcome.objects.count() < count:
            days = Outcome.objects.count()
            outcome_add(participant=participant, kind="offer", happened_on=today() - dt.timedelta(days=days), by=None)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)
        assert len(response.context["outcomes"]) == count
        return len(queries)

    assert queries_with(1) == queries_with(5)


def test_erasure_keeps_the_outcome_for_the_reports_but_not_its_note_and_the_download_has_it():
    from accounts.erasure import person_erase, personal_data_export

    participant = ParticipantFactory(role=Role.MENTEE)
    outcome_add(
        participant=participant,
        kind=Outcome.Kind.OFFER,
        happened_on=dt.date(2026, 5, 1),
        note="Offer from Acme, thanks to my mentor",
        by=participant.user,
    )

    download = personal_data_export(user=participant.user)
    assert [item["note"] for item in download["career_outcomes"]] == ["Offer from Acme, thanks to my mentor"]

    person_erase(user=participant.user, by=None)

    outcome = Outcome.objects.get()
    assert (outcome.kind, outcome.note) == (Outcome.Kind.OFFER, "")
