"""Tables owned by the learn stage (on the store's one ``metadata``; migration branch learn).

``experiments``: one row per measured experiment — which policy is the treatment, which the
control (the baseline), how contacts are split (a share by hash and/or ON/OFF time
slices), when it ran and on which data (real or simulated). A lift is only ever computed
against the rows of this table, so "what was compared with what" is on record.

``experiment_assignments``: the arm of every contact in an experiment, written when the
contact is routed (before the interaction itself may be stored, hence no foreign key to
``interactions``), with the employee the policy chose.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Index, String, Table

from empathos.store.base import ID, MODEL, metadata

experiments = Table(
    "experiments",
    metadata,
    Column("name", MODEL, primary_key=True),
    Column("treatment_policy", MODEL, nullable=False),
    Column("control_policy", MODEL, nullable=False),
    Column("control_share", Float, nullable=False),
    Column(
        "cycle_minutes", Float
    ),  # None: split by contact hash; else ON/OFF slices of this length
    Column("salt", MODEL, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("source", String(16), nullable=False),  # imported | sample | simulated (or mixed)
    Column("details", JSON, nullable=False),
)

experiment_assignments = Table(
    "experiment_assignments",
    metadata,
    Column(
        "experiment", MODEL, ForeignKey("experiments.name", ondelete="CASCADE"), primary_key=True
    ),
    Column("interaction_id", ID, primary_key=True),
    Column("arm", String(16), nullable=False),  # treatment | control
    Column("assigned_at", DateTime),
    Column("employee_id", ID),
)

Index(
    "ix_experiment_assignments_arm",
    experiment_assignments.c.experiment,
    experiment_assignments.c.arm,
)
