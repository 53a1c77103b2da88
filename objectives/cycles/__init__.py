"""Cycles: their dates and states, moves between them, the fiscal year."""
