"""Claim graphs (Contract 2) and their W3C PROV-JSON form. PURE: rows in, dicts out.

No Django, no database: `claims.selectors_graphs` fetches the rows in a fixed number of queries and
hands them over as the frozen dataclasses below, so this module is tested with hand-made rows
and type-checked with mypy --strict.

Node ids are "<type>:<pk>" ("claim:12", "source:3"). Edges:

- attributed_to  claim -> source, one per link of the chain, `position` 0 = origin. A claim
                 without a named source is the outlet's own assertion: attributed_to its outlet,
                 position 0, `implicit: true`.
- relayed_by     source -> source, each link of a chain to the next one, and the last named link
                 to the publishing outlet (the implicit last relay). One edge per pair of
                 sources, listing the claims that travelled along it.
- published_in   claim -> article;  published_by  article -> outlet source.
- has_figure     claim -> figure.
- part_of        source -> parent source (RIA Novosti -> Rossiya Segodnya).
- same_as, corroborates, contradicts, updates   claim -> claim, from ClaimLink rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Literal, NotRequired, TypedDict, cast

from core.shapes import Doc, IsoDateTime

Json = dict[str, object]

LINK_EDGE_TYPES = {
    "same": "same_as",
    "corroborates": "corroborates",
    "contradicts": "contradicts",
    "updates": "updates",
}


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    kind: str
    country: str
    reliability: str
    parent_id: int | None = None
    # ISO 8601, UTC: when the row was created and last changed (the audit trail's latest change);
    # read by the STIX export (claims.stix), which needs them for deterministic timestamps.
    created_at: str | None = None
    modified_at: str | None = None


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    url: str
    published_at: str | None  # ISO 8601
    outlet_id: int | None
    submitted_at: str | None = None


@dataclass(frozen=True)
class ClaimRow:
    id: int
    article_id: int
    text: str
    kind: str
    hedged: bool
    hedge_cues: tuple[str, ...]
    credibility: int
    verification_status: str
    created_at: str | None = None
    modified_at: str | None = None


@dataclass(frozen=True)
class AttributionRow:
    claim_id: int
    source_id: int
    position: int
    mention: str
    cue: str


@dataclass(frozen=True)
class FigureRow:
    id: int
    claim_id: int
    value: float
    low: float | None
    high: float | None
    unit: str
    text: str
    approximate: bool
    status: str


@dataclass(frozen=True)
class LinkRow:
    from_claim_id: int
    to_claim_id: int
    kind: str
    score: float
    status: str
    created_at: str | None = None
    reviewed_at: str | None = None


@dataclass(frozen=True)
class GraphRows:
    claims: tuple[ClaimRow, ...] = ()
    articles: tuple[ArticleRow, ...] = ()
    sources: tuple[SourceRow, ...] = ()
    attributions: tuple[AttributionRow, ...] = ()
    figures: tuple[FigureRow, ...] = ()
    links: tuple[LinkRow, ...] = ()

    @property
    def node_count(self) -> int:
        return len(self.claims) + len(self.articles) + len(self.sources) + len(self.figures)


class GraphTooLarge(Exception):
    def __init__(self, nodes: int, limit: int) -> None:
        super().__init__(f"The graph has {nodes} nodes, more than the limit of {limit}.")
        self.nodes = nodes
        self.limit = limit


def check_size(rows: GraphRows, *, max_nodes: int) -> None:
    if rows.node_count > max_nodes:
        raise GraphTooLarge(rows.node_count, max_nodes)


def claim_id(pk: int) -> str:
    return f"claim:{pk}"


def source_id(pk: int) -> str:
    return f"source:{pk}"


def article_id(pk: int) -> str:
    return f"article:{pk}"


def figure_id(pk: int) -> str:
    return f"figure:{pk}"


@dataclass
class _Chains:
    """Each claim's chain of source pks, origin first, outlet excluded; built once per graph."""

    by_claim: dict[int, list[AttributionRow]] = field(default_factory=dict)

    @classmethod
    def of(cls, attributions: Iterable[AttributionRow]) -> _Chains:
        chains = cls()
        for row in sorted(attributions, key=lambda a: (a.claim_id, a.position)):
            chains.by_claim.setdefault(row.claim_id, []).append(row)
        return chains

    def get(self, claim_pk: int) -> list[AttributionRow]:
        return self.by_claim.get(claim_pk, [])


def _relay_pairs(rows: GraphRows, chains: _Chains) -> dict[tuple[int, int], list[int]]:
    """(from source pk, to source pk) -> claim pks relayed along that step, in claim order."""
    outlets = {a.id: a.outlet_id for a in rows.articles}
    pairs: dict[tuple[int, int], list[int]] = {}
    for claim in sorted(rows.claims, key=lambda c: c.id):
        steps = [a.source_id for a in chains.get(claim.id)]
        outlet = outlets.get(claim.article_id)
        if steps and outlet is not None:
            steps.append(outlet)
        for before, after in zip(steps, steps[1:], strict=False):
            if before != after:  # an outlet citing itself is not a relay
                pairs.setdefault((before, after), []).append(claim.id)
    return pairs


