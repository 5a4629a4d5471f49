"""Candidate search finds the same pairs whatever the database's size and statistics.

The candidate query (`claims.matching.CANDIDATES_SQL`) asks the full-text index for claims
sharing two of a claim's rarer words. A word is left out only when the database holds so many
claims with it that following it would read more than `MAX_TERM_ROWS` of them: never because
it is a large share of a small table, so a 60-claim database matches as a large one does.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from claims.links import claims_match_article
from claims.matching import MAX_TERM_ROWS
from claims.models import Claim, ClaimLink
from sources.models import Source
from tests.factories import make_article, make_claim, make_source

from .conftest import OCT24, claim_saying

pytestmark = pytest.mark.django_db

# Every word of these claims is in most of the others: a small newsroom's database on one story.
SUBJECTS = ["North Korean troops", "North Korean soldiers", "Russian troops", "Russian soldiers"]
VERBS = ["arrived in", "moved to", "trained in", "deployed to"]
PLACES = ["Kursk region", "Kursk border", "Russia region", "Russia border"]


def _crowd() -> None:
    origin = make_source(name="Ministry of Defence", kind="government", reliability="B")
    outlet = make_source(name="Crowd Wire", kind="outlet", reliability="B")
    for subject, verb, place in itertools.islice(itertools.product(SUBJECTS, VERBS, PLACES), 60):
        claim_saying(f"{subject} {verb} the {place}.", origin=origin, outlet=outlet)


def _copy(text: str, *, origin: Source, outlet: Source) -> Claim:
    """The claim word for word in another outlet's article (whose body is its own)."""
    article = make_article(body=f"{text} ({outlet.name})", outlet=outlet, published_at=OCT24)
    return make_claim(article=article, text=text, sources=[origin], figures=0)


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")


def _links_between(a: Claim, b: Claim) -> list[ClaimLink]:
    return list(ClaimLink.objects.filter(from_claim__in=[a, b], to_claim__in=[a, b]))


@pytest.mark.parametrize("analyzed", [False, True], ids=["fresh", "analyzed"])
def test_a_copy_in_another_outlet_is_matched_in_a_small_database_of_common_words(
    analyzed: bool,
) -> None:
    _crowd()
    nis = make_source(name="National Intelligence Service", kind="intelligence")
    # Not among the crowd's 60, but every word of it is in a dozen of them or more.
    text = "Russian soldiers deployed to the Kursk region."
    first = claim_saying(text, origin=nis, outlet=make_source(name="Outlet A", kind="outlet"))
    if analyzed:
        _analyze()
    copy = _copy(text, origin=nis, outlet=make_source(name="Outlet B", kind="outlet"))

    claims_match_article(article_id=copy.article_id)

    (link,) = _links_between(first, copy)
    assert link.kind == "same"
    assert {"kursk", "soldier", "deploy"} <= set(link.evidence["query_terms"])


def test_a_word_is_skipped_only_when_following_it_would_read_more_than_the_bound() -> None:
    _crowd()
    _analyze()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'claims_claim'::regclass")
        (rows,) = cursor.fetchone()
    # In 60 claims every word is common by share; none is common by count.
    assert 0 < rows * 1.0 < MAX_TERM_ROWS
    origin = make_source(name="Governor", kind="official")
    text = "Russian soldiers deployed to the Russia border."
    a = claim_saying(text, origin=origin, outlet=make_source(name="One", kind="outlet"))
    b = _copy(text, origin=origin, outlet=make_source(name="Two", kind="outlet"))
    claims_match_article(article_id=b.article_id)
    assert len(_links_between(a, b)) == 1
