"""One registry for every named plug-in: entry points, loaded lazily.

Why entry points and not decorators: a decorator registers a name only once its module
has been imported, so the set of names depended on what happened to be imported before
(``--policy bandit`` worked after ``import empathos.learn`` and failed without it).
Entry points are metadata of the installed distributions: the set of names is the same
in every process, whatever was imported, and nothing is imported until a plug-in is
used. A third-party package adds a plug-in the same way Empathos does — one class and
one line in its own ``pyproject.toml``::

    [project.entry-points."empathos.routing_policies"]
    my_policy = "my_package.routing:MyPolicy"

The kinds are fixed here (one entry-point group each); ``docs/architecture.md`` lists
them with what a plug-in of each kind must provide. Every kind has a contract suite in
``tests/contracts/`` parametrised over :func:`names`, so a new plug-in is tested without
editing a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any


@dataclass(frozen=True, slots=True)
class PluginKind:
    """One kind of plug-in: its entry-point group and the protocol a plug-in meets."""

    name: str
    group: str
    label: str  # how an error message names one plug-in of this kind
    provides: str


#: Every kind of plug-in, by name. A kind with no plug-in installed yet is still a kind:
#: its group is where a later stage (or a third party) adds them.
KINDS: dict[str, PluginKind] = {
    k.name: k
    for k in (
        PluginKind(
            "emotion_models",
            "empathos.emotion_models",
            "emotion model",
            "a class built with no arguments meeting empathos.understand.protocols.EmotionModel",
        ),
        PluginKind(
            "empathy_models",
            "empathos.empathy_models",
            "empathy model",
            "a class built with no arguments meeting empathos.understand.protocols.EmpathyModel",
        ),
        PluginKind(
            "routing_policies",
            "empathos.routing_policies",
            "routing policy",
            "a class built with no arguments (options have defaults) meeting"
            " empathos.act.routing.RoutingPolicy (and LearningPolicy if it learns)",
        ),
        PluginKind(
            "ingest_formats",
            "empathos.ingest_formats",
            "ingest format",
            "an empathos.listen.formats.IngestFormat instance (kind, signature, reader, converter)",
        ),
        PluginKind(
            "qa_rubric_items",
            "empathos.qa_rubric_items",
            "QA rubric item",
            "a class scoring one item of the auto-QA rubric on a contact",
        ),
        PluginKind(
            "store_backends",
            "empathos.store_backends",
            "store backend",
            "an object opening the store for a database URL scheme",
        ),
        PluginKind(
            "engines",
            "empathos.engines",
            "engine",
            "an engine running the analysis pipeline (local processes, a cluster)",
        ),
    )
}


class UnknownPluginError(KeyError):
    """An unknown kind or name; the message lists the known ones.

    A ``KeyError`` so callers that looked names up in a dict keep working; ``str()``
    is the plain message (``KeyError`` would quote it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def kind(kind_name: str) -> PluginKind:
    """The :class:`PluginKind` called ``kind_name``; an unknown one lists the kinds."""
    try:
        return KINDS[kind_name]
    except KeyError:
        raise UnknownPluginError(
            f"unknown plug-in kind {kind_name!r}; known kinds: {', '.join(sorted(KINDS))}"
        ) from None


@cache
def _entry_points(group: str) -> dict[str, EntryPoint]:
    """The group's entry points by name. Cached: installed metadata does not change while
    a process runs, and scanning it costs milliseconds per call."""
    return {ep.name: ep for ep in entry_points(group=group)}


def names(kind_name: str) -> list[str]:
    """The names installed for ``kind_name``, sorted; the same in every process."""
    return sorted(_entry_points(kind(kind_name).group))


def load(kind_name: str, name: str) -> Any:
    """The object (usually a class) registered as ``name``, imported on first use.

    An unknown name raises :class:`UnknownPluginError` naming the known ones."""
    points = _entry_points(kind(kind_name).group)
    if name not in points:
        known = ", ".join(sorted(points)) or "(none installed)"
        label = KINDS[kind_name].label
        raise UnknownPluginError(f"unknown {label} {name!r}; available: {known}")
    return _load(kind_name, name)


@cache
def _load(kind_name: str, name: str) -> Any:
    return _entry_points(KINDS[kind_name].group)[name].load()


def registry() -> dict[str, list[str]]:
    """Every kind with its installed names: what ``empathos plugins`` prints and a test pins."""
    return {k: names(k) for k in sorted(KINDS)}
