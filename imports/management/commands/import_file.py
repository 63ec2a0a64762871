from imports.management.base import ImportCommand


class Command(ImportCommand):
    help = "Import a CSV/XLSX file of --kind devices|schools|rooms (all or nothing)."

    def add_arguments(self, parser):
        ImportCommand.add_arguments(self, parser)
        parser.add_argument("--kind", required=True, choices=["devices", "schools", "rooms"])
