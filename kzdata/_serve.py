"""``kzdata serve``: the Datasette site of :mod:`kzdata._formats.datasette`, served on this machine.

The database is built into a temporary directory and served with Datasette until
Ctrl-C or SIGTERM (the optional extra ``web`` installs Datasette and uvicorn). Both stop the
server cleanly and delete the temporary directory; only a kill that no process can catch
(SIGKILL) leaves it behind, in the system's temporary folder.

Quiet and safe by default:

* the host must be named: an empty ``--host`` would listen on every interface, on as many
  ports as addresses, of which only one could be announced, so it is refused;
* a request Datasette cannot answer gets Datasette's error page, and the terminal gets no
  traceback: Datasette's own handler prints every error with ``rich`` and the values of
  every local variable (the rows, the SQL, the request), which is replaced here; uvicorn's
  log keeps to one line per problem, without tracebacks, and the ``Server`` header is off;
  Datasette's echo of every failed SQL query (a visitor's text) is dropped, and no control
  character a request carries reaches the terminal;
* a port that cannot be bound gets kzdata's message alone, with the system's reason:
  uvicorn's own line about it is held back (:class:`_BindError`);
* the data served are those of this installation's data folder
  (:func:`kzdata._files.data_dir`), which the first line printed names.

The site is the reader's site of :mod:`kzdata._site`: its templates (found with
``importlib.resources``) and its plugin, registered while serving.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from kzdata._formats.datasette import DATABASE, PLUGIN, metadata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but newline and tab: shown as ``?`` in anything a request makes serve print."""


def url_of(address: tuple[str, int] | tuple[str, int, int, int]) -> str:
    """The address a person types to reach a listening socket's ``getsockname()``.

    >>> url_of(("127.0.0.1", 8001))
    'http://127.0.0.1:8001/'
    >>> url_of(("::1", 8001, 0, 0))
    'http://[::1]:8001/'
    """
    host, port = address[0], address[1]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def check_host(host: object) -> str:
    """``host`` if it names an address to listen on; else :class:`~kzdata.errors.InvalidArgumentError`.

    >>> check_host("127.0.0.1")
    '127.0.0.1'
    """
    from kzdata.errors import InvalidArgumentError

    if not isinstance(host, str) or not host.strip() or host != host.strip():
        raise InvalidArgumentError(
            f"--host {host!r} names no address: give one, e.g. 127.0.0.1 (this machine only, the default) or "
            "0.0.0.0 (every IPv4 interface, reachable from other machines)"
        )
    return host


class _OneLine(logging.Formatter):
    """uvicorn's log as one line per message: the exception and stack of a record are left out."""

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None})
        return _CONTROL.sub("?", super().format(plain))


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"one_line": {"()": _OneLine, "fmt": "kzdata serve: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "one_line", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.error": {"level": "WARNING"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}
"""uvicorn's logging while kzdata serves: warnings and errors, one line each, on stderr; no access log."""


class _BindError(logging.Filter):
    """Holds back uvicorn's log record of a socket it could not bind, and keeps the error for kzdata's message.

    uvicorn logs the ``OSError`` itself (``[Errno 98] error while attempting to bind on
    address ...``) before it exits; kzdata says the same in its own words, once.
    """

    def __init__(self) -> None:
        super().__init__()
        self.error: OSError | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, OSError):
            self.error = record.msg
            return False
        return True

    def reason(self) -> str:
        """Why the port could not be bound, in the system's words (``address already in use``)."""
        errno = getattr(self.error, "errno", None)
        if isinstance(errno, int):
            return os.strerror(errno).lower()
        return "in use, or not an address of this machine"


class QuietErrors:
    """A Datasette plugin answering errors like Datasette's own handler, minus the terminal output.

    Datasette's default ``handle_exception`` prints each error with ``rich`` and
    ``show_locals=True`` (and a plain traceback for a 500). This one renders the same error
    page or JSON; a 500 says only "internal error" to the client and one line, the error's
    type and the path, on stderr.
    """

    NAME = "kzdata-quiet-errors"
    DEFAULT = "datasette.handle_exception"

    @staticmethod
    def handle_exception(datasette: Any, request: Any, exception: BaseException) -> Any:
        async def inner() -> Any:
            from datasette import Response
            from datasette.utils.asgi import Base400
            from datasette.views.base import DatasetteError

            title = None
            info: dict[str, Any] = {}
            if isinstance(exception, Base400):
                status, message = exception.status, exception.args[0] if exception.args else ""
            elif isinstance(exception, DatasetteError):
                status, message, title = exception.status, exception.message, exception.title
                info = dict(exception.error_dict)  # a message Datasette marks as HTML is shown escaped
            else:
                status, message = 500, "Internal error: kzdata serve could not answer this request."
                print(
                    f"kzdata serve: internal error ({type(exception).__name__}) on {request.path}",
                    file=sys.stderr,
                    flush=True,
                )
            info.update({"ok": False, "error": message, "status": status, "title": title})
            if request.path.split("?")[0].endswith(".json"):
                return Response.json(info, status=status)
            template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
            page = await template.render_async(
                dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=list)
            )
            return Response.html(page, status=status)

        return inner


