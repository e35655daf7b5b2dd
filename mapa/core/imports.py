"""What an import did, in the words every import command prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportSummary:
    """Keys (slugs, ids) by outcome; ``refused`` and ``repaired`` hold messages."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    committed: bool = False

    def line(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, refused {len(self.refused)}"
            + (f" (repaired {len(self.repaired)})" if self.repaired else "")
        )
