from imports.management.base import ImportCommand


class Command(ImportCommand):
    kind = "schools"
    help = "Import schools from a CSV or XLSX file into a Schulträger (all or nothing)."
