from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims import views_sources
from claims.models import Claim
from claims.selectors_sources import SourceFilters, source_list
from claims.views_sources import SOURCE_SORTS
from sources.models import Article
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_tells_a_new_user_what_to_do_when_there_are_no_claims(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "No claims yet" in page
    assert 'href="/articles/new"' in page


def test_the_home_page_lists_claims_with_their_chain(client: Client) -> None:
    nis, yonhap = (
        make_source(name="National Intelligence Service", reliability="B"),
        make_source(name="Yonhap"),
    )
    make_claim(text="Thousands of soldiers were relocated.", sources=[nis, yonhap])
    page = client.get("/").content.decode()
    assert "Thousands of soldiers were relocated." in page
    assert page.index("National Intelligence Service") < page.index("Yonhap")
    assert "rel-B" in page


def test_the_home_page_runs_a_fixed_number_of_queries_whatever_the_number_of_claims(
    client: Client,
) -> None:
    make_claim(sources=[make_source()])
    one = _queries(client, "/")
    for _ in range(6):
        make_claim(sources=[make_source(), make_source()], figures=2)
    assert _queries(client, "/") == one


def test_the_article_page_runs_a_fixed_number_of_queries_whatever_the_number_of_claims(
    client: Client,
) -> None:
    article = make_article()
    make_claim(article=article, sources=[make_source()])
    one = _queries(client, f"/articles/{article.pk}")
    for _ in range(6):
        make_claim(article=article, sources=[make_source(), make_source()], figures=2)
    assert _queries(client, f"/articles/{article.pk}") == one


def test_the_article_page_shows_a_failed_article_with_its_error(client: Client) -> None:
    article = make_article(status="failed", error="RuntimeError: model exploded")
    page = client.get(f"/articles/{article.pk}").content.decode()
    assert "Failed" in page and "model exploded" in page


def test_article_text_and_claims_are_escaped_not_rendered_as_html(client: Client) -> None:
    evil = '<script>alert("x")</script> Officials said <b>5</b> boats sank.'
    article = make_article(body=evil, title="<img src=x onerror=alert(1)>")
    make_claim(article=article, text=evil, sources=[make_source(name="<i>Agency</i>")])
    for url in ("/", f"/articles/{article.pk}"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<i>Agency</i>" not in page
        assert "&lt;script&gt;" in page


@pytest.fixture
def signed_in(client: Client, django_user_model) -> Client:  # type: ignore[no-untyped-def]
    """The form is for signed-in users (ALLOW_ANONYMOUS_SUBMISSIONS is off)."""
    client.force_login(django_user_model.objects.create(username="page-user"))
    return client


def test_submitting_the_form_stores_the_article_and_redirects_to_its_page(
    signed_in: Client,
) -> None:
    response = signed_in.post(
        "/articles/new",
        {
            "body": "The army said 12 drones were downed on Sunday.",
            "title": "Drones",
            "outlet": "Demo Wire",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Paste the article"),
        ({"body": "control \x01 chars"}, "control characters"),
        ({"body": "ok text", "url": "not a url"}, "Enter a valid URL"),
    ],
)
def test_the_form_shows_a_clear_error_and_stores_nothing(
    signed_in: Client, data: dict, message: str
) -> None:  # type: ignore[type-arg]
    response = signed_in.post("/articles/new", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_healthz_answers_ok_when_the_database_is_reachable(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_answers_503_with_the_status_only_and_logs_the_database_error(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.db import OperationalError

    from core import views

    secret = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: user "prov"'

    class Unreachable:
        def cursor(self) -> None:
            raise OperationalError(secret)

    monkeypatch.setattr(views, "connection", Unreachable())
    with caplog.at_level("ERROR", logger="core.views"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert "db.internal" not in response.content.decode()
    assert any(r.exc_info and secret in str(r.exc_info[1]) for r in caplog.records)


def test_the_claim_page_shows_the_chain_picture_origin_first_and_the_sentence_in_context(
    client: Client,
) -> None:
    body = "Intro line.\nThe agency said 300 troops moved. Another sentence follows."
    article = make_article(
        body=body, outlet=make_source(name="Demo Wire", kind="outlet", reliability="B")
    )
    nis, yonhap = (
        make_source(name="National Intelligence Service", reliability="B"),
        make_source(name="Yonhap", reliability="B"),
    )
    start = body.index("The agency")
    claim = make_claim(
        article=article, text="The agency said 300 troops moved.", sources=[nis, yonhap]
    )
    claim.start, claim.end = start, start + len(claim.text)
    claim.sentence_start, claim.sentence_end = claim.start, claim.end
    claim.save()
    page = client.get(f"/claims/{claim.pk}").content.decode()
    assert "<svg" in page
    assert (
        page.index("National Intelligence Service")
        < page.index(">Yonhap<")
        < page.index(">Demo Wire<")
    )
    assert (
        '<mark class="cred-6">The agency said 300 troops moved.</mark> Another sentence follows.'
        in page
    )


def test_the_claim_page_runs_a_fixed_number_of_queries_whatever_the_chain_length(
    client: Client,
) -> None:
    short = make_claim(sources=[make_source()])
    long = make_claim(sources=[make_source(), make_source(), make_source()], figures=3)
    assert _queries(client, f"/claims/{short.pk}") == _queries(client, f"/claims/{long.pk}")


def test_an_unknown_claim_is_a_404(client: Client) -> None:
    assert client.get("/claims/987654").status_code == 404


def test_the_claims_browser_keeps_its_filters_in_the_url_and_applies_them(client: Client) -> None:
    good, weak = make_source(reliability="A"), make_source(reliability="E")
    outlet = make_source(name="Good Outlet", kind="outlet", reliability="A")
    kept = make_claim(
        article=make_article(outlet=outlet), text="Reliable claim text.", sources=[good]
    )
    make_claim(article=make_article(outlet=outlet), text="Weak claim text.", sources=[good, weak])
    page = client.get("/", {"min_reliability": "B"}).content.decode()
    assert "Reliable claim text." in page
    assert "Weak claim text." not in page
    assert 'value="B" selected' in page
    assert f"/claims/{kept.pk}" in page


def test_the_claims_browser_pages_with_a_cursor(client: Client) -> None:
    article = make_article()
    for i in range(30):
        make_claim(article=article, text=f"Claim number {i:02d}.")
    first = client.get("/", {"ordering": "-id"}).content.decode()
    assert "Claim number 29." in first and "Claim number 04." not in first
    next_link = (
        first.split('rel="next"')[0].rsplit('href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    )
    second = client.get("/?" + next_link).content.decode()
    assert "Claim number 04." in second and "Claim number 29." not in second


def test_a_forged_cursor_gets_a_clear_message_not_an_error(client: Client) -> None:
    make_claim()
    response = client.get("/", {"cursor": "forged"})
    assert response.status_code == 200
    assert "no longer valid" in response.content.decode()


def test_the_sources_page_lists_sources_sortably_with_counts(client: Client) -> None:
    a, b = (
        make_source(name="Alpha Agency", reliability="A"),
        make_source(name="Beta Ministry", reliability="D"),
    )
    make_claim(sources=[a, b])
    page = client.get("/sources", {"sort": "reliability"}).content.decode()
    assert page.index("Alpha Agency") < page.index("Beta Ministry")
    page = client.get("/sources", {"sort": "-reliability"}).content.decode()
    assert page.index("Beta Ministry") < page.index("Alpha Agency")


def test_the_sources_page_sorts_by_claims_originated_and_relayed(client: Client) -> None:
    a, b = make_source(name="Alpha Agency"), make_source(name="Beta Ministry")
    make_claim(sources=[b, a])
    make_claim(sources=[b, a])
    make_claim(sources=[a])
    page = client.get("/sources", {"sort": "-originated"}).content.decode()
    assert page.index("Beta Ministry") < page.index("Alpha Agency")
    page = client.get("/sources", {"sort": "-relayed"}).content.decode()
    assert page.index("Alpha Agency") < page.index("Beta Ministry")


def test_the_sources_page_runs_a_fixed_number_of_queries_whatever_the_number_of_sources(
    client: Client,
) -> None:
    make_claim(sources=[make_source()])
    one = _queries(client, "/sources")
    for _ in range(5):
        make_claim(sources=[make_source(), make_source()])
    assert _queries(client, "/sources") == one


def test_a_source_page_shows_what_it_originated_relayed_and_cites(client: Client) -> None:
    nis, yonhap = make_source(name="National Intelligence Service"), make_source(name="Yonhap")
    make_claim(text="Soldiers were relocated.", sources=[nis, yonhap])
    page = client.get(f"/sources/{yonhap.pk}").content.decode()
    assert "Sources it relays most" in page
    assert "National Intelligence Service</a>" in page
    assert "Soldiers were relocated." in page
    origin_page = client.get(f"/sources/{nis.pk}").content.decode()
    assert "It relays no other named source." in origin_page


def test_a_source_page_runs_a_fixed_number_of_queries_whatever_its_claims(client: Client) -> None:
    source = make_source()
    make_claim(sources=[source])
    make_claim(sources=[make_source(), source])
    one = _queries(client, f"/sources/{source.pk}")
    for _ in range(5):
        make_claim(sources=[source, make_source()], figures=2)
        make_claim(sources=[make_source(), source], figures=2)
    assert _queries(client, f"/sources/{source.pk}") == one


def test_the_claims_browser_filters_and_sorts_by_independent_origins(client: Client) -> None:
    one = make_claim(text="Backed by one origin.")
    two = make_claim(text="Backed by two origins.")
    Claim.objects.filter(pk=one.pk).update(independent_origins=1)
    Claim.objects.filter(pk=two.pk).update(independent_origins=2)
    page = client.get("/", {"min_origins": 2}).content.decode()
    assert "Backed by two origins." in page and "Backed by one origin." not in page
    page = client.get("/", {"ordering": "-origins"}).content.decode()
    assert page.index("Backed by two origins.") < page.index("Backed by one origin.")


def _source_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr><td><a href="/sources/(\d+)"', page)]


def _pager_link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}"', page)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("sort", sorted(SOURCE_SORTS))
def test_the_sources_page_pages_through_every_source_once_in_every_sort_keeping_the_search(
    client: Client, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    monkeypatch.setattr(views_sources, "SOURCE_PAGE_SIZE", 2)
    made = [
        make_source(name=f"Agency {letter}", reliability="AB"[i % 2], country=["KR", ""][i % 2])
        for i, letter in enumerate("DBECA")
    ]
    make_source(name="Not matched")
    make_claim(sources=[made[0], made[1]])
    make_claim(sources=[made[0], made[2]])
    expected = list(
        source_list(filters=SourceFilters(search="agency"))
        .order_by(*SOURCE_SORTS[sort])
        .values_list("pk", flat=True)
    )
    pages = [client.get("/sources", {"q": "agency", "sort": sort}).content.decode()]
    while (query := _pager_link(pages[-1], "next")) is not None:
        pages.append(client.get("/sources?" + query).content.decode())
    assert [pk for page in pages for pk in _source_ids(page)] == expected
    assert len(pages) == 3 and _pager_link(pages[0], "prev") is None
    back = client.get("/sources?" + (_pager_link(pages[1], "prev") or "")).content.decode()
    assert _source_ids(back) == _source_ids(pages[0])


@pytest.mark.parametrize("cursor", ["forged", "from-another-sort"])
def test_a_bad_cursor_on_the_sources_page_shows_the_first_page_with_a_message(
    client: Client, monkeypatch: pytest.MonkeyPatch, cursor: str
) -> None:
    monkeypatch.setattr(views_sources, "SOURCE_PAGE_SIZE", 2)
    for grade in "ABC":
        make_source(reliability=grade)
    if cursor == "from-another-sort":
        # Same number of keys, and a grade where a count is expected: a database error if used.
        page = client.get("/sources", {"sort": "reliability"}).content.decode()
        cursor = dict(parse_qsl(_pager_link(page, "next") or ""))["cursor"]
    response = client.get("/sources", {"sort": "-originated", "cursor": cursor})
    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer valid" in page and len(_source_ids(page)) == 2
