"""The computed Admiralty credibility of a claim (1 confirmed ... 6 cannot be judged). Pure."""

from __future__ import annotations

from collections.abc import Sequence

_RELIABLE = {"A", "B", "C"}
_WEAK = {"D", "E"}


def weakest_link(reliabilities: Sequence[str]) -> str:
    """A chain is as reliable as its weakest link; F (cannot be judged) is the weakest."""
    return max(reliabilities, default="F")


def credibility_compute(
    *,
    chain_reliabilities: Sequence[str],
    hedged: bool,
    independent_origins: int = 1,
    confirmed: bool = False,
) -> tuple[int, str]:
    """Return (grade, reason). `chain_reliabilities` includes the publishing outlet."""
    if confirmed:
        return 1, "Confirmed by an editor."
    weakest = weakest_link(chain_reliabilities)
    if weakest == "F":
        return 6, "A link of the chain cannot be judged (reliability F)."
    if weakest in _RELIABLE:
        if independent_origins >= 2 and not hedged:
            return 2, f"{independent_origins} independent origins with reliable chains."
        if not hedged:
            return 3, f"One origin, reliable chain (weakest link {weakest}), not hedged."
        return 4, f"Hedged claim through a reliable chain (weakest link {weakest})."
    if weakest in _WEAK and not hedged:
        return 4, f"Weak chain (weakest link {weakest})."
    return 5, f"Hedged claim through a weak chain (weakest link {weakest})."
