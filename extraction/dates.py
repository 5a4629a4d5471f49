"""Dates: weekdays, month names, years, today/yesterday, as written (the annotation rules on dates).

One regular-expression pass over the whole text (not per token or per sentence), then each
expression is resolved against the publication date when one is given.
"""

from __future__ import annotations

import datetime as dt
import re

from .types import DateRef

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
               "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}  # fmt: skip
_PART = r"(?:\s+(?:morning|afternoon|evening|night))"
_WD = "|".join(_WEEKDAYS)
_MO = "|".join(_MONTHS) + "|" + "|".join(rf"{a}\." for a in _MONTH_ABBR)
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# "three days ago", "two weeks ago": counted back from the publication date.
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
_COUNT = "|".join([r"\d{1,2}", *_COUNT_WORDS])

# How any of the expressions below can begin: a digit, a capital that starts a month, a
# weekday, "Today" or "Yesterday", or one of the lower-case lead words. It rules nothing out,
# but checking it first spares the engine trying every alternative at every character of the
# text, which was most of this pass's time.
_CAN_START = (
    r"(?=[\dJFMASONDTWY]|(?:early|mid|late)-|(?:[Ll]ast|[Tt]his|[Nn]ext)\s|to(?:day|morrow)|yesterday"
    rf"|(?i:{'|'.join(_COUNT_WORDS)})\s)"
)
# Order matters: longer forms first. Leading "early"/"late" before a weekday is dropped by
# keeping it outside the group (the annotation rules on dates: "late Monday" -> "Monday"); "last"/"mid-" stay.
_PATTERN = re.compile(
    rf"""
    {_CAN_START}
    (?:
    (?P<mdy>(?:(?:early|mid|late)-)?(?:{_MO})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b)
  | (?P<dmy>\b\d{{1,2}}\s+(?:{_MO})(?:,?\s+{_YEAR})?\b)
  | (?P<wd>(?:(?:last|this|next)\s+)?(?:{_WD})(?:{_PART})?\b)
  | (?P<my>(?:(?:last|this|next)\s+|(?:early|mid|late)-)?(?:{_MO})(?:,?\s+{_YEAR})?\b)
  | (?P<rel>\b(?:[Tt]oday|[Yy]esterday|[Tt]omorrow)(?:['’]s)?(?:{_PART})?\b)
  | (?P<ago>\b(?i:{_COUNT})\s+(?:days?|weeks?)\s+ago\b)
  | (?P<period>\b(?:[Ll]ast|[Nn]ext|[Tt]his)\s+(?:week|month)\b)
  | (?P<yr>\b{_YEAR}\b)
    )
    """,
    re.VERBOSE,
)
# "by June", "until next March": a deadline, resolved forwards.
_FUTURE_CONTEXT = re.compile(r"\b(?:by|until|before|till)\s+$", re.I)
# "May" is a month only next to a day or a year or after a preposition ("in May").
_MAY_CONTEXT = re.compile(r"(?:in|since|until|by|of|last|early|late|mid-|this|next)\s+$", re.I)


def _month_number(text: str) -> int | None:
    for i, name in enumerate(_MONTHS, start=1):
        if name in text:
            return i
    for abbr, num in _MONTH_ABBR.items():
        if re.search(rf"\b{abbr}\.", text):
            return num
    return None


def _year_in(text: str) -> int | None:
    m = re.search(_YEAR, text)
    return int(m.group(0)) if m else None


def _resolve(
    kind: str, text: str, published: dt.date | None, future: bool = False
) -> tuple[dt.date | None, str]:
    """Resolve an expression to (date, granularity); (None, ...) when it cannot be."""
    year = _year_in(text)
    if kind in ("mdy", "dmy"):
        month = _month_number(text)
        day_m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", text.replace(str(year or ""), ""))
        if month is None or day_m is None:
            return None, "day"
        day = int(day_m.group(1))
        if year is None:
            if published is None:
                return None, "day"
            year = published.year
            # News reports the past: "December 30" in a January 3 story is last year's.
            try:
                if dt.date(year, month, day) > published + dt.timedelta(days=7):
                    year -= 1
            except ValueError:
                return None, "day"
        try:
            return dt.date(year, month, day), "day"
        except ValueError:
            return None, "day"
    if kind == "wd":
        if published is None:
            return None, "day"
        target = next(i for i, w in enumerate(_WEEKDAYS) if w in text)
        delta = (published.weekday() - target) % 7
        if text.startswith("next"):
            return published + dt.timedelta(days=(target - published.weekday()) % 7 or 7), "day"
        if text.startswith("last") and delta == 0:
            delta = 7
        return published - dt.timedelta(days=delta), "day"
    if kind == "rel":
        if published is None:
            return None, "day"
        low = text.lower()
        if low.startswith("yesterday"):
            return published - dt.timedelta(days=1), "day"
        if low.startswith("tomorrow"):
            return published + dt.timedelta(days=1), "day"
        return published, "day"
    if kind == "my":
        month = _month_number(text)
        if month is None:
            return None, "month"
        if year is None:
            if published is None:
                return None, "month"
            year = published.year
            if text.startswith("last"):
                # "last August": the most recent such month before this one.
                if month >= published.month:
                    year -= 1
            elif text.startswith("next"):
                if month <= published.month:
                    year += 1
            elif future:
                # "by June", "until October": a deadline ahead of the story.
                if month < published.month:
                    year += 1
            elif month > published.month:
                # A bare "March" in a story reports the past: the most recent March.
                year -= 1
        return dt.date(year, month, 1), "month"
    if kind == "ago":
        if published is None:
            return None, "day"
        count, unit = text.lower().split()[:2]
        n = _COUNT_WORDS.get(count) or int(count)
        return published - dt.timedelta(days=n * (7 if unit.startswith("week") else 1)), "day"
    if kind == "period":
        if published is None:
            return None, "day"
        low = text.lower()
        step = -1 if low.startswith("last") else 1 if low.startswith("next") else 0
        if low.endswith("week"):
            # The Monday of that week.
            monday = published - dt.timedelta(days=published.weekday())
            return monday + dt.timedelta(days=7 * step), "week"
        month = published.month + step
        year = published.year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1), "month"
    if kind == "yr" and year is not None:
        return dt.date(year, 1, 1), "year"
    return None, "day"


def find_dates(text: str, published: dt.date | None) -> list[DateRef]:
    out: list[DateRef] = []
    for m in _PATTERN.finditer(text):
        kind = m.lastgroup or ""
        value = m.group(0)
        start = m.start()
        if kind == "my" and value.startswith("May") and not _year_in(value):
            if not _MAY_CONTEXT.search(text[max(0, start - 12) : start]):
                continue
        # "Sunday's vote": the possessive is not part of the date.
        future = bool(_FUTURE_CONTEXT.search(text[max(0, start - 12) : start]))
        date, granularity = _resolve(kind, value, published, future)
        out.append(
            DateRef(
                text=value, start=start, end=start + len(value), value=date,
                granularity=granularity,
            )
        )  # fmt: skip
    return out
