from imports.management.base import ImportCommand


class Command(ImportCommand):
    kind = "rooms"
    help = "Import rooms from a CSV or XLSX file into a Schulträger (all or nothing)."
