"""A tiny SMTP server on a real socket, answering as a test tells it to (the transport boundary)."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class FakeSMTP:
    """Answers RCPT TO with ``rcpt_reply`` and the end of DATA with ``data_reply``.

    ``drop_after_mail`` closes the connection after MAIL FROM (a server that
    goes away mid-conversation). Messages it accepted are kept in ``received``.
    """

    rcpt_reply: str = "250 OK"
    data_reply: str = "250 queued"
    drop_after_mail: bool = False
    # Answers to RCPT TO for particular addresses (lower case), instead of rcpt_reply.
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    received: list[bytes] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(5)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            # Each connection served on its own, as a real server does: the
            # transport sends a batch over several at once.
            threading.Thread(target=self._serve_one, args=(conn,), daemon=True).start()

    def _serve_one(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")

        def reply(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        reply("220 fake.example ESMTP")
        while True:
            line = reader.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                reply("250 fake.example")
            elif command.startswith("MAIL FROM"):
                if self.drop_after_mail:
                    return
                reply("250 OK")
            elif command.startswith("RCPT TO"):
                address = command.partition(":")[2].strip().strip("<>").lower()
                reply(self.rcpt_replies.get(address, self.rcpt_reply))
            elif command == "DATA":
                reply("354 go ahead")
                body = b""
                while not body.endswith(b"\r\n.\r\n"):
                    chunk = reader.readline()
                    if not chunk:
                        return
                    body += chunk
                if self.data_reply.startswith("250"):
                    self.received.append(body)
                reply(self.data_reply)
            elif command == "RSET":
                reply("250 OK")
            elif command == "QUIT":
                reply("221 bye")
                return
            else:
                reply("502 not implemented")


def free_port() -> int:
    """A port with nothing listening on it (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
