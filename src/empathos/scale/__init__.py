"""The scale stage of the flywheel (see DESIGN.md)."""
