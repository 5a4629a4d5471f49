"""Every write the admin can make is audited with the admin user as actor, and the rows that
only the editorial services may change are read-only there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from audit.models import AuditChange, AuditContext
from claims.links import claim_link_review
from core.access import Role
from feeds.models import Feed
from feeds.services import feed_create
from tests.editorial.conftest import make_user
from tests.factories import make_article, make_claim, make_claim_link, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Client:
    client = Client()
    client.force_login(make_user(Role.ADMIN, "root"))
    return client


def _context(action: str) -> AuditContext:
    return AuditContext.objects.get(action=action)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/claims/claim/{claim}/change/",
        "/admin/claims/claimlink/{link}/change/",
        "/admin/sources/source/{source}/change/",
    ],
)
def test_claims_links_and_sources_are_read_only_in_the_admin(admin: Client, path: str) -> None:
    source = make_source(name="Ministry", reliability="B")
    claim = make_claim(sources=[source])
    link = make_claim_link(from_claim=make_claim(), to_claim=claim)
    url = path.format(claim=claim.pk, link=link.pk, source=source.pk)

    page = admin.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin.post(url, {"reliability": "F", "text": "changed"}).status_code == 403
    assert admin.get(url.replace("change/", "delete/")).status_code == 403
    source.refresh_from_db()
    assert source.reliability == "B"


def test_an_article_edited_in_the_admin_is_audited_with_the_admin_as_actor(admin: Client) -> None:
    claim = make_claim(article=make_article(published_at=dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC)))
    url = f"/admin/sources/article/{claim.article_id}/change/"
    form = admin.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") or "" for name in form.fields}
    data.update({"published_at_0": "2024-03-05", "published_at_1": "10:00:00", "outlet": ""})
    data.pop("published_at", None)
    assert admin.post(url, data).status_code == 302

    context = _context("article.admin_edit")
    assert context.actor_name == "root"
    assert "published_at" in context.reason
    tables = set(AuditChange.objects.filter(context=context).values_list("table", flat=True))
    assert "sources_article" in tables


def test_a_feed_added_and_edited_in_the_admin_is_audited_with_the_admin_as_actor(
    admin: Client,
) -> None:
    form = {
        "url": "https://demo.example/feed.xml",
        "name": "",
        "outlet": "Demo Wire",
        "poll_interval_minutes": "30",
        "is_active": "on",
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
    }
    assert admin.post("/admin/feeds/feed/add/", form).status_code == 302
    feed = Feed.objects.get()
    assert (
        admin.post(f"/admin/feeds/feed/{feed.pk}/change/", {**form, "name": "Wire"}).status_code
        == 302
    )

    assert _context("feed.create").actor_name == "root"
    update = _context("feed.update")
    assert update.actor_name == "root"
    (change,) = AuditChange.objects.filter(context=update)
    assert (change.table, change.object_id, change.changed) == ("feeds_feed", feed.pk, ["name"])


def test_a_feed_edit_appears_in_the_feeds_history_on_its_page(admin: Client) -> None:
    editor = make_user(Role.EDITOR, "ed")
    feed = feed_create(actor=editor, url="https://demo.example/feed.xml", is_active=False)
    client = Client()
    client.force_login(editor)
    page = client.get(f"/feeds/{feed.pk}").content.decode()
    assert "feed.create" in page and "by ed" in page


def test_the_pollers_writes_are_not_editorial_history() -> None:
    feed = feed_create(url="https://demo.example/feed.xml", is_active=False)
    before = AuditChange.objects.count()
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=3, last_error="Timed out.")
    assert AuditChange.objects.count() == before


def test_a_link_review_shows_in_the_history_of_both_its_claims() -> None:
    a, b = make_claim(), make_claim()
    link = make_claim_link(from_claim=a, to_claim=b)
    editor = make_user(Role.EDITOR, "ed")
    claim_link_review(actor=editor, link_id=link.pk, action="confirm", reason="Same briefing")
    client = Client()
    for claim in (a, b):
        page = client.get(f"/claims/{claim.pk}").content.decode()
        assert "link.confirm" in page and "Same briefing" in page, claim.pk


def test_the_audit_trail_is_browsable_and_read_only_in_the_admin(admin: Client) -> None:
    feed_create(
        actor=make_user(Role.EDITOR, "ed"), url="https://demo.example/f.xml", is_active=False
    )
    context = _context("feed.create")
    assert admin.get("/admin/audit/auditcontext/").status_code == 200
    page = admin.get(f"/admin/audit/auditcontext/{context.pk}/change/")
    assert page.status_code == 200 and "feeds_feed" in page.content.decode()
    assert admin.post(f"/admin/audit/auditcontext/{context.pk}/change/", {}).status_code == 403
