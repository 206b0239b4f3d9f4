"""The listen stage of the flywheel (see DESIGN.md)."""
