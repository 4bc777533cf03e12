"""A small SMTP server that keeps what it receives, for tests and benchmarks of email delivery.

It speaks enough SMTP for Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and
lets a test decide what happens to a message once it has been transmitted: accept it, refuse it for
now (``451``, which Django raises as an ``SMTPException``), or hold it without answering until the
test lets go, so that a test can kill the sending process at a known point.

    with SmtpSink() as sink:
        settings.EMAIL_URL -> f"smtp://127.0.0.1:{sink.port}"
        ...
        sink.messages  # the accepted messages, as email.message.Message
"""

import email
import email.policy
import socketserver
import threading
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].decode("ascii", "replace").upper()
            if verb == "EHLO":
                self.reply("250-sink\r\n250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                answer = self.server.sink._receive(b"".join(lines))
                if answer is None:  # dropped: close without answering, the message was never accepted
                    return
                self.reply(answer)
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: "SmtpSink"


class SmtpSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._server = _Server((host, port), _Handler)
        self._server.sink = self
        self._lock = threading.Lock()
        self._raw: list[bytes] = []  # parsed only when read, so the sink answers quickly
        self._parsed: list[Message] = []
        self.refused = 0
        self._refuse_next = 0
        self._hold_at: int | None = None
        self.holding = threading.Event()  # set while a message waits for the test to let go
        self._release = threading.Event()
        self._accept_held = True

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"smtp://{self._server.server_address[0]}:{self.port}"

    def start(self) -> "SmtpSink":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    __enter__ = start

    def __exit__(self, *exc) -> None:
        self.stop()

    def refuse_next(self, count: int) -> None:
        """Answer the next ``count`` messages with a temporary failure (451)."""
        with self._lock:
            self._refuse_next = count

    def hold_after(self, accepted: int) -> None:
        """Once ``accepted`` messages are in, keep the next one unanswered until ``let_go``."""
        with self._lock:
            self._hold_at, self._accept_held = accepted, True
            self.holding.clear()
            self._release.clear()

    def let_go(self, *, accept: bool) -> None:
        """Answer the held message: accept it, or drop the connection as if it never arrived."""
        with self._lock:
            self._hold_at, self._accept_held = None, accept
        self._release.set()

    def _receive(self, raw: bytes) -> str | None:
        with self._lock:
            if self._refuse_next:
                self._refuse_next -= 1
                self.refused += 1
                return "451 Try again later"
            hold = self._hold_at is not None and len(self._raw) >= self._hold_at
        if hold:
            self.holding.set()
            self._release.wait()
            if not self._accept_held:
                return None
        with self._lock:
            self._raw.append(raw)
        return "250 OK: queued"

    @property
    def messages(self) -> list[Message]:
        """The accepted messages, parsed (each once, when first read)."""
        with self._lock:
            new = self._raw[len(self._parsed) :]
        self._parsed += [email.message_from_bytes(data, policy=email.policy.default) for data in new]
        return list(self._parsed)

    def count(self) -> int:
        with self._lock:
            return len(self._raw)

    def recipients(self) -> list[str]:
        return [str(message["To"]) for message in self.messages]