@contextlib.contextmanager
def _quiet_datasette() -> Iterator[None]:
    """Replace Datasette's exception handler by :class:`QuietErrors` while serving, then restore it."""
    from datasette import hookimpl
    from datasette.plugins import pm

    class Plugin:
        handle_exception = staticmethod(hookimpl(QuietErrors.handle_exception))

    from kzdata._site import plugin as site

    default = pm.unregister(name=QuietErrors.DEFAULT)
    pm.register(Plugin(), name=QuietErrors.NAME)
    pm.register(site, name=PLUGIN)
    try:
        yield
    finally:
        pm.unregister(name=PLUGIN)
        pm.unregister(name=QuietErrors.NAME)
        if default is not None:
            pm.register(default, name=QuietErrors.DEFAULT)


class _TerminalGuard(io.TextIOBase):
    """sys.stderr while serving: what requests make Datasette print is kept off the terminal.

    Datasette writes every failed SQL query to stderr (``ERROR: conn=..., sql = ..., params =
    ...``): a visitor's typo, not a server problem, and text chosen by a visitor, escape
    sequences included. Those lines are dropped; any other text is passed on with control
    characters (but newline and tab) shown as ``?``, so no request can reach the terminal raw.
    """

    DROPPED = ("ERROR: conn=",)

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            if not line.startswith(self.DROPPED):
                self.stream.write(_CONTROL.sub("?", line) + "\n")
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


@contextlib.contextmanager
def _guarded_stderr() -> Iterator[None]:
    """Put :class:`_TerminalGuard` in front of sys.stderr while serving."""
    saved = sys.stderr
    guard = _TerminalGuard(saved)
    sys.stderr = guard
    try:
        yield
    finally:
        sys.stderr = saved
        if guard.pending and not guard.pending.startswith(guard.DROPPED):
            saved.write(_CONTROL.sub("?", guard.pending) + "\n")


@contextlib.contextmanager
def _sigterm_stops() -> Iterator[None]:
    """While serving, SIGTERM stops like Ctrl-C (KeyboardInterrupt), so the temporary folder is deleted.

    uvicorn catches SIGTERM itself while it runs, shuts down, restores this handler and raises
    the signal again; before and after, this handler alone turns it into KeyboardInterrupt.
    """

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _temporary_folder() -> Iterator[Path]:
    """A new temporary folder, deleted however the block ends, Ctrl-C and SIGTERM included.

    ``tempfile.TemporaryDirectory`` registers its clean-up only after the folder is made, so
    a signal in between leaves the folder behind; here the signals wait (blocked) until the
    folder is made and the clean-up is in force.
    """
    stop = {signal.SIGINT, signal.SIGTERM}
    block = getattr(signal, "pthread_sigmask", None)  # POSIX; elsewhere the window stays
    if block is not None:
        block(signal.SIG_BLOCK, stop)
    try:
        folder = Path(tempfile.mkdtemp(prefix="kzdata-serve-"))
        try:
            if block is not None:
                block(signal.SIG_UNBLOCK, stop)  # a pending signal is raised here, inside the try
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if block is not None:
            block(signal.SIG_UNBLOCK, stop)


def serve(host: str = "127.0.0.1", port: int = 8001, *, out: TextIO | None = None) -> int:
    """Build the SQLite database into a temporary directory and serve it with Datasette until Ctrl-C or SIGTERM.

    Prints the address once the port is bound (with ``port=0`` the system picks a free
    port, and the printed address says which). Returns 0 after a clean stop; an empty host,
    or a port that cannot be bound, raises :class:`~kzdata.errors.InvalidArgumentError`.
    """
    import asyncio

    from kzdata.errors import InvalidArgumentError, MissingDependencyError

    check_host(host)
    stream = out or sys.stdout
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise MissingDependencyError(
            'kzdata serve needs Datasette: pip install "kzdata[web]" (from a source checkout: pip install ".[web]")'
        ) from None
    from kzdata import _files, _site
    from kzdata._formats.datasette import write_site_database

    class Server(uvicorn.Server):
        """uvicorn binds the port itself; this only announces where, once it is bound."""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            address = self.servers[0].sockets[0].getsockname()
            print(f"kzdata is served at {url_of(address)} (press Ctrl-C to stop)", file=stream, flush=True)

    with _sigterm_stops(), _temporary_folder() as tmp, _site.templates() as templates:
        print(f"serving the data of {_files.data_dir()}", file=sys.stderr, flush=True)
        db = write_site_database(tmp / f"{DATABASE}.db")
        datasette = Datasette(
            immutables=[str(db)],
            metadata=metadata(),
            template_dir=str(templates),
            settings={"allow_download": True, "default_page_size": 50},
        )
        asyncio.run(datasette.invoke_startup())
        config = uvicorn.Config(
            datasette.app(),
            host=host,
            port=port,
            log_config=LOG_CONFIG,
            log_level="warning",
            access_log=False,
            server_header=False,
            lifespan="on",
        )
        server = Server(config)
        bind_error = _BindError()
        uvicorn_log = logging.getLogger("uvicorn.error")  # configured by uvicorn.Config above
        uvicorn_log.addFilter(bind_error)
        try:
            with _quiet_datasette(), _guarded_stderr():
                server.run()
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM, re-raised by uvicorn after its clean shutdown
            pass
        except SystemExit:
            if server.started:
                raise
            raise InvalidArgumentError(
                f"cannot listen on host {host!r}, port {port}: {bind_error.reason()}; "
                "choose another --port (0 picks a free one) or --host"
            ) from None
        finally:
            uvicorn_log.removeFilter(bind_error)
    print("kzdata serve stopped", file=stream, flush=True)
    return 0
