"""`termalign serve`: the translator workbench in the browser, on this machine only by default."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from termalign.commands import int_at_least
from termalign.errors import UserError

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="web workbench: review alignments, curate the glossary, look terms up",
                       description="Starts a local web app over a term base (the bundled seed pair is aligned "
                                   "into an empty one at first start). Open the printed address in a browser.")
    p.add_argument("--db", metavar="FILE", help="term base file (default: TERMALIGN_DB or the user data dir)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; other addresses expose "
                        "your documents to the network)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--model", help="encoder for new alignments (default auto)")
    p.add_argument("--cache", metavar="DIR", help="embedding cache directory")
    p.add_argument("--docs", metavar="DIR", help="a folder whose documents the page may pick by name")
    p.add_argument("--max-upload-mb", type=float, default=20.0, help="largest upload accepted (default 20 MB)")
    p.add_argument("--no-seed", action="store_true", help="do not align the bundled seed pair into an empty term base")
    p.add_argument("--threads", type=int_at_least(1), default=8, help="request threads (default 8)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from termalign.termbase import default_termbase_path
    from termalign.web.app import LOCAL_HOSTS, create_app
    from termalign.web.service import Settings

    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: expected 1..65535")
    if args.max_upload_mb <= 0:
        raise UserError("--max-upload-mb must be positive")
    docs = Path(args.docs) if args.docs else None
    if docs is not None and not docs.is_dir():
        raise UserError(f"{docs}: --docs must be a directory")
    settings = Settings(db=Path(args.db) if args.db else default_termbase_path(), model=args.model,
                        cache_dir=Path(args.cache) if args.cache else None, docs_dir=docs,
                        max_upload_mb=args.max_upload_mb)
    local = args.host in LOCAL_HOSTS
    if not local:
        log.warning("listening on %s: anyone who can reach this address can read and change the term base", args.host)
    app = create_app(settings, seed=not args.no_seed, local_only=local)
    from termalign.web.server import create_server  # waitress, taking raw UTF-8 URLs too

    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads)
    except OSError as e:
        raise UserError(f"cannot listen on {args.host}:{args.port} ({e.strerror or e})") from e
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"termalign workbench on http://{shown}:{args.port}/  (term base {settings.db}; Ctrl-C stops)", flush=True)
    try:
        server.run()
    finally:
        app.extensions["workbench"].close()
    return 0
