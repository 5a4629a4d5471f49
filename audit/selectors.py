from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from audit.models import AuditChange, AuditContext


@dataclass(frozen=True)
class HistoryEntry:
    context: AuditContext | None
    changes: list[AuditChange]

    @property
    def when(self) -> Any:
        return self.context.created_at if self.context else self.changes[0].created_at


def history_for(
    *,
    objects: list[tuple[str, int]],
    related: list[tuple[str, str, int]] | None = None,
    reviewed: list[tuple[str, str, int]] | None = None,
    limit: int = 100,
) -> list[HistoryEntry]:
    """The audit history of some rows, newest first, grouped by editorial context.

    `objects` are (table, id) pairs; `related` are (table, json key, id) for child rows that
    point at the object (a claim's attributions: ("claims_attribution", "claim_id", 12));
    `reviewed` the same for rows whose editorial changes only belong in the history (a link's
    review, not the matcher's rescoring of it). Two queries whatever the number of entries.
    """
    q = Q()
    for table, object_id in objects:
        q |= Q(table=table, object_id=object_id)
    for table, key, object_id in related or []:
        q |= Q(table=table) & (
            Q(**{f"before__{key}": object_id}) | Q(**{f"after__{key}": object_id})
        )
    for table, key, object_id in reviewed or []:
        q |= Q(table=table, context__isnull=False) & (
            Q(**{f"before__{key}": object_id}) | Q(**{f"after__{key}": object_id})
        )
    changes = list(AuditChange.objects.filter(q).select_related("context").order_by("-id")[:limit])
    grouped: dict[Any, HistoryEntry] = {}
    for change in changes:
        key = change.context_id or f"system-{change.pk}"
        if key not in grouped:
            grouped[key] = HistoryEntry(context=change.context, changes=[])
        grouped[key].changes.append(change)
    return list(grouped.values())


def claim_history(claim_id: int) -> list[HistoryEntry]:
    return history_for(
        objects=[("claims_claim", claim_id)],
        related=[
            ("claims_attribution", "claim_id", claim_id),
            ("claims_figure", "claim_id", claim_id),
        ],
        # A link's review shows in the history of both its claims.
        reviewed=[
            ("claims_claimlink", "from_claim_id", claim_id),
            ("claims_claimlink", "to_claim_id", claim_id),
        ],
    )


def source_history(source_id: int) -> list[HistoryEntry]:
    return history_for(
        objects=[("sources_source", source_id)],
        related=[("sources_sourcealias", "source_id", source_id)],
    )


def feed_history(feed_id: int) -> list[HistoryEntry]:
    return history_for(objects=[("feeds_feed", feed_id)])
