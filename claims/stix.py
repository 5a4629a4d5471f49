"""A claim graph as a STIX 2.1 bundle. PURE: the rows of `claims.graph` in, a bundle dict out.

What becomes what (docs/stix.md says why):

- a source -> `identity`, with its Admiralty reliability twice: OpenCTI's `x_opencti_reliability`
  ("B - Usually reliable", OpenCTI's `reliability_ov` vocabulary) and the bare grade in
  `x_provenance_reliability` ("B");
- an article -> `report` (`report_types: ["news-article"]`), created by its outlet, its URL an
  external reference, its `object_refs` the claims of it in this bundle;
- a claim -> `note` (the claim's text as `content`), created by its origin source, with the
  Admiralty credibility as STIX `confidence` (the spec's Admiralty scale) and the grade itself;
- an editor's verdict (verification status other than unverified) -> `opinion` on the note;
- each link of a chain -> `relationship` note -> identity: `attributed-to` (position 0, or the
  outlet of an unattributed claim) and `relayed-by` (each later link, then the outlet);
- part_of -> `relationship` identity -> parent identity, `part-of`;
- claim links -> `relationship` note -> note: `duplicate-of` (same), `corroborates`,
  `contradicts`, `updates`.

Ids are UUIDv5 of the project's own ids in a fixed namespace and timestamps come from the rows,
so exporting unchanged data again gives the same bytes, and importing it again updates the
objects instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Annotated, Any, Final, Literal, NotRequired, TypedDict

from claims.graph import ClaimRow, GraphRows, _Chains
from core.shapes import Doc

Json = dict[str, object]


class StixBundle(TypedDict):
    """A STIX 2.1 bundle (https://docs.oasis-open.org/cti/stix/v2.1/stix-v2.1.html)."""

    type: Literal["bundle"]
    id: Annotated[
        str, Doc("bundle--<UUIDv5 of the ids of its objects>: the same for the same objects.")
    ]
    objects: NotRequired[
        Annotated[
            list[dict[str, Any]],
            Doc(
                "identity (sources), report (articles), note (claims), opinion (editors' "
                "verdicts) and relationship (attributed-to, relayed-by, part-of, duplicate-of, "
                "corroborates, contradicts, updates) objects; see docs/stix.md. Absent when "
                "nothing matched (STIX allows no empty list)."
            ),
        ]
    ]


# Never change: every id ever exported derives from it (a new namespace duplicates every object
# in the platforms that imported the old ones).
STIX_NAMESPACE: Final = uuid.UUID("6f1c2a4e-5b7d-4c3e-9a8f-1d2e3c4b5a69")

# OpenCTI's `reliability_ov` vocabulary: the values its `x_opencti_reliability` holds.
OPENCTI_RELIABILITY: Final = {
    "A": "A - Completely reliable",
    "B": "B - Usually reliable",
    "C": "C - Fairly reliable",
    "D": "D - Not usually reliable",
    "E": "E - Unreliable",
    "F": "F - Reliability cannot be judged",
}

# STIX 2.1, appendix A (confidence scales), the Admiralty credibility scale: 6 ("truth cannot be
# judged") has no confidence value, so the property is left out.
ADMIRALTY_CONFIDENCE: Final = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}

# An editor's verification status as the STIX opinion vocabulary says it; unverified has none.
VERDICT_OPINION: Final = {
    "confirmed": "strongly-agree",
    "corroborated": "agree",
    "disputed": "disagree",
    "false": "strongly-disagree",
    "retracted": "strongly-disagree",
}

LINK_RELATIONSHIP: Final = {
    "same": "duplicate-of",
    "corroborates": "corroborates",
    "contradicts": "contradicts",
    "updates": "updates",
}

# The STIX identity class of each source kind (identity-class-ov).
IDENTITY_CLASS: Final = {
    "official": "individual",
    "person": "individual",
    "expert": "individual",
    "unnamed": "unknown",
    "media_reports": "unknown",
    "unconfirmed_reports": "unknown",
    "other": "unknown",
    "armed_group": "group",
}

# Rows with no time at all (hand-made rows; every database row has one) get this one, so the
# bundle stays valid and deterministic.
EPOCH: Final = "1970-01-01T00:00:00.000Z"


def stix_id(kind: str, key: str) -> str:
    """`note--<uuid5>` for the project's own id `key` ("claim:12")."""
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, key)}"


def source_ref(pk: int) -> str:
    return stix_id("identity", f"source:{pk}")


