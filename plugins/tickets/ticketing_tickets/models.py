"""Tables of the tickets plugin (prefixed `tickets_`)."""
