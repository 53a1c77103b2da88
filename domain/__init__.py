"""The bottom layer: what every app's services share and nothing of ours is imported by. It holds
the errors services raise (domain/errors.py), which the web layer turns into answers
(okr_site/errors.py)."""
