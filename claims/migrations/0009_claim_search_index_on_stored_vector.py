"""Matching's (day, words) GIN index built on the stored `search_vector` instead of the
expression `to_tsvector('english', text)`, and the GIN index on `search_vector` alone dropped.

The expression index computed to_tsvector a second time for every claim written (the generated
column had just computed the same vector), and the two GIN indexes held the same words twice;
full-text search is answered by the multicolumn index (GIN serves a condition on any of its
columns). claims/matching.py reads the stored vector to match the index."""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0008_claim_source"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="claim", name="claim_day_text_search"),
        migrations.RemoveIndex(model_name="claim", name="claim_search_vector"),
        migrations.AddIndex(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["published_on", "search_vector"], name="claim_day_text_search"
            ),
        ),
    ]
