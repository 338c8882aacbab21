#!/usr/bin/env python3
"""Serves the files below ROOT on 127.0.0.1 (the registry's storage, where its redirects point), failing the
first GET of each path with 503 so that clients must retry. Writes its port to PORTFILE and logs each request
("GET path status") to LOG. Ends when killed."""
import http.server
import os
import sys

from testserver import Handler as QuietHandler, publish_port

root, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3]
seen = set()


class Handler(QuietHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        full = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if path not in seen:
            seen.add(path)
            status, body = 503, b"try again"
        elif full.startswith(os.path.realpath(root) + "/") and os.path.isfile(full):
            status, body = 200, open(full, "rb").read()
        else:
            status, body = 404, b"not found"
        with open(log, "a") as f:
            f.write(f"GET {path} {status}\n")
        self.reply(status, body)


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
publish_port(portfile, server.server_address[1])
server.serve_forever()
