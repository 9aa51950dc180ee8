"""Tables of the payments plugin (prefixed `payments_`)."""
