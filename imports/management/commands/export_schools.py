from imports.management.base import ExportCommand


class Command(ExportCommand):
    kind = "schools"
    help = "Export the schools of a Schulträger as CSV or XLSX."
