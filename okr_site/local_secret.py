"""The secret key of a local install: generated once, kept in a file only its owner may read.

Settings call this only in debug mode without DJANGO_SECRET_KEY (what `make run` is); production
must set DJANGO_SECRET_KEY. No Django imports: settings import this module.
"""

import contextlib
import os
import secrets
from pathlib import Path


def local_secret_key(path: Path) -> str:
    """The key stored at `path`, written there first (mode 0600) when there is none.

    Several processes start at once (runserver, its autoreloader, the worker): the key is written
    to a private temporary file and linked into place, which fails when another process got there
    first, so every process reads one whole key and never a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
            # Fails when another process wrote the key first: then theirs is the key.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it and a new secret key is generated.")
    return key
