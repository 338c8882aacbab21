#!/bin/bash
# `kube play` and `kube down` timed apart, podplay beside Podman (runc, as crun refuses hybrid cgroups) where it is
# installed, in the same run, with hyperfine, as ratios: a one-container and a three-container Pod (image present);
# a three-container Pod with volumes, ConfigMaps and a Secret; Deployments of 10 and 50 replicas; then the memory
# of a pod's monitor (RSS and PSS, from smaps_rollup) beside conmon's.
#
#   bench/play.sh [--runs N] [--only pods|deployments|volumes|memory] [--rootless] [PODPLAY]
#
# --runs sets hyperfine's runs of every row (10 for the pods, 3 for the rest by default); --only runs one row.
# Each play is timed after a down of the same file (hyperfine --prepare), and each down after a play.
# --rootless (run as root) times the rows as an ordinary user the script makes, with subordinate ids, beside
# rootless Podman (slirp4netns for both): the user, /etc/subuid and /etc/subgid, and /dev/net/tun's mode (0666
# while it runs, as Debian's default) are as they were at its end.
set -euo pipefail
runs= only= rootless= opts=()
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2 && opts+=("$1" "$2") && shift 2 ;;
	--only) only=$2 && opts+=("$1" "$2") && shift 2 ;;
	--rootless) rootless=1 && opts+=("$1") && shift ;;
	*) break ;;
	esac
