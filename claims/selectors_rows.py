"""A claim as the API answers it: the shapes of the claims list's rows and of one claim, and the
plain data in those shapes, read in a fixed number of queries without model instances.

Each TypedDict here is the one definition of its answer: the views return the data as built,
and the OpenAPI schema documents the TypedDicts themselves (`core.openapi`), so the two cannot
drift apart. Their names are the schema's component names.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, TypedDict, overload

import orjson
from django.db import connection

from claims.matching import OriginVerdict
from claims.models import FigureStatus, LinkStatus, VerificationStatus
from claims.origins import claim_origins, origin_named, origin_why
from core.shapes import Choices, Doc, IsoDate, IsoDateTime

# ------------------------------------------------------------------------------ shapes


class SourceRefOutput(TypedDict):
    id: int
    name: str
    kind: str
    reliability: Annotated[str, Doc("Admiralty source reliability, A (best) to F.")]


class ChainLinkOutput(TypedDict):
    position: Annotated[int, Doc("0 = the origin; each later link relayed the one before.")]
    mention: Annotated[str, Doc("The source as written in the article.")]
    cue: Annotated[str, Doc("The attribution cue: 'according to', 'cited by'...")]
    source: SourceRefOutput


class FigureBriefOutput(TypedDict):
    id: int
    value: float
    low: float | None
    high: float | None
    unit: str
    text: str
    approximate: bool
    qualifier: str
    status: Annotated[str, Choices(FigureStatus.choices)]


class DateOutput(TypedDict):
    text: str
    value: IsoDate | None


class ArticleRefOutput(TypedDict):
    id: int
    title: str
    url: str
    published_at: IsoDateTime | None
    outlet: SourceRefOutput | None


class ClaimListOutput(TypedDict):
    id: int
    url: str
    text: str
    kind: str
    cue: str
    hedged: bool
    hedge_cues: list[str]
    credibility: Annotated[
        int,
        Doc("Admiralty information credibility, 1 (confirmed) to 6; an editor's override first."),
    ]
    verification_status: Annotated[str, Choices(VerificationStatus.choices)]
    weakest_reliability: Annotated[
        str, Doc("The chain's weakest link, the outlet included (F when there is no outlet).")
    ]
    corroboration: Annotated[
        int, Doc("Claims linked as the same or corroborating (ClaimLink rows, not rejected).")
    ]
    independent_origins: Annotated[
        int,
        Doc(
            "Distinct first sources behind this claim and the claims linked to it as the same or "
            "corroborating: twenty relays of one statement are one origin."
        ),
    ]
    article: ArticleRefOutput
    chain: Annotated[
        list[ChainLinkOutput],
        Doc("Named sources, origin first. The outlet is the implicit last relay."),
    ]
    figures: list[FigureBriefOutput]
    dates: list[DateOutput]


class ContextOutput(TypedDict):
    before: Annotated[str, Doc("Article text before the sentence.")]
    sentence: Annotated[str, Doc("The sentence the claim was found in.")]
    after: Annotated[str, Doc("Article text after the sentence.")]
    sentence_start: int
    sentence_end: int


class LinkedClaimOutput(TypedDict):
    id: int
    text: str
    article_id: int


class ClaimLinkOutput(TypedDict):
    id: int
    direction: Annotated[
        Literal["out", "in"], Doc("out: this claim -> other; in: other -> this claim.")
    ]
    kind: Annotated[str, Doc("same, corroborates, contradicts, updates.")]
    status: str
    score: float
    evidence: Annotated[
        Any,
        Doc(
            "Why the matcher proposed it: query_terms (the query words that made the pair a "
            "candidate), similarity, shared_words, shared_names, figures (each pair counting the "
            "same thing, and whether they agree), dates, same_origin."
        ),
    ]
    claim: LinkedClaimOutput


class OriginOutput(TypedDict):
    key: Annotated[
        str, Doc("'source:12', 'outlet:4' (own reporting), 'source:7@3' (unnamed via 3).")
    ]
    name: str
    claims: Annotated[
        list[int], Doc("Claims (this one and its matches) tracing back to this origin.")
    ]
    counted: Annotated[
        bool, Doc("Whether it counts among the claim's independent origins (see why).")
    ]
    why: Annotated[str, Doc("Why it counts, or why not (it relays another origin; generic).")]


class ChainStepOutput(ChainLinkOutput):
    implicit: Annotated[bool, Doc("True for the publishing outlet, the implicit last relay.")]


class ClaimDetailOutput(ClaimListOutput):
    start: int
    end: int
    sentence_index: int
    context: ContextOutput
    credibility_computed: int
    credibility_override: int | None
    credibility_reason: Annotated[str, Doc("Why the computed credibility is what it is.")]
    origins: list[OriginOutput]
    extractor_version: str
    version: int
    created_at: IsoDateTime
    full_chain: list[ChainStepOutput]
    links: list[ClaimLinkOutput]
    graph_url: str


# How the API addresses a claim (its detail or graph URL from its id): the absolute URL needs
# the request, which a selector never sees.
ClaimUrl = Callable[[int], str]

# ------------------------------------------------------------------------------ list rows

# A page's rows in one statement: each claim with its article and outlet, and its chain (with
# each link's source), figures and dates aggregated to JSON text by correlated subqueries on
# their claim indexes. Five `.values()` queries cost five round trips and the ORM's compiling
# and row handling, about 2 ms of a 5 ms page; the pages read are the same.
# The three subqueries (chain, figures, dates) name the claim's table by `{claim}`: `c` here,
# the ORM's own table name in the export's query (claims.selectors_export), which streams the
# same row for every claim.
LIST_ROW_AGGREGATES = (
    """(SELECT json_agg(json_build_array(t.position, t.mention, t.cue, s.id, s.name, s.kind, s.reliability)
                        ORDER BY t.position)::text
          FROM claims_attribution t JOIN sources_source s ON s.id = t.source_id WHERE t.claim_id = {claim}.id)""",
    """(SELECT json_agg(json_build_array(f.id, f.value, f.low, f.high, f.unit, f.text, f.approximate,
                                         f.qualifier, f.status) ORDER BY f.start, f.id)::text
          FROM claims_figure f WHERE f.claim_id = {claim}.id)""",
    """(SELECT json_agg(json_build_array(d.text, d.value) ORDER BY d.start, d.id)::text
          FROM claims_claimdate d WHERE d.claim_id = {claim}.id)""",
)
# Formatted with constants (the alias and the subqueries above), never with input.
_LIST_ROWS_SQL = """
SELECT c.id, c.text, c.kind, c.cue, c.hedged, c.hedge_cues, c.credibility, c.credibility_override,
       c.verification_status, c.weakest_reliability, c.corroboration, c.independent_origins,
       a.id, a.title, a.url, a.published_at, o.id, o.name, o.kind, o.reliability,
       {aggregates}
  FROM claims_claim c
  JOIN sources_article a ON a.id = c.article_id
  LEFT JOIN sources_source o ON o.id = a.outlet_id
 WHERE c.id = ANY(%s)
