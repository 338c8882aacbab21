"""DNS for the name tests, without a DNS library: a query client (what a test asks the resolver of a pod network,
from the host, over UDP or TCP) and a stand-in upstream server (run in a network namespace the test makes, for the
names outside the cluster).

    dns.py query SERVER NAME [TYPE] [--tcp]   prints "NOERROR aa tc" then one record a line: "A 10.96.0.1",
                                              "AAAA fd00:10:244::5",
                                              "SRV 0 100 80 web.default.svc.cluster.local", "CNAME x.example", "PTR db-0"
    dns.py serve ADDRESS NAME=IP...           answers A queries for those names, NXDOMAIN for others
"""
import random
import socket
import struct
import sys

TYPES = {"A": 1, "CNAME": 5, "PTR": 12, "AAAA": 28, "SRV": 33, "ANY": 255}
RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]


def encode_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.split(".") if label) + b"\0"


def read_name(msg, off):
    labels = []
    jumped = None
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if jumped is None:
                jumped = off + 2
            off = (n & 0x3F) << 8 | msg[off + 1]
            continue
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode())
        off += n
    return ".".join(labels), jumped if jumped is not None else off


def query(server, name, qtype, tcp):
    qid = random.randrange(65536)
    msg = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + encode_name(name) + struct.pack(">HH", TYPES[qtype], 1)
    if tcp:
        s = socket.create_connection((server, 53), timeout=5)
        s.sendall(struct.pack(">H", len(msg)) + msg)
        data = b""
        while len(data) < 2 or len(data) < 2 + struct.unpack(">H", data[:2])[0]:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        reply = data[2:]
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(msg, (server, 53))
        reply = s.recv(65536)
    if struct.unpack(">H", reply[:2])[0] != qid:
        sys.exit("reply to another query")
    flags = reply[2]
    print(RCODES[reply[3] & 15] if reply[3] & 15 < len(RCODES) else reply[3] & 15,
          "aa" if flags & 4 else "-", "tc" if flags & 2 else "-")
    qd, an = struct.unpack(">HH", reply[4:8])
    off = 12
    for _ in range(qd):
        _, off = read_name(reply, off)
        off += 4
    for _ in range(an):
        _, off = read_name(reply, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", reply[off:off + 10])
        off += 10
        rdata = reply[off:off + rdlen]
        if rtype == 1:
            print("A", ".".join(str(b) for b in rdata))
        elif rtype == 28:
            print("AAAA", socket.inet_ntop(socket.AF_INET6, rdata))
        elif rtype in (5, 12):
            print("CNAME" if rtype == 5 else "PTR", read_name(reply, off)[0])
        elif rtype == 33:
            prio, weight, port = struct.unpack(">HHH", rdata[:6])
            print("SRV", prio, weight, port, read_name(reply, off + 6)[0])
        else:
            print(rtype, rdata.hex())
        off += rdlen


def serve(address, names):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, 53))
    while True:
        msg, client = s.recvfrom(4096)
        name, off = read_name(msg, 12)
        qtype = struct.unpack(">H", msg[off:off + 2])[0]
        question = msg[12:off + 4]
        ip = names.get(name.lower())
        answers = b""
        if ip and qtype == 1:
            answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)
        rcode = 0 if ip else 3
        header = struct.pack(">HHHHHH", struct.unpack(">H", msg[:2])[0], 0x8180 | rcode, 1,
                             1 if answers else 0, 0, 0)
        s.sendto(header + question + answers, client)


if __name__ == "__main__":
    if sys.argv[1] == "query":
        args = [a for a in sys.argv[2:] if a != "--tcp"]
        query(args[0], args[1], args[2] if len(args) > 2 else "A", "--tcp" in sys.argv)
    elif sys.argv[1] == "serve":
        serve(sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:]))
