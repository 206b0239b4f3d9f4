"""The scale face: the flywheel's pipeline on more than one machine (docs/scale.md).

``RayMapper`` runs ``analyze``'s per-batch model work on a Ray cluster; the ``ray``
plug-in of kind ``engines`` gives one (``empathos analyze --engine ray``)."""

from empathos.scale.ray_engine import RayEngine, RayMapper

__all__ = ["RayEngine", "RayMapper"]
