"""The simulate stage of the flywheel (see DESIGN.md)."""
