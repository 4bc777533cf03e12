import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names such as America/Toronto."""
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a known time zone. Choose one such as America/Toronto."),
            code="invalid_time_zone",
            params={"value": value},
        )
