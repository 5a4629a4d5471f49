"""The one keyset pagination: any total ordering, forwards and back, every row once; a cursor
only works on the list and the ordering that made it."""

from __future__ import annotations

import base64
import json

import pytest

from claims.models import Claim
from claims.selectors_sources import source_list
from core.pagination import InvalidCursor, keyset_paginate
from tests.factories import make_claim, make_source

pytestmark = pytest.mark.django_db

ORDERINGS = [
    ("name", "id"),
    ("-reliability", "name", "id"),
    ("kind", "-id"),
    ("country", "name", "id"),
    ("-claims_originated", "name", "id"),  # an annotation
    ("created_at", "id"),  # a datetime in the cursor
]


@pytest.fixture
def sources() -> None:
    # Few distinct values per column, so most rows tie on the first key.
    made = [
        make_source(
            name=f"Source {letter}",
            reliability="ABB"[i % 3],
            kind=["government", "outlet"][i % 2],
            country=["KR", "", "US"][i % 3],
        )
        for i, letter in enumerate("GCEAFDB")
    ]
    make_claim(sources=[made[0], made[1]])
    make_claim(sources=[made[0], made[2]])
    make_claim(sources=[made[3], made[1], made[2]])


def _walk(ordering: tuple[str, ...], *, narrow_first: bool) -> tuple[list[list[int]], list[int]]:
    """The pages following `next` to the end, then the rows of the pages following `previous`
    back (each page's rows in list order)."""
    qs = source_list().order_by(*ordering)
    pages, cursor = [], None
    while True:
        page = keyset_paginate(qs, cursor=cursor, size=2, narrow_first=narrow_first)
        pages.append([row.pk for row in page.rows])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    back = []
    while page.previous_cursor is not None:
        page = keyset_paginate(qs, cursor=page.previous_cursor, size=2, narrow_first=narrow_first)
        back.append([row.pk for row in page.rows])
    assert not page.has_previous
    return pages, [pk for rows in back for pk in rows]


@pytest.mark.parametrize("narrow_first", [False, True])
@pytest.mark.parametrize("ordering", ORDERINGS)
def test_pages_visit_every_row_once_in_order_and_go_back_the_same_way(
    sources: None, ordering: tuple[str, ...], narrow_first: bool
) -> None:
    expected = list(source_list().order_by(*ordering).values_list("pk", flat=True))
    pages, back = _walk(ordering, narrow_first=narrow_first)
    assert [pk for rows in pages for pk in rows] == expected
    assert len(expected) >= 7 and all(len(rows) == 2 for rows in pages[:-1])
    assert back == [pk for rows in reversed(pages[:-1]) for pk in rows]


def test_narrow_first_loads_the_rows_of_the_ids_it_found(sources: None) -> None:
    qs = source_list().order_by("name", "id")
    page = keyset_paginate(
        qs, cursor=None, size=3, narrow_first=True, load=lambda ids: [{"id": i} for i in ids]
    )
    assert page.rows == [{"id": pk} for pk in qs.values_list("pk", flat=True)[:3]]
    after = keyset_paginate(qs, cursor=page.next_cursor, size=3)
    assert [s.pk for s in after.rows] == list(qs.values_list("pk", flat=True)[3:6])


def test_a_cursor_past_the_end_gives_an_empty_page_whose_previous_is_the_first(
    sources: None,
) -> None:
    qs = source_list().order_by("id")
    first = keyset_paginate(qs, cursor=None, size=2)
    assert first.next_cursor and not first.has_previous and first.previous_cursor is None
    # The rows after the cursor are gone (here filtered out; in life, deleted).
    after = keyset_paginate(qs.filter(pk__lte=first.rows[-1].pk), cursor=first.next_cursor, size=2)
    assert after.rows == [] and after.next_cursor is None
    assert after.has_previous and after.previous_cursor is None


@pytest.mark.parametrize(
    ("made_on", "used_on"),
    [
        (("reliability", "name", "id"), ("kind", "name", "id")),  # another sort order
        (("reliability", "name", "id"), ("name", "id")),  # another number of keys
        (("-id",), Claim.objects.order_by("-id")),  # another list
    ],
)
def test_a_cursor_works_only_on_the_list_and_ordering_that_made_it(
    sources: None, made_on: tuple[str, ...], used_on: object
) -> None:
    page = keyset_paginate(source_list().order_by(*made_on), cursor=None, size=2)
    assert page.next_cursor
    other = source_list().order_by(*used_on) if isinstance(used_on, tuple) else used_on
    with pytest.raises(InvalidCursor):
        keyset_paginate(other, cursor=page.next_cursor, size=2)


def test_a_forged_or_altered_cursor_is_refused(sources: None) -> None:
    qs = source_list().order_by("-id")
    made = keyset_paginate(qs, cursor=None, size=2).next_cursor
    assert made
    payload, signature = made.split(":")
    forged = base64.urlsafe_b64encode(json.dumps({"v": [10**6], "r": False}).encode()).decode()
    for cursor in (forged, f"{forged.rstrip('=')}:{signature}", "not-a-cursor", "é:é", made[:-2]):
        with pytest.raises(InvalidCursor) as caught:
            keyset_paginate(qs, cursor=cursor, size=2)
        assert caught.value.field == "cursor" and caught.value.code == "invalid_cursor"


def test_an_unordered_queryset_is_a_programming_error_not_a_page() -> None:
    with pytest.raises(RuntimeError, match="ordered by field names"):
        keyset_paginate(source_list().order_by(), cursor=None, size=2)
