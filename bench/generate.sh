#!/bin/bash
# `kube generate` timed beside Podman's (where it is installed), with hyperfine, as ratios: one pod of three
# containers with a ConfigMap, a Secret and volumes, and 50 pods of a play named at once.  Both tools generate
# from pods they played from the same files.
#
#   bench/generate.sh [--runs N] [PODPLAY]
set -euo pipefail
runs=20
if [ "${1:-}" = --runs ]; then
	runs=$2
	shift 2
fi
bin=$(realpath "${1:-build/podplay}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pp="$bin --root $work/pp-root --runroot $work/pp-run"
pm="podman --root $work/pm-root --runroot $work/pm-run --storage-driver overlay --runtime $here/runc-clamp --cgroup-manager cgroupfs --events-backend none"
have_podman() { command -v podman >/dev/null; }
cleanup() {
	$pp pod rm -f -t 0 --all >/dev/null 2>&1 || true
	$pp network rm podplay >/dev/null 2>&1 || true
	if have_podman; then
		$pm pod rm -af -t 0 >/dev/null 2>&1 || true
		$pm secret rm -a >/dev/null 2>&1 || true
		$pm volume rm -af >/dev/null 2>&1 || true
		$pm rmi -af >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
python3 "$here/../fixtures/images/build.py" "$work/images" >/dev/null
$pp load -q -i "$work/images/busybox.oci.tar" >/dev/null
if have_podman; then
	loaded=$($pm load -q -i "$work/images/busybox.docker.tar" | sed -n 's/^Loaded image: //p' | head -1)
	$pm tag "$loaded" localhost/busybox:latest
fi

cat >"$work/three.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: gencfg
data:
  greeting: hello
  app.conf: |
    listen = 8080
---
apiVersion: v1
kind: Secret
metadata:
  name: gensecret
type: Opaque
stringData:
  token: s3cr3t
---
apiVersion: v1
kind: Pod
metadata:
  name: gen3
  labels:
    app: gen3
spec:
  volumes:
  - name: shared
    emptyDir: {}
  - name: config
    configMap:
      name: gencfg
  containers:
  - name: web
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]
    ports:
    - containerPort: 8080
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: gencfg, key: greeting}
    - name: TOKEN
      valueFrom:
        secretKeyRef: {name: gensecret, key: token}
    resources:
      limits: {memory: 64Mi}
    volumeMounts:
    - {name: shared, mountPath: /shared}
  - name: reader
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]
    volumeMounts:
    - {name: shared, mountPath: /shared, readOnly: true}
    - {name: config, mountPath: /etc/app}
  - name: sidecar
    image: localhost/busybox:latest
    imagePullPolicy: Never
    workingDir: /tmp
    command: ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]
YAML
for i in $(seq 50); do
	printf -- '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: gen50-%s\nspec:\n  containers:\n' "$i"
	printf '  - name: main\n    image: localhost/busybox:latest\n    imagePullPolicy: Never\n'
	printf '    command: ["sh", "-c", "trap \\"exit 0\\" TERM; while :; do sleep 0.1; done"]\n'
done >"$work/fifty.yaml"
names=$(seq -f 'gen50-%g' 50 | tr '\n' ' ')

$pp kube play "$work/three.yaml" "$work/fifty.yaml" >/dev/null
if have_podman; then
	# Podman 4.3.1 cannot read a Secret of the YAML back for secretKeyRef (podman#16269): it gets the file without
	# it, and the secret made as `podman secret create` takes one for kube play (as bench/play.sh does).
	python3 -c 'import sys; d = open(sys.argv[1]).read().split("---\n"); print("---\n".join(x for x in d if "kind: Secret" not in x), end="")' \
		"$work/three.yaml" >"$work/three-podman.yaml"
	printf '{"token":"%s"}' "$(printf s3cr3t | base64)" | $pm secret create gensecret - >/dev/null
	$pm kube play "$work/three-podman.yaml" >/dev/null
	$pm kube play "$work/fifty.yaml" >/dev/null
fi

# `row NAME ARGS`: podplay's `kube generate ARGS` and Podman's, in the same hyperfine runs.
row() {
	local name=$1 args=$2
	local cmds=(-n "podplay" "$pp kube generate $args >/dev/null")
	if have_podman; then cmds+=(-n "podman" "$pm kube generate $args >/dev/null"); fi
	hyperfine --warmup 2 --runs "$runs" --export-json "$work/gen.json" "${cmds[@]}" >"$work/hf.log" 2>&1 ||
		{ cat "$work/hf.log"; exit 1; }
	python3 - "$name" "$work/gen.json" <<'PY'
import json, sys
out = {x["command"]: x for x in json.load(open(sys.argv[2]))["results"]}
pp = out["podplay"]
line = f"{sys.argv[1]}: podplay {pp['mean'] * 1000:.1f} ms (min {pp['min'] * 1000:.1f})"
if "podman" in out:
    pm = out["podman"]
    line += f", podman {pm['mean'] * 1000:.0f} ms: {pm['mean'] / pp['mean']:.1f}x"
print(line)
PY
}
row "1 pod of 3 containers" gen3
row "50 pods" "$names"
$pp kube generate gen3 | wc -c | sed 's/^/podplay: bytes of the 3-container pod: /'
if have_podman; then $pm kube generate gen3 | wc -c | sed 's/^/podman: bytes of the 3-container pod: /'; fi
