"""``kzdata serve``: the Datasette site of :mod:`kzdata._formats.datasette`, served on this machine.

The database is built into a temporary directory and served with Datasette until
Ctrl-C (the optional extra ``web`` installs Datasette and uvicorn).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from kzdata._formats.datasette import DATABASE, metadata


def url_of(address: tuple[str, int] | tuple[str, int, int, int]) -> str:
    """The address a person types to reach a listening socket's ``getsockname()``.

    >>> url_of(("127.0.0.1", 8001))
    'http://127.0.0.1:8001/'
    >>> url_of(("::1", 8001, 0, 0))
    'http://[::1]:8001/'
    """
    host, port = address[0], address[1]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8001, *, out: TextIO | None = None) -> int:
    """Build the SQLite database into a temporary directory and serve it with Datasette until Ctrl-C.

    Prints the address once the port is bound (with ``port=0`` the system picks a free
    port, and the printed address says which). Returns 0 after a clean stop; a port
    that cannot be bound raises :class:`~kzdata.errors.InvalidArgumentError`.
    """
    import asyncio

    from kzdata.errors import InvalidArgumentError, MissingDependencyError

    stream = out or sys.stdout
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise MissingDependencyError(
            'kzdata serve needs Datasette: pip install "kzdata[web]" (from a source checkout: pip install ".[web]")'
        ) from None
    from kzdata._formats.sqlite import write_sqlite

    class Server(uvicorn.Server):
        """uvicorn binds the port itself; this only announces where, once it is bound."""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            address = self.servers[0].sockets[0].getsockname()
            print(f"kzdata is served at {url_of(address)} (press Ctrl-C to stop)", file=stream, flush=True)

    with tempfile.TemporaryDirectory(prefix="kzdata-serve-") as tmp:
        db = write_sqlite(Path(tmp) / f"{DATABASE}.db")
        datasette = Datasette(
            immutables=[str(db)],
            metadata=metadata(),
            settings={"allow_download": True, "default_page_size": 50},
        )
        asyncio.run(datasette.invoke_startup())
        config = uvicorn.Config(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")
        server = Server(config)
        try:
            server.run()
        except KeyboardInterrupt:  # uvicorn re-raises the signal after its clean shutdown
            pass
        except SystemExit:
            if server.started:
                raise
            raise InvalidArgumentError(
                f"cannot listen on host {host!r}, port {port} (in use, or not an address of this machine); "
                "choose another --port (0 picks a free one) or --host"
            ) from None
    print("kzdata serve stopped", file=stream, flush=True)
    return 0
