# English: €1,234.56 · 19% · 24 Nov 2026 (day-month-year: no US/UK ambiguity).
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
# Input: what the German UI accepts, plus ISO (what <input type="date"> sends).
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Project additions read by core.formatting (not Django settings).
MONEY_FORMAT = "€{amount}"
PERCENT_FORMAT = "{number}%"
