"""A TCP forwarder on loopback that can be cut: the rehearsal's way to take a service down.

While cut, new connections are closed at once and open ones are dropped, as a network
outage or a stopped cluster looks to a client.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from typing import Any


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target address until it is cut."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.cut = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Return the proxy's HTTP URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CuttableProxy:
        """Start forwarding."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the proxy."""
        self.cut_off()
        self._server.shutdown()
        self._server.server_close()

    def cut_off(self) -> None:
        """Refuse new connections and drop the open ones."""
        self.cut.set()
        with self._lock:
            for sock in list(self._open):
                _close(sock)
            self._open.clear()

    def restore(self) -> None:
        """Forward again."""
        self.cut.clear()

    def _serve(self, client: socket.socket) -> None:
        """Pipe one connection both ways."""
        if self.cut.is_set():
            return
        try:
            upstream = socket.create_connection(self.target, timeout=30)
        except OSError:
            return
        with self._lock:
            self._open.update({client, upstream})
        pump = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
        pump.start()
        _pipe(client, upstream)
        pump.join()
        with self._lock:
            self._open.difference_update({client, upstream})
        _close(upstream)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes from source to sink until either side closes."""
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            _shutdown(sock)


def _shutdown(sock: Any) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _close(sock: socket.socket) -> None:
    _shutdown(sock)
    with contextlib.suppress(OSError):
        sock.close()
