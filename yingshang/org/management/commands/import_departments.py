from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import departments from an .xlsx file (单位导入); --dry-run only checks."
    kind = "department"
