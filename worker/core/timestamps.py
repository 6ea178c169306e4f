"""A moment as a page states it, and the form an article publishes it in: RFC 3339 in UTC, one column for a
typed sink, beside the precision the page gave and the page's own UTC offset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum


class Precision(StrEnum):
    """How much of the moment the page stated; what is finer than it is zero in the published form."""

    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"
    SECOND = "second"


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A moment as the page stated it: aware when the page gave an offset, naive when it did not; a day alone
    is that day's midnight, naive."""

    moment: datetime
    precision: Precision

    @classmethod
    def of_day(cls, day: date) -> Timestamp:
        return cls(datetime(day.year, day.month, day.day), Precision.DAY)

    @property
    def day(self) -> date:
        """The page's calendar day, in its own offset."""
        return self.moment.date()

    @property
    def utc(self) -> datetime:
        """The instant; a time without an offset is read as UTC, which it most often is."""
        return self.moment.astimezone(UTC) if self.moment.tzinfo else self.moment.replace(tzinfo=UTC)

    @property
    def offset(self) -> str | None:
        """The page's UTC offset as `+09:00`; None when it gave none (a day alone, a time without offset)."""
        delta = self.moment.utcoffset()
        return None if delta is None else _offset_text(delta)

    def rfc3339(self) -> str:
        return rfc3339(self.utc)

    def local(self) -> str:
        """ISO 8601 as the page stated it: the day alone, or the time with its offset when it gave one."""
        return self.day.isoformat() if self.precision is Precision.DAY else self.moment.isoformat()

    def not_before(self, earlier: Timestamp | None) -> bool:
        """Two times compare as instants, whatever their offsets. A day alone stands for that whole day: it
        compares with the other's calendar day, read in the other's own offset (the publisher's day, as the day
        alone is), so an update on the day of publication is never earlier than it."""
        if earlier is None:
            return True
        if Precision.DAY in (self.precision, earlier.precision):
            return self.day >= earlier.day
        return self.utc >= earlier.utc


def utc_moment(iso: str) -> datetime:
    """An ISO 8601 time, as given on a command line; UTC when it names no offset. Raises ValueError."""
    parsed = datetime.fromisoformat(iso)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def rfc3339(moment: datetime) -> str:
    """An aware datetime in the published form, to whole seconds: no page states a fraction that means anything.
    (Not strftime: its %Y does not pad years below 1000 to four digits, which RFC 3339 requires.)"""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def page_local(published: str, offset: str | None) -> str:
    """An article's RFC 3339 UTC time back at the page's own offset: the wall clock and day the page showed."""
    moment = datetime.fromisoformat(published)
    if offset:
        hours, minutes = offset[1:].split(":")
        sign = -1 if offset[0] == "-" else 1
        moment = moment.astimezone(timezone(sign * timedelta(hours=int(hours), minutes=int(minutes))))
    return moment.isoformat()


def _offset_text(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(delta) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"

