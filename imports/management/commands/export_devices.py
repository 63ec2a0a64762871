from imports.management.base import ExportCommand


class Command(ExportCommand):
    kind = "devices"
    help = "Export the devices of a Schulträger as CSV or XLSX."
