"""store.times: a deadline's moment in UTC, and the range of moments a deadline may have."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from store.times import EARLIEST, LATEST, to_utc, zone


def test_a_date_alone_ends_that_day_in_its_zone():
    assert to_utc(date(2025, 5, 15), zone("Europe/Paris")) == (
        datetime(2025, 5, 15, 21, 59, 59, tzinfo=UTC),
        True,
    )


def test_the_first_and_last_moments_are_accepted():
    assert to_utc(EARLIEST, zone("UTC")) == (EARLIEST, False)
    assert to_utc(LATEST.replace(tzinfo=None), zone("UTC")) == (LATEST, False)


@pytest.mark.parametrize(
    ("moment", "where"),
    [
        (EARLIEST - timedelta(seconds=1), "UTC"),
        (LATEST + timedelta(seconds=1), "UTC"),
        (datetime(1, 1, 1, tzinfo=zone("Europe/Paris")), "UTC"),  # before year 1 in UTC
        (date(9999, 12, 31), "America/New_York"),  # after year 9999 once in UTC
    ],
)
def test_a_moment_outside_the_range_is_a_value_error(moment, where):
    with pytest.raises(ValueError, match="between the years 3 and 9998"):
        to_utc(moment, zone(where))
