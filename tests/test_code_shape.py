"""The code's shape, as a newcomer relies on it: imports run one way, no module state kept by
`global`, one escaping rule in the templates, a writer that works on any file system.

These read the source, not the behaviour: each rule is one a reviewer would otherwise have to
check by hand on every change (issue "One clear build").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "site_builder"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> dict[str, int]:
    """The package's modules that `name` imports, anywhere in the file (inside functions too:
    an import moved into a function to dodge a cycle is still that cycle), with a line of each.
    `from pkg import mod` counts as importing pkg.mod when that is a module; `from pkg import
    attr` as importing pkg."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target not in known or target == name:
            return
        found.setdefault(target, line)
        # importing a.b.c runs a/b/__init__.py first: from outside that package, that is an
        # import of the package too (charts.py importing render.context runs render/__init__)
        parts = target.split(".")
        for n in range(1, len(parts)):
            package = ".".join(parts[:n])
            if package in known and name != package and not name.startswith(package + "."):
                found.setdefault(package, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                add(sub if sub in known else module, node.lineno)
    return found


def _graph() -> tuple[dict[str, dict[str, int]], dict[str, Path]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}, modules


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle():
    graph, modules = _graph()
    problems = []
    for component in _cycles(graph):
        members = set(component)
        edges = [f"{a} -> {b} ({modules[a].relative_to(ROOT)}:{line})"
                 for a in component for b, line in sorted(graph[a].items()) if b in members]
        problems.append("cycle among " + ", ".join(component) + ":\n    " + "\n    ".join(edges))
    assert not problems, "\n".join(problems)


def test_the_cycle_finder_finds_a_cycle():
    # The rule above is only worth something if it can fail.
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b": 1}, "b": {}}) == []


def test_no_module_keeps_state_by_global_statement():
    offenders = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Global):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: global {', '.join(node.names)}")
    assert not offenders, "\n".join(offenders)


def test_templates_have_one_escaping_rule():
    # Autoescape is on for every template; a block that turns it off is a second rule.
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"{%-?\s*autoescape\s+false", line) or "|safe" in line.replace(" ", ""):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_writer_has_no_file_system_specific_code():
    # ext4 flags, ioctl and renameat2 tuned the writer to one disk; the staging folder and the
    # atomic swap are all a portable writer needs.
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    for marker in ("FS_TOPDIR_FL", "renameat2", "ioctl", "FS_IOC_"):
        assert marker not in source, marker
