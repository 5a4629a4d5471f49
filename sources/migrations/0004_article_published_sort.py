"""An index in the order the claims list sorts by default: newest publication first.

`claims.selectors.claim_list` orders by COALESCE(article.published_at, '0001-01-01') DESC,
claim.id DESC (a keyset pagination needs a total order without NULLs). At a million claims
PostgreSQL sorted every article for each page (a parallel seq scan and an external merge sort,
~400 ms); with this index it walks the articles newest first, joins their claims through
claim_article's index and sorts only the one article group it stops in (incremental sort, ~1 ms),
and filtered lists (hedged, min_reliability) stop as soon as the page is full.

Plain SQL rather than a Meta index: the expression must be the selector's, constant included,
for the planner to match it, and keeping it here leaves the model's state untouched.
"""

from django.db import migrations

EXPRESSION = "(COALESCE(published_at, '0001-01-01 00:00:00+00'::timestamptz))"


class Migration(migrations.Migration):

    dependencies = [
        ("sources", "0003_source_version"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS article_published_sort ON sources_article "
            f"({EXPRESSION} DESC, id DESC)",
            "DROP INDEX IF EXISTS article_published_sort",
        ),
    ]
