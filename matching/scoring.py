"""The score of every allowed mentee–mentor pair of a cohort, in named parts, from the event ratings
(both directions) and the applications. Read in a fixed number of queries."""

import datetime as dt
import zoneinfo
from collections import defaultdict

from django.utils import timezone

from applications.identity import PREFER_NOT_TO_SAY
from applications.models import Application, SelfIdentification
from cohorts.models import Cohort, Participant, Role
from events.models import Rating

TAG_PARTS = ("goals", "skills", "industries")
AFFINITY_KEYS = ("gender", "lgbtq", "racialized", "disability")


def _utc_offset_hours(zone: str) -> float:
    try:
        offset = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or dt.timedelta()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    return offset.total_seconds() / 3600


def _shares_identity(wish: str, mine: dict, theirs: dict) -> bool:
    """Whether the other person shares the part of identity named by the wish (both answered it)."""
    if wish == "gender":
        return bool(set(mine.get("gender", [])) & set(theirs.get("gender", [])) - {PREFER_NOT_TO_SAY})
    if wish in ("lgbtq", "disability"):
        return theirs.get(wish) == "yes"
    if wish == "racialized":
        return bool(set(theirs.get("racialized", [])) - {"white", PREFER_NOT_TO_SAY})
    return False


def pair_scores(
    cohort: Cohort, mentees: list[Participant], mentors: list[Participant], weights: dict[str, float]
) -> dict[tuple[int, int], list[tuple[str, float]]]:
    """{(mentee id, mentor id): [(part, value), ...]} for every pair; parts with no value are left out."""
    people = mentees + mentors
    ratings: dict[tuple[int, int], list[int]] = defaultdict(list)
    for rater, rated, score in Rating.objects.filter(event__cohort=cohort).values_list("rater", "rated", "score"):
        ratings[(rater, rated)].append(score)
    applications = {
        application.participant.pk: application
        for application in Application.objects.filter(participant__in=people).select_related("participant", "user")
    }
    tags: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for name in TAG_PARTS:
        through = getattr(Application, name).through
        for participant, tag in through.objects.filter(application__participant__in=people).values_list(
            "application__participant", "tag_id"
        ):
            tags[participant][name].add(tag)
    # Identity answers count only for people who consented (a stored answer implies consent) and only
    # towards a wish its owner stated; they never appear in an explanation beyond "affinity wish".
    identity = dict(
        SelfIdentification.objects.filter(application__participant__in=people).values_list(
            "application__participant", "answers"
        )
    )
    offsets = {person.pk: _utc_offset_hours(person.user.time_zone) for person in people}

    scores = {}
    for mentee in mentees:
        for mentor in mentors:
            parts: list[tuple[str, float]] = []
            given = ratings.get((mentee.pk, mentor.pk), []) + ratings.get((mentor.pk, mentee.pk), [])
            if given:
                mean = sum(given) / len(given)
                parts.append(("ratings", weights["ratings"] * (mean - 1) / 4))
            for name in TAG_PARTS:
                shared = len(tags[mentee.pk][name] & tags[mentor.pk][name])
                if shared:
                    parts.append((name, weights[name] * min(shared, 3) / 3))
            if mentee.user.language == mentor.user.language:
                parts.append(("language", weights["language"]))
            distance = abs(offsets[mentee.pk] - offsets[mentor.pk])
            parts.append(("time_zone", weights["time_zone"] * max(0.0, 1 - distance / 12)))
            mine, theirs = applications.get(mentee.pk), applications.get(mentor.pk)
            if mine and theirs and mine.availability and theirs.availability:
                overlap = set(mine.availability) & set(theirs.availability)
                union = set(mine.availability) | set(theirs.availability)
                if overlap:
                    parts.append(("availability", weights["availability"] * len(overlap) / len(union)))
            affinity = 0.0
            for wisher, other in ((mentee.pk, mentor.pk), (mentor.pk, mentee.pk)):
                wishes = set(identity.get(wisher, {}).get("affinity", [])) & set(AFFINITY_KEYS)
                if wishes and other in identity:
                    met = sum(_shares_identity(wish, identity[wisher], identity[other]) for wish in wishes)
                    affinity += met / len(wishes) / 2
            if affinity:
                parts.append(("affinity", weights["affinity"] * affinity))
            scores[(mentee.pk, mentor.pk)] = [(name, round(value, 4)) for name, value in parts if value]
    return scores


def cohort_people(cohort: Cohort) -> tuple[list[Participant], list[Participant]]:
    """The active mentees and mentors of the cohort."""
    people = list(cohort.participants.active().select_related("user").order_by("pk"))
    return [p for p in people if p.role == Role.MENTEE], [p for p in people if p.role == Role.MENTOR]
