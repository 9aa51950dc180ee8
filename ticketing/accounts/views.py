"""Account endpoints (to be completed)."""
