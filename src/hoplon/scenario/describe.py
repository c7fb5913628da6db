"""Plain one-line descriptions of scenario parts, for records and every renderer."""

from __future__ import annotations

from typing import Any

from hoplon.scenario.schema import Acsa, CollectiveDefense, Link, TechnologyTransfer, TrackSharing

__all__ = ["describe_agreement", "explain_agreement"]


def describe_agreement(agreement: object) -> str:
    """One line saying what an agreement does."""
    if isinstance(agreement, TrackSharing):
        return (
            f"track-sharing {agreement.from_} → {agreement.to}, {agreement.quality}, "
            f"{agreement.latency_s:g} s latency"
        )
    if isinstance(agreement, Link):
        pairs = ", ".join(f"{p.from_} → {p.to}" for p in agreement.pairs())
        return (
            f"link among {', '.join(agreement.members)}, {agreement.quality}, "
            f"{agreement.latency_s:g} s latency (= {len(agreement.pairs())} track-sharings: "
            f"{pairs})"
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


def explain_agreement(agreement: Any) -> str:
    """One sentence saying what an agreement does, for readers of the report."""
    kind = getattr(agreement, "kind", "")
    if kind == "track-sharing":
        return (
            f"{agreement.from_} shares {agreement.quality} tracks with {agreement.to}"
            f" ({agreement.latency_s:g} s latency)"
        )
    if kind == "link":
        return (
            f"{', '.join(agreement.members)} share {agreement.quality} tracks with each other"
            f" ({agreement.latency_s:g} s latency)"
        )
    if kind == "collective-defense":
        return f"{', '.join(agreement.nations)} defend each other's assets and units"
    if kind == "technology-transfer":
        consent = ", ".join(agreement.retransfer_consent) or "no third country"
        return (
            f"{agreement.origin} transfers {', '.join(agreement.items)} to {agreement.recipient};"
            f" re-transfer allowed to {consent}"
        )
    if kind == "acsa":
        return (
            f"{', '.join(agreement.nations)} may resupply each other's interceptors between waves"
        )
    fields = agreement.model_dump(exclude={"kind"}) if hasattr(agreement, "model_dump") else {}
    return ", ".join(f"{k}: {v}" for k, v in fields.items())
