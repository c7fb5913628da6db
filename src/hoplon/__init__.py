"""Hoplon: an open toolkit for analysing coalition air and missile defense."""

__version__ = "0.1.0"
