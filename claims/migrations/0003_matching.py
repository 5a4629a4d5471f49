"""Cross-article matching: pg_trgm and trigram indexes, denormalized independent origins and the
credibility reason on claims, evidence and reviewer on links.

The claim UPDATE audit trigger learns to ignore the two new denormalized columns: matching and
link reviews recompute them for thousands of claims, and those are derived values, not
editorial changes (the same reason it already ignores `credibility`).
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def _claim_update_trigger(ignored: str) -> str:
    return (
        "DROP TRIGGER IF EXISTS audit_claims_claim_update ON claims_claim;\n"
        "CREATE TRIGGER audit_claims_claim_update AFTER UPDATE ON claims_claim FOR EACH ROW "
        f"EXECUTE FUNCTION audit_record('always', '{ignored}');"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0002_claim_edited'),
        ('audit', '0002_triggers'),
        ('sources', '0003_source_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name='claim',
            name='credibility_reason',
            field=models.CharField(blank=True, default='', help_text="Why the computed credibility is what it is (the rule's reason).", max_length=300),
        ),
        migrations.AddField(
            model_name='claim',
            name='independent_origins',
            field=models.PositiveSmallIntegerField(default=1, help_text='Distinct first sources behind this claim and its same/corroborating matches (denormalized; recomputed when links or chains change).'),
        ),
        migrations.AddField(
            model_name='claimlink',
            name='evidence',
            field=models.JSONField(blank=True, default=dict, help_text='Why the matcher proposed it: shared words, figures, dates, similarity.'),
        ),
        migrations.AddField(
            model_name='claimlink',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='claimlink',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('text', name='gin_trgm_ops'), name='claim_text_trgm'),
        ),
        migrations.AddIndex(
            model_name='figure',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('unit'), name='gin_trgm_ops'), name='figure_unit_trgm'),
        ),
        migrations.RunSQL(
            _claim_update_trigger("credibility,credibility_reason,independent_origins"),
            _claim_update_trigger("credibility"),
        ),
    ]
