"""Writes for watchlists: saving, changing and deleting them (audited), and the check that finds
what newly matches them. Keyword-only, typed; named <entity>_<action>.

The check runs as the task `watchlists.check`, sent by name after extraction stores an
article's claims (new claims) and after matching links them (new `contradicts` links; the
claims again, now with their origin counts). A watchlist matches a claim when the claims list,
with the watchlist's filters, lists it: the same selector (`claims.selectors.claim_list`),
restricted to the batch's claims, for every watchlist in one query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import BigIntegerField, Max, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from audit.services import audit_context
from claims.models import Claim, ClaimLink, LinkKind, LinkStatus
from claims.selectors import ClaimFilters, claim_list
from core import queue
from core.access import Role, role_of
from core.errors import ApplicationError
from feeds.services import valid_url
from watchlists.models import Watchlist, WebhookDelivery
from watchlists.query import watchlist_filters, watchlist_query_normalized
from watchlists.webhooks import webhook_body

logger = logging.getLogger(__name__)

DELIVER_TASK = "watchlists.deliver"
MAX_NAME = 200
NEW_CLAIM, CONTRADICTED = "new_claim", "contradicted"  # watchlists.models.MatchReason
# Watchlists per UNION query of the check; a database with more watchlists asks in chunks.
CHECK_CHUNK = 100


# ------------------------------------------------------------------------------ saving


def _owner(actor: Any) -> Any:
    if role_of(actor) == Role.ANONYMOUS:
        raise ApplicationError(
            "Sign in to save watchlists.", code="not_authenticated", status_code=401
        )
    return actor


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Give the watchlist a name.", code="required", field="name")
    if len(name) > MAX_NAME:
        raise ApplicationError(
            f"A watchlist's name is at most {MAX_NAME} characters.", field="name"
        )
    return name


def _query(query: str) -> str:
    normalized = watchlist_query_normalized(query)
    if len(normalized) > 2000:
        raise ApplicationError("The query is longer than 2,000 characters.", field="query")
    watchlist_filters(normalized)  # raises, naming the parameter, when it is not a claims view
    return normalized


def _webhook_url(url: str) -> str:
    return valid_url(url, field="webhook_url") if url.strip() else ""


def _claims_high_water() -> int:
    return int(Claim.objects.aggregate(top=Max("pk"))["top"] or 0)


def watchlist_create(*, actor: Any, name: str, query: str, webhook_url: str = "") -> Watchlist:
    """Save a claims view as the actor's watchlist. Claims that exist now never alert as new."""
    owner = _owner(actor)
    fields = {"name": _name(name), "query": _query(query), "webhook_url": _webhook_url(webhook_url)}
    with audit_context(actor=actor, action="watchlist.create"):
        watchlist: Watchlist = Watchlist.objects.create(
            owner=owner, since_claim_id=_claims_high_water(), **fields
        )
    return watchlist


def watchlist_update(
    *,
    actor: Any,
    watchlist_id: int,
    name: str | None = None,
    query: str | None = None,
    webhook_url: str | None = None,
) -> Watchlist:
    """Change what is given. A new query starts afresh: claims that exist now are not new."""
    _owner(actor)
    fields: dict[str, Any] = {}
    if name is not None:
        fields["name"] = _name(name)
    if query is not None:
        fields["query"] = _query(query)
    if webhook_url is not None:
        fields["webhook_url"] = _webhook_url(webhook_url)
    with audit_context(actor=actor, action="watchlist.update"):
        watchlist: Watchlist | None = (
            Watchlist.objects.owned_by(actor).select_for_update().filter(pk=watchlist_id).first()
        )
        if watchlist is None:
            raise ApplicationError(
                f"There is no watchlist {watchlist_id} of yours.",
                code="not_found",
                status_code=404,
            )
        if "query" in fields and fields["query"] != watchlist.query:
            fields["since_claim_id"] = _claims_high_water()
        for key, value in fields.items():
            setattr(watchlist, key, value)
        watchlist.save(update_fields=[*fields, "updated_at"])
    return watchlist


