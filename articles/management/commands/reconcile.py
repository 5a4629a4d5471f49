from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.services import articles_reconcile


class Command(BaseCommand):
    help = "Re-enqueue articles stuck in queued/processing past their lease (the beat task does this every minute)."

    def handle(self, *args: object, **options: object) -> None:
        report = articles_reconcile()
        self.stdout.write(
            f"{report.requeued} expired leases released, {report.enqueued} articles enqueued"
        )
