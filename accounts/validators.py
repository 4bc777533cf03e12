import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Aliases and technical zones a person would not choose (and could not tell apart).
_NOT_OFFERED = ("Etc/", "SystemV/", "posix/", "right/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@cache
def time_zone_names() -> frozenset[str]:
    """Region/City IANA names, plus UTC."""
    names = {name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(_NOT_OFFERED)}
    return frozenset(names | {"UTC"})


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names such as America/Toronto."""
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a known time zone. Choose one such as America/Toronto."),
            code="invalid_time_zone",
            params={"value": value},
        )
