"""What the demo ledger's current document holds (plan.json): measures and tasks with the history profile of
each, and the texts of their reports."""

from __future__ import annotations

import json
from pathlib import Path

# (category code, measure, [(task, leads, co, deadline key, cycle, profile, metric, target, unit)])
# deadline keys: "year_end", "next_mid", "overdue", "soon", "ongoing"; profiles: good, due (last cycle not yet
# reported), late, missing, silent, closed, pending, new.
_DATA = json.loads((Path(__file__).parent / "plan.json").read_text(encoding="utf-8"))
PLAN: list[list] = _DATA["plan"]
REPORT_TEXTS: list[str] = _DATA["report_texts"]
