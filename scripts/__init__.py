"""Development tooling, not installed with the product: ``make run`` (devserver) and
``make demo`` (demo). Run from the repository root: ``python -m scripts.devserver``."""
