#!/bin/bash
# `kube play` then `kube down` of a one-container and a three-container Pod, image present: podplay beside
# Podman (runc, as crun refuses hybrid cgroups) where it is installed, with hyperfine, as ratios; then the
# memory of a pod's monitor (RSS and PSS, from smaps_rollup) beside conmon's.
set -euo pipefail
bin=$(realpath "${1:-build/podplay}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pp="$bin --root $work/pp-root --runroot $work/pp-run"
pm="podman --root $work/pm-root --runroot $work/pm-run --storage-driver overlay --runtime $here/runc-clamp --cgroup-manager cgroupfs --events-backend none"
cleanup() {
	$pp pod rm -f -t 0 --all >/dev/null 2>&1 || true
	if command -v podman >/dev/null; then
		$pm pod rm -af -t 0 >/dev/null 2>&1 || true
		$pm rmi -af >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
python3 "$here/../fixtures/images/build.py" "$work/images" >/dev/null
$pp load -q -i "$work/images/busybox.oci.tar" >/dev/null

# A pod of N containers that end at once on SIGTERM, so that neither tool waits out a grace period.
pod() {
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bench%s\nspec:\n  containers:\n' "$1"
	for i in $(seq "$1"); do
		printf '  - name: c%s\n    image: localhost/busybox:latest\n    imagePullPolicy: Never\n' "$i"
		printf '    command: ["sh", "-c", "trap \\"exit 0\\" TERM; while :; do sleep 0.1; done"]\n'
	done
}
pod 1 >"$work/one.yaml"
pod 3 >"$work/three.yaml"

cmds=(-n "podplay 1 container" "$pp kube play $work/one.yaml && $pp kube down $work/one.yaml"
	-n "podplay 3 containers" "$pp kube play $work/three.yaml && $pp kube down $work/three.yaml")
if command -v podman >/dev/null; then
	loaded=$($pm load -q -i "$work/images/busybox.docker.tar" | sed -n 's/^Loaded image: //p' | head -1)
	$pm tag "$loaded" localhost/busybox:latest
	cmds+=(-n "podman 1 container" "$pm kube play $work/one.yaml >/dev/null && $pm kube down $work/one.yaml >/dev/null"
		-n "podman 3 containers" "$pm kube play $work/three.yaml >/dev/null && $pm kube down $work/three.yaml >/dev/null")
fi
hyperfine --warmup 2 --runs 10 --export-json "$work/r.json" "${cmds[@]}" >"$work/hyperfine.log" 2>&1 ||
	{ cat "$work/hyperfine.log"; exit 1; }
python3 - "$work/r.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for k, v in r.items():
    print(f"{k:>20}: play + down {v * 1000:.1f} ms")
for n in ("1 container", "3 containers"):
    if f"podman {n}" in r:
        print(f"{n}: podplay is {r[f'podman {n}'] / r[f'podplay {n}']:.1f}x faster than podman")
PY

echo "(podman runs runc through bench/runc-clamp, which drops rlimits above this machine's hard limits)"

# Deployments of 10 and 50 replicas: how play + down grows with the number of pods.  Podman 4.3 plays one
# replica of a Deployment whatever `replicas` says, so it is timed on the same files for what it does.
deploy() {
	printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web%s\nspec:\n  replicas: %s\n' "$1" "$1"
	printf '  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n'
	printf '      containers:\n      - name: main\n        image: localhost/busybox:latest\n        imagePullPolicy: Never\n'
	printf '        command: ["sh", "-c", "trap \\"exit 0\\" TERM; while :; do sleep 0.1; done"]\n'
}
deploy 10 >"$work/d10.yaml"
deploy 50 >"$work/d50.yaml"
cmds=(-n "podplay 10 replicas" "$pp kube play $work/d10.yaml && $pp kube down $work/d10.yaml"
	-n "podplay 50 replicas" "$pp kube play $work/d50.yaml && $pp kube down $work/d50.yaml")
if command -v podman >/dev/null; then
	cmds+=(-n "podman 10 replicas" "$pm kube play $work/d10.yaml >/dev/null && $pm kube down $work/d10.yaml >/dev/null")
fi
hyperfine --warmup 1 --runs 3 --export-json "$work/d.json" "${cmds[@]}" >"$work/hyperfine-d.log" 2>&1 ||
	{ cat "$work/hyperfine-d.log"; exit 1; }
python3 - "$work/d.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for k, v in r.items():
    print(f"{k:>20}: play + down {v * 1000:.0f} ms")
a, b = r["podplay 10 replicas"], r["podplay 50 replicas"]
print(f"podplay: 5x the pods take {b / a:.1f}x the time ({b / 50 * 1000:.1f} ms a pod at 50)")
if "podman 10 replicas" in r:
    print(f"podman plays 1 pod of the 10 asked; podplay plays all 10 in {a / r['podman 10 replicas']:.2f}x its time")
PY

# Memory of what stays behind while a pod runs.
mem() { awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { printf "RSS %d KiB, PSS %d KiB", r, p }' "/proc/$1/smaps_rollup"; }
$pp kube play "$work/three.yaml" >/dev/null
monitor=$($pp pod inspect bench3 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["monitorPid"])')
echo "podplay monitor of a 3-container pod: $(mem "$monitor") (one process per pod)"
$pp kube down "$work/three.yaml" >/dev/null
if command -v podman >/dev/null; then
	$pm kube play "$work/three.yaml" >/dev/null
	total_r=0 total_p=0 n=0
	for p in /proc/[0-9]*; do
		grep -qa "$work/pm-run" "$p/cmdline" 2>/dev/null || continue
		[ "$(tr '\0' ' ' <"$p/cmdline" | cut -d' ' -f1)" = /usr/bin/conmon ] || continue
		r=$(awk '/^Rss:/ { print $2 }' "$p/smaps_rollup") ps_=$(awk '/^Pss:/ { print $2 }' "$p/smaps_rollup")
		total_r=$((total_r + r)) total_p=$((total_p + ps_)) n=$((n + 1))
	done
	echo "podman conmons of the same pod: $n processes, RSS $total_r KiB, PSS $total_p KiB in all"
	$pm kube down "$work/three.yaml" >/dev/null
fi
