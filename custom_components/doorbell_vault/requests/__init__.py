"""Footage requests: validation, the owner's policy, timers, the webhook secret, and the lifecycle."""
