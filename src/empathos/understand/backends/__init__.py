"""Built-in understand backends. Importing this package registers them by name
(``lexicon``, ``default``, ``transformer``); nothing heavy loads until a model is built."""

from empathos.understand.backends import lexicon  # noqa: F401
from empathos.understand.backends import default  # noqa: F401
from empathos.understand.backends import transformer  # noqa: F401  (imports torch only when built)
