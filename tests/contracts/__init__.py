"""Contract suites: one per plug-in protocol, parametrised over the registry's names
(:func:`empathos.plugins.names`), so every installed plug-in — a new built-in or a
third-party package's — is checked without editing a list (river's ``check_estimator``
habit)."""
