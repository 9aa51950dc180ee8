"""Tables of the cart plugin (prefixed `cart_`)."""
