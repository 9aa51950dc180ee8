"""Tables of the invoicing plugin (prefixed `invoicing_`)."""
