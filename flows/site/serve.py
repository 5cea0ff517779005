"""`ahual site --serve`: the built sites over HTTP on 127.0.0.1 only, read-only (GET and HEAD;
every other method is refused), until interrupted."""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class ReadOnly(SimpleHTTPRequestHandler):
    """Files under the site folder, nothing else: no uploads, no scripts, no listing of
    folders outside it (SimpleHTTPRequestHandler already keeps paths inside `directory`)."""

    def _refuse(self) -> None:
        self.send_error(405, "read-only")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass  # a quiet server: the command prints its address once


def server(folder: Path, port: int, handler: type[ReadOnly] = ReadOnly) -> ThreadingHTTPServer:
    """A server of `folder` bound to 127.0.0.1 (port 0: any free port)."""
    return ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(folder)))
