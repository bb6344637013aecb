from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roster.export import volunteers_export
from roster.management.commands._common import add_export_arguments, write_export


class Command(BaseCommand):
    help = "Export every non-erased volunteer in the roster format (JSON Lines or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_export_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        write_export(self, volunteers_export(fmt=options["format"]), options["output"])
