#!/usr/bin/env python3
"""Writes a ConfigMap of 1,000 keys and a Pod whose one container has N env entries: each refers to $(BASE),
every tenth names an earlier variable again (the later one wins), and envFrom takes the ConfigMap twice, the
second time with a prefix.  The container prints a few of them: V1 (overridden), the last one, K5 and P_K5."""
import sys

n = int(sys.argv[1])
out = sys.stdout
out.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: many\ndata:\n")
for i in range(1000):
    out.write('  K%d: "v%d"\n' % (i, i))
out.write("""---
apiVersion: v1
kind: Pod
metadata:
  name: envsize
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  containers:
  - name: app
    image: localhost/busybox:latest
    command: ["sh", "-c", "echo $V1 $V%d $K5 $P_K5 $(BASE)"]
    envFrom:
    - configMapRef: {name: many}
    - configMapRef: {name: many}
      prefix: P_
    env:
    - {name: BASE, value: base}
""" % (n - 2))
for i in range(n):
    name = "V%d" % (i // 10 if i % 10 == 9 else i)
    out.write('    - {name: %s, value: "$(BASE)-%d"}\n' % (name, i))