""".format(aggregates=",\n       ".join(sql.format(claim="c") for sql in LIST_ROW_AGGREGATES))  # noqa: S608


def _float(value: float | None) -> float | None:
    # JSON writes a whole float8 as an integer (5000); the API has always written 5000.0.
    return None if value is None else float(value)


def claim_list_rows(*, claim_ids: list[int], url_of: ClaimUrl) -> list[ClaimListOutput]:
    """The list rows of these claims, in the given order, each with its `url_of(id)`: one query
    whatever the page size, no model instances. Datetimes are ISO 8601 strings as DRF writes
    them (UTC as `Z`)."""
    if not claim_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_LIST_ROWS_SQL, [list(claim_ids)])
        found = {row[0]: row for row in cursor.fetchall()}
    return [list_row(found[claim_id], url_of) for claim_id in claim_ids if claim_id in found]


def list_row(raw: Sequence[Any], url_of: ClaimUrl) -> ClaimListOutput:
    """One claim's list row from the columns `_LIST_ROWS_SQL` selects, in its order."""
    (
        claim_id,
        text,
        kind,
        cue,
        hedged,
        hedge_cues,
        credibility,
        override,
        status,
        weakest,
        corroboration,
        origins,
        article_id,
        title,
        url,
        published_at,
        outlet_id,
        outlet_name,
        outlet_kind,
        outlet_grade,
        chain,
        figures,
        dates,
    ) = raw
    return {
        "id": claim_id,
        "url": url_of(claim_id),
        "text": text,
        "kind": kind,
        "cue": cue,
        "hedged": hedged,
        "hedge_cues": hedge_cues,
        "credibility": override or credibility,
        "verification_status": status,
        "weakest_reliability": weakest,
        "corroboration": corroboration,
        "independent_origins": origins,
        "article": {
            "id": article_id,
            "title": title,
            "url": url,
            "published_at": iso_datetime(published_at),
            "outlet": None
            if outlet_id is None
            else {
                "id": outlet_id,
                "name": outlet_name,
                "kind": outlet_kind,
                "reliability": outlet_grade,
            },
        },
        "chain": [
            {
                "position": position,
                "mention": mention,
                "cue": link_cue,
                "source": {
                    "id": source_id,
                    "name": name,
                    "kind": source_kind,
                    "reliability": grade,
                },
            }
            for position, mention, link_cue, source_id, name, source_kind, grade in orjson.loads(
                chain or "[]"
            )
        ],
        "figures": [
            {
                "id": figure_id,
                "value": float(value),
                "low": _float(low),
                "high": _float(high),
                "unit": unit,
                "text": figure_text,
                "approximate": approximate,
                "qualifier": qualifier,
                "status": figure_status,
            }
            for figure_id, value, low, high, unit, figure_text, approximate, qualifier, figure_status in orjson.loads(
                figures or "[]"
            )
        ],
        "dates": [
            {"text": date_text, "value": value} for date_text, value in orjson.loads(dates or "[]")
        ],
    }


CONTEXT_CHARS = 240  # characters of article text shown on each side of a claim's sentence

