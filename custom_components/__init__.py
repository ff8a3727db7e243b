"""Custom integrations of this repository (kept as a package for pytest-homeassistant-custom-component)."""
