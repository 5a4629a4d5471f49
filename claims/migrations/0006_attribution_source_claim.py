"""Claims sharing an origin, newest first, read from the index alone.

A claim's graph (depth >= 2) adds up to 100 claims that share its origin source:
`position = 0 AND source_id IN (...) ORDER BY claim_id DESC LIMIT 100`. With the model's
(source_id, position) index PostgreSQL fetched every such attribution row from the heap and
sorted them (6 ms for an origin of 200 claims, growing with the origin: "officials" originate
tens of thousands); with claim_id in the index it is an index-only scan (0.2 ms). The same index
serves the claims-of-a-source lists (`source_id = X`) without touching the heap.

Plain SQL, like sources 0004, so the model's state (and its index) stay as they are; the model's
`attribution_source_pos` is a prefix of this one and could be replaced by it there.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0005_claim_published_on"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS attribution_source_pos_claim "
            "ON claims_attribution (source_id, position, claim_id)",
            "DROP INDEX IF EXISTS attribution_source_pos_claim",
        ),
    ]
