"""Helpers shared by the test modules (imported as ``support``; pytest puts tests/ on the path)."""
