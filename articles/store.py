"""Storing an extraction: an article's claims, chains, figures and dates in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from articles.enqueue import matching_enqueue, watchlists_enqueue
from claims.credibility import credibility_compute, weakest_link
from claims.models import NO_DATE, Attribution, Claim, ClaimDate, ClaimLink, ClaimSource, Figure
from extraction.types import ClaimResult, ExtractionResult
from sources.models import Article, ArticleStatus, Reliability, Source
from sources.services import SourceSpec, sources_resolve


class ExtractOutcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"  # not queued, or another worker holds a live lease
    LOST_LEASE = "lost_lease"  # our lease expired and another worker took the article over
    FAILED = "failed"


def claims_store_extraction(
    *, article_id: int, owner: str, result: ExtractionResult
) -> ExtractOutcome:
    """Replace the article's claims with `result` in one transaction, if we still hold the lease."""
    return claims_store_extractions(owner=owner, results={article_id: result})[article_id]


def claims_store_extractions(
    *, owner: str, results: dict[int, ExtractionResult]
) -> dict[int, ExtractOutcome]:
    """Replace each article's claims with its result, in one transaction for all of them and
    with one query per table, for the articles whose lease we still hold (the others:
    LOST_LEASE). Storing cost as much as extracting when it took 13 queries per article."""
    if not results:
        return {}
    # Sources first, committed at once (each statement its own transaction): created inside the
    # batch's transaction, a new source stayed uncommitted until the whole batch was stored, and
    # another worker creating the same source waited on its unique index all that time. A
    # source created for a batch that then rolls back is still a right source for its name.
    sources = sources_resolve(
        specs=[
            SourceSpec(name=ref.name, kind=str(ref.kind), country=ref.country or "")
            for result in results.values()
            for claim in result.claims
            for ref in claim.sources
        ]
    )
    outcomes = dict.fromkeys(results, ExtractOutcome.LOST_LEASE)
    with transaction.atomic():
        # Row locks, in id order: a worker whose lease expired mid-extraction cannot write over
        # the worker that took the article over, and re-extraction replaces old claims atomically.
        articles = list(
            Article.objects.select_for_update(of=("self",))
            .select_related("outlet")
            .filter(pk__in=list(results), status=ArticleStatus.PROCESSING, lease_owner=owner)
            .order_by("pk")
        )
        if not articles:
            return outcomes
        # Editors' corrections survive re-extraction: claims an editor touched stay as they are,
        # and a newly extracted claim that overlaps one of them is dropped in its favour.
        kept: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for article_id, start, end in Claim.objects.filter(
            article__in=articles, edited=True
        ).values_list("article_id", "start", "end"):
            kept[article_id].append((start, end))
        # The claims about to be replaced take their links with them. A link whose claims come
        # back unchanged (the same text at the same place) is carried over to the new claim
        # below; the others' partners have their origin counts recomputed by the matching that
        # runs after this commit, which also re-proposes links for the claims that changed.
        # Their ids first: on a first extraction there are none, and the links' query (an OR of
        # two subqueries, planned as a scan of the claims, ~2 ms a batch) and the delete are skipped.
        replaced = {
            pk: (article_id, start, end, text)
            for pk, article_id, start, end, text in Claim.objects.filter(
                article__in=articles, edited=False
            ).values_list("id", "article_id", "start", "end", "text")
        }
        partners: dict[int, list[int]] = defaultdict(list)
        carried: list[dict[str, Any]] = []
        if replaced:
            carried = list(
                ClaimLink.objects.filter(
                    Q(from_claim__in=replaced) | Q(to_claim__in=replaced)
                ).values(*_LINK_FIELDS, "from_claim__article_id", "to_claim__article_id")
            )
            for link in carried:
                for end in ("from_claim", "to_claim"):
                    article_id = link.pop(f"{end}__article_id")
                    if article_id in results and link[f"{end}_id"] in replaced:
                        partners[article_id] += [link["from_claim_id"], link["to_claim_id"]]
            Claim.objects.filter(pk__in=list(replaced), edited=False).delete()
        rows = [
            (article, extracted)
            for article in articles
            for extracted in results[article.pk].claims
            if not any(
                extracted.start < end and start < extracted.end for start, end in kept[article.pk]
            )
        ]
        claim_rows = [
            _claim_row(
                article=article,
                extracted=extracted,
                sources=sources,
                version=results[article.pk].version,
            )
            for article, extracted in rows
        ]
        claim_ids = _rows_insert(Claim, claim_rows)
        stored = list(zip(claim_ids, (extracted for _, extracted in rows), strict=True))
        if carried:
            _links_carry_over(carried, replaced=replaced, rows=claim_rows, claim_ids=claim_ids)
        _rows_insert(
            Attribution,
            [
                {
                    "claim_id": claim_id,
                    "source_id": sources[ref.name.casefold()].pk,
                    "position": position,
                    "mention": ref.mention[:300],
                    "cue": ref.cue[:200],
                    "start": ref.start,
                    "end": ref.end,
                    "inherited": ref.inherited,
                }
                for claim_id, extracted in stored
                for position, ref in enumerate(extracted.sources)
            ],
        )
        _rows_insert(
            Figure,
            [
                {
                    "claim_id": claim_id,
                    "value": q.value,
                    "low": q.low,
                    "high": q.high,
                    "unit": q.unit[:200],
                    "text": q.text[:200],
                    "approximate": q.approximate,
                    "qualifier": (q.qualifier or "")[:50],
                    "start": q.start,
                    "end": q.end,
                }
                for claim_id, extracted in stored
                for q in extracted.quantities
            ],
        )
        _rows_insert(
            ClaimDate,
            [
                {
                    "claim_id": claim_id,
                    "text": d.text[:100],
                    "value": d.value,
                    "start": d.start,
                    "end": d.end,
                }
                for claim_id, extracted in stored
                for d in extracted.dates
            ],
        )
        # Their ClaimSource rows, as `claims.links.claims_refresh_sources` derives them (a test
        # holds the two equal), written from what is at hand: that statement's joins, grouping
        # and upsert cost the database ~0.35 ms per article.
        _rows_insert(
            ClaimSource,
            [
                {
                    "claim_id": claim_id,
                    "source_id": source_id,
                    "published_sort": row["published_sort"],
                    "origin": origin,
                    "relay": relay,
                }
                for claim_id, row, (article, extracted) in zip(
                    claim_ids, claim_rows, rows, strict=True
                )
                for source_id, (origin, relay) in _claim_source_flags(
                    article, extracted, sources
                ).items()
            ],
        )
        by_version: dict[str, list[int]] = defaultdict(list)
        for article in articles:
            by_version[results[article.pk].version].append(article.pk)
        for version, ids in by_version.items():
            Article.objects.filter(pk__in=ids).update(
                status=ArticleStatus.DONE,
                processed_at=timezone.now(),
                extractor_version=version,
                error="",
                lease_owner="",
                lease_expires_at=None,
            )
        # Matching reads the committed claims of other articles, so it runs as its own task once
        # this transaction is visible; a lost enqueue only delays links (re-extraction redoes it).
        stored_ids = [article.pk for article in articles]
        outcomes.update(dict.fromkeys(stored_ids, ExtractOutcome.DONE))
        # One task for the whole batch: a message per article cost more CPU than storing it.
        transaction.on_commit(
            lambda: matching_enqueue(articles={pk: partners[pk] for pk in stored_ids})
        )
        transaction.on_commit(lambda: watchlists_enqueue(article_ids=stored_ids))
    return outcomes


