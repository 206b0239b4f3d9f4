"""The api stage of the flywheel (see DESIGN.md)."""
