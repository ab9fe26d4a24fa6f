from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import accounts from an .xlsx file (账号导入); --dry-run only checks."
    kind = "user"
