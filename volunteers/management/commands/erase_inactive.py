"""Erase the profiles inactive for PRIVACY_RETENTION_DAYS (what beat runs daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from volunteers.privacy.retention import retention_cutoff, volunteers_inactive, volunteers_retention_erase


class Command(BaseCommand):
    help = "Erase volunteer profiles with no log-in and no edit for PRIVACY_RETENTION_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count the profiles, erase nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = retention_cutoff()
        if options["dry_run"]:
            count = volunteers_inactive().count()
            self.stdout.write(f"{count} profile(s) inactive since {cutoff:%Y-%m-%d} would be erased")
            return
        erased = 0
        while batch := volunteers_retention_erase():
            erased += batch
        self.stdout.write(f"{erased} profile(s) inactive since {cutoff:%Y-%m-%d} erased")
