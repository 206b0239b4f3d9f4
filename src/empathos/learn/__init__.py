"""The learn stage of the flywheel (see DESIGN.md)."""
