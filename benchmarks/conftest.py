"""The test suite's fixtures, for benchmarks that need a real test Home Assistant."""

from tests.conftest import auto_enable_custom_integrations, storage  # noqa: F401