# ------------------------------------------------------------------------------ Contract 2

NodeType = Literal["claim", "source", "article", "figure"]
EdgeType = Literal[
    "attributed_to",
    "relayed_by",
    "published_in",
    "published_by",
    "has_figure",
    "part_of",
    "same_as",
    "corroborates",
    "contradicts",
    "updates",
]
NodeId = Annotated[str, Doc("'claim:12', 'source:3', 'article:4' or 'figure:7'.")]


class GraphNode(TypedDict):
    """One node of Contract 2. `id` and `type` always; the other fields by type, as listed."""

    id: NodeId
    type: NodeType
    # claim
    text: NotRequired[Annotated[str, Doc("claim, figure: the text.")]]
    kind: NotRequired[Annotated[str, Doc("claim: its kind; source: the source's kind.")]]
    hedged: NotRequired[Annotated[bool, Doc("claim.")]]
    hedge_cues: NotRequired[Annotated[list[str], Doc("claim.")]]
    credibility: NotRequired[Annotated[int, Doc("claim: 1 (confirmed) to 6 (cannot be judged).")]]
    verification_status: NotRequired[Annotated[str, Doc("claim.")]]
    article: NotRequired[Annotated[str, Doc("claim: the node id of its article.")]]
    # source
    name: NotRequired[Annotated[str, Doc("source.")]]
    country: NotRequired[Annotated[str, Doc("source.")]]
    reliability: NotRequired[Annotated[str, Doc("source: Admiralty reliability, A to F.")]]
    parent: NotRequired[Annotated[str | None, Doc("source: the node id of its parent source.")]]
    # article
    title: NotRequired[Annotated[str, Doc("article.")]]
    url: NotRequired[Annotated[str, Doc("article.")]]
    published_at: NotRequired[IsoDateTime | None]
    outlet: NotRequired[Annotated[str | None, Doc("article: the node id of its outlet.")]]
    # figure
    value: NotRequired[Annotated[float, Doc("figure.")]]
    low: NotRequired[Annotated[float | None, Doc("figure: the low end of a range.")]]
    high: NotRequired[Annotated[float | None, Doc("figure: the high end of a range.")]]
    unit: NotRequired[Annotated[str, Doc("figure: what is counted.")]]
    approximate: NotRequired[Annotated[bool, Doc("figure.")]]
    status: NotRequired[Annotated[str, Doc("figure: its editorial status.")]]
    claim: NotRequired[Annotated[str, Doc("figure: the node id of its claim.")]]


# The functional form: `from` is a Python keyword.
GraphEdge = TypedDict(
    "GraphEdge",
    {
        "from": NodeId,
        "to": NodeId,
        "type": EdgeType,
        "position": NotRequired[Annotated[int, Doc("attributed_to: 0 = origin.")]],
        "mention": NotRequired[Annotated[str, Doc("attributed_to: the words naming the source.")]],
        "cue": NotRequired[Annotated[str, Doc("attributed_to: the reporting verb or phrase.")]],
        "implicit": NotRequired[
            Annotated[bool, Doc("attributed_to: the claim names no source; its outlet asserts it.")]
        ],
        "claims": NotRequired[
            Annotated[list[str], Doc("relayed_by: the claims that travelled along it.")]
        ],
        "score": NotRequired[Annotated[float, Doc("claim links: the matcher's score.")]],
        "status": NotRequired[Annotated[str, Doc("claim links: proposed, confirmed or rejected.")]],
    },
)


class Graph(TypedDict):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def build_graph(rows: GraphRows) -> Graph:
    """Contract 2: {"nodes": [...], "edges": [...]}, nodes and edges in a stable order."""
    nodes, edges = _graph_parts(rows)
    return {"nodes": nodes, "edges": edges}


