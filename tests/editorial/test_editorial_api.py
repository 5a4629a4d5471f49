from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audit.models import AuditChange, AuditContext
from claims.models import Attribution, Claim, Figure
from core.access import Role
from sources.models import Article, Source, SourceAlias
from tests.editorial.conftest import client_for
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db

BODY = "The ministry said 300 troops moved on Monday. Officials said 40 tanks followed."


def _world() -> dict[str, Any]:
    outlet = make_source(name="Demo Wire", kind="outlet", reliability="B")
    article = make_article(body=BODY, outlet=outlet)
    ministry, officials = (
        make_source(name="Defence Ministry", reliability="C"),
        make_source(name="Officials", kind="unnamed", reliability="F"),
    )
    first = make_claim(
        article=article, text="The ministry said 300 troops moved on Monday.", sources=[ministry]
    )
    first.start, first.end = 0, len(first.text)
    first.save()
    second_text = "Officials said 40 tanks followed."
    second = make_claim(article=article, text=second_text, sources=[officials])
    second.start = BODY.index(second_text)
    second.end = second.start + len(second_text)
    second.save()
    return {
        "article": article,
        "first": first,
        "second": second,
        "ministry": ministry,
        "officials": officials,
        "figure": first.figures.get(),
        "outlet": outlet,
    }