def watchlist_delete(*, actor: Any, watchlist_id: int) -> None:
    _owner(actor)
    with audit_context(actor=actor, action="watchlist.delete"):
        deleted, _ = Watchlist.objects.owned_by(actor).filter(pk=watchlist_id).delete()
        if not deleted:
            # Raised inside the context, so its transaction (and the empty audit context) rolls back.
            raise ApplicationError(
                f"There is no watchlist {watchlist_id} of yours.",
                code="not_found",
                status_code=404,
            )


# ------------------------------------------------------------------------------ the check


@dataclasses.dataclass(frozen=True)
class CheckReport:
    claims: int
    watchlists: int
    new_matches: int
    deliveries: int


def _candidates(filters: ClaimFilters, claim_ids: list[int]) -> QuerySet[Claim]:
    """The claims list's selector with these filters, restricted to `claim_ids`.

    Full-text search is applied here rather than by the selector: `claim_list` first probes the
    newest claims to choose between walking the list's index and the GIN index (a query per
    call), which only matters for a page of the whole list; for a handful of ids both plans
    give the same rows, and the probe would cost a query per watchlist."""
    qs = claim_list(filters=dataclasses.replace(filters, search=None))
    if filters.search and filters.search.strip():
        qs = qs.filter(
            search_vector=SearchQuery(filters.search, config="english", search_type="websearch")
        )
    return qs.filter(pk__in=claim_ids).order_by()


def _matching(
    watchlists: list[tuple[Watchlist, ClaimFilters]], claim_ids: list[int], *, new_only: bool
) -> set[tuple[int, int]]:
    """(watchlist id, claim id) for each of `claim_ids` each watchlist lists: one UNION ALL
    query per CHECK_CHUNK watchlists (plus one per watchlist filtered by a source *name*, which
    the selector resolves to ids first), however many claims."""
    if not claim_ids or not watchlists:
        return set()
    found: set[tuple[int, int]] = set()
    for start in range(0, len(watchlists), CHECK_CHUNK):
        parts = []
        for watchlist, filters in watchlists[start : start + CHECK_CHUNK]:
            qs = _candidates(filters, claim_ids)
            if new_only:
                qs = qs.filter(pk__gt=watchlist.since_claim_id)
            parts.append(
                qs.annotate(w=Value(watchlist.pk, output_field=BigIntegerField())).values_list(
                    "w", "pk"
                )
            )
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        found.update((int(w), int(c)) for w, c in union)
    return found


def _parsed(watchlists: Iterable[Watchlist]) -> list[tuple[Watchlist, ClaimFilters]]:
    out = []
    for watchlist in watchlists:
        try:
            out.append((watchlist, watchlist_filters(watchlist.query)))
        except ApplicationError as exc:
            # Validated when saved; a query the API no longer accepts is skipped, not fatal.
            logger.warning("Watchlist %s has a query the API refuses: %s", watchlist.pk, exc)
    return out


_INSERT_MATCHES = """
INSERT INTO watchlists_watchlistmatch (watchlist_id, claim_id, reason, link_id, matched_at)
SELECT w, c, r, l, %s FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bigint[]) AS t(w, c, r, l)
ON CONFLICT DO NOTHING
RETURNING id, watchlist_id
"""


def _insert_matches(
    rows: list[tuple[int, int, str, int | None]], now: dt.datetime
) -> list[tuple[int, int]]:
    """Insert (watchlist, claim, reason, link) rows; the ones already there (a check run twice:
    after extraction and after matching, a redelivered task) are skipped by the unique
    constraints. Returns (match id, watchlist id) of the rows inserted: what is new."""
    if not rows:
        return []
    w, c, r, link = (list(col) for col in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_MATCHES, [now, w, c, r, link])
        return [(int(i), int(wid)) for i, wid in cursor.fetchall()]


