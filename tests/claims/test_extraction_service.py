from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from articles.processing import (
    RetryableExtractionError,
    article_claim_for_extraction,
    claims_extract_for_article,
)
from articles.services import article_reextract
from articles.store import ExtractOutcome, claims_store_extraction
from claims.models import Attribution, Claim, Figure
from sources.models import Article, ArticleStatus
from tests.conftest import SEED
from tests.factories import make_article

pytestmark = pytest.mark.django_db

WIRE = (
    "The defence ministry said on Monday that 1,200 troops had been sent to the border region.\n"
    "According to Reuters, the deployment was expected to last several weeks."
)


def _queued(body: str = WIRE, **fields) -> Article:  # type: ignore[no-untyped-def]
    return make_article(body=body, status=ArticleStatus.QUEUED, **fields)


def test_extracting_an_article_stores_its_claims_and_marks_it_done() -> None:
    article = _queued(published_at=dt.datetime(2024, 11, 8, 12, tzinfo=dt.UTC))
    assert claims_extract_for_article(article_id=article.pk, owner="t1") == ExtractOutcome.DONE
    article.refresh_from_db()
    assert article.status == ArticleStatus.DONE
    assert article.attempts == 1
    assert article.extractor_version
    claims = list(Claim.objects.filter(article=article).order_by("start"))
    assert claims
    assert all(c.extractor_version == article.extractor_version for c in claims)
    assert all(article.body[c.start : c.end] == c.text for c in claims)
    assert Figure.objects.filter(claim__article=article, value=1200).exists()


def test_the_seed_article_claim_about_relocating_soldiers_has_the_nis_then_yonhap_chain() -> None:
    article = _queued(body=SEED.read_text(encoding="utf-8"))
    claims_extract_for_article(article_id=article.pk, owner="t1")
    claim = Claim.objects.get(article=article, text__contains="relocating thousands of soldiers")
    chain = list(
        Attribution.objects.filter(claim=claim)
        .order_by("position")
        .values_list("source__name", flat=True)
    )
    assert len(chain) == 2
    assert "Intelligence" in chain[0] or chain[0] == "NIS"
    assert "Yonhap" in chain[1]


def test_running_the_extraction_twice_leaves_exactly_one_set_of_claims() -> None:
    article = _queued()
    claims_extract_for_article(article_id=article.pk, owner="t1")
    count = Claim.objects.filter(article=article).count()
    assert claims_extract_for_article(article_id=article.pk, owner="t2") == ExtractOutcome.SKIPPED
    assert Claim.objects.filter(article=article).count() == count


def test_reextraction_replaces_the_claims_instead_of_adding_to_them() -> None:
    article = _queued()
    claims_extract_for_article(article_id=article.pk, owner="t1")
    before = set(Claim.objects.filter(article=article).values_list("pk", flat=True))
    article_reextract(article_id=article.pk)
    assert claims_extract_for_article(article_id=article.pk, owner="t2") == ExtractOutcome.DONE
    after = set(Claim.objects.filter(article=article).values_list("pk", flat=True))
    assert len(after) == len(before)
    assert not before & after


def test_a_live_lease_keeps_a_second_worker_out() -> None:
    article = _queued()
    assert article_claim_for_extraction(article_id=article.pk, owner="a") is not None
    assert article_claim_for_extraction(article_id=article.pk, owner="b") is None


def test_a_redelivered_copy_of_the_same_task_cannot_take_a_live_lease() -> None:
    # Regression: Redis redelivers an unacknowledged message with the same task id after the
    # visibility timeout; that copy once re-took its own lease and ran beside the first.
    article = _queued()
    assert article_claim_for_extraction(article_id=article.pk, owner="task-1") is not None
    assert article_claim_for_extraction(article_id=article.pk, owner="task-1") is None


