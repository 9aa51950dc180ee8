"""Tables of the catalog plugin (prefixed `catalog_`)."""
