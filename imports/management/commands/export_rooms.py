from imports.management.base import ExportCommand


class Command(ExportCommand):
    kind = "rooms"
    help = "Export the rooms of a Schulträger as CSV or XLSX."
