# German: 1.234,56 € · 19 % · 24.11.2026 (documents for German authorities always use these).
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
# Project additions read by core.formatting (not Django settings).
MONEY_FORMAT = "{amount} €"
PERCENT_FORMAT = "{number} %"
