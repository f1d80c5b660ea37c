"""finplan's version, written only here.

pyproject.toml reads it (``dynamic = ["version"]``), and so do the wheel's metadata,
``finplan --version`` and ``finplan.__version__``.  A module of its own, below every
layer, so that an adapter can name the version without importing the package root.
"""

__version__ = "0.1.0"
