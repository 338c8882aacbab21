#!/bin/bash
# Command start: `podplay version`, `ps`, `pod ls` and `kube validate` of a small file beside an empty C program
# (the floor of any command: exec, the dynamic loader, exit), with hyperfine and no shell between; then the
# libraries each binary maps at start, and what a load adds on demand.
#   bench/start.sh [PODPLAY]
set -eu
bin=$(realpath "${1:-build/podplay}")
mon=$(dirname "$bin")/podplay-monitor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'int main (void) { return 0; }\n' >"$work/empty.c"
cc -O2 -o "$work/empty" "$work/empty.c"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\ndata: {a: b}\n' >"$work/small.yaml"
pp="$bin --root $work/root --runroot $work/run"
$pp ps >/dev/null # the state database, made once
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/r.json" \
	-n "empty C program" "$work/empty" \
	-n "podplay version" "$bin version" \
	-n "podplay ps" "$pp ps" \
	-n "podplay pod ls" "$pp pod ls" \
	-n "podplay kube validate (small)" "$bin kube validate -q $work/small.yaml" >"$work/log" 2>&1 ||
	{
		cat "$work/log"
		exit 1
	}
python3 - "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
floor = r[0]["mean"]
for x in r:
    print(f"{x['command']:>30}: {x['mean'] * 1000:6.2f} ms ± {x['stddev'] * 1000:.2f}  (+{(x['mean'] - floor) * 1000:.2f} ms over the empty program)")
PY
for b in "$bin" "$mon"; do
	echo "$(basename "$b") maps at start: $(ldd "$b" | awk '{ print $1 }' | grep -v '^linux-vdso' | sed 's|.*/||' | tr '\n' ' ')"
done
python3 "$(dirname "$0")/../fixtures/images/build.py" "$work/images" >/dev/null
# What a load maps besides: the libraries it opens on demand, and how many files the loader maps in all.
loaded() { LD_DEBUG=files "$@" 2>&1 >/dev/null; }
files() { sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' | sort -u | wc -l; }
echo "podplay load opens on demand: $(loaded $pp load -q -i "$work/images/busybox.oci.tar" |
	sed -n 's/.*file=\([^ ]*\) .*dynamically loaded.*/\1/p' | sort -u | tr '\n' ' ')"
echo "libraries mapped in all: podplay ps $(loaded $pp ps | files), podplay load $(loaded $pp load -q -i "$work/images/busybox.oci.tar" | files)"
