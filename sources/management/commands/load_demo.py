from __future__ import annotations

import datetime as dt
import json
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from claims.services import claims_extract_for_article
from sources.models import ArticleStatus
from sources.services import article_submit, sources_sync_registry

DEMO_DIR = settings.BASE_DIR / "demo"


class Command(BaseCommand):
    help = "Load the registry and the demo articles, and extract them now (not through a worker)."

    def handle(self, *args: object, **options: object) -> None:
        sources_sync_registry()
        entries = json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))
        done = 0
        for entry in tqdm(entries, unit="article", file=self.stderr._out):
            # Submitted through the one submission service; extraction runs here, synchronously,
            # so the first page a new user sees already lists claims.
            result = article_submit(
                body=(DEMO_DIR / entry["file"]).read_text(encoding="utf-8"), title=entry["title"],
                outlet=entry["outlet"], published_at=dt.date.fromisoformat(entry["published"]),
            )
            if result.article.status != ArticleStatus.DONE:
                claims_extract_for_article(article_id=result.article.pk, owner=f"demo-{uuid.uuid4()}")
            done += 1
        self.stdout.write(f"{done} demo articles loaded")
