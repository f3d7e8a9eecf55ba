"""The web app's weight: JavaScript (gzip -9) each page loads on a first visit, from the build's own manifest.

`python -m bench.web_weight [DIST]` (after `make web`). A page's first load is the entry chunk, the page's own
chunk (a dynamic import in web/src/routes.tsx) and every chunk those import statically, each counted once.
The goal (issue 13): the reporter's first load (/rapportera) at most 250 kB. Reports; asserts nothing.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
GOAL_KB = 250.0
PAGES = {  # path -> the page module the router loads for it
    "/rapportera": "src/pages/Report.tsx",
    "/synpunkter": "src/pages/Feedback.tsx",
    "/arbetslista": "src/pages/Worklist.tsx",
    "/uppgifter/{id}": "src/pages/TaskPage.tsx",
    "/handelser/{number}": "src/pages/EventPage.tsx",
}


def _closure(manifest: dict[str, Any], keys: list[str]) -> list[str]:
    seen: list[str] = []
    stack = list(keys)
    while stack:
        key = stack.pop()
        if key not in seen:
            seen.append(key)
            stack.extend(manifest[key].get("imports", []))
    return seen


def measure(dist: Path = DIST) -> dict[str, Any]:
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))

    def gzip_kb(key: str) -> float:
        return len(gzip.compress((dist / manifest[key]["file"]).read_bytes(), 9)) / 1000

    pages = {}
    for path, module in PAGES.items():
        chunks = _closure(manifest, [entry, module])
        pages[path] = {"kb_gzip": round(sum(gzip_kb(key) for key in chunks), 1),
                       "chunks": {manifest[key]["file"]: round(gzip_kb(key), 1) for key in chunks}}
    everything = round(sum(gzip_kb(key) for key in manifest if manifest[key]["file"].endswith(".js")), 1)
    return {"goal_kb": GOAL_KB, "reporter_first_load_kb": pages["/rapportera"]["kb_gzip"], "all_js_kb": everything,
            "pages": pages}


def main() -> int:
    result = measure(Path(sys.argv[1]) if len(sys.argv) > 1 else DIST)
    print("| page | first load, JS gzip kB |\n|---|---|")
    for path, page in result["pages"].items():
        print(f"| {path} | {page['kb_gzip']} |")
    met = "met" if result["reporter_first_load_kb"] <= GOAL_KB else "MISSED"
    print(f"\nreporter's first load: {result['reporter_first_load_kb']} kB (goal ≤ {GOAL_KB} kB: {met}); "
          f"all JavaScript: {result['all_js_kb']} kB")
    print(json.dumps(result["pages"]["/rapportera"]["chunks"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
