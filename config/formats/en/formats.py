"""English dates as the guides' texts write them ("3 November 2025"), not Django's US style.

Only the names set here change; every other format comes from Django's own `en` locale.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
