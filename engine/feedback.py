"""What the handlers fed back to the reporter, per area: the feedback task (aterkoppling.json) in the deviation
areas, and for complaints the answer (svar.json), which is the complainant's feedback."""

from __future__ import annotations

from typing import Any

from engine.store.models import AreaCase

__all__ = ["for_reporter"]


def for_reporter(cases: list[AreaCase]) -> list[dict[str, Any]]:
    found = []
    for case in cases:
        given = case.data.get("aterkoppling")
        if isinstance(given, dict) and given.get("status") == "given":
            found.append({"area": case.area, "text": given.get("text"), "date": given.get("datum")})
        answer = case.data.get("svar")
        if isinstance(answer, dict) and answer.get("status") == "skickat":
            text = "\n\n".join(str(answer[k]) for k in ("forklaring", "atgarder") if answer.get(k))
            found.append({"area": case.area, "text": text, "date": answer.get("datum")})
    return found
