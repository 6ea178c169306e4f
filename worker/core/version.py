"""The worker's version, stamped on every article (and read by pyproject.toml)."""

__version__ = "1.0.0"
