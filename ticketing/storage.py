"""Generated files (PDFs, QR codes) behind one small interface. Names are random and
checked against a strict pattern, so a path segment from a URL can never reach the
file system as a path."""
import os
import re
import secrets
from pathlib import Path

NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png)$")


class LocalStorage:
    """Files in one local folder. A multi-server deployment points ``storage_dir`` at
    shared storage (NFS) or replaces this class by one with the same methods."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def _path(self, name):
        if not isinstance(name, str) or not NAME.match(name):
            raise KeyError(name)
        return self.directory / name[:2] / name

    def save(self, data, suffix):
        """Store ``data``; return its new random name (``<32 hex>.<suffix>``)."""
        name = f"{secrets.token_hex(16)}.{suffix}"
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        return name

    def read(self, name):
        """Return the bytes of ``name``; ``KeyError`` when it is malformed or missing."""
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            raise KeyError(name) from None

    def exists(self, name):
        try:
            return self._path(name).is_file()
        except KeyError:
            return False

    def delete(self, name):
        try:
            self._path(name).unlink()
        except (KeyError, FileNotFoundError):
            pass


def includeme(config):
    storage = LocalStorage(config.get_settings()["ticketing.storage_dir"])
    config.registry["storage"] = storage
    config.add_request_method(lambda request: request.registry["storage"], "storage", reify=True)
