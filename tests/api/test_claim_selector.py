from __future__ import annotations

import datetime as dt

import pytest

from claims.models import Claim, Figure
from claims.selectors import ClaimFilters, ClaimOrdering, SourceRole, claim_list
from core.errors import ApplicationError
from sources.models import SourceAlias
from tests.factories import make_article, make_claim, make_claim_link, make_source

pytestmark = pytest.mark.django_db


def _when(day: int) -> dt.datetime:
    return dt.datetime(2024, 11, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def world() -> dict[str, Claim]:
    """Three claims: NIS via Yonhap (B outlet), unnamed officials (E outlet), an outlet's own."""
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    SourceAlias.objects.create(source=nis, alias="NIS")
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="B")
    officials = make_source(name="Officials", kind="unnamed", reliability="F")
    good = make_source(name="Good Paper", kind="outlet", reliability="A")
    poor = make_source(name="Poor Paper", kind="outlet", reliability="E")
    relayed = make_claim(
        article=make_article(outlet=good, published_at=_when(5)),
        sources=[nis, yonhap],
        text="North Korea had begun relocating thousands of soldiers to Russia",
        hedged=True,
        credibility=4,
    )
    unnamed = make_claim(
        article=make_article(outlet=poor, published_at=_when(7)),
        sources=[officials],
        text="Officials said the bridge was destroyed",
        credibility=6,
        verification_status="disputed",
    )
    own = make_claim(
        article=make_article(outlet=good, published_at=_when(9)),
        sources=[],
        text="The ministry opened a new depot",
        credibility=3,
        credibility_override=2,
    )
    Figure.objects.filter(claim=unnamed).update(status="unconfirmed")
    make_claim_link(from_claim=own, to_claim=relayed, kind="corroborates")
    make_claim_link(from_claim=unnamed, to_claim=relayed, kind="same")
    make_claim_link(from_claim=own, to_claim=unnamed, kind="contradicts")
    return {"relayed": relayed, "unnamed": unnamed, "own": own}


def _texts(filters: ClaimFilters) -> set[str]:
    return {c.text for c in claim_list(filters=filters)}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ClaimFilters(), {"relayed", "unnamed", "own"}),
        (ClaimFilters(source_name="nis"), {"relayed"}),
        (ClaimFilters(source_name="Yonhap", source_role=SourceRole.ORIGIN), set()),
        (ClaimFilters(source_name="Yonhap", source_role=SourceRole.RELAY), {"relayed"}),
        (ClaimFilters(source_name="Good Paper"), {"relayed", "own"}),
        (ClaimFilters(source_name="Good Paper", source_role=SourceRole.ORIGIN), set()),
        (ClaimFilters(source_kind="intelligence"), {"relayed"}),
        (ClaimFilters(source_kind="outlet"), {"relayed", "unnamed", "own"}),
        (ClaimFilters(min_reliability="A"), {"own"}),
        (ClaimFilters(min_reliability="B"), {"relayed", "own"}),
        (ClaimFilters(min_reliability="E"), {"relayed", "own"}),
        (ClaimFilters(min_reliability="F"), {"relayed", "unnamed", "own"}),
        (ClaimFilters(max_credibility=2), {"own"}),
        (ClaimFilters(max_credibility=4), {"relayed", "own"}),
        (ClaimFilters(hedged=True), {"relayed"}),
        (ClaimFilters(hedged=False), {"unnamed", "own"}),
        (ClaimFilters(verification_status="disputed"), {"unnamed"}),
        (ClaimFilters(flagged_figures=True), {"unnamed"}),
        (ClaimFilters(flagged_figures=False), {"relayed", "own"}),
        (ClaimFilters(outlet_name="poor paper"), {"unnamed"}),
        (ClaimFilters(published_from=dt.date(2024, 11, 7)), {"unnamed", "own"}),
        (ClaimFilters(published_until=dt.date(2024, 11, 7)), {"relayed", "unnamed"}),
        (ClaimFilters(published_from=_when(6), published_until=_when(8)), {"unnamed"}),
        (ClaimFilters(search="soldiers relocate"), {"relayed"}),
        (ClaimFilters(search='"bridge was destroyed" -ministry'), {"unnamed"}),
        (ClaimFilters(search="depot OR bridge"), {"unnamed", "own"}),
    ],
)
def test_claim_list_filters_mean_what_an_analyst_expects(
    world: dict[str, Claim], filters: ClaimFilters, expected: set[str]
) -> None:
    assert _texts(filters) == {world[name].text for name in expected}


def test_claim_list_filters_by_source_id_article_and_outlet(world: dict[str, Claim]) -> None:
    relayed = world["relayed"]
    origin = relayed.attributions.get(position=0).source
    assert _texts(ClaimFilters(source_id=origin.pk)) == {relayed.text}
    assert _texts(ClaimFilters(article_id=relayed.article_id)) == {relayed.text}
    assert _texts(ClaimFilters(outlet_id=relayed.article.outlet_id)) == {
        relayed.text,
        world["own"].text,
    }


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (ClaimOrdering.NEWEST, ["own", "unnamed", "relayed"]),
        (ClaimOrdering.OLDEST, ["relayed", "unnamed", "own"]),
        (ClaimOrdering.MOST_RELIABLE, ["own", "relayed", "unnamed"]),
        (ClaimOrdering.LEAST_RELIABLE, ["unnamed", "relayed", "own"]),
        (ClaimOrdering.MOST_CORROBORATED, ["relayed", "own", "unnamed"]),
        (ClaimOrdering.FIRST_EXTRACTED, ["relayed", "unnamed", "own"]),
    ],
)
def test_claim_list_orders_by_date_reliability_and_corroboration(
    world: dict[str, Claim], ordering: ClaimOrdering, expected: list[str]
) -> None:
    rows = list(claim_list(filters=ClaimFilters(ordering=ordering)))
    assert [c.text for c in rows] == [world[name].text for name in expected]


def test_claim_list_annotates_the_weakest_link_and_the_corroboration_count(
    world: dict[str, Claim],
) -> None:
    rows = {c.pk: c for c in claim_list(filters=ClaimFilters())}
    relayed = rows[world["relayed"].pk]
    assert relayed.weakest_reliability == "B"
    assert relayed.corroboration == 2
    assert rows[world["unnamed"].pk].weakest_reliability == "F"
    assert rows[world["own"].pk].corroboration == 1


def test_a_claim_whose_article_has_no_outlet_only_passes_reliability_f() -> None:
    make_claim(article=make_article(), sources=[make_source(reliability="A")])
    assert claim_list(filters=ClaimFilters(min_reliability="A")).count() == 0
    assert claim_list(filters=ClaimFilters(min_reliability="F")).count() == 1


def test_an_unknown_reliability_grade_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ApplicationError, match="use A to F"):
        claim_list(filters=ClaimFilters(min_reliability="Z"))
