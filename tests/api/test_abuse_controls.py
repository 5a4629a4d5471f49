"""Abuse controls: who may submit, the throttles on writes and sign-ins, and what the pages
show a visitor who may not use a form."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from core.access import Role
from feeds.models import UrlSubmission
from sources.models import Article
from tests.editorial.conftest import make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
BODY = "The defence ministry said on Friday that 300 troops had been moved to the border."


def _as(role: Role) -> APIClient:
    client = APIClient()
    if role != Role.ANONYMOUS:
        client.force_authenticate(make_user(role, f"abuse-{role.name.lower()}"))
    return client


def _submit(client: APIClient, door: str, n: int = 0) -> Any:
    body = f"{BODY} Item {n}."
    if door == "json":
        return client.post("/api/v1/articles", {"body": body}, format="json")
    if door == "batch":
        return client.post("/api/v1/articles/batch", {"articles": [{"body": body}]}, format="json")
    upload = SimpleUploadedFile("a.txt", body.encode(), content_type="text/plain")
    return client.post("/api/v1/articles", {"file": upload}, format="multipart")


# ------------------------------------------------------------------------------ who may submit


@pytest.mark.parametrize("door", ["json", "batch", "file"])
def test_an_anonymous_submission_is_refused_with_401_by_default(door: str) -> None:
    response = _submit(_as(Role.ANONYMOUS), door)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert Article.objects.count() == 0


@pytest.mark.parametrize("door", ["json", "batch", "file"])
def test_a_signed_in_analyst_may_submit(door: str) -> None:
    response = _submit(_as(Role.ANALYST), door)
    assert response.status_code in (200, 202), response.content
    assert Article.objects.count() == 1


@pytest.mark.parametrize("door", ["json", "batch", "file"])
def test_the_setting_opens_submission_to_anonymous_visitors(door: str, settings: Any) -> None:
    settings.ALLOW_ANONYMOUS_SUBMISSIONS = True
    response = _submit(_as(Role.ANONYMOUS), door)
    assert response.status_code in (200, 202), response.content
    assert Article.objects.count() == 1


def test_the_setting_does_not_open_url_submissions(settings: Any) -> None:
    settings.ALLOW_ANONYMOUS_SUBMISSIONS = True
    response = _as(Role.ANONYMOUS).post(
        "/api/v1/urls", {"url": "https://example.org/a"}, format="json"
    )
    assert response.status_code == 401
    assert not UrlSubmission.objects.exists()


def test_the_submit_page_asks_an_anonymous_visitor_to_sign_in_instead_of_showing_a_form() -> None:
    client = Client()
    page = client.get("/articles/new").content.decode()
    assert 'name="body"' not in page and "to submit articles" in page
    assert ">Submit article</a>" not in client.get("/").content.decode()
    response = client.post("/articles/new", {"body": BODY})
    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_the_submit_page_shows_its_form_when_submission_is_open(settings: Any) -> None:
    settings.ALLOW_ANONYMOUS_SUBMISSIONS = True
    client = Client()
    assert 'name="body"' in client.get("/articles/new").content.decode()
    assert ">Submit article</a>" in client.get("/").content.decode()
    response = client.post("/articles/new", {"body": BODY})
    assert response.status_code == 302 and Article.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "add_feed", "submit_url", "review"),
    [
        (Role.ANONYMOUS, False, False, False),
        (Role.ANALYST, False, True, True),
        (Role.EDITOR, True, True, True),
    ],
)
def test_pages_show_only_the_forms_and_links_the_user_may_use(
    role: Role, add_feed: bool, submit_url: bool, review: bool
) -> None:
    client = Client()
    if role != Role.ANONYMOUS:
        client.force_login(make_user(role, f"pages-{role.name.lower()}"))
    feeds = client.get("/feeds/").content.decode()
    assert ("Add a feed" in feeds) is add_feed
    assert ("Submit an article by URL" in feeds) is submit_url
    assert ('name="url"' in client.get("/feeds/urls/new").content.decode()) is submit_url
    assert ('name="poll_interval_minutes"' in client.get("/feeds/new").content.decode()) is add_feed
    assert (">Review queue</a>" in feeds) is review


# ------------------------------------------------------------------------------ throttles


def test_a_users_writes_over_the_rate_answer_429_with_retry_after_in_the_error_shape(
    settings: Any,
) -> None:
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "write_user": "3/minute"}
    client = _as(Role.ANALYST)
    assert [_submit(client, "json", n).status_code for n in range(3)] == [202, 202, 202]
    response = _submit(client, "json", 3)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["code"] == "throttled" and "try again" in error["message"]
    assert error["details"]["retry_after"] == int(response["Retry-After"])
    assert Article.objects.count() == 3
    # Reads are not counted; another user has a count of their own.
    assert client.get("/api/v1/articles").status_code == 200
    assert _submit(_as(Role.EDITOR), "json", 4).status_code == 202


def test_anonymous_writes_are_counted_per_address_and_x_forwarded_for_is_not_trusted(
    settings: Any,
) -> None:
    settings.ALLOW_ANONYMOUS_SUBMISSIONS = True
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "write_anon": "2/minute"}
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    for n in range(2):
        assert _submit(client, "json", n).status_code == 202
    spoofed = client.post(
        "/api/v1/articles", {"body": BODY}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert spoofed.status_code == 429 and "Retry-After" in spoofed
    other = APIClient(REMOTE_ADDR="203.0.113.8")
    assert _submit(other, "json", 9).status_code == 202


def test_a_refused_caller_is_told_so_before_being_throttled(settings: Any) -> None:
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "write_anon": "1/minute"}
    client = _as(Role.ANONYMOUS)
    statuses = {_submit(client, "json", n).status_code for n in range(3)}
    assert statuses == {401}


def _login(client: Client, password: str) -> Any:
    return client.post("/accounts/login/", {"username": "locksmith", "password": password})


def test_the_31st_sign_in_attempt_in_a_minute_from_one_address_answers_429() -> None:
    User.objects.create_user("locksmith", password="the-right-one-123")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(30):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    locked = _login(client, "the-right-one-123")
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 60
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out.
    assert _login(Client(REMOTE_ADDR="203.0.113.10"), "the-right-one-123").status_code == 302


def test_a_successful_sign_in_does_not_count_towards_the_lockout(settings: Any) -> None:
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "2/minute"}
    User.objects.create_user("locksmith", password="the-right-one-123")
    client = Client(REMOTE_ADDR="203.0.113.11")
    for _ in range(3):
        assert _login(client, "the-right-one-123").status_code == 302
    assert _login(client, "wrong").status_code == 200
    assert _login(client, "wrong").status_code == 200
    assert _login(client, "the-right-one-123").status_code == 429


def test_the_admin_sign_in_is_throttled_too(settings: Any) -> None:
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "2/minute"}
    client = Client(REMOTE_ADDR="203.0.113.12")
    for _ in range(2):
        response = client.post("/admin/login/", {"username": "root", "password": "x"})
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": "root", "password": "x"})
    assert response.status_code == 429 and "Retry-After" in response


# ------------------------------------------------------------------------------ settings


def _settings_value(expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "provenance.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache"),
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"}, "django.core.cache.backends.redis"),
        ({"CACHE_URL": "redis://127.0.0.1:6379/4"}, "django.core.cache.backends.redis"),
    ],
)
def test_the_throttles_count_in_redis_when_one_is_configured(
    env: dict[str, str], backend: str
) -> None:
    result = _settings_value("settings.CACHES['default']['BACKEND']", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(backend)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"THROTTLE_WRITE_USER": "lots"}, "THROTTLE_WRITE_USER='lots'"),
        ({"THROTTLE_LOGIN_FAILURES": "0/minute"}, "THROTTLE_LOGIN_FAILURES='0/minute'"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL='memcached://x'"),
        ({"ALLOW_ANONYMOUS_SUBMISSIONS": "perhaps"}, "ALLOW_ANONYMOUS_SUBMISSIONS='perhaps'"),
    ],
)
def test_bad_abuse_settings_fail_loudly_with_the_variable_name(
    env: dict[str, str], named: str
) -> None:
    result = _settings_value("1", **env)
    assert result.returncode != 0 and named in result.stderr


def test_a_rate_of_off_means_no_limit() -> None:
    result = _settings_value("settings.THROTTLE_RATES['write_anon']", THROTTLE_WRITE_ANON="off")
    assert result.returncode == 0 and result.stdout.strip() == "None", result.stderr
