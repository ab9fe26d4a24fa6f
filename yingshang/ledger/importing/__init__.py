"""Import of task-division plans (任务分工方案) into the ledger: read, parse, match, preview, commit."""

from . import menu, office_settings  # noqa: F401  (registers the import's menu entry and office settings)
