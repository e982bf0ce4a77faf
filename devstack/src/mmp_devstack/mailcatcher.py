"""A local SMTP server (aiosmtpd) that keeps what it receives and shows it over HTTP, for dev and tests."""

import argparse
import asyncio
from email import message_from_bytes, policy
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw if isinstance(raw, bytes) else str(raw).encode(), policy=policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "subject": str(parsed["subject"]),
                "message_id": str(parsed["message-id"]),
                "body": body.get_content() if body else "",
            }
        )
        return "250 Message accepted for delivery"


def http_app(inbox: Inbox) -> FastAPI:
    app = FastAPI(title="mail catcher")

    @app.get("/messages")
    async def messages() -> list[dict[str, Any]]:
        return inbox.messages

    @app.delete("/messages", status_code=204)
    async def clear() -> None:
        inbox.messages.clear()

    return app


async def serve(host: str, smtp_port: int, http_port: int) -> None:
    """Until SIGINT or SIGTERM, which uvicorn catches for both servers."""
    inbox = Inbox()
    smtp = await asyncio.get_running_loop().create_server(lambda: SMTP(inbox), host, smtp_port)
    print(f"mail catcher: smtp://{host}:{smtp_port}, http://{host}:{http_port}/messages", flush=True)
    try:
        await uvicorn.Server(uvicorn.Config(http_app(inbox), host=host, port=http_port, log_level="warning")).serve()
    finally:
        smtp.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.smtp_port, args.http_port))


if __name__ == "__main__":
    main()
