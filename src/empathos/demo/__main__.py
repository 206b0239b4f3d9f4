"""`python -m empathos.demo` is `empathos demo`: the same options, defaults and --help.

A module of its own (not an ``if __name__`` block in the package) so that the package never
imports the CLI: the CLI sits above the demo in the layer order."""

from empathos.cli.demo import run_standalone

run_standalone()
