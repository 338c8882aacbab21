"""What the test servers (blobserver.py, tokenserver.py, probeserver.py) share: a request handler that answers in
one call and keeps stderr quiet, and publishing the port they listen on."""
import http.server
import os


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def publish_port(portfile, port):
    """Writes the port whole (by a rename): the test waits for the file and reads it once it is there."""
    with open(portfile + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(portfile + ".tmp", portfile)