def _graph_parts(rows: GraphRows) -> tuple[list[GraphNode], list[GraphEdge]]:
    chains = _Chains.of(rows.attributions)
    outlets = {a.id: a.outlet_id for a in rows.articles}
    source_pks = {s.id for s in rows.sources}
    claim_pks = {c.id for c in rows.claims}

    nodes: list[GraphNode] = []
    for claim in sorted(rows.claims, key=lambda c: c.id):
        nodes.append(
            {
                "id": claim_id(claim.id),
                "type": "claim",
                "text": claim.text,
                "kind": claim.kind,
                "hedged": claim.hedged,
                "hedge_cues": list(claim.hedge_cues),
                "credibility": claim.credibility,
                "verification_status": claim.verification_status,
                "article": article_id(claim.article_id),
            }
        )
    for source in sorted(rows.sources, key=lambda s: s.id):
        nodes.append(
            {
                "id": source_id(source.id),
                "type": "source",
                "name": source.name,
                "kind": source.kind,
                "country": source.country,
                "reliability": source.reliability,
                "parent": source_id(source.parent_id) if source.parent_id is not None else None,
            }
        )
    for article in sorted(rows.articles, key=lambda a: a.id):
        nodes.append(
            {
                "id": article_id(article.id),
                "type": "article",
                "title": article.title,
                "url": article.url,
                "published_at": article.published_at,
                "outlet": source_id(article.outlet_id) if article.outlet_id is not None else None,
            }
        )
    for figure in sorted(rows.figures, key=lambda f: f.id):
        nodes.append(
            {
                "id": figure_id(figure.id),
                "type": "figure",
                "value": figure.value,
                "low": figure.low,
                "high": figure.high,
                "unit": figure.unit,
                "text": figure.text,
                "approximate": figure.approximate,
                "status": figure.status,
                "claim": claim_id(figure.claim_id),
            }
        )

    edges: list[GraphEdge] = []
    for claim in sorted(rows.claims, key=lambda c: c.id):
        chain = chains.get(claim.id)
        for link in chain:
            edges.append(
                {
                    "from": claim_id(claim.id),
                    "to": source_id(link.source_id),
                    "type": "attributed_to",
                    "position": link.position,
                    "mention": link.mention,
                    "cue": link.cue,
                }
            )
        outlet = outlets.get(claim.article_id)
        if not chain and outlet is not None:
            edges.append(
                {
                    "from": claim_id(claim.id),
                    "to": source_id(outlet),
                    "type": "attributed_to",
                    "position": 0,
                    "implicit": True,
                }
            )
        edges.append(
            {"from": claim_id(claim.id), "to": article_id(claim.article_id), "type": "published_in"}
        )
    for (before, after), claims in sorted(_relay_pairs(rows, chains).items()):
        edges.append(
            {
                "from": source_id(before),
                "to": source_id(after),
                "type": "relayed_by",
                "claims": [claim_id(pk) for pk in claims],
            }
        )
    for article in sorted(rows.articles, key=lambda a: a.id):
        if article.outlet_id is not None:
            edges.append(
                {
                    "from": article_id(article.id),
                    "to": source_id(article.outlet_id),
                    "type": "published_by",
                }
            )
    for figure in sorted(rows.figures, key=lambda f: f.id):
        edges.append(
            {"from": claim_id(figure.claim_id), "to": figure_id(figure.id), "type": "has_figure"}
        )
    for source in sorted(rows.sources, key=lambda s: s.id):
        if source.parent_id is not None and source.parent_id in source_pks:
            edges.append(
                {"from": source_id(source.id), "to": source_id(source.parent_id), "type": "part_of"}
            )
    for relation in sorted(rows.links, key=lambda x: (x.from_claim_id, x.to_claim_id)):
        if relation.from_claim_id in claim_pks and relation.to_claim_id in claim_pks:
            edges.append(
                {
                    "from": claim_id(relation.from_claim_id),
                    "to": claim_id(relation.to_claim_id),
                    "type": cast(EdgeType, LINK_EDGE_TYPES.get(relation.kind, relation.kind)),
                    "score": relation.score,
                    "status": relation.status,
                }
            )
    return nodes, edges


# ------------------------------------------------------------------------------ PROV-JSON

PROV_NAMESPACE = "https://provenance.invalid/ns#"


def _qname(node: str) -> str:
    """ "claim:12" -> "pv:claim-12": PROV readers split a name at its first colon."""
    kind, _, pk = node.partition(":")
    return f"pv:{kind}-{pk}"


def _report_qname(claim_pk: int, position: int) -> str:
    return f"pv:claim-{claim_pk}-at-{position}"


def _qualified(value: str) -> Json:
    return {"$": value, "type": "prov:QUALIFIED_NAME"}


def _attributes(node: Mapping[str, object], skip: Sequence[str]) -> Json:
    """A node's own fields as `pv:` attributes; PROV literals cannot be null or lists."""
    out: Json = {}
    for key, value in node.items():
        if key in skip or value is None:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out[f"pv:{key}"] = value
    return out


class _Relations:
    def __init__(self) -> None:
        self.groups: dict[str, dict[str, Json]] = {}
        self.counter = 0

    def add(self, relation: str, attributes: Json) -> None:
        self.counter += 1
        self.groups.setdefault(relation, {})[f"_:r{self.counter}"] = attributes


