"""Seeds of fuzz_dns: queries as glibc and busybox send them (A, AAAA, SRV, with and without EDNS) for names
of every kind the resolver answers, written one file each into the folder given."""
import struct
import sys

NAMES = ["web.default.svc.cluster.local", "db.default.svc.cluster.local", "h1.db.default.svc.cluster.local",
         "10-244-0-4.default.pod.cluster.local", "_pg._tcp.db.default.svc.cluster.local",
         "ext.default.svc.cluster.local", "db-3", "example.org", "cluster.local", "",
         "4.0.244.10.in-addr.arpa", "10.0.96.10.in-addr.arpa", "fd00-10-244--5.default.pod.cluster.local",
         "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa"]


def query(name, qtype, edns):
    q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 1 if edns else 0)
    for label in filter(None, name.split(".")):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", qtype, 1)
    if edns:
        q += b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    return q


n = 0
for name in NAMES:
    for qtype in (1, 12, 28, 33, 255):
        for edns in (False, True):
            with open(f"{sys.argv[1]}/q{n}", "wb") as f:
                f.write(query(name, qtype, edns))
            n += 1
