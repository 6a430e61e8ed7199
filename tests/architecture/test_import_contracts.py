"""The import contracts (pyproject.toml, run by `make lint`) hold on the tree, and would catch a
broken layer: each test copies the code to a temporary folder, plants one violation, and runs
`lint-imports` there, which must fail and name the planted import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(tmp_path: Path) -> Path:
    dest = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "static", "migrations")
    for package in ("backend", "tasks"):
        shutil.copytree(ROOT / package, dest / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, ahead of the editable install of the real tree.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _plant(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_contracts_hold_on_the_tree(tmp_path: Path) -> None:
    result = _lint_imports(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken", "named"),
    [
        # Rules are pure: a rules module reaching into the domain.
        ("backend.rules.scoring", "import backend.domain.board.service", "Rules are pure", None),
        # db and security stay below the domain.
        (
            "backend.security.policy",
            "import backend.domain.reviews.service",
            "never import the",
            None,
        ),
        # A service importing a controller.
        (
            "backend.domain.scores.service",
            "import backend.domain.board.controllers",
            "Services",
            None,
        ),
        # A service raising an HTTP exception instead of a domain error.
        (
            "backend.domain.scores.service",
            "from litestar.exceptions import NotFoundException",
            "Services raise",
            None,
        ),
        # A task reaching for the web layer.
        ("tasks.jobs", "import backend.web.templating", "Background tasks", None),
        # A cycle between two domain areas (reviews already build on submissions).
        (
            "backend.domain.submissions.service",
            "import backend.domain.reviews.service",
            "cycles",
            ".submissions -> .reviews",
        ),
        # The two command-line modules importing each other again.
        ("backend.cli_admin", "import backend.cli", "Layers", None),
    ],
)
def test_a_planted_violation_breaks_the_contracts(
    tmp_path: Path, module: str, line: str, broken: str, named: str | None
) -> None:
    tree = _copy_tree(tmp_path)
    _plant(tree, module, line)
    result = _lint_imports(tree)
    assert result.returncode != 0
    broken_section = result.stdout.split("Broken contracts", 1)[-1]
    assert broken in broken_section
    assert (named or module) in broken_section
