"""Tests for Doorbell Vault."""