def build_prov(rows: GraphRows) -> Json:
    """The same graph as a W3C PROV-JSON document (https://www.w3.org/submissions/prov-json/).

    - claims, articles and figures are entities; sources are agents;
    - a claim wasAttributedTo its origin (position 0), or to its outlet when it names no source;
    - each relay step k >= 1 is a report entity "pv:claim-12-at-k" (the claim as relayed by
      link k), wasAttributedTo that link, and wasQuotedFrom the step before it (the claim
      itself for k = 1): PROV's own words for "Yonhap cited the NIS";
    - the article wasDerivedFrom the last report (the outlet relayed it), hadPrimarySource the
      claim, and wasAttributedTo its outlet;
    - a figure is a member of its claim (hadMember); a source actedOnBehalfOf its parent;
    - claim links are wasDerivedFrom with pv:relation same_as/corroborates/... and, for
      `updates`, prov:Revision.
    Every JSON node id appears as `pv:node` on its PROV element, so a reader can map back.
    """
    node_list, edge_list = _graph_parts(rows)
    nodes = {str(node["id"]): node for node in node_list}
    chains = _Chains.of(rows.attributions)
    outlets = {a.id: a.outlet_id for a in rows.articles}
    entity: dict[str, Json] = {}
    agent: dict[str, Json] = {}
    relations = _Relations()

    for node_id, node in nodes.items():
        kind = str(node["type"])
        record: Json = {
            "prov:type": _qualified(f"pv:{kind.capitalize()}"),
            "pv:node": node_id,
            **_attributes(node, skip=("id", "type")),
        }
        if kind == "source":
            record["prov:label"] = str(node["name"])
            agent[_qname(node_id)] = record
        else:
            entity[_qname(node_id)] = record

    for claim in sorted(rows.claims, key=lambda c: c.id):
        claim_q = _qname(claim_id(claim.id))
        chain = chains.get(claim.id)
        outlet = outlets.get(claim.article_id)
        origin = chain[0].source_id if chain else outlet
        if origin is not None:
            relations.add(
                "wasAttributedTo",
                {"prov:entity": claim_q, "prov:agent": _qname(source_id(origin)), "pv:position": 0},
            )
        previous = claim_q
        for link in chain[1:]:
            report = _report_qname(claim.id, link.position)
            entity[report] = {
                "prov:type": _qualified("pv:Report"),
                "pv:claim": claim_id(claim.id),
                "pv:position": link.position,
                "pv:mention": link.mention,
            }
            relations.add(
                "wasAttributedTo",
                {
                    "prov:entity": report,
                    "prov:agent": _qname(source_id(link.source_id)),
                    "pv:position": link.position,
                },
            )
            relations.add(
                "wasDerivedFrom",
                {
                    "prov:generatedEntity": report,
                    "prov:usedEntity": previous,
                    "prov:type": _qualified("prov:Quotation"),
                },
            )
            previous = report
        article_q = _qname(article_id(claim.article_id))
        relations.add(
            "wasDerivedFrom",
            {
                "prov:generatedEntity": article_q,
                "prov:usedEntity": claim_q,
                "prov:type": _qualified("prov:PrimarySource"),
            },
        )
        if previous != claim_q:
            relations.add(
                "wasDerivedFrom",
                {
                    "prov:generatedEntity": article_q,
                    "prov:usedEntity": previous,
                    "prov:type": _qualified("prov:Quotation"),
                },
            )
    for article in sorted(rows.articles, key=lambda a: a.id):
        if article.outlet_id is not None:
            relations.add(
                "wasAttributedTo",
                {
                    "prov:entity": _qname(article_id(article.id)),
                    "prov:agent": _qname(source_id(article.outlet_id)),
                },
            )
    for figure in sorted(rows.figures, key=lambda f: f.id):
        relations.add(
            "hadMember",
            {
                "prov:collection": _qname(claim_id(figure.claim_id)),
                "prov:entity": _qname(figure_id(figure.id)),
            },
        )
    for edge in edge_list:
        kind = str(edge["type"])
        if kind == "part_of":
            relations.add(
                "actedOnBehalfOf",
                {
                    "prov:delegate": _qname(str(edge["from"])),
                    "prov:responsible": _qname(str(edge["to"])),
                },
            )
        elif kind in LINK_EDGE_TYPES.values():
            attributes: Json = {
                "prov:generatedEntity": _qname(str(edge["from"])),
                "prov:usedEntity": _qname(str(edge["to"])),
                "pv:relation": kind,
                "pv:score": edge["score"],
                "pv:status": edge["status"],
            }
            if kind == "updates":
                attributes["prov:type"] = _qualified("prov:Revision")
            relations.add("wasDerivedFrom", attributes)

    document: Json = {"prefix": {"pv": PROV_NAMESPACE}}
    if entity:
        document["entity"] = entity
    if agent:
        document["agent"] = agent
    document.update(relations.groups)
    return document
