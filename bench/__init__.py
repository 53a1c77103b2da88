"""The benchmark: `make bench` (see run.py). Nothing here is loaded by the production settings."""
