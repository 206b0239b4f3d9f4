"""A third-party Empathos plug-in, as small as one can be: the ``first_free`` routing
policy (the first free member, in the order they became free, who speaks the customer's
language and has the skill; otherwise the contact waits).

It is installed by its metadata alone: ``empathos_example_plugin-0.1.dist-info/`` beside
this package declares the entry point, so putting ``tests/plugin_example`` on
``sys.path`` (``PYTHONPATH``) is what ``pip install`` of a real package would do. The
package imports nothing from Empathos but the routing types it returns.
"""

from __future__ import annotations

from empathos.act.routing import ContactRequest, PodState, RoutingDecision


class FirstFreePolicy:
    """The first qualified free member takes the contact; nobody qualified: queue."""

    name = "first_free"

    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        for eid in state.free:
            m = state.members[eid]
            if (
                eid not in contact.exclude_employee_ids
                and contact.language in m.languages
                and contact.need in m.skills
            ):
                return RoutingDecision(
                    pod_id=m.pod_id, employee_id=eid, reason="first qualified free member"
                )
        return RoutingDecision(reason="nobody qualified free: queue")
