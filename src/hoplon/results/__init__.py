"""Typed result records and the JSON result contract, defined once."""

from hoplon.results.contract import CONTRACT, HEADLINE
from hoplon.results.records import Result

__all__ = ["CONTRACT", "HEADLINE", "Result"]
