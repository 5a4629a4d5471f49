"""Row triggers that write the audit trail, and the guard that keeps it append-only.

Each audited table gets AFTER ROW triggers calling audit_record(mode, ignored columns):
- mode 'always': record even without an editorial context, so bulk updates that bypass the
  services are still caught (as system changes);
- mode 'context': record only inside an editorial write. Used for inserts and deletes, which the
  extraction worker does by the thousand and which are not editorial changes.
"""

from __future__ import annotations

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ctx_text text := current_setting('provenance.audit_context', true);
    ctx_id uuid := NULLIF(ctx_text, '')::uuid;
    ignored text[] := string_to_array(COALESCE(NULLIF(TG_ARGV[1], ''), '-'), ',');
    old_row jsonb;
    new_row jsonb;
    changed jsonb;
BEGIN
    IF TG_ARGV[0] = 'context' AND ctx_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        SELECT COALESCE(jsonb_agg(n.key ORDER BY n.key), '[]'::jsonb) INTO changed
          FROM jsonb_each(new_row) AS n
         WHERE n.value IS DISTINCT FROM old_row -> n.key AND n.key <> ALL(ignored);
        IF changed = '[]'::jsonb THEN
            RETURN NULL;
        END IF;
        INSERT INTO audit_auditchange (context_id, "table", object_id, op, before, after, changed, created_at)
        VALUES (ctx_id, TG_TABLE_NAME, NEW.id, 'UPDATE', old_row, new_row, changed, now());
    ELSIF TG_OP = 'INSERT' THEN
        new_row := to_jsonb(NEW);
        INSERT INTO audit_auditchange (context_id, "table", object_id, op, before, after, changed, created_at)
        VALUES (ctx_id, TG_TABLE_NAME, NEW.id, 'INSERT', NULL, new_row,
                (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(new_row) AS k), now());
    ELSE
        old_row := to_jsonb(OLD);
        INSERT INTO audit_auditchange (context_id, "table", object_id, op, before, after, changed, created_at)
        VALUES (ctx_id, TG_TABLE_NAME, OLD.id, 'DELETE', old_row, NULL, '[]'::jsonb, now());
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME;
END;
$$;
"""

# table, operation, mode, ignored columns
TRIGGERS = [
    ("claims_claim", "UPDATE", "always", "credibility"),
    ("claims_claim", "INSERT", "context", ""),
    ("claims_claim", "DELETE", "context", ""),
    ("claims_figure", "UPDATE", "always", ""),
    ("claims_figure", "INSERT", "context", ""),
    ("claims_figure", "DELETE", "context", ""),
    ("claims_attribution", "INSERT", "context", ""),
    ("claims_attribution", "UPDATE", "context", ""),
    ("claims_attribution", "DELETE", "context", ""),
    ("claims_claimlink", "INSERT", "context", ""),
    ("claims_claimlink", "UPDATE", "always", "score"),
    ("sources_source", "INSERT", "context", ""),
    ("sources_source", "UPDATE", "always", ""),
    ("sources_source", "DELETE", "context", ""),
    ("sources_sourcealias", "INSERT", "context", ""),
    ("sources_sourcealias", "UPDATE", "context", ""),
    ("sources_sourcealias", "DELETE", "context", ""),
]


def _name(table: str, op: str) -> str:
    return f"audit_{table}_{op.lower()}"


CREATE = FUNCTION + "\n".join(
    f"CREATE TRIGGER {_name(t, op)} AFTER {op} ON {t} FOR EACH ROW "
    f"EXECUTE FUNCTION audit_record('{mode}', '{ignored}');"
    for t, op, mode, ignored in TRIGGERS
) + """
CREATE TRIGGER audit_change_append_only BEFORE UPDATE OR DELETE ON audit_auditchange
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_context_append_only BEFORE UPDATE OR DELETE ON audit_auditcontext
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""

DROP = "\n".join(f"DROP TRIGGER IF EXISTS {_name(t, op)} ON {t};" for t, op, _, _ in TRIGGERS) + """
DROP TRIGGER IF EXISTS audit_change_append_only ON audit_auditchange;
DROP TRIGGER IF EXISTS audit_context_append_only ON audit_auditcontext;
DROP FUNCTION IF EXISTS audit_record();
DROP FUNCTION IF EXISTS audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
