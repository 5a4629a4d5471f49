from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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
    nis, yonhap = make_source(name="National Intelligence Service", reliability="B"), make_source(name="Yonhap")
    make_claim(text="Thousands of soldiers were relocated.", sources=[nis, yonhap])
    page = client.get("/").content.decode()
    assert "Thousands of soldiers were relocated." in page
    assert page.index("National Intelligence Service") < page.index("Yonhap")
    assert "rel-B" in page


def test_the_home_page_runs_a_fixed_number_of_queries_whatever_the_number_of_claims(client: Client) -> None:
    make_claim(sources=[make_source()])
    one = _queries(client, "/")
    for _ in range(6):
        make_claim(sources=[make_source(), make_source()], figures=2)
    assert _queries(client, "/") == one


def test_the_article_page_runs_a_fixed_number_of_queries_whatever_the_number_of_claims(client: Client) -> None:
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


def test_submitting_the_form_stores_the_article_and_redirects_to_its_page(client: Client) -> None:
    response = client.post("/articles/new", {"body": "The army said 12 drones were downed on Sunday.",
                                             "title": "Drones", "outlet": "Demo Wire"})
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
def test_the_form_shows_a_clear_error_and_stores_nothing(client: Client, data: dict, message: str) -> None:  # type: ignore[type-arg]
    response = client.post("/articles/new", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_healthz_answers_ok_when_the_database_is_reachable(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
