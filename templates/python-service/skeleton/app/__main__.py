"""Runs the service: `python -m app`."""

import uvicorn

from app.config import read_config
from app.log import configure_logging


def main() -> None:
    config = read_config()
    configure_logging(config.log_level)
    # log_config=None keeps uvicorn from replacing the JSON logging set up above. On SIGTERM
    # uvicorn stops accepting connections and waits for in-flight requests to finish.
    uvicorn.run(
        "app.main:app",
        host="0.0.0.0",
        port=config.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
