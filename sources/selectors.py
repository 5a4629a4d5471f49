"""Reads for sources and articles."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from sources.models import Source


def _day_start(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


def published_between(field: str, start: dt.date | None, until: dt.date | None) -> Q:
    """A filter on a publication datetime `field`: a date is a whole day (inclusive at both
    ends), a datetime an exact instant. Shared by the article and claim lists."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": _day_start(start)})
    if until is not None:
        if isinstance(until, dt.datetime):
            q &= Q(**{f"{field}__lte": until})
        else:
            q &= Q(**{f"{field}__lt": _day_start(until + dt.timedelta(days=1))})
    return q


def sources_named(name: str) -> QuerySet[Source]:
    """Sources whose name or an alias is `name`, case-insensitively (a subquery of pks)."""
    return Source.objects.filter(Q(name__iexact=name) | Q(aliases__alias__iexact=name)).values("pk")
