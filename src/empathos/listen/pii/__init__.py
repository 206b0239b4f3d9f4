"""PII redaction before storage: emails, phones, card numbers, IBANs, SSNs and national
identifiers in free text become typed placeholders (``[EMAIL]``, ``[PHONE]``, ``[CARD]``,
``[IBAN]``, ``[SSN]``, ``[ID]``) before the text is written anywhere.

Why in listen: every stored text enters through listen's import path or the live desk,
which sits above listen; both ask :func:`policy_for` whether the store's tenant wants
redaction and call :meth:`Redactor.redact`. Detection (regex candidate, library check):
:mod:`empathos.listen.pii.detect`. The per-tenant setting: :mod:`empathos.listen.pii.settings`.
"""

from __future__ import annotations

from empathos.listen.pii.detect import KINDS, PLACEHOLDERS, REGIONS, Find, find
from empathos.listen.pii.redact import RedactingRejects, Redactor, redact, redact_rows
from empathos.listen.pii.settings import (
    PiiPolicy,
    PolicyCache,
    default_policy,
    parse_kinds,
    policy_for,
    record_redactions,
    run_redactions,
    set_policy,
)

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "REGIONS",
    "Find",
    "PiiPolicy",
    "PolicyCache",
    "RedactingRejects",
    "Redactor",
    "default_policy",
    "find",
    "parse_kinds",
    "policy_for",
    "record_redactions",
    "redact",
    "redact_rows",
    "run_redactions",
    "set_policy",
]
