# Korean dates read year, month, day ("2026년 11월 23일"), weekday in brackets after the date.
DATE_FORMAT = "Y년 n월 j일"
SHORT_DATE_FORMAT = "Y. n. j."
MONTH_DAY_FORMAT = "n월 j일"
YEAR_MONTH_FORMAT = "Y년 n월"
DATETIME_FORMAT = "Y년 n월 j일 (D) H:i"
SHORT_DATETIME_FORMAT = "n월 j일 (D) H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
