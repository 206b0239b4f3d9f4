"""Empathos: the empathy flywheel of customer experience as software.

Listen -> Understand & Predict -> Act -> Learn. Each stage is a subpackage; a stage
may import the stages before it, ``domain``, ``store`` and ``config`` -- never one after it.
"""

__version__ = "0.1.0"
