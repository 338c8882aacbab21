#!/usr/bin/env python3
"""A token server for docker-registry's bearer-token auth, on 127.0.0.1: it checks basic credentials (USER:PASS)
and grants pull on repositories under public/ to anyone, pull and push elsewhere to USER only, as signed JWTs
(RS256, the signing certificate in the x5c header; the registry trusts that certificate). Writes its port to
PORTFILE, logs each request ("GET scope user granted") to LOG; ends when killed.

usage: tokenserver.py KEY CERT SERVICE ISSUER USER:PASS PORTFILE LOG"""
import base64, http.server, json, os, subprocess, sys, time, urllib.parse

from testserver import Handler as QuietHandler, publish_port

key, cert, service, issuer, creds, portfile, log = sys.argv[1:8]
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True, capture_output=True).stdout


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(claims):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    payload = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=payload.encode(), check=True,
                         capture_output=True).stdout
    return payload + "." + b64url(sig)


class Handler(QuietHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        user = ""
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            given = base64.b64decode(auth[6:]).decode(errors="replace")
            if given != creds:
                self.answer(401, {"errors": [{"code": "UNAUTHORIZED", "message": "wrong credentials"}]}, "-", "bad")
                return
            user = given.split(":")[0]
        access = []
        for scope in q.get("scope", []):
            kind, name, actions = scope.split(":")
            allowed = [a for a in actions.split(",") if user or (a == "pull" and name.startswith("public/"))]
            access.append({"type": kind, "name": name, "actions": allowed})
        now = int(time.time())
        claims = {"iss": issuer, "sub": user, "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
                  "jti": b64url(os.urandom(12)), "access": access}
        token = sign(claims)
        self.answer(200, {"token": token, "access_token": token, "expires_in": 300}, ",".join(q.get("scope", [])),
                    json.dumps(access))

    def answer(self, status, obj, scope, granted):
        body = json.dumps(obj).encode()
        with open(log, "a") as f:
            f.write(f"GET {scope} {granted}\n")
        self.reply(status, body, [("Content-Type", "application/json")])


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
publish_port(portfile, server.server_address[1])
server.serve_forever()
