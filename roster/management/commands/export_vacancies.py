from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assignments.models import Programme
from roster.export import vacancies_export
from roster.management.commands._common import add_export_arguments, write_export


class Command(BaseCommand):
    help = "Export vacancies (of one programme, or all) in the roster format (JSON Lines or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_export_arguments(parser)
        parser.add_argument("--programme", metavar="SLUG", help="only this programme's vacancies")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = None
        if options["programme"]:
            programme = Programme.objects.filter(slug=options["programme"]).first()
            if programme is None:
                raise CommandError(f"no programme {options['programme']!r}")
        write_export(self, vacancies_export(fmt=options["format"], programme=programme), options["output"])