# What a link carried over to a re-extracted claim keeps: its kind, score, review and evidence.
_LINK_FIELDS = (
    "from_claim_id",
    "to_claim_id",
    "kind",
    "score",
    "status",
    "evidence",
    "reviewed_by_id",
    "reviewed_at",
)


def _links_carry_over(
    links: list[dict[str, Any]],
    *,
    replaced: dict[int, tuple[int, int, int, str]],
    rows: list[dict[str, Any]],
    claim_ids: list[int],
) -> None:
    """Re-create the links of replaced claims that came back unchanged (same article, start,
    end and text), between the new claims' ids; a link one of whose replaced claims did not come
    back is left deleted."""
    new_ids = {
        (row["article_id"], row["start"], row["end"], row["text"]): pk
        for row, pk in zip(rows, claim_ids, strict=True)
    }

    def now_id(claim_id: int) -> int | None:
        if claim_id not in replaced:
            return claim_id
        return new_ids.get(replaced[claim_id])

    kept = []
    for link in links:
        from_id, to_id = now_id(link["from_claim_id"]), now_id(link["to_claim_id"])
        if from_id is not None and to_id is not None:
            kept.append({**link, "from_claim_id": from_id, "to_claim_id": to_id})
    if kept:
        # ignore_conflicts: a link whose two ends were both replaced in this batch is listed twice.
        ClaimLink.objects.bulk_create([ClaimLink(**link) for link in kept], ignore_conflicts=True)