done
if [ -n "$rootless" ] && [ "$(id -u)" = 0 ]; then
	user=ppbench mark="podplay bench/play.sh --rootless"
	home=$(mktemp -d /tmp/podplay-bench.XXXXXX)
	chmod 755 "$home"
	cp -p /etc/subuid "$home/subuid.orig" && cp -p /etc/subgid "$home/subgid.orig"
	tun=$(stat -c %a /dev/net/tun)
	restore() {
		for p in $(pgrep -u "$user" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
		sleep 0.5
		[ "$(getent passwd "$user" | cut -d: -f5)" = "$mark" ] && userdel "$user" 2>/dev/null
		cp -p "$home/subuid.orig" /etc/subuid && cp -p "$home/subgid.orig" /etc/subgid
		chmod "$tun" /dev/net/tun
		rm -rf "$home"
	}
	trap restore EXIT
	useradd -M -s /bin/bash -c "$mark" "$user"
	chmod 0666 /dev/net/tun
	mkdir -p "$home/home" "$home/run" "$home/bin" "$home/bench"
	bin=$(realpath "${1:-build/podplay}")
	cp "$bin" "$(dirname "$bin")/podplay-monitor" "$home/bin/"
	cp -r "$(dirname "$0")"/. "$home/bench/"
	mkdir -p "$home/fixtures" && cp -r "$(dirname "$0")/../fixtures/images" "$home/fixtures/"
	chown -R "$user:$user" "$home/home" "$home/run"
	chmod 700 "$home/run"
	chmod -R a+rX "$home"
	# The same script as the user, with its options, timing the binaries copied where the user reaches them.
	setpriv --reuid "$user" --regid "$user" --init-groups env -i HOME="$home/home" XDG_RUNTIME_DIR="$home/run" \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
		bash "$home/bench/play.sh" "${opts[@]}" "$home/bin/podplay"
	exit
fi
case $only in "" | pods | deployments | volumes | memory) ;; *) echo "play.sh: no row $only" >&2 && exit 2 ;; esac
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
bin=$(realpath "${1:-build/podplay}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pp="$bin --root $work/pp-root --runroot $work/pp-run"
pm="podman --root $work/pm-root --runroot $work/pm-run --storage-driver overlay --runtime $here/runc-clamp --cgroup-manager cgroupfs --events-backend none"
cleanup() {
	$pp pod rm -f -t 0 --all >/dev/null 2>&1 || true
	if command -v podman >/dev/null; then
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

# A pod of N containers that end at once on SIGTERM, so that neither tool waits out a grace period (the shell waits
# on a sleeping child, and `wait` returns at a trapped signal), and that take no CPU while they run: a loop forking
# `sleep 0.1` ten times a second, as before, kept both cores busy once 50 replicas ran, which timed the workload.
pod() {
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bench%s\nspec:\n  containers:\n' "$1"
	for i in $(seq "$1"); do
		printf '  - name: c%s\n    image: localhost/busybox:latest\n    imagePullPolicy: Never\n' "$i"
		printf '    command: ["sh", "-c", "trap \\"exit 0\\" TERM; sleep 100000 & wait"]\n'
	done
}
pod 1 >"$work/one.yaml"
pod 3 >"$work/three.yaml"
if command -v podman >/dev/null; then
	loaded=$($pm load -q -i "$work/images/busybox.docker.tar" | sed -n 's/^Loaded image: //p' | head -1)
	$pm tag "$loaded" localhost/busybox:latest
fi

# `apart NAME RUNS FILE [PODMAN_FILE]`: podplay's play of FILE (each after a down) and down (each after a play),
# and Podman's of PODMAN_FILE (FILE unless given) in the same hyperfine runs; prints the means and the ratios, and
# keeps them in $work/means for the rows that compare sizes.
apart() {
	local name=$1 n=$2 f=$3 pf=${4:-$3}
	local play=(-n "podplay play" -p "$pp kube down $f >/dev/null 2>&1 || true" "$pp kube play $f >/dev/null")
	local down=(-n "podplay down" -p "$pp kube play $f >/dev/null" "$pp kube down $f >/dev/null")
	if command -v podman >/dev/null; then
		play+=(-n "podman play" -p "$pm kube down $pf >/dev/null 2>&1 || true" "$pm kube play $pf >/dev/null")
		down+=(-n "podman down" -p "$pm kube play $pf >/dev/null 2>&1 || true" "$pm kube down $pf >/dev/null")
	fi
	hyperfine --warmup 1 --runs "$n" --export-json "$work/play.json" "${play[@]}" >"$work/hf.log" 2>&1 ||
		{ cat "$work/hf.log"; exit 1; }
	hyperfine --runs "$n" --export-json "$work/down.json" "${down[@]}" >"$work/hf.log" 2>&1 ||
		{ cat "$work/hf.log"; exit 1; }
	$pp kube down "$f" >/dev/null 2>&1 || true
	if command -v podman >/dev/null; then $pm kube down "$pf" >/dev/null 2>&1 || true; fi
	python3 - "$name" "$work/play.json" "$work/down.json" "$work/means" <<'PY'
import json, sys
name, out = sys.argv[1], {}
for path in sys.argv[2:4]:
    for x in json.load(open(path))["results"]:
        out[x["command"]] = x
line = [f"{name}:"]
for step in ("play", "down"):
    pp = out[f"podplay {step}"]
    part = f"{step} {pp['mean'] * 1000:.1f} ms (min {pp['min'] * 1000:.1f})"
    if f"podman {step}" in out:
        pm = out[f"podman {step}"]
        part += f", podman {pm['mean'] * 1000:.0f} ms: {pm['mean'] / pp['mean']:.1f}x"
    line.append(part)
print(" ".join(line[:1]) + " " + "; ".join(line[1:]))
with open(sys.argv[4], "a") as f:
    f.write(f"{name}\t{out['podplay play']['mean']}\t{out['podplay down']['mean']}\n")
PY
}

if want pods; then
	apart "1 container" "${runs:-10}" "$work/one.yaml"
	apart "3 containers" "${runs:-10}" "$work/three.yaml"
	echo "(podman runs runc through bench/runc-clamp, which drops rlimits above this machine's hard limits)"
fi

# Deployments of 10 and 50 replicas: how play and down grow with the number of pods.  Podman 4.3 plays one
# replica of a Deployment whatever `replicas` says, so it is timed on the same files for what it does.
if want deployments; then
deploy() {
	printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web%s\nspec:\n  replicas: %s\n' "$1" "$1"
	printf '  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n'
	printf '      containers:\n      - name: main\n        image: localhost/busybox:latest\n        imagePullPolicy: Never\n'
	printf '        command: ["sh", "-c", "trap \\"exit 0\\" TERM; sleep 100000 & wait"]\n'
}
deploy 10 >"$work/d10.yaml"
deploy 50 >"$work/d50.yaml"
apart "10 replicas" "${runs:-3}" "$work/d10.yaml"
apart "50 replicas" "${runs:-3}" "$work/d50.yaml"
echo "(podman plays 1 pod of the replicas asked; podplay plays them all)"
awk -F'\t' '$1 == "10 replicas" { p10 = $2; d10 = $3 } $1 == "50 replicas" { p50 = $2; d50 = $3 }
	END { printf "podplay: 5x the pods take %.1fx the time to play, %.1fx to remove\n", p50 / p10, d50 / d10 }' "$work/means"
fi

# Three containers with what real pods carry: an emptyDir two of them share, a configMap volume with items,
# env from a ConfigMap (envFrom and configMapKeyRef) and from a Secret, a readiness probe.  The reader prints
# what reached it once, so that both tools are seen to do the same before they are timed.
if want volumes; then
cat >"$work/vol.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: benchcfg
data:
  app.conf: |
    listen = 8080
    workers = 2
  greeting: hello
  LOG_LEVEL: debug
---
apiVersion: v1
kind: Secret
metadata:
  name: benchsecret
type: Opaque
stringData:
  token: s3cr3t
---
apiVersion: v1
kind: Pod
metadata:
  name: benchvol
spec:
  volumes:
  - name: shared
    emptyDir: {}
  - name: config
    configMap:
      name: benchcfg
      items:
      - key: app.conf
        path: settings.conf
  containers:
  - name: writer
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap \"exit 0\" TERM; echo $GREETING $LOG_LEVEL $TOKEN >/shared/msg; sleep 100000 & wait"]
    envFrom:
    - configMapRef:
        name: benchcfg
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef:
          name: benchcfg
          key: greeting
    - name: TOKEN
      valueFrom:
        secretKeyRef:
          name: benchsecret
          key: token
    volumeMounts:
    - name: shared
      mountPath: /shared
    readinessProbe:
      exec:
        command: ["cat", "/shared/msg"]
      periodSeconds: 1
  - name: reader
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap \"exit 0\" TERM; until [ -s /shared/msg ]; do sleep 0.05; done; cat /shared/msg /etc/app/settings.conf; sleep 100000 & wait"]
    volumeMounts:
    - name: shared
      mountPath: /shared
      readOnly: true
    - name: config
      mountPath: /etc/app
  - name: sidecar
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap \"exit 0\" TERM; sleep 100000 & wait"]
    volumeMounts:
    - name: config
      mountPath: /etc/app
      readOnly: true
