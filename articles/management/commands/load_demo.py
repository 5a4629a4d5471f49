from __future__ import annotations

import datetime as dt
import json
import uuid

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from articles.processing import claims_extract_for_article
from articles.services import article_submit
from core import queue
from sources.models import ArticleStatus
from sources.services import sources_sync_registry

DEMO_DIR = settings.BASE_DIR / "demo"


class Command(BaseCommand):
    help = "Load the registry and the demo articles, and extract them now (not through a worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create the users 'editor' and 'analyst' (DEBUG only) for trying the app.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["demo_users"]:
            self._demo_users()
        sources_sync_registry()
        entries = json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))
        done = 0
        for entry in tqdm(entries, unit="article", file=self.stderr._out):
            # Submitted through the one submission service; extraction runs here, synchronously,
            # so the first page a new user sees already lists claims.
            result = article_submit(
                body=(DEMO_DIR / entry["file"]).read_text(encoding="utf-8"),
                title=entry["title"],
                outlet=entry["outlet"],
                published_at=dt.date.fromisoformat(entry["published"]),
            )
            if result.article.status != ArticleStatus.DONE:
                claims_extract_for_article(
                    article_id=result.article.pk, owner=f"demo-{uuid.uuid4()}"
                )
            done += 1
        # With no broker, matching (and any extraction the submissions enqueued) runs in this
        # process's worker thread: let it finish before the command ends.
        queue.drain()
        self.stdout.write(f"{done} demo articles loaded")

    def _demo_users(self) -> None:
        if not settings.DEBUG:
            self.stderr.write("Demo users are only created with DEBUG on; skipped.")
            return
        for name in ("editor", "analyst"):
            if not User.objects.filter(username=name).exists():
                user = User.objects.create_user(name, password=f"{name}-demo")
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        self.stdout.write(
            "Demo users: editor / editor-demo, analyst / analyst-demo (sign in at /accounts/login/)"
        )