def test_a_database_error_while_storing_hands_the_article_back_for_the_retry(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("articles.processing.claims_store_extraction", broken)
    article = _queued()
    with pytest.raises(OperationalError):
        claims_extract_for_article(article_id=article.pk, owner="t1")
    article.refresh_from_db()
    assert article.status == ArticleStatus.QUEUED and article.lease_owner == ""


def test_an_expired_lease_can_be_taken_over_and_the_old_worker_cannot_write() -> None:
    from articles.processing import get_extractor

    article = _queued()
    assert article_claim_for_extraction(article_id=article.pk, owner="slow") is not None
    Article.objects.filter(pk=article.pk).update(
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert article_claim_for_extraction(article_id=article.pk, owner="fast") is not None
    result = get_extractor().extract(article.body)
    assert (
        claims_store_extraction(article_id=article.pk, owner="slow", result=result)
        == ExtractOutcome.LOST_LEASE
    )
    assert not Claim.objects.filter(article=article).exists()
    assert (
        claims_store_extraction(article_id=article.pk, owner="fast", result=result)
        == ExtractOutcome.DONE
    )


class _BrokenExtractor:
    def extract(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("model exploded")


def test_a_failed_extraction_records_the_error_and_requeues_while_attempts_remain(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("articles.processing.get_extractor", lambda: _BrokenExtractor())
    article = _queued()
    with pytest.raises(RetryableExtractionError):
        claims_extract_for_article(article_id=article.pk, owner="t1")
    article.refresh_from_db()
    assert article.status == ArticleStatus.QUEUED
    assert "model exploded" in article.error


def test_the_last_failed_attempt_marks_the_article_failed(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXTRACTION_MAX_ATTEMPTS = 1
    monkeypatch.setattr("articles.processing.get_extractor", lambda: _BrokenExtractor())
    article = _queued()
    assert claims_extract_for_article(article_id=article.pk, owner="t1") == ExtractOutcome.FAILED
    article.refresh_from_db()
    assert article.status == ArticleStatus.FAILED
    assert "RuntimeError: model exploded" in article.error
    assert article.lease_owner == ""


def test_the_store_gives_every_field_it_does_not_write_its_model_default() -> None:
    # The store INSERTs its rows in one statement of its own instead of bulk_create; a field
    # added to the model later must still get its default there.
    before = timezone.now()
    article = _queued(published_at=dt.datetime(2024, 11, 8, 12, tzinfo=dt.UTC))
    claims_extract_for_article(article_id=article.pk, owner="t1")
    claim = Claim.objects.filter(article=article).order_by("start").first()
    assert claim is not None
    defaults = Claim(article=article)
    for field in (
        "verification_status",
        "version",
        "edited",
        "credibility_override",
        "independent_origins",
        "corroboration",
    ):
        assert getattr(claim, field) == getattr(defaults, field), field
    assert claim.created_at >= before
    assert Claim.objects.filter(pk=claim.pk, search_vector="troops").exists()
    assert Figure.objects.get(claim=claim).status == Figure(claim=claim).status


def test_the_store_writes_quotes_percent_signs_and_backslashes_as_written() -> None:
    body = (
        "The ministry said on Monday that 40% of the 1,200 troops in O'Brien\\Ridge had left.\n"
        'According to Reuters, the "withdrawal" was expected to last several weeks.'
    )
    article = _queued(body=body)
    claims_extract_for_article(article_id=article.pk, owner="t1")
    texts = list(Claim.objects.filter(article=article).values_list("text", flat=True))
    assert any("40% of the 1,200 troops in O'Brien\\Ridge" in text for text in texts), texts
    assert all(text in body for text in texts)


def test_the_extraction_writes_each_claims_source_entries_as_the_refresh_derives_them() -> None:
    from claims.models import ClaimSource
    from claims.sort_keys import claims_refresh_sources
    from tests.factories import make_source

    # A dated article of an outlet, the seed's two-hop chains under another outlet, an undated
    # article of none.
    reuters, yonhap = (
        make_source(name="Reuters", kind="news_agency"),
        make_source(name="Yonhap", kind="news_agency"),
    )
    articles = [
        _queued(outlet=reuters, published_at=dt.datetime(2024, 11, 8, 12, tzinfo=dt.UTC)),
        _queued(body=SEED.read_text(encoding="utf-8"), outlet=yonhap),
        _queued(body="Officials said, citing other officials, that 30 people had fled Kherson."),
    ]
    for k, article in enumerate(articles):
        claims_extract_for_article(article_id=article.pk, owner=f"t{k}")
    columns = ("claim_id", "source_id", "published_sort", "origin", "relay")
    written = set(ClaimSource.objects.values_list(*columns))
    assert len(written) > 10
    assert {(source, origin, relay) for _, source, _, origin, relay in written} >= {
        (yonhap.pk, False, True),
        (reuters.pk, False, True),
    }
    ClaimSource.objects.all().delete()
    claims_refresh_sources(claim_ids=Claim.objects.values_list("pk", flat=True))
    assert set(ClaimSource.objects.values_list(*columns)) == written
