"""The assess stage of the flywheel (see DESIGN.md)."""
