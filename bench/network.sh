#!/bin/bash
# The pod network's cost and speed: `kube play` and `kube down` of a one-container pod on podplay's network
# beside the same pod with --network none (what the network adds), beside Podman (its default network, netavark
# and aardvark-dns, runc) where it is installed; then host -> hostPort -> pod over HTTP (ab, 127.0.0.1), latency
# and throughput, beside Podman's published port; then host -> Service -> pod beside host -> pod's own address;
# then lookups of a name from the network's resolver beside Podman's aardvark-dns, and their memory.
#
#   bench/network.sh [--runs N] [PODPLAY]
set -euo pipefail
runs=10
if [ "${1:-}" = --runs ]; then runs=$2 && shift 2; fi
bin=$(realpath "${1:-build/podplay}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pp="$bin --root $work/pp-root --runroot $work/pp-run"
pm="podman --root $work/pm-root --runroot $work/pm-run --storage-driver overlay --runtime $here/runc-clamp --cgroup-manager cgroupfs --events-backend none"
have_podman() { command -v podman >/dev/null && command -v netavark >/dev/null 2>&1 || [ -x /usr/lib/podman/netavark ]; }
# Podman's netavark leaves its iptables chains behind when its last container goes; the bench removes them if
# they were not there before it, so that the host's firewall ends as it began.
netavark_before=$(iptables-save 2>/dev/null | grep -c NETAVARK || true)
tables_before=$(nft list tables 2>/dev/null || true)
forward_before=$(cat /proc/sys/net/ipv4/ip_forward)
forward6_before=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null || true)
accept_ra_before=$(cat /proc/sys/net/ipv6/conf/default/accept_ra 2>/dev/null || true)
drop_netavark_chains() {
	[ "$netavark_before" = 0 ] || return 0
	iptables -t nat -D POSTROUTING -j NETAVARK-HOSTPORT-MASQ 2>/dev/null || true
	iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT 2>/dev/null || true
	iptables -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT 2>/dev/null || true
	for c in NETAVARK-HOSTPORT-SETMARK NETAVARK-HOSTPORT-MASQ NETAVARK-HOSTPORT-DNAT; do
		iptables -t nat -F "$c" 2>/dev/null && iptables -t nat -X "$c" 2>/dev/null || true
	done
	iptables -D FORWARD -m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD 2>/dev/null || true
	iptables -F NETAVARK_FORWARD 2>/dev/null && iptables -X NETAVARK_FORWARD 2>/dev/null || true
	# The iptables-nft tables it made for them, if they were not there and hold no rule now.
	for t in nat filter; do
		if ! grep -qx "table ip $t" <<<"$tables_before" && ! nft list table ip "$t" 2>/dev/null | grep -qE 'jump|accept$|drop$|masquerade|dnat|snat'; then
			nft delete table ip "$t" 2>/dev/null || true
		fi
	done
}
cleanup() {
	$pp service rm --all >/dev/null 2>&1 || true
	$pp pod rm -f -t 0 --all >/dev/null 2>&1 || true
	$pp network rm podplay >/dev/null 2>&1 || true
	if have_podman; then
		$pm pod rm -af -t 0 >/dev/null 2>&1 || true
		$pm rmi -af >/dev/null 2>&1 || true
		drop_netavark_chains
	fi
	# Both tools turn IPv4 forwarding on (podplay IPv6 forwarding too); the host gets back what it had.
	echo "$forward_before" >/proc/sys/net/ipv4/ip_forward
	if [ -n "$forward6_before" ]; then
		echo "$forward6_before" >/proc/sys/net/ipv6/conf/all/forwarding
	fi
	if [ -n "$accept_ra_before" ]; then
		echo "$accept_ra_before" >/proc/sys/net/ipv6/conf/default/accept_ra
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
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
cat >"$work/web.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: benchweb
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "head -c 1024 /dev/zero | tr '\\\\0' x >/tmp/index.html; exec httpd -f -p 80 -h /tmp"]
    ports: [{containerPort: 80, hostPort: $port}]
YAML
# A pod that ends at once on SIGTERM, so that neither tool waits out a grace period.
cat >"$work/plain.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: benchnet
spec:
  containers:
  - name: main
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]
YAML

