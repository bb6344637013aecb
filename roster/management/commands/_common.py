"""What the roster commands share: reading the file, the progress bar, the report, the output."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from roster.formats import FORMATS, Record
from roster.importing import ImportReport, Progress

# Below this a bar flickers by too fast to help, unless someone is watching a terminal.
PROGRESS_MIN_LINES = 1000


def read_file(path: str) -> bytes:
    """The file's bytes, or a CommandError that says why not (never a traceback)."""
    file = Path(path)
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise CommandError(f"{path}: permission denied") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None


def progress_for(command: BaseCommand) -> Progress:
    """A tqdm bar on stderr for long files, or whenever stderr is a terminal."""
    stream = getattr(command.stderr, "_out", sys.stderr)

    def wrap(records: Iterable[Record], total: int) -> Iterable[Record]:
        show = total > PROGRESS_MIN_LINES or command.stderr.isatty()
        return tqdm(records, total=total, unit="line", file=stream, disable=not show, leave=False)

    return wrap


def finish(command: BaseCommand, report: ImportReport) -> None:
    """Print the report; exit non-zero (CommandError) if any line was rejected."""
    command.stdout.write(report.as_text())
    if report.rejected:
        raise CommandError(f"{report.rejected_lines} line(s) rejected")


def add_export_arguments(parser: Any) -> None:
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="jsonl (default) or csv")
    parser.add_argument("--output", metavar="FILE", help="write here instead of standard output")


def write_export(command: BaseCommand, chunks: Iterator[str], output: str | None) -> None:
    """Write an export to ``output`` (UTF-8, exactly as produced) or to stdout."""
    if output is None:
        for chunk in chunks:
            command.stdout.write(chunk, ending="")
        return
    try:
        # newline="": the CSV writer already ends rows with \r\n, as RFC 4180 asks.
        with Path(output).open("w", encoding="utf-8", newline="") as file:
            for chunk in chunks:
                file.write(chunk)
    except OSError as exc:
        raise CommandError(f"{output}: cannot be written ({exc.strerror})") from None
