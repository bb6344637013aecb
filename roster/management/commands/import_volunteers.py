from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roster.management.commands._common import finish, progress_for, read_file
from roster.volunteers import volunteers_import


class Command(BaseCommand):
    help = "Import a volunteer roster (.jsonl or .csv): an upsert keyed on external_id, reported line by line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="roster file; .jsonl or .csv")
        parser.add_argument("--atomic", action="store_true", help="one rejected line imports nothing")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        report = volunteers_import(
            data=read_file(options["file"]),
            filename=options["file"],
            atomic=options["atomic"],
            dry_run=options["dry_run"],
            progress=progress_for(self),
        )
        finish(self, report)