cmds=(-n "podplay network" "$pp kube play $work/plain.yaml && $pp kube down $work/plain.yaml"
	-n "podplay none" "$pp kube play --network none $work/plain.yaml && $pp kube down $work/plain.yaml")
if have_podman; then
	cmds+=(-n "podman network" "$pm kube play $work/plain.yaml >/dev/null && $pm kube down $work/plain.yaml >/dev/null")
fi
hyperfine --warmup 2 --runs "$runs" --export-json "$work/r.json" "${cmds[@]}" >"$work/hyperfine.log" 2>&1 ||
	{ cat "$work/hyperfine.log"; exit 1; }
# play and down apart, one after another, for each tool
split() {
	local tool=$1 extra=$2 p=0 d=0
	for _ in $(seq "$runs"); do
		local t0 t1 t2
		t0=$(date +%s%N)
		${!tool} kube play $extra "$work/plain.yaml" >/dev/null
		t1=$(date +%s%N)
		${!tool} kube down "$work/plain.yaml" >/dev/null
		t2=$(date +%s%N)
		p=$((p + t1 - t0))
		d=$((d + t2 - t1))
	done
	echo "$tool${extra:+ $extra}: play $((p / runs / 1000000)) ms, down $((d / runs / 1000000)) ms"
}
python3 - "$work/r.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
for k, v in r.items():
    print(f"{k:>16}: play + down {v * 1000:.1f} ms")
print(f"the network adds {(r['podplay network'] - r['podplay none']) * 1000:.1f} ms to a pod's play + down")
if "podman network" in r:
    print(f"podplay with its network is {r['podman network'] / r['podplay network']:.1f}x faster than podman")
PY
split pp ""
split pp "--network none"
if have_podman; then split pm ""; fi

# host -> hostPort -> pod: ab over 127.0.0.1, one connection at a time (latency), then 8 at once (throughput).
serve() {
	local tool=$1
	${!tool} kube play "$work/web.yaml" >/dev/null
	for _ in $(seq 100); do
		curl -sf --max-time 1 "http://127.0.0.1:$port/index.html" >/dev/null && return 0
		sleep 0.1
	done
	echo "$tool: nothing answers on 127.0.0.1:$port" >&2
	return 1
}
measure() {
	local tool=$1
	for c in 1 8; do
		ab -q -k -n 5000 -c "$c" "http://127.0.0.1:$port/index.html" 2>/dev/null |
			awk -v t="$tool" -v c="$c" '/^Requests per second/ { rps = $4 } /^Time per request.*\(mean\)$/ { lat = $4 }
				END { printf "%s hostPort, %s at once: %.0f requests/s, %.3f ms each\n", t, c, rps, lat }'
	done
	${!tool} kube down "$work/web.yaml" >/dev/null
}
serve pp && measure pp
if have_podman; then serve pm && measure pm; fi

# host -> Service -> pod beside host -> the pod's own address: what a Service's DNAT costs (Podman has no
# Services; its pods are reached at their addresses or through port forwarding, measured above).
{
	sed 's/  name: benchweb/  name: benchweb\n  labels: {app: benchweb}/' "$work/web.yaml"
	printf -- '---\napiVersion: v1\nkind: Service\nmetadata: {name: benchweb}\nspec:\n  selector: {app: benchweb}\n'
	printf '  ports: [{port: 8080, targetPort: 80}]\n'
} >"$work/svc.yaml"
$pp kube play "$work/svc.yaml" >/dev/null
svc=$($pp service ls --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["clusterIP"])')
pod_ip=$($pp pod inspect benchweb | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["ip"])')
for _ in $(seq 100); do
	curl -sf --max-time 1 "http://$svc:8080/index.html" >/dev/null && break
	sleep 0.1
done
for target in "Service $svc:8080" "pod $pod_ip:80"; do
	for c in 1 8; do
		ab -q -k -n 5000 -c "$c" "http://${target#* }/index.html" 2>/dev/null |
			awk -v t="${target% *}" -v c="$c" '/^Requests per second/ { rps = $4 } /^Time per request.*\(mean\)$/ { lat = $4 }
				END { printf "podplay host -> %s, %s at once: %.0f requests/s, %.3f ms each\n", t, c, rps, lat }'
	done
done

