#!/bin/bash
# Pull and load of a multi-layer image (about 40 MB) from a registry on 127.0.0.1: podplay beside Podman where
# it is installed, with hyperfine, reported as ratios; peak memory with /usr/bin/time.
set -euo pipefail
bin=$(realpath "${1:-build/podplay}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
reg_pid=
cleanup() {
	[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null && wait "$reg_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
python3 "$here/make-image.py" "$work" 4 10
size=$(du -sb "$work/big/blobs" | cut -f1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<EOC
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
EOC
/usr/bin/docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 50); do curl -s --noproxy '*' "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$work/policy.json"
skopeo --policy "$work/policy.json" copy -q --dest-tls-verify=false "oci:$work/big:latest" "docker://127.0.0.1:$port/bench/big:latest"
ref=127.0.0.1:$port/bench/big:latest
echo "== image: $(awk "BEGIN{printf \"%.1f\", $size/1048576}") MiB in 5 layers, registry on 127.0.0.1"

pp="$bin --root $work/pp-root --runroot $work/pp-run"
cmds=(-n "podplay pull" --prepare "rm -rf $work/pp-root" "$pp pull -q --tls-verify=false $ref"
	-n "podplay load" --prepare "rm -rf $work/pp-root" "$pp load -q -i $work/big.oci.tar")
if command -v podman >/dev/null; then
	pm="podman --root $work/pm-root --runroot $work/pm-run --storage-driver overlay"
	pol="--signature-policy $work/policy.json"
	cmds+=(-n "podman pull" --prepare "$pm rmi -af >/dev/null 2>&1; rm -rf $work/pm-root" "$pm pull $pol -q --tls-verify=false $ref"
		-n "podman load" --prepare "$pm rmi -af >/dev/null 2>&1; rm -rf $work/pm-root" "$pm load $pol -q -i $work/big.oci.tar")
fi
hyperfine --warmup 1 --runs 5 --export-json "$work/r.json" "${cmds[@]}" >"$work/hyperfine.log" 2>&1 || { cat "$work/hyperfine.log"; exit 1; }
python3 - "$work/r.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for k, v in r.items():
    print(f"{k:>13}: {v:.3f} s")
for op in ("pull", "load"):
    if f"podman {op}" in r:
        print(f"{op}: podplay is {r[f'podman {op}'] / r[f'podplay {op}']:.1f}x faster than podman")
PY
rm -rf "$work/pp-root"
echo "peak RSS, podplay pull: $(/usr/bin/time -f %M $pp pull -q --tls-verify=false "$ref" 2>&1 >/dev/null | tail -1) KiB"
rm -rf "$work/pp-root"
echo "peak RSS, podplay load: $(/usr/bin/time -f %M $pp load -q -i "$work/big.oci.tar" 2>&1 >/dev/null | tail -1) KiB"
if command -v podman >/dev/null; then
	$pm rmi -af >/dev/null 2>&1 || true
	echo "peak RSS, podman pull:  $(/usr/bin/time -f %M $pm pull $pol -q --tls-verify=false "$ref" 2>&1 >/dev/null | tail -1) KiB"
	$pm rmi -af >/dev/null 2>&1 || true
	rm -rf "$work/pm-root" "$work/pm-run"
fi
