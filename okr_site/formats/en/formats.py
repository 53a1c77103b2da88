# English dates as the app has always shown them ("23 Nov 2026"); templates name these formats
# (|date:"DATE_FORMAT") so Korean gets its own order.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATETIME_FORMAT = "D j M, H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
