from __future__ import annotations

from django.core.management.base import BaseCommand

from sources.services import sources_sync_registry


class Command(BaseCommand):
    help = "Load the shipped source registry (sources, aliases, parents, default reliability)."

    def handle(self, *args: object, **options: object) -> None:
        count = sources_sync_registry()
        self.stdout.write(f"{count} registry sources loaded")
