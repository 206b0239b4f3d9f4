"""Install a plug-in for one test, without installing a distribution.

The registry reads entry points from installed metadata (cached per process), so a test
that needs a fake backend under a name adds a real :class:`EntryPoint` to what
:func:`empathos.plugins._entry_points` returns, through ``monkeypatch`` (undone after the
test). The value must be importable (``tests.understand.fakes:FakeEmotionModel``): it is
loaded the same way as an installed plug-in's.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from empathos import plugins


def install_plugin(monkeypatch: pytest.MonkeyPatch, kind: str, name: str, value: str) -> None:
    """Make ``name`` a plug-in of ``kind`` pointing at ``value`` (``module:attr``)."""
    group = plugins.kind(kind).group
    original = plugins._entry_points
    extra = EntryPoint(name=name, value=value, group=group)

    def with_extra(g: str) -> dict[str, EntryPoint]:
        points = original(g)
        return {**points, name: extra} if g == group else points

    monkeypatch.setattr(plugins, "_entry_points", with_extra)
