from __future__ import annotations

import pytest

from claims.selectors import ClaimFilters, SourceRole, claim_list
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(SourceRole))
def test_the_rare_and_prolific_source_filters_find_the_same_claims(role: SourceRole, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    nis, yonhap, other = make_source(name="NIS"), make_source(name="Yonhap"), make_source(name="Other")
    outlet_article = make_article(outlet=yonhap)
    expected_pool = [
        make_claim(sources=[nis, yonhap]),
        make_claim(sources=[yonhap]),
        make_claim(article=outlet_article, sources=[nis]),
        make_claim(sources=[other]),
    ]
    assert expected_pool

    def ids(threshold: int) -> list[int]:
        monkeypatch.setattr("claims.selectors.RARE_SOURCE_LINKS", threshold)
        return list(claim_list(filters=ClaimFilters(source_name="Yonhap", source_role=role)).values_list("pk", flat=True))

    rare, prolific = ids(10_000), ids(1)
    assert rare == prolific
    assert rare  # Yonhap relays, originates or publishes something in every role
