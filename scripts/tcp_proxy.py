"""A TCP proxy on loopback that can be cut and restored: the tests' way of making a service (the
machine's shared PostgreSQL) unreachable for the stack's processes only, without touching it.

    proxy = TcpProxy("127.0.0.1", 5432).start()   # listens on 127.0.0.1:proxy.port
    proxy.cut()        # every current connection is reset, new ones are refused (nothing listens)
    proxy.restore()    # listens again on the same port
    proxy.stop()

It runs an asyncio loop in a daemon thread; the methods are called from any other thread and
return once done. Seen from a client, a cut is what a restarting PostgreSQL looks like: open
connections end abruptly, and connecting fails with "connection refused" until it is back.
"""
from __future__ import annotations

import asyncio
import socket
import threading
from typing import Optional, Set

LOOPBACK = "127.0.0.1"
CHUNK = 65536


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, port: int = 0):
        self.target_host, self.target_port = target_host, int(target_port)
        self.port = port  # 0: a free one, chosen at start and kept across cuts
        self.accepted = 0  # connections proxied so far
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._server: Optional[asyncio.AbstractServer] = None
        self._writers: Set[asyncio.StreamWriter] = set()

    @property
    def is_cut(self) -> bool:
        return self._server is None

    @property
    def open_connections(self) -> int:
        return len(self._writers) // 2

    # --- from the caller's thread ------------------------------------------------------------

    def start(self) -> "TcpProxy":
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name=f"tcp-proxy-{self.target_port}", daemon=True)
        self._thread.start()
        ready.wait()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Resets every open connection (both sides) and stops listening: new ones are refused."""
        self._call(self._cut())

    def restore(self) -> None:
        """Listens again on the same port."""
        if self.is_cut:
            self._call(self._listen())

    def stop(self) -> None:
        if self._loop is None:
            return
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> "TcpProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    # --- on the proxy's loop ---------------------------------------------------------------------

    async def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the same port right after a cut
        sock.bind((LOOPBACK, self.port))
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._accept, sock=sock)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            _reset(writer)
        self._writers.clear()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self._server is None:  # accepted just before a cut
            _reset(client_writer)
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            _reset(client_writer)
            return
        if self._server is None:
            _reset(client_writer)
            _reset(server_writer)
            return
        self.accepted += 1
        self._writers.update((client_writer, server_writer))
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))
        for writer in (client_writer, server_writer):
            self._writers.discard(writer)
            writer.close()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            try:
                if writer.can_write_eof() and not writer.is_closing():
                    writer.write_eof()  # half-close: the other direction may still be talking
            except OSError:
                pass


def _reset(writer: asyncio.StreamWriter) -> None:
    """Closes with a TCP reset (SO_LINGER 0), as when the peer's host drops the connection."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
    writer.transport.abort()