def _write_requests(w: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every editorial write the API offers: (method, url, body)."""
    c, f, s = w["first"].pk, w["figure"].pk, w["ministry"].pk
    return [
        (
            "patch",
            f"/api/v1/claims/{c}",
            {"verification_status": "disputed", "reason": "Denied by the army"},
        ),
        (
            "put",
            f"/api/v1/claims/{c}/chain",
            {"links": [{"source_id": s}, {"name": "Yonhap"}], "reason": "Relayed"},
        ),
        (
            "post",
            f"/api/v1/claims/{c}/split",
            {"at": BODY.index(" on Monday"), "reason": "Two facts"},
        ),
        ("post", f"/api/v1/claims/{c}/merge", {"other_id": w["second"].pk, "reason": "One event"}),
        ("post", f"/api/v1/figures/{f}/review", {"action": "flag", "reason": "No second source"}),
        ("post", f"/api/v1/sources/{s}/rating", {"reliability": "B", "reason": "Track record"}),
        ("patch", f"/api/v1/sources/{s}", {"country": "KR", "reason": "Korean ministry"}),
        ("post", f"/api/v1/sources/{s}/aliases", {"alias": "MND", "reason": "Acronym"}),
        (
            "post",
            f"/api/v1/sources/{s}/merge",
            {"other_id": w["officials"].pk, "reason": "Same body"},
        ),
    ]


def _send(client: APIClient, method: str, url: str, body: dict[str, Any], version: int = 1):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, body, format="json", HTTP_IF_MATCH=f'"{version}"')


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ANONYMOUS, {401}),
        (Role.ANALYST, {403}),
        (Role.EDITOR, {200, 201}),
        (Role.ADMIN, {200, 201}),
    ],
)
@pytest.mark.parametrize("index", range(9))
def test_the_permission_matrix_of_every_editorial_write(
    role: Role, expected: set[int], index: int
) -> None:
    w = _world()
    method, url, body = _write_requests(w)[index]
    response = _send(client_for(role), method, url, body)
    assert response.status_code in expected, (url, response.json())
    if response.status_code in (401, 403):
        assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")
        assert not AuditContext.objects.exists()


@pytest.mark.parametrize("index", range(9))
def test_every_editorial_write_leaves_exactly_one_audit_event_with_before_and_after(
    index: int,
) -> None:
    w = _world()
    method, url, body = _write_requests(w)[index]
    response = _send(client_for(Role.EDITOR), method, url, body)
    assert response.status_code in (200, 201), response.json()
    contexts = list(AuditContext.objects.all())
    assert len(contexts) == 1
    ctx = contexts[0]
    assert ctx.actor_name == "editor-user"
    assert ctx.reason == body["reason"]
    changes = list(ctx.changes.all())
    assert changes
    for change in changes:
        if change.op == "UPDATE":
            assert change.changed
            for key in change.changed:
                assert change.before[key] != change.after[key]


def test_the_audit_records_the_right_before_and_after_of_a_rating() -> None:
    w = _world()
    _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/sources/{w['ministry'].pk}/rating",
        {"reliability": "A", "reason": "Always right", "evidence": "https://example.org/review"},
    )
    change = AuditChange.objects.get(table="sources_source", op="UPDATE")
    assert change.before["reliability"] == "C" and change.after["reliability"] == "A"
    history = client_for(Role.ANALYST).get(f"/api/v1/sources/{w['ministry'].pk}/history").json()
    assert history[0]["action"] == "source.rate"
    assert history[0]["changes"][0]["before"]["reliability"] == "C"
    assert history[0]["evidence"] == "https://example.org/review"


def test_a_bulk_update_that_bypasses_the_services_is_still_audited() -> None:
    w = _world()
    Claim.objects.filter(pk=w["first"].pk).update(verification_status="false")
    change = AuditChange.objects.get(table="claims_claim", object_id=w["first"].pk)
    assert change.context is None
    assert (
        change.before["verification_status"] == "unverified"
        and change.after["verification_status"] == "false"
    )


def test_the_audit_trail_cannot_be_edited_or_deleted() -> None:
    from django.db import DatabaseError, transaction

    w = _world()
    Claim.objects.filter(pk=w["first"].pk).update(verification_status="false")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditChange.objects.update(op="X")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditChange.objects.all().delete()


def test_extraction_writes_are_not_editorial_events() -> None:
    from articles.processing import claims_extract_for_article
    from articles.services import article_reextract

    article = make_article(body=BODY, status="queued")
    claims_extract_for_article(article_id=article.pk, owner="t")
    article_reextract(article_id=article.pk)
    claims_extract_for_article(article_id=article.pk, owner="t2")
    assert Claim.objects.filter(article=article).exists()
    assert not AuditChange.objects.exists()


def test_a_stale_version_gets_412_with_the_newer_value() -> None:
    w = _world()
    api = client_for(Role.EDITOR)
    url = f"/api/v1/claims/{w['first'].pk}"
    assert (
        _send(api, "patch", url, {"verification_status": "disputed", "reason": "a"}, 1).status_code
        == 200
    )
    stale = _send(api, "patch", url, {"verification_status": "confirmed", "reason": "b"}, 1)
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["details"]["current"]["verification_status"] == "disputed"
    assert Claim.objects.get(pk=w["first"].pk).verification_status == "disputed"


def test_a_write_without_if_match_gets_428() -> None:
    w = _world()
    response = client_for(Role.EDITOR).patch(
        f"/api/v1/claims/{w['first'].pk}",
        {"verification_status": "disputed", "reason": "a"},
        format="json",
    )
    assert response.status_code == 428


def test_the_claim_detail_carries_its_version_as_etag() -> None:
    w = _world()
    response = client_for(Role.ANALYST).get(f"/api/v1/claims/{w['first'].pk}")
    assert response["ETag"] == '"1"'


def test_a_write_without_a_reason_is_refused() -> None:
    w = _world()
    response = _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/sources/{w['ministry'].pk}/rating",
        {"reliability": "A", "reason": "  "},
    )
    assert response.status_code == 400


def test_correcting_a_chain_reorders_and_adds_sources_and_recomputes_credibility() -> None:
    w = _world()
    claim = w["first"]
    response = _send(
        client_for(Role.EDITOR),
        "put",
        f"/api/v1/claims/{claim.pk}/chain",
        {
            "links": [
                {"name": "National Intelligence Service"},
                {"source_id": w["ministry"].pk, "mention": "the ministry"},
            ],
            "reason": "The ministry relayed the NIS",
        },
    )
    assert response.status_code == 200
    chain = list(
        Attribution.objects.filter(claim=claim)
        .order_by("position")
        .values_list("source__name", "mention")
    )
    assert chain[1] == ("Defence Ministry", "the ministry")
    assert "Intelligence" in chain[0][0]
    assert Claim.objects.get(pk=claim.pk).edited


def test_splitting_a_claim_moves_its_later_figures_to_the_new_claim() -> None:
    w = _world()
    claim = w["first"]
    figure = w["figure"]
    Figure.objects.filter(pk=figure.pk).update(start=BODY.index("300"), end=BODY.index("300") + 3)
    at = BODY.index("300 troops")
    left, right = _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/claims/{claim.pk}/split",
        {"at": at, "reason": "Two propositions"},
    ).json()
    assert left["text"] == "The ministry said" and right["text"] == "300 troops moved on Monday."
    assert Figure.objects.get(pk=figure.pk).claim_id == right["id"]
    assert [c["name"] for c in right["chain"]] == ["Defence Ministry"]


def test_merging_keeps_the_first_chain_and_removes_the_other_claim() -> None:
    w = _world()
    response = _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/claims/{w['first'].pk}/merge",
        {"other_id": w["second"].pk, "reason": "One report"},
    )
    assert response.json()["text"] == BODY
    assert not Claim.objects.filter(pk=w["second"].pk).exists()
    assert Figure.objects.filter(claim=w["first"]).count() == 2


def test_merging_two_sources_moves_everything_and_loses_nothing() -> None:
    w = _world()
    attributions = Attribution.objects.count()
    response = _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/sources/{w['ministry'].pk}/merge",
        {"other_id": w["officials"].pk, "reason": "Same office"},
    )
    assert response.status_code == 200
    assert not Source.objects.filter(pk=w["officials"].pk).exists()
    assert Attribution.objects.count() == attributions
    assert Attribution.objects.filter(source=w["ministry"]).count() == 2
    assert SourceAlias.objects.filter(source=w["ministry"], alias="Officials").exists()


def test_a_source_cannot_become_its_own_ancestor() -> None:
    w = _world()
    api = client_for(Role.EDITOR)
    parent, child = w["ministry"], w["officials"]
    assert (
        _send(
            api, "patch", f"/api/v1/sources/{child.pk}", {"parent_id": parent.pk, "reason": "x"}
        ).status_code
        == 200
    )
    looped = _send(
        api, "patch", f"/api/v1/sources/{parent.pk}", {"parent_id": child.pk, "reason": "x"}
    )
    assert looped.status_code == 400


@pytest.mark.parametrize(
    ("action", "extra", "status"),
    [
        ("flag", {"reason": "Only one source"}, "unconfirmed"),
        ("confirm", {"evidence": "https://example.org/official-statement"}, "confirmed"),
        ("dismiss", {"reason": "Not a figure"}, "dismissed"),
    ],
)
def test_an_editor_reviews_a_figure(action: str, extra: dict[str, str], status: str) -> None:
    w = _world()
    response = _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/figures/{w['figure'].pk}/review",
        {"action": action, **extra},
    )
    assert response.status_code == 200
    assert Figure.objects.get(pk=w["figure"].pk).status == status
    assert Claim.objects.get(pk=w["first"].pk).edited


def test_confirming_a_figure_needs_evidence() -> None:
    w = _world()
    response = _send(
        client_for(Role.EDITOR),
        "post",
        f"/api/v1/figures/{w['figure'].pk}/review",
        {"action": "confirm"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "evidence"


def test_the_review_queue_proposes_figures_of_hedged_or_unsourced_or_disagreeing_claims() -> None:
    w = _world()
    plain = w[
        "figure"
    ]  # ministry-sourced, not hedged, unit "people" shared with the next claim's figure
    weak = w["second"].figures.get()  # only "Officials" (unnamed)
    Figure.objects.filter(pk=weak.pk).update(value=999)
    body = client_for(Role.ANALYST).get("/api/v1/review-queue").json()
    ids = {row["id"]: row["reasons"] for row in body["results"]}
    assert "no named source" in ids[weak.pk]
    assert "disagrees with another figure" in ids[plain.pk]


def _unreviewed_figures(n: int) -> list[int]:
    for _ in range(n):
        make_claim(sources=[make_source(kind="unnamed")])
    return sorted(Figure.objects.values_list("pk", flat=True), reverse=True)


def test_the_review_queue_pages_newest_first_with_a_cursor_both_ways() -> None:
    expected = _unreviewed_figures(5)
    api = client_for(Role.ANALYST)
    pages = [api.get("/api/v1/review-queue?page_size=2").json()]
    while pages[-1]["next"]:
        pages.append(api.get(pages[-1]["next"]).json())
    assert [row["id"] for page in pages for row in page["results"]] == expected
    assert pages[0]["previous"] is None and len(pages) == 3
    back = api.get(pages[1]["previous"]).json()
    assert back["results"] == pages[0]["results"]


@pytest.mark.parametrize(
    ("query", "field"), [("cursor=not-a-cursor", "cursor"), ("page_size=500", "page_size")]
)
def test_the_review_queue_explains_a_bad_cursor_or_page_size(query: str, field: str) -> None:
    response = client_for(Role.ANALYST).get(f"/api/v1/review-queue?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_the_review_queue_api_runs_a_fixed_number_of_queries_whatever_its_length() -> None:
    api = client_for(Role.ANALYST)
    _unreviewed_figures(1)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/review-queue").status_code == 200
        return len(ctx.captured_queries)

    count()  # the client's user object keeps its groups once read (core.access.role_of)
    one = count()
    _unreviewed_figures(6)
    assert count() == one


def test_reextraction_keeps_an_editors_corrections() -> None:
    from articles.processing import claims_extract_for_article
    from articles.services import article_reextract

    w = _world()
    article: Article = w["article"]
    _send(
        client_for(Role.EDITOR),
        "patch",
        f"/api/v1/claims/{w['first'].pk}",
        {"verification_status": "confirmed", "reason": "Seen the order"},
    )
    article_reextract(article_id=article.pk)
    claims_extract_for_article(article_id=article.pk, owner="t")
    kept = Claim.objects.get(pk=w["first"].pk)
    assert kept.verification_status == "confirmed"
    others = Claim.objects.filter(article=article).exclude(pk=kept.pk)
    assert all(not (c.start < kept.end and kept.start < c.end) for c in others)
