"""Plain one-line descriptions of scenario parts, for records and every renderer."""

from __future__ import annotations

from hoplon.scenario.schema import Acsa, CollectiveDefense, TechnologyTransfer, TrackSharing

__all__ = ["describe_agreement"]


def describe_agreement(agreement: object) -> str:
    """One line saying what an agreement does."""
    if isinstance(agreement, TrackSharing):
        return (
            f"track-sharing {agreement.from_} → {agreement.to}, {agreement.quality}, "
            f"{agreement.latency_s:g} s latency"
        )
    if isinstance(agreement, CollectiveDefense):
        return "collective defense among " + ", ".join(agreement.nations)
    if isinstance(agreement, TechnologyTransfer):
        consent = ", ".join(agreement.retransfer_consent) or "none"
        return (
            f"technology transfer {agreement.origin} → {agreement.recipient}: "
            f"{', '.join(agreement.items)} (re-transfer consent: {consent})"
        )
    if isinstance(agreement, Acsa):
        return "ACSA (cross-servicing) among " + ", ".join(agreement.nations)
    return str(agreement)
