"""Development kit: the simulated doorbell and a real Home Assistant for `scripts/develop` and the tests."""
