from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roster.management.commands._common import finish, progress_for, read_file
from roster.vacancies import vacancies_import


class Command(BaseCommand):
    help = "Import a programme's vacancies (.jsonl or .csv) as open vacancies, reported line by line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="vacancy file; .jsonl or .csv")
        parser.add_argument(
            "--programme", required=True, metavar="SLUG", help="the programme (created if it does not exist)"
        )
        parser.add_argument("--atomic", action="store_true", help="one rejected line imports nothing")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        report = vacancies_import(
            data=read_file(options["file"]),
            filename=options["file"],
            programme_slug=options["programme"],
            create_programme=True,
            atomic=options["atomic"],
            dry_run=options["dry_run"],
            progress=progress_for(self),
        )
        finish(self, report)
