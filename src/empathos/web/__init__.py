"""The web stage of the flywheel (see DESIGN.md)."""
