"""Atrium: a sovereign, self-hostable digital workplace."""

__version__ = "0.1.0"
