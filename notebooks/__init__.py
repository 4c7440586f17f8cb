"""The notebook series that ships with satcloud (installed as ``satcloud._notebooks``).

This folder is mapped into the wheel by ``[tool.setuptools.package-dir]`` in
pyproject.toml and found through :mod:`importlib.resources` by ``satcloud report``
(see :func:`satcloud.report.default_notebook_dir`).
"""