# A claim's own fields beyond its list row, and its sentence in context cut out by PostgreSQL
# (the article body can be a megabyte; Python's slices and substr() both count characters).
_DETAIL_SQL = """
SELECT c.start, c."end", c.sentence_index, c.sentence_start, c.sentence_end, c.credibility,
       c.credibility_override, c.credibility_reason, c.extractor_version, c.version, c.created_at,
       substr(a.body, GREATEST(0, c.sentence_start - %(chars)s) + 1,
              c.sentence_start - GREATEST(0, c.sentence_start - %(chars)s)),
       substr(a.body, c.sentence_start + 1, GREATEST(0, c.sentence_end - c.sentence_start)),
       substr(a.body, c.sentence_end + 1, %(chars)s)
  FROM claims_claim c JOIN sources_article a ON a.id = c.article_id
 WHERE c.id = %(id)s
"""
# Its live links both ways, with the other claim: out-links first, each side in id order.
_DETAIL_LINKS_SQL = """
SELECT l.id, l.from_claim_id = %(id)s, l.kind, l.status, l.score, l.evidence, o.id, o.text, o.article_id
  FROM claims_claimlink l
  JOIN claims_claim o ON o.id = CASE WHEN l.from_claim_id = %(id)s THEN l.to_claim_id ELSE l.from_claim_id END
 WHERE (l.from_claim_id = %(id)s OR l.to_claim_id = %(id)s) AND l.status <> %(rejected)s
 ORDER BY l.from_claim_id <> %(id)s, l.id
"""


def claim_detail_row(
    *, claim_id: int, url_of: ClaimUrl, graph_url_of: ClaimUrl
) -> ClaimDetailOutput | None:
    """One claim: its list row, its position and sentence in context, computed and overridden
    credibility, whole chain (the outlet as implicit last link), live links, independent
    origins and the `url` and `graph_url` the API gives it (`url_of`, `graph_url_of`). Three queries; four more for the
    origins of a claim linked as the same or corroborating (a lone claim's one origin comes
    from its chain)."""
    rows = claim_list_rows(claim_ids=[claim_id], url_of=url_of)
    if not rows:
        return None
    row = rows[0]
    with connection.cursor() as cursor:
        cursor.execute(_DETAIL_SQL, {"id": claim_id, "chars": CONTEXT_CHARS})
        (
            start,
            end,
            sentence_index,
            sentence_start,
            sentence_end,
            credibility,
            override,
            reason,
            version_name,
            version,
            created_at,
            before,
            sentence,
            after,
        ) = cursor.fetchone()
        cursor.execute(_DETAIL_LINKS_SQL, {"id": claim_id, "rejected": str(LinkStatus.REJECTED)})
        links: list[ClaimLinkOutput] = [
            {
                "id": link_id,
                "direction": "out" if out else "in",
                "kind": kind,
                "status": status,
                "score": score,
                "evidence": json.loads(evidence) if isinstance(evidence, str) else evidence,
                "claim": {"id": other_id, "text": text, "article_id": article_id},
            }
            for link_id, out, kind, status, score, evidence, other_id, text, article_id in cursor.fetchall()
        ]
    outlet = row["article"]["outlet"]
    if row["corroboration"] == 0:
        key, name = origin_named(
            [
                (link["source"]["id"], link["source"]["kind"], link["source"]["name"])
                for link in row["chain"]
            ],
            (outlet["id"], outlet["name"]) if outlet else None,
        )
        origins: list[OriginOutput] = [
            {
                "key": key,
                "name": name,
                "claims": [claim_id],
                "counted": True,
                "why": origin_why(OriginVerdict(counts=True, reason="origin"), name=name, names={}),
            }
        ]
    else:
        origins = [
            {
                "key": o["key"],
                "name": o["name"],
                "claims": [c.pk for c in o["claims"]],
                "counted": o["counted"],
                "why": o["why"],
            }
            for o in claim_origins(claim_id=claim_id)
        ]
    full_chain: list[ChainStepOutput] = [{**link, "implicit": False} for link in row["chain"]]
    if outlet is not None:
        full_chain.append(
            {
                "position": len(full_chain),
                "mention": outlet["name"],
                "cue": "",
                "source": outlet,
                "implicit": True,
            }
        )
    return {
        **row,
        "start": start,
        "end": end,
        "sentence_index": sentence_index,
        "context": {
            "before": before,
            "sentence": sentence,
            "after": after,
            "sentence_start": sentence_start,
            "sentence_end": sentence_end,
        },
        "credibility_computed": credibility,
        "credibility_override": override,
        "credibility_reason": reason,
        "origins": origins,
        "extractor_version": version_name,
        "version": version,
        "created_at": iso_datetime(created_at),
        "full_chain": full_chain,
        "links": links,
        "graph_url": graph_url_of(claim_id),
    }


@overload
def iso_datetime(value: dt.datetime) -> str: ...
@overload
def iso_datetime(value: None) -> None: ...
@overload
def iso_datetime(value: dt.datetime | None) -> str | None: ...
def iso_datetime(value: dt.datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in UTC with a `Z`."""
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