def watchlists_check(*, article_ids: list[int], links: bool) -> CheckReport:
    """Record what the articles' claims newly match, and (with `links`) each contradicts link
    touching one of their claims whose either end a watchlist lists; then make one webhook
    delivery per watchlist with a webhook and new matches, sent after commit.

    Idempotent: running it again finds the same rows and inserts nothing. A fixed number of
    queries whatever the number of claims (see `_matching`)."""
    claim_ids = list(
        Claim.objects.filter(article_id__in=article_ids).order_by("pk").values_list("pk", flat=True)
    )
    if not claim_ids:
        return CheckReport(claims=0, watchlists=0, new_matches=0, deliveries=0)
    watchlists = _parsed(Watchlist.objects.order_by("pk"))
    now = timezone.now()
    rows: list[tuple[int, int, str, int | None]] = [
        (w, c, NEW_CLAIM, None) for w, c in sorted(_matching(watchlists, claim_ids, new_only=True))
    ]
    if links:
        contradictions = list(
            ClaimLink.objects.filter(kind=LinkKind.CONTRADICTS)
            .exclude(status=LinkStatus.REJECTED)
            .filter(Q(from_claim__in=claim_ids) | Q(to_claim__in=claim_ids))
            .values_list("pk", "from_claim_id", "to_claim_id", "created_at")
        )
        ends = sorted({c for _, a, b, _ in contradictions for c in (a, b)})
        listed = _matching(watchlists, ends, new_only=False)
        created_at = {w.pk: w.created_at for w, _ in watchlists}
        by_watchlist: dict[int, set[int]] = defaultdict(set)
        for w, c in listed:
            by_watchlist[w].add(c)
        rows += [
            (w, end, CONTRADICTED, link_id)
            for w, claims in sorted(by_watchlist.items())
            for link_id, a, b, linked_at in contradictions
            if linked_at >= created_at[w]  # a link older than the watchlist is no news
            for end in (a, b)
            if end in claims
        ]
    with transaction.atomic():
        inserted = _insert_matches(rows, now)
        deliveries = _deliveries_make(inserted, {w.pk: w for w, _ in watchlists})
        Watchlist.objects.filter(pk__in=[w.pk for w, _ in watchlists]).update(
            last_checked_at=now,
            last_checked_claim_id=Greatest("last_checked_claim_id", Value(max(claim_ids))),
        )
        ids = [d.pk for d in deliveries]
        if ids:
            transaction.on_commit(lambda: _deliveries_send(ids))
    return CheckReport(
        claims=len(claim_ids),
        watchlists=len(watchlists),
        new_matches=len(inserted),
        deliveries=len(deliveries),
    )


def _deliveries_send(delivery_ids: list[int]) -> None:
    for pk in delivery_ids:
        queue.send(DELIVER_TASK, args=[pk])


def _deliveries_make(
    inserted: list[tuple[int, int]], watchlists: dict[int, Watchlist]
) -> list[WebhookDelivery]:
    """One delivery per watchlist with a webhook and new matches; the body is built now, so
    every attempt sends (and signs) the same bytes."""
    by_watchlist: dict[int, list[int]] = defaultdict(list)
    for match_id, w in inserted:
        if watchlists[w].webhook_url:
            by_watchlist[w].append(match_id)
    if not by_watchlist:
        return []
    bodies = webhook_body(
        watchlists=[watchlists[w] for w in by_watchlist],
        match_ids=[m for ids in by_watchlist.values() for m in ids],
    )
    made: list[WebhookDelivery] = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                watchlist_id=w,
                url=watchlists[w].webhook_url,
                body=bodies[w].text,
                digest=bodies[w].digest,
                match_count=len(ids),
            )
            for w, ids in by_watchlist.items()
        ]
    )
    return made
