# One date format on every page, PDF and message (issue 14): day, month by name, year (28 नवंबर 2026;
# in Hindi "M" is the whole month name, see locale/hi), times on the 24-hour clock as offices use them.
# Templates and code ask for DATE_FORMAT or DATETIME_FORMAT, never a pattern of their own.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M"]
FIRST_DAY_OF_WEEK = 1
