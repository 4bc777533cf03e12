"""What the event pages show, read in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from cohorts.models import Participant
from mentorship.prepared import Prepared

from .models import Attendance, Event, PitchFeedback, Seat


@dataclass
class Tablemate:
    participant: Participant
    intro: str


@dataclass
class Round:
    number: int
    starts_at: object
    table: int | None  # None: sitting out this round
    tablemates: list[Tablemate]
    current: bool


def _seats_around(event_id: int, participant_id: int):
    """The seats of the event at a table and round where the person sits, theirs included, with each one's intro."""
    mine_there = Seat.objects.filter(
        event=event_id, participant=participant_id, round=OuterRef("round"), table=OuterRef("table")
    )
    intro = Attendance.objects.filter(event=event_id, participant=OuterRef("participant")).values("intro")[:1]
    return (
        Seat.objects.filter(Exists(mine_there), event=event_id)
        .select_related("participant__user")
        .annotate(intro=Subquery(intro))
        .order_by()
    )


# Compiled once per process (mentorship/prepared.py): the event page asks them on each visit.
_seats_around_prepared = Prepared(_seats_around)
_feedback_received = Prepared(
    lambda event_id, mentee_id: (
        PitchFeedback.objects.filter(event=event_id, mentee=mentee_id).select_related("mentor__user").order_by("pk")
    )
)


def personal_schedule(event: Event, participant: Participant, now=None) -> list[Round]:
    """The person's table in each round, with who sits there and their intro, in one query."""
    seats = _seats_around_prepared(event.pk, participant.pk)
    mine = {seat.round: seat.table for seat in seats if seat.participant_id == participant.pk}
    current = event.current_round(now)
    rounds = []
    for number in range(1, event.rounds + 1):
        table = mine.get(number)
        mates = [
            Tablemate(seat.participant, seat.intro or "")
            for seat in seats
            if seat.round == number and seat.table == table and seat.participant_id != participant.pk
        ]
        mates.sort(key=lambda mate: (mate.participant.role != "mentor", mate.participant.user.display_name))
        rounds.append(Round(number, event.round_starts_at(number), table, mates, current == number))
    return rounds


def run_sheet(event: Event) -> list[tuple[int, list[tuple[int, list[Participant]]]]]:
    """Every round with its tables and who sits at each, mentor first."""
    tables: dict[int, dict[int, list[Participant]]] = {}
    for seat in Seat.objects.filter(event=event).select_related("participant__user").order_by("round", "table"):
        tables.setdefault(seat.round, {}).setdefault(seat.table, []).append(seat.participant)
    return [
        (number, [(table, sorted(people, key=lambda p: p.role != "mentor")) for table, people in sorted(by.items())])
        for number, by in sorted(tables.items())
    ]


def feedback_received(event: Event, mentee: Participant) -> list[PitchFeedback]:
    return _feedback_received(event.pk, mentee.pk)
