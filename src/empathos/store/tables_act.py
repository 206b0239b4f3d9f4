"""Tables owned by the act stage (on the store's one ``metadata``; migration branch act).

``pod_customers``: which pod owns which customer, one owner per customer. Pods are master
data (``pods``, ``employees``); a pod may own whole segments (``pods.segments``) and, on
top, named customers — e.g. key accounts — that may not be in the ``customers`` table yet
(conversation exports often arrive before the CRM file), hence no foreign key on
``customer_id``. Deleting a pod deletes its rows.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table

from empathos.store.base import ID, metadata

pod_customers = Table(
    "pod_customers",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("pod_id", ID, ForeignKey("pods.pod_id", ondelete="CASCADE"), nullable=False, index=True),
)
