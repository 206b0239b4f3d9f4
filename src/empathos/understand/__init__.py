"""The understand stage of the flywheel (see DESIGN.md)."""
