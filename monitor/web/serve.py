"""Serving the console with uvicorn: in the foreground (`govmon web`) or beside the daemon
(`govmon run` with ``[web] enabled = true``)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import uvicorn
from sqlalchemy import Engine

from monitor.settings import Settings
from monitor.web.app import create_app

log = logging.getLogger("monitor.web")


def server(settings: Settings, engine: Engine, host: str, port: int) -> uvicorn.Server:
    behind = settings.web.behind_proxy
    config = uvicorn.Config(
        create_app(settings, engine),
        host=host,
        port=port,
        log_level="warning",
        # Behind nginx the client's address (login throttling) and https come from its headers.
        proxy_headers=behind,
        forwarded_allow_ips="127.0.0.1" if behind else None,
        server_header=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


@dataclass
class Background:
    served: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.served.should_exit = True
        self.thread.join(timeout=10)


def start_in_background(settings: Settings, engine: Engine) -> Background:
    """Start the console in a thread of the daemon (uvicorn installs no signal handlers off
    the main thread: the daemon keeps SIGTERM)."""
    web = settings.web
    served = server(settings, engine, web.host, web.port)
    thread = threading.Thread(target=served.run, name="govmon-web", daemon=True)
    thread.start()
    while not served.started and thread.is_alive():
        time.sleep(0.05)
    if not thread.is_alive():
        log.error("网页控制台未能启动（端口 %s 被占用？）", web.port)
    else:
        log.warning("网页控制台：http://%s:%s/", web.host, web.port)
    return Background(served, thread)
