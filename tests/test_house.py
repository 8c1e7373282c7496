"""The house: imports drawn from the code go down the floors, and nothing imports in a circle.

The import graph is read here from the source with `ast` (every `import` and `from ... import`,
also those inside functions: a lazy import is still a dependency), not from the program. A room is a
top-level package (`etl`, `budget_metrics`, ...) or a top-level module (`settings`, ...). The floor
table below is the one in README.md's layout section; the last test keeps the two the same.

Why these floors: data flows etl/ (write side) -> DuckDB -> budget_metrics/ (read side) -> exports/,
ui/, pages/; appstore/ is its own room for what users write, reading project lists from the read
side. A room imports only rooms on lower floors, so a change on one floor never needs a room above
it. Inside etl/ the write side (readers, normalising, validation, the load, the store) meets the
read side only in the DuckDB file; etl's commands (the CLI, freezing a week, writing the weekly
exports) stand beside the dashboard and may use everything below them.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE_THE_HOUSE = {"tests", "bench"}  # they may import anything; nothing imports them

FLOORS: dict[int, tuple[str, ...]] = {
    0: ("settings",),
    1: ("vocabulary", "display_text", "thai_date_input", "colours", "reference_data"),
    2: ("budget_metrics",),
    3: ("appstore",),
    4: ("exports",),
    5: ("etl", "ui"),
    6: ("pages",),
    7: ("dashboard", "deploy"),
    8: ("tasks",),
}
FLOOR_OF = {room: floor for floor, rooms in FLOORS.items() for room in rooms}
# etl's modules that run commands on top of the read side, the store and the exports; every other
# etl module is the write side, which imports only the ground floors and the write side itself.
ETL_COMMANDS = {"etl.__main__", "etl.cli", "etl.cli_app", "etl.snapshot", "etl.users_commands", "etl.weekly_commands"}
GROUND_FLOORS = (0, 1)


def _rooms_on_disk() -> set[str]:
    rooms = {path.stem for path in ROOT.glob("*.py")}
    rooms |= {path.parent.name for path in ROOT.glob("*/*.py")}  # pages/ has no __init__.py
    return rooms - OUTSIDE_THE_HOUSE


def _module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of every room (packages' __init__ as the package)."""
    modules: dict[str, Path] = {}
    for room in _rooms_on_disk():
        if (ROOT / f"{room}.py").is_file():
            modules[room] = ROOT / f"{room}.py"
            continue
        for path in (ROOT / room).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _import_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports (anywhere in the file)."""
    modules = _module_files()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                # `from pkg import sub` imports pkg and, when sub is a module, pkg.sub
                targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                # `import a.b.c` of a module the project has: the longest known prefix
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _room(module: str) -> str:
    return module.split(".")[0]


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    nodes = set(graph) | {target for targets in graph.values() for target in targets}

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def _room_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    rooms: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph.items():
        rooms[_room(source)] |= {_room(target) for target in targets if _room(target) != _room(source)}
    return rooms


def test_the_graph_is_drawn_from_the_code():
    # Guards the test itself: arrows every version of the house has must be found.
    graph = _import_graph()
    assert "ui.context" in graph["dashboard"]
    assert "etl.store" in graph["etl.load"]  # `from etl.store import ...`
    assert "budget_metrics.connection" in graph["budget_metrics.reference"]
    assert "ui.context" in graph["pages.overview"]
    assert sum(len(targets) for targets in graph.values()) > 200


def test_every_room_has_a_floor():
    assert _rooms_on_disk() == set(FLOOR_OF), "place each new top-level package or module in FLOORS"


def test_no_circles_between_modules():
    circles = _circles(_import_graph())
    assert circles == [], f"modules importing each other (directly or round a circle): {circles}"


def test_no_circles_between_packages():
    circles = _circles(_room_graph(_import_graph()))
    assert circles == [], f"packages importing each other: {circles}"


def test_imports_go_down_the_floors():
    upward = sorted(
        f"{source} (floor {FLOOR_OF[_room(source)]}) imports {target} (floor {FLOOR_OF[_room(target)]})"
        for source, targets in _import_graph().items()
        for target in targets
        if _room(source) != _room(target) and FLOOR_OF[_room(target)] >= FLOOR_OF[_room(source)]
    )
    assert upward == [], "imports that reach up a floor or sideways:\n" + "\n".join(upward)


def test_etl_write_side_meets_the_read_side_only_in_duckdb():
    reaching = sorted(
        f"{source} imports {target}"
        for source, targets in _import_graph().items()
        if _room(source) == "etl" and source not in ETL_COMMANDS
        for target in targets
        if target in ETL_COMMANDS or (_room(target) != "etl" and FLOOR_OF[_room(target)] not in GROUND_FLOORS)
    )
    assert reaching == [], "etl's write side importing its commands or a room above the ground:\n" + "\n".join(reaching)


def test_readme_shows_the_same_floors():
    """README's layout section has a row `| N | `room`, `room` | ... |` per floor."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown: dict[int, tuple[str, ...]] = {}
    for match in re.finditer(r"^\| (\d+) \| ([^|]+)\|", readme, flags=re.MULTILINE):
        shown[int(match.group(1))] = tuple(re.findall(r"`([\w.]+)/?`", match.group(2)))
    assert {floor: set(rooms) for floor, rooms in shown.items()} == {
        floor: set(rooms) for floor, rooms in FLOORS.items()
    }


UI_MODULE_MOST_LINES = 450  # issue 19: a ui/ room holds one noun; past this it holds two


def test_no_ui_module_is_over_the_limit():
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "ui").glob("*.py")}
    assert sizes, "no ui/ modules found"
    assert {name: lines for name, lines in sizes.items() if lines > UI_MODULE_MOST_LINES} == {}


TESTS = ROOT / "tests"


def _modules_imported(source: str) -> set[str]:
    """Every module a file in tests/ imports (anywhere in the file), dotted from the project's root: a
    relative import is read from `tests`, `from pkg import name` counts pkg.name too (name may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(part for part in ("tests" if node.level else "", node.module or "") if part)
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return found


def _is_test_module(module: str) -> bool:
    """tests.test_x, or test_x imported by its bare name (pytest puts tests/ on the path)."""
    parts = module.split(".")
    return parts[-1].startswith("test_") and (parts[:-1] == ["tests"] or parts[:-1] == [])


def test_the_test_imports_are_read_from_the_code():
    # Guards the test below: every way of importing a test module is seen, a support module is not one.
    source = (
        "from tests import test_a as a\nimport tests.test_b\nfrom tests.test_c import x\n"
        "def f():\n    from .test_d import y\n    import test_e\nfrom tests.browser_support import settle\n"
    )
    imported = {module for module in _modules_imported(source) if _is_test_module(module)}
    assert imported == {"tests.test_a", "tests.test_b", "tests.test_c", "tests.test_d", "test_e"}
    assert "tests.browser_support" in _modules_imported((TESTS / "test_browser_words.py").read_text(encoding="utf-8"))


def test_no_test_module_imports_another():
    """Test modules share code through the support modules beside them (tests/browser_support.py,
    tests/lagging_sql.py, ...), which anything in tests/ may import; a test module imports no other test
    module, so each can be read, moved or deleted on its own and pytest collects each test once."""
    importing = sorted(
        f"{path.name} imports {module}"
        for path in sorted(TESTS.glob("test_*.py"))
        for module in _modules_imported(path.read_text(encoding="utf-8"))
        if _is_test_module(module) and module.split(".")[-1] != path.stem
    )
    assert importing == [], "test modules importing another test module:\n" + "\n".join(importing)
