import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from matching import services
from matching.models import MatchRun, PairRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    for _ in range(2):
        ParticipantFactory(cohort=cohort, role=Role.MENTEE)
        ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=1)
    return cohort


def test_staff_choose_the_mode_and_weights_and_bad_weights_are_field_errors(client, cohort):
    client.force_login(StaffFactory())
    url = reverse("admin:matching_run", args=[cohort.pk])
    data = {"mode": "stable", **{f"weight_{name}": "1" for name in ("ratings", "goals", "skills", "industries",
                                                                     "language", "time_zone", "availability",
                                                                     "affinity")}}  # fmt: skip

    refused = client.post(url, data | {"weight_ratings": "-3"})
    accepted = client.post(url, data | {"weight_ratings": "20"})

    assert refused.status_code == 200
    assert "weight_ratings" in refused.context["form"].errors
    run = MatchRun.objects.get()
    assert accepted.url == reverse("admin:matching_matchrun_change", args=[run.pk])
    assert (run.mode, run.weights["ratings"]) == ("stable", 20.0)


def test_a_cohort_with_no_mentors_gets_a_message_and_no_run(client):
    cohort = CohortFactory()
    ParticipantFactory(cohort=cohort, role=Role.MENTEE)
    client.force_login(StaffFactory())

    response = client.post(
        reverse("admin:matching_run", args=[cohort.pk]),
        {"mode": "best", **{f"weight_{name}": "1" for name in ("ratings", "goals", "skills", "industries", "language",
                                                                "time_zone", "availability", "affinity")}},
    )  # fmt: skip

    assert "no active mentor" in response.content.decode()
    assert not MatchRun.objects.exists()


def test_swapping_two_pairs_pins_them_for_the_next_run(client, cohort):
    staff = StaffFactory()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
    first, second = run.matches.all()
    client.force_login(staff)

    client.post(
        reverse("admin:matching_match_changelist"), {"action": "swap", "_selected_action": [first.pk, second.pk]}
    )
    again = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)

    assert PairRule.objects.filter(kind="pin").count() == 2
    assert set(again.matches.values_list("mentee", "mentor")) == {
        (first.mentee_id, second.mentor_id),
        (second.mentee_id, first.mentor_id),
    }


def test_two_runs_compare_side_by_side(client, cohort):
    staff = StaffFactory()
    runs = [services.match_run_create(cohort=cohort, mode=mode, weights=None, by=staff) for mode in ("best", "stable")]
    client.force_login(staff)

    page = client.post(
        reverse("admin:matching_matchrun_changelist"), {"action": "compare", "_selected_action": [r.pk for r in runs]}
    )

    assert page.status_code == 200
    assert "Blocking pairs" in page.content.decode()
    assert len(page.context["runs"]) == 2


def test_staff_add_a_pair_to_a_published_run_and_a_full_mentor_is_refused(client, cohort, mailoutbox):
    staff = StaffFactory()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
    services.match_run_publish(run=run, by=staff)
    match = run.matches.first()
    services.match_end(match=match, by=staff)
    newcomer = ParticipantFactory(cohort=cohort, role=Role.MENTEE)
    client.force_login(staff)
    url = reverse("admin:matching_match_add")

    full = client.post(
        url, {"run": run.pk, "mentee": newcomer.pk, "mentor": run.matches.exclude(pk=match.pk)[0].mentor_id}
    )
    added = client.post(url, {"run": run.pk, "mentee": newcomer.pk, "mentor": match.mentor_id})

    assert full.status_code == 200
    assert "no place left" in full.content.decode()
    assert added.status_code == 302
    assert run.matches.filter(mentee=newcomer, mentor=match.mentor_id, status="active").count() == 1