def article_ref(pk: int) -> str:
    return stix_id("report", f"article:{pk}")


def claim_ref(pk: int) -> str:
    return stix_id("note", f"claim:{pk}")


def stix_time(value: str | None) -> str:
    """An ISO 8601 time from a row as a STIX timestamp: UTC, milliseconds, `Z`."""
    if not value:
        return EPOCH
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    parsed = parsed.astimezone(dt.UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}Z"


def _times(created: str | None, *changes: str | None) -> tuple[str, str]:
    """(created, modified): modified is the latest change, never before created."""
    first = stix_time(created)
    latest = max([first, *(stix_time(c) for c in changes if c)])
    return first, latest


def _compact(record: Json) -> Json:
    """STIX forbids null values and empty lists: leave such properties out."""
    return {k: v for k, v in record.items() if v is not None and v != [] and v != ""}


def build_stix(rows: GraphRows, *, producer: str) -> StixBundle:
    """The bundle of `rows`; `producer` names who gives verdicts (the opinions' author)."""
    chains = _Chains.of(rows.attributions)
    sources = {s.id: s for s in rows.sources}
    outlets = {a.id: a.outlet_id for a in rows.articles}
    claims = sorted(rows.claims, key=lambda c: c.id)
    claim_pks = {c.id for c in claims}
    figures: dict[int, list[Json]] = {}
    for figure in sorted(rows.figures, key=lambda f: f.id):
        figures.setdefault(figure.claim_id, []).append(
            _compact(
                {
                    "text": figure.text,
                    "value": figure.value,
                    "low": figure.low,
                    "high": figure.high,
                    "unit": figure.unit,
                    "approximate": figure.approximate,
                    "status": figure.status,
                }
            )
        )

    objects: list[Json] = []
    for source in sorted(rows.sources, key=lambda s: s.id):
        created, modified = _times(source.created_at, source.modified_at)
        objects.append(
            _compact(
                {
                    "type": "identity",
                    "spec_version": "2.1",
                    "id": source_ref(source.id),
                    "created": created,
                    "modified": modified,
                    "name": source.name or f"Source {source.id}",
                    "identity_class": IDENTITY_CLASS.get(source.kind, "organization"),
                    "external_references": [
                        {"source_name": "provenance", "external_id": f"source:{source.id}"}
                    ],
                    "x_opencti_reliability": OPENCTI_RELIABILITY.get(source.reliability),
                    "x_provenance_reliability": source.reliability,
                    "x_provenance_kind": source.kind,
                    "x_provenance_country": source.country,
                }
            )
        )

    by_article: dict[int, list[int]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim.id)
    for article in sorted(rows.articles, key=lambda a: a.id):
        created, modified = _times(article.submitted_at)
        references: list[Json] = [
            {"source_name": "provenance", "external_id": f"article:{article.id}"}
        ]
        if article.url:
            outlet = sources.get(article.outlet_id) if article.outlet_id is not None else None
            references.append(
                {
                    "source_name": outlet.name if outlet and outlet.name else "web",
                    "url": article.url,
                }
            )
        refs = [claim_ref(pk) for pk in by_article.get(article.id, [])]
        if article.outlet_id is not None:
            refs.append(source_ref(article.outlet_id))
        objects.append(
            _compact(
                {
                    "type": "report",
                    "spec_version": "2.1",
                    "id": article_ref(article.id),
                    "created_by_ref": (
                        source_ref(article.outlet_id) if article.outlet_id in sources else None
                    ),
                    "created": created,
                    "modified": modified,
                    "name": article.title or f"Untitled article {article.id}",
                    "report_types": ["news-article"],
                    "published": stix_time(article.published_at or article.submitted_at),
                    # A report must refer to something: an article alone refers to itself.
                    "object_refs": refs or [article_ref(article.id)],
                    "external_references": references,
                }
            )
        )

    relationships: list[Json] = []
    for claim in claims:
        chain = chains.get(claim.id)
        outlet_pk = outlets.get(claim.article_id)
        created, modified = _times(claim.created_at, claim.modified_at)
        steps = [(a.source_id, a.position, a.mention, a.cue, False) for a in chain]
        if outlet_pk is not None:
            steps.append((outlet_pk, len(chain), "", "", True))
        origin = steps[0][0] if steps else None
        objects.append(
            _note(claim, created, modified, origin, steps, figures.get(claim.id, []), set(sources))
        )
        opinion = VERDICT_OPINION.get(claim.verification_status)
        if opinion is not None:
            objects.append(
                {
                    "type": "opinion",
                    "spec_version": "2.1",
                    "id": stix_id("opinion", f"claim:{claim.id}:verdict"),
                    "created": modified,
                    "modified": modified,
                    "authors": [producer],
                    "opinion": opinion,
                    "explanation": f"Verification status: {claim.verification_status}.",
                    "object_refs": [claim_ref(claim.id)],
                    "x_provenance_verification_status": claim.verification_status,
                }
            )
        for source_pk, position, mention, cue, implicit in steps:
            kind = "attributed-to" if position == 0 else "relayed-by"
            relationships.append(
                _compact(
                    {
                        "type": "relationship",
                        "spec_version": "2.1",
                        "id": stix_id("relationship", f"claim:{claim.id}:chain:{position}"),
                        "created": created,
                        "modified": modified,
                        "relationship_type": kind,
                        "description": _step_text(mention, cue, implicit),
                        "source_ref": claim_ref(claim.id),
                        "target_ref": source_ref(source_pk),
                        "x_provenance_position": position,
                        "x_provenance_implicit": implicit or None,
                    }
                )
            )
    for source in sorted(rows.sources, key=lambda s: s.id):
        if source.parent_id is not None and source.parent_id in sources:
            created, modified = _times(source.created_at, source.modified_at)
            relationships.append(
                {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": stix_id("relationship", f"source:{source.id}:part-of:{source.parent_id}"),
                    "created": created,
                    "modified": modified,
                    "relationship_type": "part-of",
                    "source_ref": source_ref(source.id),
                    "target_ref": source_ref(source.parent_id),
                }
            )
    for link in sorted(rows.links, key=lambda x: (x.from_claim_id, x.to_claim_id)):
        if link.from_claim_id not in claim_pks or link.to_claim_id not in claim_pks:
            continue
        created, modified = _times(link.created_at, link.reviewed_at)
        relationships.append(
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": stix_id(
                    "relationship", f"link:claim:{link.from_claim_id}:claim:{link.to_claim_id}"
                ),
                "created": created,
                "modified": modified,
                "relationship_type": LINK_RELATIONSHIP.get(link.kind, "related-to"),
                "source_ref": claim_ref(link.from_claim_id),
                "target_ref": claim_ref(link.to_claim_id),
                "x_provenance_link_kind": link.kind,
                "x_provenance_score": link.score,
                "x_provenance_status": link.status,
            }
        )
    objects.extend(relationships)
    bundle: StixBundle = {
        "type": "bundle",
        "id": stix_id("bundle", "bundle:" + ",".join(sorted(_ids(objects)))),
    }
    if objects:
        bundle["objects"] = objects
    return bundle


