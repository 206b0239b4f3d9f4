"""Empathos: the empathy flywheel of customer experience as software.

Listen -> Understand & Predict -> Act -> Learn. Each stage is a subpackage; a stage
may import the stages below it, ``store`` and the base (``config``, ``domain``,
``plugins``) -- never one above it, nor a face (cli, demo, api, web, scale). The order is
in docs/architecture.md, and ``make lint`` (import-linter) checks it.
"""

__version__ = "0.1.0"
