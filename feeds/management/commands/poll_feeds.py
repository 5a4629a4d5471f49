from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from feeds.models import Feed
from feeds.selectors import feed_ids_due
from feeds.services import feed_poll


class Command(BaseCommand):
    help = (
        "Poll feeds now, in this process: the due ones, every active one (--all) or some (--feed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--feed",
            type=int,
            action="append",
            default=[],
            metavar="ID",
            help="Poll this feed even if it is not due or paused (repeatable).",
        )
        parser.add_argument(
            "--all", action="store_true", help="Poll every active feed, due or not."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: object, **options: Any) -> None:
        ids: list[int] = list(options["feed"])
        force = bool(ids) or bool(options["all"])
        if ids:
            missing = set(ids) - set(Feed.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No feed with id {', '.join(map(str, sorted(missing)))}.")
        elif options["all"]:
            ids = list(
                Feed.objects.filter(is_active=True).order_by("id").values_list("pk", flat=True)
            )
        else:
            ids = feed_ids_due(now=timezone.now())
        ok = failed = skipped = added = duplicates = entry_failures = 0
        out = self.stderr._out
        bar = tqdm(ids, unit="feed", disable=bool(options["no_progress"]), file=out)
        for feed_id in bar:
            report = feed_poll(feed_id=feed_id, force=force)
            if not report.polled:
                skipped += 1
                continue
            added, duplicates, entry_failures = (
                added + report.added,
                duplicates + report.duplicates,
                entry_failures + report.failed,
            )
            if report.ok:
                ok += 1
            else:
                failed += 1
                tqdm.write(f"feed {feed_id} failed: {report.error}", file=out)
            bar.set_postfix(added=added)
        self.stdout.write(
            f"{len(ids)} feeds: {ok} ok, {failed} failed, {skipped} skipped (being polled elsewhere); "
            f"{added} articles added, {duplicates} duplicates, {entry_failures} entries failed"
        )
