"""Small counts of self-identification answers: no one's answer can be read or worked out."""

from hypothesis import given
from hypothesis import strategies as st

from reports.suppression import THRESHOLD, suppress


def test_a_small_count_is_hidden_and_so_is_the_one_that_would_give_it_away():
    cells = suppress({"yes": 1, "no": 11, "prefer_not_to_say": 0}, pool=12)
    assert [str(cells[key]) for key in ("yes", "no", "prefer_not_to_say")] == ["<5", "<5", "0"]
    assert cells["yes"].share is None and cells["no"].share is None


def test_two_small_counts_protect_each_other():
    cells = suppress({"yes": 2, "no": 30, "prefer_not_to_say": 3}, pool=35)
    assert [str(cells[key]) for key in ("yes", "no", "prefer_not_to_say")] == ["<5", "30", "<5"]
    assert cells["no"].share == 30 / 35


def test_the_smallest_shown_count_is_the_one_hidden_beside_a_small_one():
    cells = suppress({"a": 4, "b": 20, "c": 7, "d": 9}, pool=40)
    assert {key: str(cell) for key, cell in cells.items()} == {"a": "<5", "b": "20", "c": "<5", "d": "9"}


def test_a_pool_under_five_people_is_not_shown_at_all():
    assert suppress({"yes": 0, "no": 4}, pool=4) is None
    assert suppress({"yes": 0, "no": 0}, pool=0) is None


def test_counts_of_five_or_more_and_zeros_are_shown_as_they_are():
    cells = suppress({"yes": 5, "no": 0, "prefer_not_to_say": 12}, pool=17)
    assert {key: cell.count for key, cell in cells.items()} == {"yes": 5, "no": 0, "prefer_not_to_say": 12}


@given(
    counts=st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=0, max_value=40), min_size=1),
    extra=st.integers(min_value=0, max_value=10),
)
def test_no_shown_column_lets_one_count_under_five_be_read_or_worked_out(counts, extra):
    pool = sum(counts.values()) + extra  # some did not answer; a multiple-choice column may add up to more
    cells = suppress(counts, pool=pool)
    if pool < THRESHOLD:
        assert cells is None
        return
    hidden = [key for key, cell in cells.items() if cell.hidden]
    # Nothing from 1 to 4 is ever shown, as a count or as a share.
    assert all(cell.hidden or cell.count == 0 or cell.count >= THRESHOLD for cell in cells.values())
    assert all(cell.share is None for cell in cells.values() if cell.hidden)
    # A hidden count is never alone in its column unless every other count is zero, where the pool size
    # and the shown counts cannot single it out either (there is nothing shown to subtract).
    small = [key for key, count in counts.items() if 0 < count < THRESHOLD]
    assert set(small) <= set(hidden)
    if len(hidden) == 1:
        assert all(count == 0 for key, count in counts.items() if key not in hidden)
