"""audit_record takes an optional third argument: columns left out of the stored before/after
rows (as well as ignored when deciding whether anything changed). For derived columns too big to
copy into every audit row, such as a claim's stored full-text vector."""

from __future__ import annotations

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ctx_text text := current_setting('provenance.audit_context', true);
    ctx_id uuid := NULLIF(ctx_text, '')::uuid;
    ignored text[] := string_to_array(COALESCE(NULLIF(TG_ARGV[1], ''), '-'), ',');
    omitted text[] := string_to_array(COALESCE(NULLIF(CASE WHEN TG_NARGS > 2 THEN TG_ARGV[2] END, ''), '-'), ',');
    old_row jsonb;
    new_row jsonb;
    changed jsonb;
BEGIN
    IF TG_ARGV[0] = 'context' AND ctx_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD) - omitted;
        new_row := to_jsonb(NEW) - omitted;
        SELECT COALESCE(jsonb_agg(n.key ORDER BY n.key), '[]'::jsonb) INTO changed
          FROM jsonb_each(new_row) AS n
         WHERE n.value IS DISTINCT FROM old_row -> n.key AND n.key <> ALL(ignored);
        IF changed = '[]'::jsonb THEN
            RETURN NULL;
        END IF;
        INSERT INTO audit_auditchange (context_id, "table", object_id, op, before, after, changed, created_at)
        VALUES (ctx_id, TG_TABLE_NAME, NEW.id, 'UPDATE', old_row, new_row, changed, now());
    ELSIF TG_OP = 'INSERT' THEN
        new_row := to_jsonb(NEW) - omitted;
        INSERT INTO audit_auditchange (context_id, "table", object_id, op, before, after, changed, created_at)
        VALUES (ctx_id, TG_TABLE_NAME, NEW.id, 'INSERT', NULL, new_row,
                (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(new_row) AS k), now());
    ELSE
        old_row := to_jsonb(OLD) - omitted;
        INSERT INTO audit_auditchange (context_id, "table", object_id, op, before, after, changed, created_at)
        VALUES (ctx_id, TG_TABLE_NAME, OLD.id, 'DELETE', old_row, NULL, '[]'::jsonb, now());
    END IF;
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_role_groups")]

    # The previous body is the same function without `omitted`; with two arguments the new one
    # behaves exactly as it did, so going back needs nothing.
    operations = [migrations.RunSQL(FUNCTION, migrations.RunSQL.noop)]