YAML
# What the reader printed, once the pod of `$2` (play, then down) ran: `seen TOOL FILE`.
seen() {
	local tool=$1 file=$2 out=
	${!tool} kube play "$file" >/dev/null
	for _ in $(seq 50); do
		out=$(${!tool} logs benchvol-reader 2>/dev/null | tr '\n' ' ') && [ -n "$out" ] && break
		sleep 0.1
	done
	${!tool} kube down "$file" >/dev/null 2>&1
	echo "$tool: the reader saw: $out"
}
seen pp "$work/vol.yaml"
pmfile=
if command -v podman >/dev/null; then
	# Podman 4.3.1 stores a Secret of the YAML in a form its own secretKeyRef cannot read (podman#16269: "secret
	# benchsecret is not valid JSON"): it gets the same file without the Secret, and the secret made once, as
	# `podman secret create` takes one for kube play (a JSON object of base64 values).
	python3 -c 'import sys; d = open(sys.argv[1]).read().split("---\n"); print("---\n".join(x for x in d if "kind: Secret" not in x), end="")' \
		"$work/vol.yaml" >"$work/vol-podman.yaml"
	printf '{"token":"%s"}' "$(printf s3cr3t | base64)" | $pm secret create benchsecret - >/dev/null
	seen pm "$work/vol-podman.yaml"
	health=$($pm kube play "$work/vol-podman.yaml" >/dev/null && $pm inspect benchvol-writer --format '{{json .Config.Healthcheck}}')
	$pm kube down "$work/vol-podman.yaml" >/dev/null 2>&1
	echo "pm: the writer's health check, from its readiness probe: $health"
	pmfile=$work/vol-podman.yaml
fi
apart "3 containers, volumes" "${runs:-3}" "$work/vol.yaml" $pmfile
fi

# Memory of what stays behind while a pod runs.
want memory || exit 0
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
