"""Built-in understand backends (``lexicon``, ``default``, ``transformer``), installed as
plug-ins by the entry points in ``pyproject.toml``; importing this package imports none of
them, so nothing heavy loads until a model is built."""
