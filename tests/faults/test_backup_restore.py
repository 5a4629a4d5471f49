"""`pg_dump -Fc` / `pg_restore` of a loaded database gives the same rows, table by table.

The commands are the ones the README's "Backup and restore" section documents. The private
server's own pg_dump/pg_restore are used, because a dump tool must be at least the server's
version.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .infra import PG_BIN, PrivatePostgres, app_env, manage

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

EDIT = """
from django.contrib.auth.models import User
from claims.source_editorial import source_rate
from sources.models import Source
from articles.services import articles_reconcile
editor = User.objects.create_superuser("backup-editor", "b@example.org", "backup-editor-pw-1")
source = Source.objects.order_by("id").first()
source_rate(actor=editor, source_id=source.pk, expected_version=source.version, reliability="A",
            reason="Backup test")
print("EDITED")
"""


def _checksums(pg: PrivatePostgres, db: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row's text, in a total order)} for every table in public."""
    tables = [
        name
        for (name,) in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", db
        )
    ]
    result = {}
    for table in tables:
        [(rows, digest)] = pg.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t",
            db,
        )
        result[table] = (rows, digest)
    return result


def _sequences(pg: PrivatePostgres, db: str) -> dict[str, int | None]:
    return dict(
        pg.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'", db
        )
    )  # type: ignore[arg-type]


def _triggers(pg: PrivatePostgres, db: str) -> list[tuple[object, ...]]:
    return pg.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
        db,
    )


def test_a_dump_and_restore_round_trip_gives_identical_tables(
    private_pg: PrivatePostgres, private_db: str, tmp_path: Path
) -> None:
    env = app_env(database_url=private_pg.url(private_db), broker_url="")
    manage("load_demo", env=env)
    manage(
        "generate_synthetic",
        "--claims",
        "3000",
        "--articles",
        "300",
        "--sources",
        "100",
        "--no-progress",
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.support.settings"},
    )
    assert "EDITED" in manage("shell", "-c", EDIT, env=env)
    before = _checksums(private_pg, private_db)
    assert before["claims_claim"][0] >= 3000 and before["audit_auditcontext"][0] >= 1

    dump = tmp_path / "provenance.dump"
    restored = f"{private_db}_restored"
    url = private_pg.url(private_db)
    subprocess.run(
        [str(PG_BIN / "pg_dump"), "-Fc", "--no-owner", "-f", str(dump), url],
        check=True,
        timeout=300,
    )
    private_pg.execute(f"CREATE DATABASE {restored}")
    subprocess.run(
        [
            str(PG_BIN / "pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "-d",
            private_pg.url(restored),
            str(dump),
        ],
        check=True,
        timeout=300,
    )

    after = _checksums(private_pg, restored)
    assert after == before
    assert _sequences(private_pg, restored) == _sequences(private_pg, private_db)
    assert _triggers(private_pg, restored) == _triggers(private_pg, private_db)
    # The restored database is usable by the app as it is: migrations are all applied.
    assert "[ ]" not in manage(
        "showmigrations", env=app_env(database_url=private_pg.url(restored), broker_url="")
    )
    print(
        f"\nbackup/restore: {len(before)} tables, {sum(r for r, _ in before.values())} rows, "
        f"identical checksums; dump {dump.stat().st_size:,} bytes"
    )
