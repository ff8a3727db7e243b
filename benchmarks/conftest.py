"""The test suite's fixtures, for benchmarks that need a real test Home Assistant."""

from tests.conftest import auto_enable_custom_integrations, hass_config_dir, storage  # noqa: F401
