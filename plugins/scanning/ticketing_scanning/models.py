"""Tables of the scanning plugin (prefixed `scanning_`)."""
