"""Fault injection for one application at a time: a TCP proxy on 127.0.0.1 in front of a
real service (PostgreSQL, SMTP, Redis). Tests point an app at the proxy and then cut it
(connections dropped, new ones refused), stall it (connections accepted, nothing
forwarded) or restore it, without touching the service other tests share."""
import selectors
import socket
import threading

FORWARD, CUT, STALL = "forward", "cut", "stall"


class TcpProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.mode = FORWARD
        self.accepted = threading.Event()  # set when a connection arrives (any mode)
        self._pairs = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            self.accepted.set()
            if self.mode == CUT:
                client.close()
                continue
            if self.mode == STALL:
                with self._lock:
                    self._pairs.append((client, None))
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client, upstream):
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _events in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                sock.close()

    def _drop_connections(self):
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    sock.close()

    def cut(self):
        """Drop every connection; refuse new ones until :meth:`restore`."""
        self.mode = CUT
        self._drop_connections()

    def stall(self):
        """Accept new connections but forward nothing (a hung service)."""
        self.mode = STALL

    def restore(self):
        self.mode = FORWARD

    def close(self):
        self._closed = True
        self._listener.close()
        self._drop_connections()
