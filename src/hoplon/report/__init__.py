"""Presentation of results: the self-contained HTML report."""
