"""The package's floors: what each may import, and how long a module may grow.

Each module belongs to a floor: a top-level folder (``sources``, ``summarize``, ``store``,
``digest``, ``site``, ``publish``, ``jobs``, ``cli``), ``config``, or the ground floor (the
other top-level modules). A floor may import the floors listed for it in ``MAY_IMPORT`` and
itself, nothing above. The imports are read from the source with ``ast``, so an import inside
a function counts too.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dailypapers"
MAX_LINES = 400

GROUND = "ground"
#: Which floors each floor may import besides itself. The ground floor imports only itself.
MAY_IMPORT: dict[str, frozenset[str]] = {
    GROUND: frozenset(),
    "sources": frozenset({GROUND}),
    "summarize": frozenset({GROUND}),
    "store": frozenset({GROUND}),
    "config": frozenset({GROUND, "summarize"}),
    "digest": frozenset({GROUND, "store"}),
    "site": frozenset({GROUND, "store", "digest"}),
    "publish": frozenset({GROUND, "store", "digest"}),
    "jobs": frozenset({GROUND, "config", "sources", "summarize", "store", "digest"}),
    "cli": frozenset(
        {GROUND, "config", "sources", "summarize", "store", "digest", "site", "publish", "jobs"}
    ),
}
#: Top-level modules that are not on the ground floor.
TOP_LEVEL_FLOORS = {"config": "config", "__main__": "cli"}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    floor: str
    imported_floor: str

    def __str__(self) -> str:
        return (
            f"{self.module}:{self.line} imports {self.imported}: the {self.floor} floor may not "
            f"import the {self.imported_floor} floor"
        )


def floor_of(parts: tuple[str, ...], package: Path) -> str:
    """The floor of the module ``dailypapers.<parts>``."""
    if not parts:
        return GROUND
    head = parts[0]
    if (package / head).is_dir():
        return head
    return TOP_LEVEL_FLOORS.get(head, GROUND)


def imported_modules(tree: ast.AST, package: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """(line, module parts below ``dailypapers``) of every import of the package in ``tree``,
    whose module is in the package ``dailypapers.<package>``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = tuple(alias.name.split("."))
                if parts[0] == "dailypapers":
                    found.append((node.lineno, parts[1:]))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package
                base = package[: len(package) - node.level + 1]
                parts = (*base, *(node.module or "").split(".")) if node.module else base
            elif (node.module or "").split(".")[0] == "dailypapers":
                parts = tuple((node.module or "").split("."))[1:]
            else:
                continue
            # ``from dailypapers import x``: x is a module or a name of the package itself.
            for alias in node.names:
                found.append((node.lineno, parts or (alias.name,)))
    return found


def violations(package: Path) -> list[Violation]:
    """Every import of a floor that the importing module's floor may not use."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).with_suffix("")
        own = tuple(p for p in relative.parts if p != "__init__")
        floor = floor_of(own, package)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, parts in imported_modules(tree, relative.parts[:-1]):
            target = floor_of(parts, package)
            if target != floor and target not in MAY_IMPORT[floor]:
                name = ".".join(("dailypapers", *parts))
                found.append(Violation(str(relative), line, name, floor, target))
    return found


def test_no_module_imports_a_floor_above_its_own() -> None:
    found = violations(PACKAGE)

    assert not found, "\n".join(map(str, found))


def test_every_folder_of_the_package_is_a_known_floor() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}

    assert folders <= set(MAY_IMPORT), f"a new folder needs its floor in MAY_IMPORT: {folders}"


def test_no_module_is_over_the_length_limit() -> None:
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }

    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("store/papers.py", "from dailypapers.jobs.day import run_day\n", ("store", "jobs")),
        ("summarize/llm.py", "def f():\n    import dailypapers.store\n", ("summarize", "store")),
        ("digest/views.py", "from dailypapers.site import build\n", ("digest", "site")),
        ("retry.py", "from dailypapers.config import Config\n", ("ground", "config")),
        ("publish/slack.py", "from ..jobs import week\n", ("publish", "jobs")),
    ],
)
def test_a_planted_upward_import_is_caught(
    tmp_path: Path, module: str, source: str, expected: tuple[str, str]
) -> None:
    package = tmp_path / "dailypapers"
    for folder in MAY_IMPORT:
        if folder not in (GROUND, "config"):
            (package / folder).mkdir(parents=True)
            (package / folder / "__init__.py").write_text("")
    (package / module).write_text(source)

    [found] = violations(package)

    assert (found.floor, found.imported_floor) == expected


def test_imports_within_a_floor_and_downward_are_allowed(tmp_path: Path) -> None:
    package = tmp_path / "dailypapers"
    for folder in ("jobs", "store"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "jobs" / "day.py").write_text(
        "from dailypapers.store import Store\nfrom dailypapers.jobs import week\n"
        "from dailypapers import __version__\nfrom . import week as w\n"
    )

    assert violations(package) == []


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    """A new major release (or a 0.x minor) cannot reach users before we have tried it."""
    text = (PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    project = tomllib.loads(text)["project"]
    unbounded = [spec for spec in project["dependencies"] if "<" not in spec]
    assert unbounded == []
