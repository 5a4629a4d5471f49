from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from claims.checks import spacy_model_installed
from core.access import Role
from sources.models import Article
from tests.conftest import ROOT
from tests.editorial.conftest import make_user
from tests.factories import make_article


def test_a_missing_spacy_model_is_a_startup_error_naming_the_install_command(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPACY_MODEL = "en_no_such_model"
    errors = spacy_model_installed()
    assert len(errors) == 1
    assert "en_no_such_model" in errors[0].msg
    assert "pip install --require-hashes -r requirements.lock" in errors[0].hint


def test_the_installed_model_passes_the_startup_check() -> None:
    assert spacy_model_installed() == []


def test_the_extract_command_fails_clearly_when_the_model_is_missing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPACY_MODEL = "en_no_such_model"
    with pytest.raises(CommandError, match="requirements.lock"):
        call_command("extract", str(ROOT / "demo" / "seed.txt"), stdout=StringIO())


def test_the_extract_command_prints_contract_1_json_lines_without_a_database() -> None:
    # A subprocess with an unreachable database proves the command never connects to one.
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "extract",
            "demo/seed.txt",
            "demo/demo-aid.txt",
            "--published",
            "2024-11-08",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "HOME": str(ROOT / "var"),
        },
    )
    assert result.returncode == 0, result.stderr
    import json

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == ["demo/seed.txt", "demo/demo-aid.txt"]
    seed = lines[0]
    assert seed["extractor"]["model"] == "en_core_web_sm-3.8.0"
    text = (ROOT / "demo" / "seed.txt").read_text(encoding="utf-8")
    troops = next(c for c in seed["claims"] if "5,000 North Korean engineering troops" in c["text"])
    assert text[troops["start"] : troops["end"]] == troops["text"]
    assert troops["hedged"] and troops["quantities"][0]["value"] == 5000
    assert {
        "text",
        "start",
        "end",
        "sentence",
        "kind",
        "sources",
        "cue",
        "hedged",
        "hedge_cues",
        "quantities",
        "dates",
    } <= troops.keys()


def test_the_extract_command_runs_as_the_readme_writes_it_with_no_debug_or_secret_key_set() -> None:
    # `.venv/bin/python manage.py extract PATH` from a checkout, outside make: manage.py gives
    # the development defaults. A folder stands for its .txt files, sorted.
    result = subprocess.run(
        [sys.executable, "manage.py", "extract", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "HOME": str(ROOT / "var"),
        },
    )
    assert result.returncode == 0, result.stderr
    import json

    paths = [json.loads(line)["path"] for line in result.stdout.splitlines()]
    assert paths == sorted(str(p.relative_to(ROOT)) for p in (ROOT / "demo").glob("*.txt"))
    assert "demo/seed.txt" in paths


def test_the_extract_command_takes_a_folder_as_its_txt_files_at_any_depth_in_order(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    seed = (ROOT / "demo" / "seed.txt").read_text(encoding="utf-8")
    (tmp_path / "b").mkdir()
    for name in ("b/2.txt", "a.TXT", "c.txt", "b/1.txt"):
        (tmp_path / name).write_text(seed[:400], encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    out = StringIO()
    call_command("extract", str(tmp_path), str(ROOT / "demo" / "seed.txt"), stdout=out)
    import json

    paths = [json.loads(line)["path"] for line in out.getvalue().splitlines()]
    assert paths == [
        *(str(tmp_path / name) for name in ("a.TXT", "b/1.txt", "b/2.txt", "c.txt")),
        str(ROOT / "demo" / "seed.txt"),
    ]


def test_the_extract_command_refuses_a_folder_with_no_txt_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "page.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(CommandError, match="no .txt file"):
        call_command("extract", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_the_admin_submits_articles_through_the_submission_service() -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN, "root"))
    response = client.post(
        "/admin/sources/article/add/",
        {
            "title": "From the admin",
            "outlet_name": "Demo Wire",
            "url": "",
            "published_at_0": "",
            "published_at_1": "",
            "body": "The navy said 3 ships docked on Monday.",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == "queued" and article.outlet is not None and article.content_hash


@pytest.mark.django_db
def test_the_admin_shows_bad_article_text_as_a_form_error_and_stores_nothing() -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN, "root"))
    response = client.post(
        "/admin/sources/article/add/",
        {"title": "x", "body": "bad \x01 text", "published_at_0": "", "published_at_1": ""},
    )
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "requeued"), [(Role.ANONYMOUS, False), (Role.ANALYST, False), (Role.EDITOR, True)]
)
def test_only_editors_can_retry_a_failed_article(role: Role, requeued: bool) -> None:
    article = make_article(status="failed", error="boom")
    client = Client()
    if role != Role.ANONYMOUS:
        client.force_login(make_user(role))
    page = client.get(f"/articles/{article.pk}").content.decode()
    assert ("Retry extraction" in page) == requeued
    client.post(f"/articles/{article.pk}/retry")
    assert (Article.objects.get(pk=article.pk).status == "queued") == requeued


@pytest.mark.django_db
def test_changing_an_articles_publication_time_in_the_admin_moves_its_claims_copies() -> None:
    import datetime as dt

    from claims.models import Claim
    from tests.factories import make_claim

    claim = make_claim(article=make_article(published_at=dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC)))
    client = Client()
    client.force_login(make_user(Role.ADMIN, "root"))
    url = f"/admin/sources/article/{claim.article_id}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") or "" for name in form.fields}
    data.update({"published_at_0": "2024-03-05", "published_at_1": "10:00:00", "outlet": ""})
    data.pop("published_at", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.published_on == dt.date(2024, 3, 5)
    assert claim.published_sort == dt.datetime(2024, 3, 5, 10, tzinfo=dt.UTC)
