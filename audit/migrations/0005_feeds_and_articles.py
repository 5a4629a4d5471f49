"""Feeds and articles join the audit trail: a feed registered, edited or removed by an editor,
and an article's publication time or outlet changed in the admin, are recorded. Context mode
only: the poller rewrites every feed's health columns and the workers every article's status
all day long, which are not editorial changes. An article's body is left out of the stored rows
(as a claim's search vector is), and it never changes."""

from __future__ import annotations

from django.db import migrations

# table, operation, columns left out of the stored rows
TRIGGERS = [("feeds_feed", op, "") for op in ("INSERT", "UPDATE", "DELETE")] + [
    ("sources_article", "UPDATE", "body")
]


def _name(table: str, op: str) -> str:
    return f"audit_{table}_{op.lower()}"


CREATE = "\n".join(
    f"CREATE TRIGGER {_name(t, op)} AFTER {op} ON {t} FOR EACH ROW "
    f"EXECUTE FUNCTION audit_record('context', '', '{omitted}');"
    for t, op, omitted in TRIGGERS
)
DROP = "\n".join(f"DROP TRIGGER IF EXISTS {_name(t, op)} ON {t};" for t, op, _ in TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_omitted_columns"),
        ("feeds", "0001_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
