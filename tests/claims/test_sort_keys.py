"""The list's sort keys stored on each claim (publication time, weakest reliability,
corroboration) and its stored full-text vector stay true when what they are derived from changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from articles.processing import claims_extract_for_article
from audit.models import AuditChange
from claims.links import claim_link_review
from claims.models import NO_DATE, Claim, LinkStatus
from claims.origins import claims_article_changed
from claims.selectors import CLAIM_ORDERING_FIELDS, ClaimFilters, claim_list
from claims.sort_keys import claims_refresh_sort_keys
from claims.source_editorial import source_rate
from core.access import Role
from sources.models import Article, ArticleStatus
from tests.editorial.conftest import make_user
from tests.factories import make_article, make_claim, make_claim_link, make_source

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2024, 11, 8, 12, tzinfo=dt.UTC)


@pytest.fixture
def editor() -> User:
    return make_user(Role.EDITOR, "sorter")


def test_a_new_claim_from_extraction_carries_its_articles_time_and_its_weakest_link() -> None:
    outlet = make_source(name="Example Wire", reliability="B")
    body = "According to Reuters, 1,200 troops had been sent to the border region on Monday."
    article = make_article(body=body, status=ArticleStatus.QUEUED, published_at=WHEN, outlet=outlet)
    claims_extract_for_article(article_id=article.pk, owner="t1")
    claim = Claim.objects.get(article=article)
    assert claim.published_sort == WHEN
    reuters = claim.attributions.get().source
    assert claim.weakest_reliability == max(reuters.reliability, "B")
    assert claim.corroboration == 0
    # What the one-statement refresh computes is what the store wrote.
    assert claims_refresh_sort_keys(claim_ids=[claim.pk]) == 0


def test_an_undated_article_without_an_outlet_sorts_first_of_time_and_weakest() -> None:
    claim = make_claim(article=make_article(), sources=[make_source(reliability="A")])
    assert (claim.published_sort, claim.weakest_reliability) == (NO_DATE, "F")


def test_rating_a_source_moves_its_claims_in_the_reliability_filter(editor: User) -> None:
    source = make_source(reliability="B")
    outlet = make_source(name="Daily Example", reliability="A")
    in_chain = make_claim(article=make_article(outlet=outlet, published_at=WHEN), sources=[source])
    published = make_claim(article=make_article(outlet=source, published_at=WHEN), sources=[])
    best = set(claim_list(filters=ClaimFilters(min_reliability="B")).values_list("pk", flat=True))
    assert {in_chain.pk, published.pk} <= best

    source_rate(
        actor=editor,
        source_id=source.pk,
        expected_version=None,
        reliability="E",
        reason="Repeatedly wrong about casualty figures.",
    )

    assert set(
        Claim.objects.filter(pk__in=[in_chain.pk, published.pk]).values_list(
            "weakest_reliability", flat=True
        )
    ) == {"E"}
    assert not {in_chain.pk, published.pk} & set(
        claim_list(filters=ClaimFilters(min_reliability="B")).values_list("pk", flat=True)
    )


def test_rejecting_a_link_lowers_the_corroboration_of_both_claims(editor: User) -> None:
    a, b = make_claim(), make_claim()
    link = make_claim_link(from_claim=a, to_claim=b, kind="same")
    assert Claim.objects.get(pk=a.pk).corroboration == Claim.objects.get(pk=b.pk).corroboration == 1

    claim_link_review(actor=editor, link_id=link.pk, action="reject", reason="Different events.")

    assert link.__class__.objects.get(pk=link.pk).status == LinkStatus.REJECTED
    assert Claim.objects.get(pk=a.pk).corroboration == Claim.objects.get(pk=b.pk).corroboration == 0
    ordered = list(
        claim_list(filters=ClaimFilters(ordering="-corroboration")).values_list("pk", flat=True)
    )
    assert ordered[:2] == sorted([a.pk, b.pk], reverse=True)  # ties: newest publication, then id


def test_changing_an_articles_publication_time_moves_its_claims_in_the_list() -> None:
    old = make_claim(article=make_article(published_at=WHEN))
    new = make_claim(article=make_article(published_at=WHEN + dt.timedelta(days=1)))
    assert list(claim_list(filters=ClaimFilters()).values_list("pk", flat=True))[:2] == [
        new.pk,
        old.pk,
    ]

    later = WHEN + dt.timedelta(days=30)
    Article.objects.filter(pk=old.article_id).update(published_at=later)
    claims_article_changed(article_id=old.article_id)

    moved = Claim.objects.get(pk=old.pk)
    assert (moved.published_sort, moved.published_on) == (later, later.date())
    assert list(claim_list(filters=ClaimFilters()).values_list("pk", flat=True))[:2] == [
        old.pk,
        new.pk,
    ]
    in_range = ClaimFilters(published_from=later.date(), published_until=later.date())
    assert list(claim_list(filters=in_range).values_list("pk", flat=True)) == [old.pk]


def test_an_undated_claim_is_in_no_publication_range() -> None:
    undated = make_claim(article=make_article())
    dated = make_claim(article=make_article(published_at=WHEN))
    until = ClaimFilters(published_until=WHEN.date())
    assert list(claim_list(filters=until).values_list("pk", flat=True)) == [dated.pk]
    assert undated.pk in set(claim_list(filters=ClaimFilters()).values_list("pk", flat=True))


def test_recomputing_sort_keys_leaves_no_audit_rows_and_audit_rows_leave_out_the_vector(
    editor: User,
) -> None:
    a, b = make_claim(), make_claim()
    make_claim_link(from_claim=a, to_claim=b)
    before = AuditChange.objects.count()
    Claim.objects.filter(pk=a.pk).update(corroboration=7, weakest_reliability="A")
    assert claims_refresh_sort_keys(claim_ids=[a.pk, b.pk]) == 1
    assert AuditChange.objects.count() == before
    Claim.objects.filter(pk=a.pk).update(text="Officials said 300 people were evacuated.")
    change = AuditChange.objects.filter(table="claims_claim", object_id=a.pk).latest("id")
    assert change.changed == ["text"]
    assert "search_vector" not in change.after and "text" in change.after


def test_search_reads_the_stored_vector_which_follows_the_text() -> None:
    claim = make_claim(text="Officials said the ceasefire held overnight.")
    assert list(
        claim_list(filters=ClaimFilters(search="ceasefire")).values_list("pk", flat=True)
    ) == [claim.pk]
    Claim.objects.filter(pk=claim.pk).update(text="Officials said the truce held overnight.")
    assert not claim_list(filters=ClaimFilters(search="ceasefire")).exists()
    assert claim_list(filters=ClaimFilters(search="truce")).exists()


def test_every_list_ordering_has_an_index_in_its_exact_order() -> None:
    indexes = {tuple(index.fields) for index in Claim._meta.indexes if index.fields}

    def reversed_(fields: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)

    for ordering, fields in CLAIM_ORDERING_FIELDS.items():
        if fields in (("id",), ("-id",)):
            continue  # the primary key's own index
        assert fields in indexes or reversed_(fields) in indexes, ordering


@pytest.mark.parametrize(
    "query",
    [
        "ceasefire",
        '"grain exports" Odesa',
        "ceasefire -Gaza",
        "hostages OR prisoners",
        "nothing-like-this",
    ],
)
def test_search_finds_the_same_claims_whether_it_walks_the_list_or_reads_the_index(
    query: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    texts = [
        "The ceasefire held in Gaza.",
        "The ceasefire held in Kherson.",
        "Grain exports from Odesa resumed.",
        "Odesa saw grain and exports.",
        "Hostages were freed.",
        "Prisoners were exchanged.",
        "Nothing happened.",
    ]
    for day, text in enumerate(texts, start=1):
        make_claim(article=make_article(published_at=WHEN + dt.timedelta(days=day)), text=text)

    def found(common_hits: int) -> list[int]:
        monkeypatch.setattr("claims.selectors.SEARCH_COMMON_HITS", common_hits)
        return list(claim_list(filters=ClaimFilters(search=query)).values_list("pk", flat=True))

    walked, indexed = found(0), found(10**6)
    assert walked == indexed
    assert (query == "nothing-like-this") == (not walked)
