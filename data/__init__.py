"""The data tables that ship with satcloud (installed as the package ``satcloud._data``).

This folder is mapped into the wheel by ``[tool.setuptools.package-dir]`` in
pyproject.toml and read through :mod:`importlib.resources` (see
:func:`satcloud.data.data_dir`); ``README.md`` gives each table's provenance.
"""
