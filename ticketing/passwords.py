"""Password hashing with Argon2id; the cost comes from settings (lowered in tests)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


def hasher(registry):
    cached = registry.get("ticketing.password_hasher")
    if cached is None:
        settings = registry.settings
        cached = registry["ticketing.password_hasher"] = PasswordHasher(
            time_cost=settings["ticketing.argon2.time_cost"],
            memory_cost=settings["ticketing.argon2.memory_cost"],
            parallelism=settings["ticketing.argon2.parallelism"],
        )
    return cached


def hash_password(registry, password):
    return hasher(registry).hash(password)


def verify_password(registry, password_hash, password):
    """True when ``password`` matches; never raises for a wrong or malformed hash."""
    try:
        return hasher(registry).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