def _claim_source_flags(
    article: Article, extracted: ClaimResult, sources: dict[str, Source]
) -> dict[int, tuple[bool, bool]]:
    """{source id: (origin, relay)} of a claim: each source of its chain (the origin at position
    0, relays after it) and its article's outlet (a relay), once each."""
    flags: dict[int, tuple[bool, bool]] = {}
    for position, ref in enumerate(extracted.sources):
        source_id = sources[ref.name.casefold()].pk
        origin, relay = flags.get(source_id, (False, False))
        flags[source_id] = (origin or position == 0, relay or position > 0)
    if article.outlet_id is not None:
        flags[article.outlet_id] = (flags.get(article.outlet_id, (False, False))[0], True)
    return flags


def _claim_row(
    *, article: Article, extracted: ClaimResult, sources: dict[str, Source], version: str
) -> dict[str, Any]:
    chain = [sources[ref.name.casefold()].reliability for ref in extracted.sources]
    if article.outlet is not None:
        chain.append(article.outlet.reliability)
    grade, reason = credibility_compute(chain_reliabilities=chain, hedged=extracted.hedged)
    weakest = weakest_link(chain + ([] if article.outlet is not None else [Reliability.F]))
    sentence_start = article.body.find(
        extracted.sentence, max(0, extracted.start - len(extracted.sentence))
    )
    if sentence_start < 0 or sentence_start > extracted.start:
        sentence_start = extracted.start
    return {
        "article_id": article.pk,
        "text": extracted.text,
        "start": extracted.start,
        "end": extracted.end,
        "sentence_index": extracted.sentence_index,
        "sentence_start": sentence_start,
        "sentence_end": max(sentence_start + len(extracted.sentence), extracted.end),
        "kind": str(extracted.kind),
        "cue": extracted.cue[:200],
        "hedged": extracted.hedged,
        "hedge_cues": [cue[:100] for cue in extracted.hedge_cues],
        "credibility": int(grade),
        "credibility_reason": reason[:300],
        "extractor_version": version,
        "published_on": article.published_at.astimezone(dt.UTC).date()
        if article.published_at
        else None,
        "published_sort": article.published_at or NO_DATE,
        "weakest_reliability": str(weakest),
    }


def _rows_insert(model: type[Model], rows: list[dict[str, Any]]) -> list[int]:
    """INSERT these rows (attribute name -> value, the same names in every row) in one statement;
    returns their ids in row order. A field the rows leave out gets its model default.

    The extraction's store used `bulk_create`, which compiles every value of every row through
    Django's field machinery: about 1 ms of a worker's CPU per article (~9 claims with their
    attributions, figures and dates), a third of the whole store (bench/README.md). The values
    here are plain Python values (str, int, float, bool, None, date, aware datetime, list of
    str) that psycopg2 adapts itself, row by row in C.
    """
    if not rows:
        return []
    meta = model._meta
    given = list(rows[0])
    defaults: dict[str, Any] = {}
    for field in meta.concrete_fields:
        if field.primary_key or field.generated or field.attname in rows[0]:
            continue
        value = timezone.now() if getattr(field, "auto_now_add", False) else field.get_default()
        defaults[field.column] = field.get_db_prep_save(value, connection)
    columns = [meta.get_field(name).column for name in given] + list(defaults)
    fixed = list(defaults.values())
    quote = connection.ops.quote_name
    template = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        values = b", ".join(
            cursor.mogrify(template, [*(row[name] for name in given), *fixed]) for row in rows
        )
        # Our table and column names; the values were quoted by mogrify, no parameters are left.
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES {values.decode()} RETURNING {quote(meta.pk.column)}"
        )
        return [pk for (pk,) in cursor.fetchall()]
