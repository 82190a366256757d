"""Shared test settings: hypothesis without per-example deadlines (CI machines are slow)
and a derandomized profile so every run draws the same examples."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], max_examples=40
)
settings.load_profile("default")
