"""An import-linter contract type: no import cycle between any two modules of a package.

import-linter's own ``acyclic_siblings`` contract finds cycles between the *siblings* of
every package (``store.schema`` <-> ``store.tables_act``; ``cli`` <-> the ``commands``
package as a whole), but not a cycle through a package's own ``__init__``
(``pkg/__init__.py`` imports ``pkg.a``, which imports ``from pkg import x`` back): a
package and its children are never siblings. This contract closes that gap. It takes the
module graph import-linter has already built (grimp's, lazy imports inside functions
included) and fails on every strongly connected component of more than one module,
printing one cycle through it with the line of each import.

Registered in ``pyproject.toml`` (``contract_types``); ``lint-imports`` puts the working
directory on ``sys.path``, which is how it finds this module (``make lint`` runs it from
the repository root).
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class NoCyclesContract(Contract):
    """Options: ``containers``, the packages whose modules may not import in a circle."""

    type_name = "no_cycles"

    containers = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots = [m.name for m in self.containers]  # type: ignore[attr-defined]
        modules = sorted(
            m for m in graph.modules if any(m == r or m.startswith(r + ".") for r in roots)
        )
        edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
        cycles = []
        for component in _strongly_connected(modules, edges):
            path = _one_cycle(component, edges)
            cycles.append([(a, b, _lines(graph, a, b)) for a, b in pairwise(path)])
        output.verbose_print(verbose, f"{len(cycles)} import cycle(s) among {len(modules)}.")
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"Import cycle through {len(cycle)} modules:")
            output.new_line()
            for importer, imported, lines in cycle:
                output.indent_cursor()
                output.print_error(f"{importer} -> {imported} (l. {lines})", bold=False)
            output.new_line()


def _strongly_connected(modules: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is deep enough to hit the recursion limit).

    Returns the components of more than one module, each sorted, in module order.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = [t for t in edges[node] if t in edges]
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)


def _one_cycle(component: list[str], edges: dict[str, list[str]]) -> list[str]:
    """The shortest cycle from the component's first module back to itself (breadth first)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in edges[node]:
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, start]
            if target in members and target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a cycle but none was found")


def _lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(str(d["line_number"]) for d in details) or "?"
