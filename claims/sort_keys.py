"""The claims' derived copies for the list: sort keys, weakest link, corroboration and ClaimSource
rows, kept by one function wherever origins and credibility are recomputed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from claims.models import (
    CORROBORATING,
    NO_DATE,
    LinkStatus,
)

# The list's stored sort keys (Claim.published_sort, weakest_reliability, corroboration)
# recomputed from the article, the chain's and the outlet's reliability and the live links: the
# same values `claims.services._claim_row` gives a new claim, for claims whose chain, sources,
# links or article changed since.
_SORT_KEYS_SQL = """
UPDATE claims_claim c
   SET published_sort = v.published_sort, weakest_reliability = v.weakest, corroboration = v.corroboration
  FROM (SELECT k.id,
               COALESCE(a.published_at, %(no_date)s) AS published_sort,
               GREATEST(COALESCE(o.reliability, 'F'),
                        (SELECT max(s.reliability) FROM claims_attribution t
                           JOIN sources_source s ON s.id = t.source_id WHERE t.claim_id = k.id)) AS weakest,
               (SELECT count(*) FROM claims_claimlink l
                 WHERE (l.from_claim_id = k.id OR l.to_claim_id = k.id)
                   AND l.kind = ANY(%(kinds)s) AND l.status <> %(rejected)s) AS corroboration
          FROM claims_claim k
          JOIN sources_article a ON a.id = k.article_id
          LEFT JOIN sources_source o ON o.id = a.outlet_id
         WHERE k.id = ANY(%(ids)s)) AS v
 WHERE c.id = v.id
   AND (c.published_sort, c.weakest_reliability, c.corroboration)
       IS DISTINCT FROM (v.published_sort, v.weakest, v.corroboration)
"""


# Each claim's sources (chain and outlet, once each) with its publication time: ClaimSource.
_CLAIM_SOURCES_SQL = """
WITH fresh AS (
    SELECT claim_id, source_id, min(published_sort) AS published_sort, bool_or(origin) AS origin,
           bool_or(relay) AS relay
      FROM (SELECT t.claim_id, t.source_id, c.published_sort, t.position = 0 AS origin, t.position > 0 AS relay
              FROM claims_attribution t JOIN claims_claim c ON c.id = t.claim_id
             WHERE t.claim_id = ANY(%(ids)s)
            UNION ALL
            SELECT c.id, a.outlet_id, c.published_sort, false, true
              FROM claims_claim c JOIN sources_article a ON a.id = c.article_id
             WHERE c.id = ANY(%(ids)s) AND a.outlet_id IS NOT NULL) AS m
     GROUP BY claim_id, source_id
), gone AS (
    DELETE FROM claims_claimsource s
     WHERE s.claim_id = ANY(%(ids)s)
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.claim_id = s.claim_id AND f.source_id = s.source_id)
)
INSERT INTO claims_claimsource (claim_id, source_id, published_sort, origin, relay)
SELECT claim_id, source_id, published_sort, origin, relay FROM fresh
ON CONFLICT (claim_id, source_id) DO UPDATE
   SET published_sort = EXCLUDED.published_sort, origin = EXCLUDED.origin, relay = EXCLUDED.relay
 WHERE (claims_claimsource.published_sort, claims_claimsource.origin, claims_claimsource.relay)
       IS DISTINCT FROM (EXCLUDED.published_sort, EXCLUDED.origin, EXCLUDED.relay)
"""


def claims_refresh_sort_keys(*, claim_ids: Iterable[int]) -> int:
    """Recompute the stored list sort keys of these claims (one UPDATE that writes only the rows
    whose keys changed) and their ClaimSource rows. Returns how many claims changed."""
    ids = sorted({int(c) for c in claim_ids})
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _SORT_KEYS_SQL,
            {
                "ids": ids,
                "no_date": NO_DATE,
                "kinds": [str(k) for k in CORROBORATING],
                "rejected": str(LinkStatus.REJECTED),
            },
        )
        changed = int(cursor.rowcount)
    claims_refresh_sources(claim_ids=ids)
    return changed


def claims_refresh_sources(*, claim_ids: Iterable[int]) -> None:
    """Write these claims' ClaimSource rows from their chains and articles (one statement: new
    rows in, changed rows updated, rows of sources no longer there out). Extraction calls it for
    the claims it has just stored."""
    ids = sorted({int(c) for c in claim_ids})
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SOURCES_SQL, {"ids": ids})
