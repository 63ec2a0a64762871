from imports.management.base import ImportCommand


class Command(ImportCommand):
    kind = "devices"
    help = "Import devices from a CSV or XLSX file into a Schulträger (all or nothing)."
