"""Denied requests in the audit log without letting a flood of them drown it.

The first denial of a kind (same user or client, same route, same reason) is written at
once; repeats within the next minute are counted, and the count is written with the next
denial of that kind after the minute, or when the server stops. An attacker scripting
forged forms thus costs one entry a minute per route, and nothing is lost but the exact
times of the repeats.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from justicelink.store.audit import Actor, AuditLog

WINDOW_SECONDS = 60.0
_MAX_KINDS = 10_000  # kinds remembered at once; older ones are written out first


class Denials:
    """Records denials in an audit log, aggregating repeats.

    Args:
        audit: Where entries go.
        window: Seconds during which repeats of a denial are only counted.
    """

    def __init__(self, audit: AuditLog, *, window: float = WINDOW_SECONDS) -> None:
        self.audit = audit
        self.window = window
        self._lock = threading.Lock()
        # kind -> (actor, object, detail, start of the window, repeats counted)
        self._open: dict[tuple[str, str, str], tuple[Actor, str, dict[str, Any], float, int]] = {}

    def record(self, actor: Actor, object: str, *, reason: str, **detail: Any) -> None:
        """A request was refused (``reason``: e.g. ``permission review``, ``csrf``)."""
        kind = (actor.user_name or str(detail.get("client")), object, reason)
        now = time.monotonic()
        with self._lock:
            known = self._open.get(kind)
            if known is not None and now - known[3] < self.window:
                self._open[kind] = (*known[:4], known[4] + 1)
                return
            self._open[kind] = (actor, object, {"reason": reason, **detail}, now, 0)
            overflow = self._trim() if len(self._open) > _MAX_KINDS else []
        repeats = known[4] if known is not None else 0
        extra = {"repeats_since_last_entry": repeats} if repeats else {}
        self._write(actor, object, {"reason": reason, **detail, **extra})
        for old in overflow:
            self._summary(old)

    def _trim(self) -> list[tuple[Actor, str, dict[str, Any], float, int]]:
        """Forget the oldest half of the kinds (lock held); their counts to be written."""
        ordered = sorted(self._open.items(), key=lambda item: item[1][3])
        dropped = ordered[: len(ordered) // 2]
        for kind, _ in dropped:
            del self._open[kind]
        return [value for _, value in dropped if value[4]]

    def flush(self) -> None:
        """Write the counts of repeats not yet written (at shutdown)."""
        with self._lock:
            pending = [value for value in self._open.values() if value[4]]
            self._open.clear()
        for value in pending:
            self._summary(value)

    def _summary(self, value: tuple[Actor, str, dict[str, Any], float, int]) -> None:
        actor, object, detail, _start, repeats = value
        self._write(actor, object, {**detail, "repeats_since_last_entry": repeats})

    def _write(self, actor: Actor, object: str, detail: dict[str, Any]) -> None:
        self.audit.record(actor, "denied", outcome="denied", object=object, detail=detail)
