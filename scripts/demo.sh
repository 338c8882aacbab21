#!/bin/sh
# The demo, offline: validate the example manifests, build the test image from busybox-static, load it into a
# store of the demo's own, play a pod of two containers, look at it from outside and inside, and remove it; then
# a Deployment of two replicas serving a ConfigMap behind a Service; then an application whose front end calls a
# backend of three replicas through a Service.
set -u
bin=$(realpath "${1:-build/podplay}")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
# What the demo made goes with it, even when it fails: Services' rules, pods, and the network's bridge and rules;
# and IPv4 and IPv6 forwarding, which a pod network turns on (as Podman's does), get back the values they had.
forward_was=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || true)
forward6_was=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null || true)
accept_ra_was=$(cat /proc/sys/net/ipv6/conf/default/accept_ra 2>/dev/null || true)
cleanup() {
	for what in "service rm --all" "pod rm -f -t 0 --all" "network rm podplay"; do
		# shellcheck disable=SC2086
		"$bin" --root "$work/root" --runroot "$work/run" $what >/dev/null 2>&1
	done
	rm -rf "$work"
	if [ -n "$forward_was" ] && [ "$(id -u)" = 0 ]; then
		echo "$forward_was" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
	fi
	if [ -n "$forward6_was" ] && [ "$(id -u)" = 0 ]; then
		echo "$forward6_was" >/proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null || true
	fi
	if [ -n "$accept_ra_was" ] && [ "$(id -u)" = 0 ]; then
		echo "$accept_ra_was" >/proc/sys/net/ipv6/conf/default/accept_ra 2>/dev/null || true
	fi
}
trap cleanup EXIT
# Runs podplay with the arguments after $1 and shows its exit status; one other than $1 fails the demo.
failed=0
run_want() {
	want=$1
	shift
	printf '\n$ podplay %s\n' "$*"
	"$bin" --root "$work/root" --runroot "$work/run" "$@"
	status=$?
	printf '(exit status %s)\n' "$status"
	if [ "$status" != "$want" ]; then
		echo "demo: expected exit status $want" >&2
		failed=1
	fi
}
run() {
	run_want 0 "$@"
}
run version
run kube validate manifests/web.yaml
run_want 1 kube validate manifests/broken.yaml
python3 fixtures/images/build.py "$work/images" >/dev/null || exit 1
run load -i "$work/images/busybox.oci.tar"
run load oci:"$work/images/layered":latest
run images
run system df
run kube play manifests/hello-pod.yaml
sleep 2
run pod ls
run ps
run logs --tail 2 hello-client
run logs hello-server
run exec hello-client sh -c 'hostname; wget -qO- http://127.0.0.1:8080/'
run kube down manifests/hello-pod.yaml
# Two replicas serving a ConfigMap, with a readiness probe the monitor runs from outside (no curl in the image),
# behind a Service whose address sends to the ready ones.
run kube play manifests/web.yaml
# The Service sends to ready replicas only: wait (30 s at most) for a readiness probe to pass, however slow the
# machine is.
for _ in $(seq 60); do
	"$bin" --root "$work/root" --runroot "$work/run" service ls --format json |
		python3 -c 'import json, sys; sys.exit(0 if all(p.get("endpoints") for s in json.load(sys.stdin) for p in s["ports"]) else 1)' &&
		break
	sleep 0.5
done
run pod ls
run service ls
first=$("$bin" --root "$work/root" --runroot "$work/run" pod ls --format json |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["name"])')
svc=$("$bin" --root "$work/root" --runroot "$work/run" service ls --format json |
	python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["clusterIP"])')
run exec "$first-httpd" wget -qO- http://127.0.0.1:8080/
run exec "$first-httpd" wget -qO- "http://$svc/"
run kube down manifests/web.yaml
# An application of several pods: a front end on the host's port 8480 that calls a backend Deployment of three
# replicas through a Service; the replies come from different replicas.
run kube play manifests/app.yaml
replies=""
# Until the Service sends to the three replicas (their readiness probes passed) and the front end answers.
for _ in $(seq 100); do
	ready=$("$bin" --root "$work/root" --runroot "$work/run" service ls --format json |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)[0]["ports"][0]["endpoints"]))')
	[ "$ready" = 3 ] && curl -sf --max-time 2 http://127.0.0.1:8480/cgi-bin/index.cgi | grep -q ': backend ' && break
	sleep 0.1
done
run service ls
printf '\n$ curl http://127.0.0.1:8480/cgi-bin/index.cgi   (9 times)\n'
for _ in $(seq 9); do
	reply=$(curl -sS --max-time 5 http://127.0.0.1:8480/cgi-bin/index.cgi)
	echo "$reply"
	replies="$replies$reply
"
done
replicas=$(printf '%s' "$replies" | sed -n 's/.*: backend \(backend-[0-9a-f]*-[0-9]*\)$/\1/p' | sort -u | wc -l)
echo "(answered by $replicas different replicas)"
if [ "$replicas" -lt 2 ]; then
	echo "demo: the replies should come from more than one replica" >&2
	failed=1
fi
run kube down manifests/app.yaml
exit "$failed"
