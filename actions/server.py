"""The action server, reachable by the Rasa server only: `python -m actions.server` in place of
`rasa run actions` (scripts/servers.py, scripts/stack.py, the Kubernetes manifests).

rasa_sdk's own server listens on every interface (SANIC_HOST defaults to 0.0.0.0), asks nobody who
is calling, and reads any body as JSON, so one POST from the network (even a `text/plain` one that
any web page can send) runs `action_show_my_data` for a known sender. This one:
- listens on 127.0.0.1 unless told otherwise (`--interface`, BUSSOLA_ACTIONS_HOST);
- refuses every call but `/health` without the shared secret in the `X-Bussola-Secret` header,
  compared in constant time (Rasa sends it: the action endpoint's `headers` in endpoints.yml);
- refuses a body that is not `application/json`.
It does not start without a secret (BUSSOLA_ACTION_SECRET).
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app as create_sdk_app
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response

SECRET_HEADER = "X-Bussola-Secret"
SECRET_ENV = "BUSSOLA_ACTION_SECRET"
HOST_ENV = "BUSSOLA_ACTIONS_HOST"
OPEN_PATHS = ("/health",)  # for the servers' start-up checks and the orchestrator's probes


def create_app(secret: str, actions_package: str = "actions") -> Sanic:
    """rasa_sdk's app with the secret and the content type checked before any route."""
    if not secret:
        raise ValueError(f"the action server needs a shared secret ({SECRET_ENV})")
    app = create_sdk_app(actions_package, cors_origins=None)  # no browser may call it

    @app.on_request
    async def guard(request):
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
            return response.json({"error": "unauthorized"}, status=401)
        if request.method == "POST" and request.headers.get("content-type", "").split(";")[0].strip() \
                != "application/json":
            return response.json({"error": "the body must be application/json"}, status=415)
        return None

    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = create_argument_parser()
    # rasa_sdk spells it "--logging-config_file"; `rasa run actions` and our scripts "--logging-config-file"
    parser.add_argument("--logging-config-file", dest="logging_config_file", help=argparse.SUPPRESS)
    parser.add_argument("--interface", default=os.environ.get(HOST_ENV, "127.0.0.1"),
                        help="address to listen on (default 127.0.0.1, or BUSSOLA_ACTIONS_HOST)")
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        print(f"The action server needs {SECRET_ENV}: the secret the Rasa server sends in "
              f"{SECRET_HEADER} (scripts/servers.py sets both).", file=sys.stderr)
        return 2
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file,
                                 args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app(secret, args.actions or "actions")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.run(args.interface, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
