"""waitress, accepting raw UTF-8 in the request line.

curl and CAT-tool plug-ins send `GET /api/lookup?q=核裁军` with the UTF-8 bytes as they are;
browsers percent-encode them. waitress answers raw non-ASCII bytes with "400 Bad URI" (it
splits the URI with urllib, which takes bytes as ASCII). The parser here percent-encodes those
bytes first — what a browser would have sent — so both spellings of a URL mean the same.
"""

from __future__ import annotations

import re
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer

_NON_ASCII = re.compile(rb"[\x80-\xff]")


def percent_encode_non_ascii(line: bytes) -> bytes:
    """Valid UTF-8 is percent-encoded; other bytes are left for waitress to refuse (400), so a
    damaged URL is not read as U+FFFD and echoed back."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return line
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], line)


class Utf8RequestParser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        end = header_plus.find(b"\r\n")
        end = len(header_plus) if end < 0 else end
        super().parse_header(percent_encode_non_ascii(header_plus[:end]) + header_plus[end:])


class Utf8Channel(HTTPChannel):
    parser_class = Utf8RequestParser


def create_server(app: Any, **kw: Any):
    """`waitress.create_server` whose channels parse raw UTF-8 request lines."""
    from waitress import create_server as waitress_server

    server = waitress_server(app, **kw)
    # several listening sockets (localhost on IPv4 and IPv6) are several servers in one map
    for s in [server, *getattr(server, "map", {}).values()]:
        if isinstance(s, BaseWSGIServer):
            s.channel_class = Utf8Channel
    return server
