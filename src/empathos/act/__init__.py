"""The act stage of the flywheel (see DESIGN.md)."""
