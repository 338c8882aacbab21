#!/usr/bin/python3
"""Servers for probe tests, on 127.0.0.1 and a free port: a gRPC health service (grpc.health.v1.Health/Check,
SERVING for the server as a whole ("") and for "live", NOT_SERVING for "down", NOT_FOUND for any other service),
or an HTTPS server answering every GET with STATUS. Writes its port to PORTFILE, logs each request to LOG
("Check SERVICE USER-AGENT", "GET PATH X-PROBE-HEADER USER-AGENT"); ends when killed. Runs under Debian's python3
(/usr/bin/python3), which has python3-grpcio.

usage: probeserver.py grpc PORTFILE LOG
       probeserver.py https CERT KEY STATUS PORTFILE LOG"""
import http.server, ssl, sys, threading

from testserver import Handler, publish_port


def note(log, line):
    with open(log, "a") as f:
        f.write(line + "\n")


def serve_grpc(portfile, log):
    from concurrent import futures
    import grpc

    answers = {"": b"\x08\x01", "live": b"\x08\x01", "down": b"\x08\x02"}

    def check(request, context):
        # A HealthCheckRequest: field 1 (tag 0x0a) is the service, its length one byte for the short names here.
        service = request[2:2 + request[1]].decode() if request[:1] == b"\x0a" else ""
        agent = dict(context.invocation_metadata()).get("user-agent", "-")
        note(log, f"Check {service or '-'} {agent}")
        if service not in answers:
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        return answers[service]

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health", {"Check": grpc.unary_unary_rpc_method_handler(check)}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    publish_port(portfile, port)
    threading.Event().wait()


def serve_https(cert, key, status, portfile, log):
    class Answer(Handler):
        def do_GET(self):
            note(log, f"GET {self.path} {self.headers.get('X-Probe', '-')} {self.headers.get('User-Agent', '-')}")
            self.reply(status, b"status %d\n" % status)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    publish_port(portfile, server.server_address[1])
    server.serve_forever()


if sys.argv[1:2] == ["grpc"]:
    serve_grpc(*sys.argv[2:4])
else:
    serve_https(sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:7])
