"""Helpers shared by the test folders, imported as ``testkit.*`` (pyproject puts tests/ on the
path), never ``from conftest import``: a conftest is a fixture file, and several share the name,
so importing one by name depends on which folder pytest collected first."""
