"""The simulation meets the protocol its contacts are written against (simulate/protocols.py).

``contact.py`` types every call into the simulation as ``ContactCentre`` so that it never
imports ``engine``; this pins that ``Simulation`` still offers all of it.
"""

from __future__ import annotations

from pathlib import Path

from empathos.simulate import SimulationConfig
from empathos.simulate.engine import Simulation
from empathos.simulate.protocols import ContactCentre, Tally
from empathos.simulate.writer import RecordWriter


def test_simulation_is_a_contact_centre(tmp_path: Path) -> None:
    with RecordWriter(tmp_path) as writer:
        sim = Simulation(SimulationConfig(customers=20, days=1, seed=3), writer)
        assert isinstance(sim, ContactCentre)
        assert isinstance(sim.tally, Tally)


def test_protocol_names_what_a_contact_uses() -> None:
    # Every ``sim.<name>`` in contact.py is declared on the protocol, so a contact cannot
    # quietly start depending on more of the simulation than the protocol says.
    import re

    import empathos.simulate.contact as contact

    used = set(re.findall(r"\bsim\.(\w+)", Path(contact.__file__).read_text(encoding="utf-8")))
    declared = set(ContactCentre.__annotations__) | {
        n for n in vars(ContactCentre) if not n.startswith("_")
    }
    assert used, "contact.py no longer calls into the simulation?"
    assert used <= declared, sorted(used - declared)
