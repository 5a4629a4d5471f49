"""Reads for ClaimReview (`claims.claimreview`): a claim's verdict and what the review cites, in
one query."""

from __future__ import annotations

from django.db import connection

from claims.claimreview import ReviewRow

# The verdict's date: the latest editorial change of the claim's verification status or
# credibility (the audit trail's contexts), else the latest recorded change of the claim's row
# at all (an admin's or a script's), else its creation (the table has no updated-at column).
_REVIEW_SQL = """
SELECT c.id, c.text, c.verification_status, c.credibility_override,
       COALESCE(
         (SELECT max(x.created_at) FROM audit_auditchange ch
            JOIN audit_auditcontext x ON x.id = ch.context_id
           WHERE ch."table" = 'claims_claim' AND ch.object_id = c.id
             AND x.action IN ('claim.verification', 'claim.credibility')),
         (SELECT max(ch.created_at) FROM audit_auditchange ch
           WHERE ch."table" = 'claims_claim' AND ch.object_id = c.id),
         c.created_at),
       a.title, a.url, a.published_at, outlet.name, origin.name, origin.kind
  FROM claims_claim c
  JOIN sources_article a ON a.id = c.article_id
  LEFT JOIN sources_source outlet ON outlet.id = a.outlet_id
  LEFT JOIN claims_attribution head ON head.claim_id = c.id AND head.position = 0
  LEFT JOIN sources_source origin ON origin.id = head.source_id
 WHERE c.id = %s
"""


def claim_review_row(*, claim_id: int) -> ReviewRow | None:
    """What the claim's ClaimReview says, or None when there is no such claim. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_REVIEW_SQL, [claim_id])
        found = cursor.fetchone()
    if found is None:
        return None
    (pk, text, status, override, verdict_at, title, url, published, outlet, origin, kind) = found
    return ReviewRow(
        claim_id=pk,
        text=text,
        verification_status=status,
        credibility_override=override,
        verdict_at=verdict_at,
        article_title=title,
        article_url=url,
        article_published_at=published,
        outlet_name=outlet,
        origin_name=origin,
        origin_kind=kind,
    )