# pod -> Service -> pod beside pod -> pod's address, from a client pod: 500 requests one after another by busybox
# wget (a process each, as much of the cost as the path), beside Podman's pods reaching each other by address.
cat >"$work/client.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: benchclient
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: main
    image: localhost/busybox:latest
    imagePullPolicy: Never
    command: ["sleep", "1000"]
YAML
from_pod() {
	local label=$1 exec=$2 url=$3 t0 t1
	t0=$(date +%s%N)
	# shellcheck disable=SC2086 # $exec is a command and its arguments
	$exec sh -c "i=0; while [ \$i -lt 500 ]; do wget -qO- $url >/dev/null || exit 1; i=\$((i + 1)); done" ||
		{ echo "$label: $url does not answer from the pod" >&2; return 1; }
	t1=$(date +%s%N)
	awk -v l="$label" -v ns=$((t1 - t0)) 'BEGIN { printf "%s: %.0f requests/s from a pod, %.3f ms each\n", l, 500 / (ns / 1e9), ns / 1e6 / 500 }'
}
$pp kube play "$work/client.yaml" >/dev/null
from_pod "podplay pod -> Service -> pod" "$pp exec benchclient-main" "http://$svc:8080/index.html"
from_pod "podplay pod -> Service by name -> pod" "$pp exec benchclient-main" "http://benchweb:8080/index.html"
from_pod "podplay pod -> pod's address" "$pp exec benchclient-main" "http://$pod_ip:80/index.html"
$pp kube down "$work/client.yaml" >/dev/null
if have_podman; then
	$pm kube play "$work/web.yaml" >/dev/null
	$pm kube play "$work/client.yaml" >/dev/null
	pm_ip=$($pm inspect benchweb-web --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')
	from_pod "podman pod -> pod's address" "$pm exec benchclient-main" "http://$pm_ip:80/index.html"
	$pm kube down "$work/client.yaml" >/dev/null
	$pm kube down "$work/web.yaml" >/dev/null
fi

# Names: a Service's name asked of the network's resolver at its gateway from the host, one query at a time,
# beside Podman's aardvark-dns asked for a container's name on a network of its own (Podman's default network
# has no names); and each resolver's memory.
lookups() {
	python3 - "$@" <<-'PY'
	import random, socket, struct, sys, time
	server, name, label = sys.argv[1], sys.argv[2], sys.argv[3]
	q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.settimeout(2)
	n, t0 = 2000, time.perf_counter()
	for i in range(n):
	    s.sendto(struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + q, (server, 53))
	    r = s.recv(4096)
	    if struct.unpack(">H", r[6:8])[0] < 1:
	        sys.exit(f"{label}: no answer for {name}")
	dt = time.perf_counter() - t0
	print(f"{label} resolver: {n / dt:.0f} lookups/s one at a time, {dt / n * 1000:.3f} ms each")
	PY
}
memory() {
	awk -v t="$1" '/^Rss/ { r = $2 } /^Pss:/ { p = $2 } /^Private_Dirty/ { d = $2 }
		END { printf "%s resolver memory: RSS %.1f MiB, PSS %.1f MiB, private dirty %.2f MiB\n", t, r / 1024, p / 1024, d / 1024 }' \
		"/proc/$2/smaps_rollup"
}
gw=$($pp network inspect podplay | python3 -c 'import json, sys; d = json.load(sys.stdin); print((d[0] if isinstance(d, list) else d)["gateway"])')
lookups "$gw" benchweb.default.svc.cluster.local podplay
memory podplay "$(cat "$work/pp-run/dns/podplay.pid")"
$pp kube down "$work/svc.yaml" >/dev/null
if have_podman && [ -x /usr/lib/podman/aardvark-dns ]; then
	$pm network create --subnet 10.89.250.0/24 ppbench-dns >/dev/null
	$pm run -d --network ppbench-dns --name ppbench-dnsc localhost/busybox:latest sleep 1000 >/dev/null
	lookups 10.89.250.1 ppbench-dnsc podman
	apid=$(cat /run/containers/networks/aardvark-dns/aardvark.pid 2>/dev/null || true)
	[ -n "$apid" ] && memory "podman (aardvark-dns)" "$apid"
	$pm rm -f -t 0 ppbench-dnsc >/dev/null
	$pm network rm ppbench-dns >/dev/null
fi
echo "(podman runs runc through bench/runc-clamp, which drops rlimits above this machine's hard limits)"
