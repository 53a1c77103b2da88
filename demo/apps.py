from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and load data: the commands `seed_demo` (the demo company) and `seed_load` (a large
    organisation for benchmarks). No models of its own: it writes the other apps' rows."""

    name = "demo"
