"""The predict stage of the flywheel (see DESIGN.md)."""
