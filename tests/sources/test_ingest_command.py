from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sources.models import Article

pytestmark = pytest.mark.django_db


def test_ingest_reads_files_and_folders_and_summarises_what_happened(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "a.txt").write_text("Officials said 20 boats were seized on Monday.")
    (folder / "b.html").write_text(
        "<html><body><p>The army said 3 drones were downed.</p></body></html>"
    )
    (folder / "empty.txt").write_text("")
    (folder / "notes.csv").write_text("ignored,because,of,suffix")
    single = tmp_path / "dup.txt"
    single.write_text("Officials  said 20 boats were seized on Monday.")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"1 of 4 files could not be ingested: .*empty\.txt"):
        call_command(
            "ingest",
            str(folder),
            str(single),
            "--outlet",
            "Demo Wire",
            "--no-progress",
            stdout=out,
            stderr=err,
        )
    assert out.getvalue().strip() == "2 created, 1 duplicate, 1 failed (4 files)"
    assert "empty.txt" in err.getvalue()
    assert Article.objects.count() == 2
    assert set(Article.objects.values_list("outlet__name", flat=True)) == {"Demo Wire"}


def test_ingest_fails_clearly_on_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("ingest", str(tmp_path / "nope.txt"), "--no-progress")


def test_ingest_of_good_files_exits_cleanly(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Officials said 20 boats were seized on Monday.")
    out = StringIO()
    call_command("ingest", str(tmp_path), "--no-progress", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == "1 created, 0 duplicate, 0 failed (1 files)"
