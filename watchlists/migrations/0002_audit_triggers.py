"""Watchlist writes go into the audit trail (audit/migrations/0002_triggers.py): inserts and
deletes inside the owner's editorial context (watchlists.services), updates always, except the
check's own bookkeeping columns. The private token and the webhook secret are left out of the
stored rows (audit_record's third argument, audit/migrations/0004): the trail is readable by
more people than the owner."""

from __future__ import annotations

from django.db import migrations

SECRETS = "feed_token,webhook_secret"
TRIGGERS = [
    ("INSERT", "context", ""),
    ("UPDATE", "always", "last_checked_at,last_checked_claim_id,updated_at"),
    ("DELETE", "context", ""),
]

CREATE = "\n".join(
    f"CREATE TRIGGER audit_watchlists_watchlist_{op.lower()} AFTER {op} ON watchlists_watchlist "
    f"FOR EACH ROW EXECUTE FUNCTION audit_record('{mode}', '{ignored}', '{SECRETS}');"
    for op, mode, ignored in TRIGGERS
)
DROP = "\n".join(
    f"DROP TRIGGER IF EXISTS audit_watchlists_watchlist_{op.lower()} ON watchlists_watchlist;"
    for op, _, _ in TRIGGERS
)


class Migration(migrations.Migration):
    dependencies = [
        ("watchlists", "0001_initial"),
        ("audit", "0004_omitted_columns"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
