"""Apps depend downward only: an app imports the apps before it in LAYERS, never one after it.

A change that an app further down must react to travels as an outbox row
(core.outbox), not as an import of the app above. Imports inside functions
count: hiding one there does not make the loop go away.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The order the README's layout section gives; config is wiring and plumbing
# (settings, URLs, the API's error shape, permissions) that every app may use.
LAYERS = ("core", "accounts", "volunteers", "assignments", "matching", "alerts", "roster", "web")
# The modules of config that wire the apps together, and so may import any of them.
WIRING = {"config/urls.py", "config/celery.py", "config/wsgi.py"}


def _imported_tops(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def _python_files(folder: str) -> list[Path]:
    return [p for p in sorted((ROOT / folder).rglob("*.py")) if "migrations" not in p.parts]


def upward_imports(layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Every import of an app from an app (or non-wiring config module) below it, as 'file:line imports app'."""
    rank = {app: i for i, app in enumerate(layers)}
    wrong = []
    for app in (*layers, "config"):
        if not (ROOT / app).is_dir():
            continue
        for path in _python_files(app):
            relative = path.relative_to(ROOT).as_posix()
            if relative in WIRING:
                continue
            # config sits beside core, under every app: it may import core only.
            own = rank[app] if app in rank else rank["core"]
            for line, top in _imported_tops(path):
                if top in rank and rank[top] > own:
                    wrong.append(f"{relative}:{line} imports {top}")
    return wrong


def test_no_app_imports_an_app_above_it() -> None:
    assert upward_imports() == []


def test_the_check_sees_an_upward_import_hidden_inside_a_function(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "lower").mkdir()
    (tmp_path / "lower" / "services.py").write_text("def hook():\n    from upper.tasks import run\n    run()\n")
    (tmp_path / "upper").mkdir()
    (tmp_path / "upper" / "tasks.py").write_text("from lower.services import hook\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)

    assert upward_imports(("lower", "upper")) == ["lower/services.py:2 imports upper"]


@pytest.mark.parametrize("module", ["core.vocabulary", "core.tasknames"])
def test_the_shared_vocabulary_imports_no_django(module: str) -> None:
    path = ROOT / (module.replace(".", "/") + ".py")
    assert {top for _, top in _imported_tops(path)} <= {"__future__", "typing"}


PEOPLE = {"user", "actor", "sent_by", "invited_by"}


def test_services_and_selectors_never_take_any_for_a_person() -> None:
    files = [
        p
        for app in LAYERS
        if (ROOT / app).is_dir()
        for p in _python_files(app)
        if p.stem in ("services", "selectors") or p.parent.name == "services"
    ]
    untyped = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for arg in [*node.args.args, *node.args.kwonlyargs]:
                    if arg.arg in PEOPLE and (arg.annotation is None or "Any" in ast.unparse(arg.annotation)):
                        untyped.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg})")
    assert files
    assert untyped == []