def _ids(objects: Iterable[Json]) -> Iterable[str]:
    return (str(o["id"]) for o in objects)


def _step_text(mention: str, cue: str, implicit: bool) -> str:
    if implicit:
        return "The publishing outlet."
    return f"“{mention}”" + (f" ({cue})" if cue else "") if mention else cue


def _note(
    claim: ClaimRow,
    created: str,
    modified: str,
    origin: int | None,
    steps: list[tuple[int, int, str, str, bool]],
    figures: list[Json],
    known_sources: set[int],
) -> Json:
    refs = [article_ref(claim.article_id)]
    refs += [source_ref(pk) for pk in dict.fromkeys(step[0] for step in steps)]
    return _compact(
        {
            "type": "note",
            "spec_version": "2.1",
            "id": claim_ref(claim.id),
            # The claim is its origin's statement: the note's author is the origin source.
            "created_by_ref": source_ref(origin) if origin in known_sources else None,
            "created": created,
            "modified": modified,
            "abstract": claim.text[:120],
            "content": claim.text or f"Claim {claim.id}",
            "object_refs": refs,
            "confidence": ADMIRALTY_CONFIDENCE.get(claim.credibility),
            "labels": ["hedged"] if claim.hedged else None,
            "external_references": [
                {"source_name": "provenance", "external_id": f"claim:{claim.id}"}
            ],
            "x_provenance_kind": claim.kind,
            "x_provenance_credibility": claim.credibility,
            "x_provenance_verification_status": claim.verification_status,
            "x_provenance_hedge_cues": list(claim.hedge_cues),
            "x_provenance_figures": figures,
        }
    )
