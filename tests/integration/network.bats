#!/usr/bin/env bats
# The pod network as root: every pod an address on podplay's bridge, pods reaching each other, the host and (by
# masquerade) the outside; --network none and host; podplay network create/ls/inspect/rm; and nothing left after
# kube down.  Traffic goes only to pods the tests made, to 127.0.0.1, and to a network namespace a test makes to
# stand in for an outside host (203.0.113.0/24 and 2001:db8:113::/64, documentation ranges on none of this host's
# routes).  The host has IPv6 (the default network is dual-stack there): the tests check it and say so if not.
load helpers
load pods

eval "pods_$(declare -f teardown)"
teardown() {
	pods_teardown
	if [ -e "$BATS_TEST_TMPDIR/outside.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/outside.pid")" 2>/dev/null || true
	fi
	if [ -n "${OUTSIDE:-}" ]; then
		ip netns del "$OUTSIDE" 2>/dev/null || true
		ip link del "${OUTSIDE}h" 2>/dev/null || true
	fi
	if [ -n "${DUMMY:-}" ]; then
		ip link del "$DUMMY" 2>/dev/null || true
	fi
}

# A pod running COMMAND (sh -c) in busybox, with its podIP and hostIP in env: pod_of NAME COMMAND.
pod_of() {
	cat <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $1
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "$2"]
	    env:
	    - name: POD_IP
	      valueFrom: {fieldRef: {fieldPath: status.podIP}}
	    - name: HOST_IP
	      valueFrom: {fieldRef: {fieldPath: status.hostIP}}
	    - name: POD_IPS
	      valueFrom: {fieldRef: {fieldPath: status.podIPs}}
	YAML
}

# A network namespace $OUTSIDE (named $1) standing in for a host outside: 203.0.113.2 on its eth0, a veth whose
# host end has 203.0.113.1 (a documentation range, which must be on none of this host's routes).  The teardown
# removes both.
outside_host() {
	OUTSIDE=$1
	if ip route | grep -q '^203\.0\.113\.'; then
		echo "203.0.113.0/24 is on this host's routes: the stand-in outside host needs a range of its own" >&2
		return 1
	fi
	ip netns add "$OUTSIDE"
	ip link add "${OUTSIDE}h" type veth peer name eth0 netns "$OUTSIDE"
	ip addr add 203.0.113.1/24 dev "${OUTSIDE}h"
	ip link set "${OUTSIDE}h" up
	ip -n "$OUTSIDE" addr add 203.0.113.2/24 dev eth0
	ip -n "$OUTSIDE" link set eth0 up
}

# The same stand-in reachable over IPv6 too: 2001:db8:113::2 there, 2001:db8:113::1 on the host's end.
outside_host6() {
	outside_host "$1" || return 1
	if ip -6 route | grep -q '^2001:db8:113:'; then
		echo "2001:db8:113::/64 is on this host's routes: the stand-in outside host needs a range of its own" >&2
		return 1
	fi
	ip addr add 2001:db8:113::1/64 dev "${OUTSIDE}h" nodad
	ip -n "$OUTSIDE" addr add 2001:db8:113::2/64 dev eth0 nodad
}

# The host must have IPv6 for the dual-stack tests (a host without gets IPv4-only networks, tested apart).
need_ipv6() {
	[ "$(cat /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null)" = 0 ] &&
		[ "$(cat /proc/sys/net/ipv6/conf/default/disable_ipv6)" = 0 ] || {
		echo "this host has IPv6 disabled: the dual-stack tests need it" >&2
		return 1
	}
}

# The IPv4 address of a running pod's eth0, from inside it; pod_addr6 its global IPv6 one.
pod_addr() {
	pp exec "$1-main" ip -4 -o addr show dev eth0 | awk '{ print $4 }'
}
pod_addr6() {
	pp exec "$1-main" ip -6 -o addr show dev eth0 scope global | awk '{ print $4 }'
}

# What is left of pods on the host: their links, published ports and Services' rules.
pod_leftovers() {
	ip -o link show | awk -F': ' '{ print $2 }' | grep -E '^pp[0-9a-f]{12}(@|$)' || true
	nft -j list table inet podplay 2>/dev/null | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    m = o.get("map") or o.get("set")
    if m and (m["name"].startswith("hostports") or m["name"] in ("services4", "noendpoints4")) and m.get("elem"):
        print(m["name"], m["elem"])' || true
}

# What podplay leaves on the host once its networks are removed too: no link, no table, no resolver.
host_leftovers() {
	pod_leftovers
	ls "$RUNROOT"/dns/*.pid 2>/dev/null || true
	ip -o link show | awk -F': ' '{ print $2 }' | grep -E '^podplay[0-9]+(@|$)' || true
	nft list table inet podplay 2>/dev/null | head -1 || true
}

# Removes the play's default network and checks the host is as it was.
assert_host_clean() {
	for net in $(pp network ls -q); do
		run -0 pp network rm "$net"
	done
	assert_equal "$(host_leftovers)" ""
}

@test "each pod gets its own address on podplay's bridge, in env and the downward API, and reaches the others" {
	{
		pod_of web 'echo hello-from-web >/tmp/index.html; echo $POD_IP >/tmp/ip; exec httpd -f -p 8080 -h /tmp'
		echo ---
		pod_of client 'sleep 1000'
	} >"$Y/two.yaml"
	run -0 pp kube play "$Y/two.yaml"
	wait_field web-main status Running
	web=$(pod_addr web)
	client=$(pod_addr client)
	[[ "$web" == 10.244.*/16 ]]
	[[ "$client" == 10.244.*/16 ]]
	[ "$web" != "$client" ]
	# Dual stack: an IPv6 address at the same place in the network's IPv6 subnet.
	need_ipv6
	web6=$(pod_addr6 web)
	assert_equal "$web6" "fd00:10:244::$(echo "${web%/16}" | cut -d. -f4)/64"
	web6=${web6%/64}
	# The env vars are the addresses (podIPs both, IPv4 first); /etc/hosts names the pod at each, as the
	# kubelet writes it.
	run -0 pp exec web-main sh -c 'echo $POD_IP $POD_IPS'
	assert_equal "$output" "${web%/16} ${web%/16},$web6"
	run -0 pp exec web-main grep -w web /etc/hosts
	assert_equal "$output" "$(printf '%s\tweb\n%s\tweb' "${web%/16}" "$web6")"
	# Another pod, and the host, reach it at its address.
	for _ in $(seq 50); do
		out=$(pp exec client-main wget -qO- "http://${web%/16}:8080/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" hello-from-web
	run -0 curl -sS --max-time 5 "http://${web%/16}:8080/ip"
	assert_equal "$output" "${web%/16}"
	# And over IPv6, from the other pod and from the host.
	run -0 pp exec client-main wget -qO- "http://[$web6]:8080/index.html"
	assert_equal "$output" hello-from-web
	run -0 curl -sS --max-time 5 "http://[$web6]:8080/index.html"
	assert_equal "$output" hello-from-web
	# Its default routes are the bridge's addresses, the network's gateways.
	run -0 pp exec client-main ip -4 route show default
	assert_contains "$output" "default via 10.244.0.1 dev eth0"
	run -0 pp exec client-main ip -6 route show default
	assert_contains "$output" "default via fd00:10:244::1 dev eth0"
	run -0 pp network ls --format json
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; n=json.load(sys.stdin)[0]; print(n["name"], n["subnet"], n["gateway"], n["subnet6"], n["gateway6"], n["pods"])')" \
		"podplay 10.244.0.0/16 10.244.0.1 fd00:10:244::/64 fd00:10:244::1 2"
	run -0 pp pod inspect web
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d, list) else d; print(d["ip"], d["ip6"])')" \
		"${web%/16} $web6"
	run -0 pp kube down "$Y/two.yaml"
	assert_equal "$(pod_leftovers)" ""
	# The network's bridge stays for the next pods, holding none; `network rm` removes it.
	run -0 pp network ls --format json
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pods"])')" 0
	ip link show podplay0 >/dev/null
	assert_host_clean
}

@test "a pod reaches a host outside through masquerade, over IPv4 and IPv6: the outside sees the host's address" {
	need_ipv6
	outside_host6 ppt-out-$$
	ip -n "$OUTSIDE" link set lo up
	# The outside host answers with the address it sees the request come from, on both families.
	ip netns exec "$OUTSIDE" python3 -c '
import http.server, socket
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = self.client_address[0].removeprefix("::ffff:").encode()
        self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
S(("::", 8081), H).serve_forever()
' &
	echo $! >"$BATS_TEST_TMPDIR/outside.pid"
	pod_of out 'sleep 1000' >"$Y/out.yaml"
	run -0 pp kube play "$Y/out.yaml"
	wait_field out-main status Running
	for _ in $(seq 50); do
		out=$(pp exec out-main wget -qO- http://203.0.113.2:8081/ 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" 203.0.113.1
	run -0 pp exec out-main wget -qO- "http://[2001:db8:113::2]:8081/"
	assert_equal "$output" 2001:db8:113::1
	kill "$(cat "$BATS_TEST_TMPDIR/outside.pid")"
	run -0 pp kube down "$Y/out.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "--network none has loopback only; hostNetwork and --network host see the host's interfaces" {
	pod_of lonely 'sleep 1000' >"$Y/lonely.yaml"
	run -0 pp kube play --network none "$Y/lonely.yaml"
	wait_field lonely-main status Running
	run -0 pp exec lonely-main sh -c 'ls /sys/class/net; echo $POD_IP'
	assert_equal "$output" "$(printf 'lo\n127.0.0.1')"
	run -0 pp kube down "$Y/lonely.yaml"
	pod_of hosted 'sleep 1000' >"$Y/hosted.yaml"
	run -0 pp kube play --network host "$Y/hosted.yaml"
	wait_field hosted-main status Running
	run -0 pp exec hosted-main ip -o link show
	assert_equal "$(echo "$output" | awk -F': ' '{ print $2 }' | sort)" "$(ip -o link show | awk -F': ' '{ print $2 }' | sort)"
	run -0 pp exec hosted-main sh -c 'echo $POD_IP $HOST_IP'
	[ "$(echo "$output" | awk '{ print $1 }')" = "$(echo "$output" | awk '{ print $2 }')" ]
	run -0 pp kube down "$Y/hosted.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "network create, ls, inspect and rm: a pod joins a network of its own; one in use or overlapping is refused" {
	# A subnet on a route of the host's (the first link route there is) is refused, naming the route.
	local route
	route=$(ip -4 route show scope link | awk '$1 ~ /\// { print $1; exit }')
	if [ -n "$route" ]; then
		run -125 pp network create --subnet "$route" clash
		assert_contains "$output" "overlaps the host's route to $route"
	fi
	run -125 pp network create "Bad Name"
	assert_contains "$output" 'network name "Bad Name"'
	run -0 pp network create --subnet 10.245.7.0/24 --gateway 10.245.7.254 mine
	run -125 pp network create mine
	assert_contains "$output" "network mine exists already"
	run -125 pp network create --subnet 10.245.7.128/25 inside
	assert_contains "$output" "subnet 10.245.7.128/25 overlaps 10.245.7.0/24 of network mine"
	pod_of joined 'sleep 1000' >"$Y/joined.yaml"
	run -0 pp kube play --network mine "$Y/joined.yaml"
	wait_field joined-main status Running
	addr=$(pod_addr joined)
	[[ "$addr" == 10.245.7.*/24 ]]
	run -0 pp exec joined-main ip -4 route show default
	assert_contains "$output" "default via 10.245.7.254"
	run -0 pp network inspect mine
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; n=json.load(sys.stdin)[0]; print(n["subnet"], n["gateway"], n["pods"], n["internal"])')" \
		"10.245.7.0/24 10.245.7.254 1 False"
	run -125 pp network rm mine
	assert_contains "$output" "network mine is in use by 1 pod(s)"
	run -125 pp kube play --network nowhere "$Y/joined.yaml"
	run -0 pp kube down "$Y/joined.yaml"
	run -0 pp network rm mine
	run -0 pp network ls -q
	refute_contains "$output" mine
	run -125 pp network inspect mine
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "network create with IPv6: --ipv6 picks a /64, a given subnet and gateway are checked; pod_subnet6 = none makes the default network IPv4 only" {
	need_ipv6
	run -0 pp network create --subnet 10.245.8.0/24 --subnet fd00:10:245:8::/64 --gateway fd00:10:245:8::1 given
	run -0 pp network inspect given
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; n=json.load(sys.stdin)[0]; print(n["subnet"], n["subnet6"], n["gateway6"])')" \
		"10.245.8.0/24 fd00:10:245:8::/64 fd00:10:245:8::1"
	run -125 pp network create --subnet 10.245.10.0/24 --subnet fd00:10:245:8:1::/80 clash6
	assert_contains "$output" "subnet fd00:10:245:8:1::/80 overlaps fd00:10:245:8::/64 of network given"
	run -125 pp network create --subnet 10.245.10.0/24 --subnet fd00:10:245:a::/121 small
	assert_contains "$output" 'subnet "fd00:10:245:a::/121": an IPv6 subnet from /8 to /120'
	run -125 pp network create --subnet 10.245.12.0/22 --subnet fd00:10:245:a::/120 small
	assert_contains "$output" 'subnet "fd00:10:245:a::/120": an IPv6 subnet from /8 to /118'
	run -125 pp network create --subnet fe80::/64 linklocal
	assert_contains "$output" 'subnet "fe80::/64": a loopback, link-local or multicast range'
	run -125 pp network create --subnet 10.245.10.0/24 --subnet fd00:10:245:a::/64 --gateway fd00:10:245:a::5 gw
	assert_contains "$output" "the IPv6 gateway is at the IPv4 gateway's (fd00:10:245:a::1)"
	run -125 pp network create --subnet fd00:10:245:a::/64 --subnet fd00:10:245:b::/64 twice
	assert_contains "$output" "--subnet: one IPv6 subnet only"
	if ip -6 route | grep -q '^fd00::/64 '; then
		run -125 pp network create --subnet fd00::/64 hosts
		assert_contains "$output" "subnet fd00::/64 overlaps the host's route to fd00::/64"
	fi
	run -0 pp network ls -q
	assert_equal "$output" given
	# A pod of the network: its IPv6 address at its IPv4 address's place.
	pod_of joined 'sleep 1000' >"$Y/joined.yaml"
	run -0 pp kube play --network given "$Y/joined.yaml"
	wait_field joined-main status Running
	addr=$(pod_addr joined)
	assert_equal "$(pod_addr6 joined)" "fd00:10:245:8::$(echo "${addr%/24}" | cut -d. -f4)/64"
	run -0 pp exec joined-main ip -6 route show default
	assert_contains "$output" "default via fd00:10:245:8::1 dev eth0"
	run -0 pp kube down "$Y/joined.yaml"
	# IPv4 only, as podplay.conf asks.
	printf 'pod_subnet6 = none\n' >"$BATS_TEST_TMPDIR/podplay.conf"
	export PODPLAY_CONFIG=$BATS_TEST_TMPDIR/podplay.conf
	pod_of four 'sleep 1000' >"$Y/four.yaml"
	run -0 pp kube play "$Y/four.yaml"
	wait_field four-main status Running
	assert_equal "$(pod_addr6 four)" ""
	run -0 pp exec four-main sh -c 'echo $POD_IPS'
	assert_equal "$output" "$(pod_addr four | cut -d/ -f1)"
	run -0 pp network inspect podplay
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["subnet6"])')" None
	run -0 pp kube down "$Y/four.yaml"
	assert_host_clean
}

@test "a host route on the default IPv6 subnet makes the default network IPv4 only, with a warning naming pod_subnet6" {
	need_ipv6
	# A link of the test's own holding that range (on no outside network): its route is the host's.
	DUMMY=pd6-$$
	ip link add "$DUMMY" type veth peer name "${DUMMY}p"
	ip -6 addr add fd00:10:244::99/64 dev "$DUMMY" nodad
	ip link set "$DUMMY" up
	pod_of four 'sleep 1000' >"$Y/four.yaml"
	run -0 pp kube play "$Y/four.yaml"
	assert_contains "$output" "the default network podplay is IPv4 only: subnet fd00:10:244::/64 overlaps the host's route to fd00:10:244::/64 on $DUMMY"
	assert_contains "$output" "pod_subnet6"
	wait_field four-main status Running
	assert_equal "$(pod_addr6 four)" ""
	[[ "$(pod_addr four)" == 10.244.*/16 ]]
	run -0 pp kube down "$Y/four.yaml"
	ip link del "$DUMMY"
	assert_host_clean
}

@test "an internal network: its pods reach each other (over IPv4 and IPv6) and not the host's way out" {
	need_ipv6
	run -0 pp network create --internal --ipv6 --subnet 10.245.9.0/24 closed
	run -0 pp network inspect closed
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; n=json.load(sys.stdin)[0]; print(n["subnet6"], n["gateway6"], n["internal"])')" \
		"fd00:10:245::/64 fd00:10:245::1 True"
	{
		pod_of a 'echo a >/tmp/index.html; exec httpd -f -p 8080 -h /tmp'
		echo ---
		pod_of b 'sleep 1000'
	} >"$Y/closed.yaml"
	run -0 pp kube play --network closed "$Y/closed.yaml"
	wait_field a-main status Running
	a=$(pod_addr a)
	for _ in $(seq 50); do
		out=$(pp exec b-main wget -qO- "http://${a%/24}:8080/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" a
	a6=$(pod_addr6 a)
	[[ "$a6" == fd00:10:245::*/64 ]]
	run -0 pp exec b-main wget -qO- "http://[${a6%/64}]:8080/index.html"
	assert_equal "$output" a
	run -0 pp exec b-main ip -4 route show default
	assert_equal "$output" ""
	run -0 pp exec b-main ip -6 route show default
	assert_equal "$output" ""
	run -0 pp kube down "$Y/closed.yaml"
	run -0 pp network rm closed
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "addresses are freed with their pods: 200 plays and downs grow no link, rule, address or row" {
	hp=$(free_port)
	pod_of one 'sleep 1000' >"$Y/cycle.yaml"
	sed -i "s/^    env:$/    ports: [{containerPort: 80, hostPort: $hp}]\n    env:/" "$Y/cycle.yaml"
	# What the host holds after each down: links, podplay's table, addresses, state rows.
	count() {
		echo "$(ip -o link show | wc -l) $(nft list table inet podplay 2>/dev/null | wc -l) $(ip -o addr show | wc -l)" \
			"$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT (SELECT COUNT(*) FROM addresses) + (SELECT COUNT(*) FROM pods)").fetchone()[0])' "$ROOT/state.db")"
	}
	pp kube play "$Y/cycle.yaml" >/dev/null
	pp kube down "$Y/cycle.yaml" >/dev/null
	first=$(count)
	for i in $(seq 199); do
		pp kube play "$Y/cycle.yaml" >/dev/null
		pp kube down "$Y/cycle.yaml" >/dev/null
		[ $((i % 50)) != 0 ] || assert_equal "$(count)" "$first"
	done
	assert_equal "$(count)" "$first"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
	[ "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM addresses").fetchone()[0])' \
		"$ROOT/state.db")" = 0 ]
	# The next pods take the lowest addresses again.
	{
		pod_of one 'sleep 1000'
		echo ---
		pod_of two 'sleep 1000'
	} >"$Y/next.yaml"
	run -0 pp kube play "$Y/next.yaml"
	wait_field two-main status Running
	assert_equal "$(pod_addr one) $(pod_addr two)" "10.244.0.2/16 10.244.0.3/16"
}

@test "kill -9 of kube play after its pods got addresses: kube down frees them and removes the links" {
	# 16 pods, so that the play still runs once the first has its link (4 took 0.1 s).
	for i in $(seq 16); do
		pod_of "p$i" 'sleep 1000'
		echo ---
	done >"$Y/many.yaml"
	pp kube play "$Y/many.yaml" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 200); do
		[ -n "$(ip -o link show | grep -E ': pp[0-9a-f]{12}@')" ] && break
		sleep 0.02
	done
	kill -9 "$pid" || echo "# the play ended before the kill" >&3
	wait "$pid" || true
	run -0 pp kube down "$Y/many.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

# A TCP port no one listens on, for a hostPort.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

@test "hostPort: TCP and UDP answer on 127.0.0.1 and from another pod; a re-play's replacement, or a new pod of the file, takes the port over" {
	hp=$(free_port)
	up=$(free_port)
	pp load -i "$BATS_FILE_TMPDIR/images/udpecho" >/dev/null
	cat >"$Y/ports.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: pub
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: web
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo v1 >/tmp/index.html; exec httpd -f -p 80 -h /tmp"]
	    ports: [{containerPort: 80, hostPort: $hp}]
	  - name: udp
	    image: localhost/udpecho:latest
	    command: ["udpecho", "53"]
	    ports: [{containerPort: 53, hostPort: $up, protocol: UDP}]
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: peer
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	YAML
	run -0 --separate-stderr pp kube play "$Y/ports.yaml"
	refute_contains "$stderr" "hostPort"
	wait_field pub-web status Running
	for _ in $(seq 50); do
		out=$(curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" v1
	# Another pod, through the host's address on its network (the gateway).
	run -0 pp exec peer-main wget -qO- "http://10.244.0.1:$hp/index.html"
	assert_equal "$output" v1
	python3 -c 'import socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"over-udp\n", ("127.0.0.1", int(sys.argv[1])))' "$up"
	for _ in $(seq 50); do
		[ "$(pp logs pub-udp)" = over-udp ] && break
		sleep 0.1
	done
	assert_equal "$(pp logs pub-udp)" over-udp
	# A changed pod is replaced; its replacement answers on the same port, before and after the old one goes.
	sed -i 's/echo v1/echo v2/' "$Y/ports.yaml"
	run -0 pp kube play "$Y/ports.yaml"
	assert_contains "$output" "pod/pub"
	for _ in $(seq 50); do
		out=$(curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html" 2>/dev/null) && [ "$out" = v2 ] && break
		sleep 0.1
	done
	assert_equal "$out" v2
	# The pod renamed: a new pod of the file takes the port of the one the play removes.
	sed -i 's/name: pub$/name: pub2/; s/echo v2/echo v3/' "$Y/ports.yaml"
	run -0 pp kube play "$Y/ports.yaml"
	assert_contains "$output" "pod/pub2"
	# Each try from a new client port: a connection of the same ports as one to the removed pod (TIME_WAIT) would
	# keep that pod's translation until it expires.
	for _ in $(seq 50); do
		out=$(curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html" 2>/dev/null) && [ "$out" = v3 ] && break
		sleep 0.1
	done
	assert_equal "$out" v3
	run -0 pp kube down "$Y/ports.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
	run -7 curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html"
}

@test "a hostPort taken by a process of the host or by another play's pod fails the play, naming it; nothing is created" {
	hp=$(free_port)
	python3 -c 'import socket, sys, time; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("up", flush=True); time.sleep(1000)' "$hp" \
		>"$BATS_TEST_TMPDIR/holder.out" &
	holder=$!
	for _ in $(seq 100); do grep -q up "$BATS_TEST_TMPDIR/holder.out" && break; sleep 0.05; done
	cat >"$Y/a.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: a
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    ports: [{containerPort: 80, hostPort: $hp}]
	YAML
	run -125 pp kube play "$Y/a.yaml"
	kill "$holder"
	assert_contains "$output" "pod a: hostPort $hp/TCP is taken by process $holder (python3): nothing was created"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
	wait "$holder" || true
	run -0 pp kube play "$Y/a.yaml"
	sed 's/name: a$/name: b/' "$Y/a.yaml" >"$Y/b.yaml"
	run -125 pp kube play "$Y/b.yaml"
	assert_contains "$output" "pod b: hostPort $hp/TCP is published by pod a already"
	run -0 pp pod ls -q
	assert_equal "$(echo "$output" | wc -l)" 1
	# Replicas of a Deployment cannot share one host's port.
	cat >"$Y/dep.yaml" <<-YAML
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: d
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: d}}
	  template:
	    metadata: {labels: {app: d}}
	    spec:
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sleep", "1000"]
	        ports: [{containerPort: 80, hostPort: $(free_port)}]
	YAML
	run -125 pp kube play "$Y/dep.yaml"
	assert_contains "$output" "is pod d-"
	# SCTP is refused where the manifest says it.
	sed -i 's/hostPort: \([0-9]*\)}/hostPort: \1, protocol: SCTP}/' "$Y/b.yaml"
	run -125 pp kube play "$Y/b.yaml"
	assert_contains "$output" "b.yaml:10:13: pod b: hostPort $hp/SCTP: podplay publishes TCP and UDP ports only"
	run -0 pp kube down "$Y/a.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "--publish adds a port or overrides a manifest's hostPort" {
	hp=$(free_port)
	pod_of pubd 'echo published >/tmp/index.html; exec httpd -f -p 8080 -h /tmp' >"$Y/pubd.yaml"
	run -0 pp kube play --publish "127.0.0.1:$hp:8080" "$Y/pubd.yaml"
	wait_field pubd-main status Running
	for _ in $(seq 50); do
		out=$(curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" published
	run -125 pp kube play --publish "x:8080" "$Y/pubd.yaml"
	assert_contains "$output" "--publish x:8080: expected [IPv4:]HOSTPORT:CONTAINERPORT[/tcp|/udp]"
	run -0 pp kube down "$Y/pubd.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "hostUsers: false: a pod in a user namespace of its own gets its address and reaches another pod, by address and by name" {
	{
		pod_of srv 'echo from-userns >/tmp/index.html; exec httpd -f -p 8080 -h /tmp'
		echo ---
		pod_of cli 'sleep 1000'
	} >"$Y/userns.yaml"
	sed -i 's/^spec:$/spec:\n  hostUsers: false/' "$Y/userns.yaml"
	# An OCI runtime enters the runroot as the pod's root: the test's directories above it must be searchable.
	chmod o+x "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$BATS_TEST_TMPDIR"
	run -0 pp kube play "$Y/userns.yaml"
	wait_field srv-main status Running
	run -0 pp exec srv-main cat /proc/self/uid_map
	refute_contains "$output" "         0          0 4294967295"
	srv=$(pod_addr srv)
	[[ "$srv" == 10.244.*/16 ]]
	for _ in $(seq 50); do
		out=$(pp exec cli-main wget -qO- "http://${srv%/16}:8080/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" from-userns
	run -0 pp exec cli-main wget -qO- http://srv:8080/index.html
	assert_equal "$output" from-userns
	run -0 pp kube down "$Y/userns.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

@test "a replacement that fails gives the hostPort back to the pod it would replace; another play's pod cannot take it" {
	hp=$(free_port)
	cat >"$Y/keep.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: keep
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: web
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo v1 >/tmp/index.html; exec httpd -f -p 80 -h /tmp"]
	    ports: [{containerPort: 80, hostPort: $hp}]
	YAML
	run -0 pp kube play "$Y/keep.yaml"
	for _ in $(seq 50); do
		out=$(curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" v1
	# The replacement of keep takes the port, then a pod after it cannot start: the play is rolled back.
	sed -i 's/echo v1/echo v2/' "$Y/keep.yaml"
	cat >>"$Y/keep.yaml" <<-'YAML'
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: broken
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["/no/such/command"]
	YAML
	run -125 pp kube play "$Y/keep.yaml"
	run -0 curl -sS --max-time 2 "http://127.0.0.1:$hp/index.html"
	assert_equal "$output" v1
	assert_equal "$(pod_names)" keep
	run -0 pp kube down "$Y/keep.yaml"
	assert_equal "$(pod_leftovers)" ""
	assert_host_clean
}

# Fails unless a line of $1 is $2, whole.
assert_has_line() {
	if ! printf '%s\n' "$1" | grep -qFx -- "$2"; then
		printf 'expected the line:\n  %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# Fails unless a line of $1 matches the extended regular expression $2.
assert_matches() {
	if ! printf '%s\n' "$1" | grep -qE -- "$2"; then
		printf 'expected a line matching:\n  %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# A Deployment of N replicas (app: backend) serving their own hostname on a named port, http, with a readiness
# probe that passes while /tmp/ready exists: backend_yaml N.
backend_yaml() {
	cat <<-YAML
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: backend}
	spec:
	  replicas: $1
	  selector: {matchLabels: {app: backend}}
	  template:
	    metadata: {labels: {app: backend}}
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "hostname >/tmp/index.html; touch /tmp/ready; exec httpd -f -p 8080 -h /tmp"]
	        ports: [{name: http, containerPort: 8080}]
	        readinessProbe:
	          exec: {command: ["test", "-e", "/tmp/ready"]}
	          periodSeconds: 1
	YAML
}

# backend_yaml 3, a Service over them (port 80, targetPort http), and a client pod: svc_yaml [SERVICE-SPEC-LINES].
svc_yaml() {
	backend_yaml 3
	cat <<-YAML
	---
	apiVersion: v1
	kind: Service
	metadata: {name: backend}
	spec:
	  selector: {app: backend}
	  ports: [{port: 80, targetPort: http}]
	$1
	---
	YAML
	pod_of client 'sleep 1000'
}

# The hostnames of the pods that answered N requests to URL from the client pod, sorted and counted once each.
answered_by() {
	pp exec client-main sh -c "for i in \$(seq $2); do wget -qO- $1 || echo none; done" | sort -u | tr '\n' ' '
}

# The address `kube play` gave Service $1, from `service ls`.
service_ip() {
	pp service ls --format json | python3 -c "import json,sys; print([s.get('clusterIP','None') for s in json.load(sys.stdin) if s['name'] == '$1'][0])"
}

# Waits until every replica of backend is ready and a Service sends to all three.
wait_endpoints() {
	for _ in $(seq 100); do
		[ "$(pp service ls --format json | python3 -c "import json,sys; print(len([e for s in json.load(sys.stdin) if s['name'] == '$1' for e in s['ports'][0]['endpoints']]))")" = "$2" ] && return 0
		sleep 0.1
	done
	pp service ls >&2
	return 1
}

@test "a Service spreads over its ready replicas by a named targetPort, follows readiness and removal, and goes with kube down" {
	svc_yaml >"$Y/svc.yaml"
	run -0 pp kube play "$Y/svc.yaml"
	assert_matches "$output" '^service/backend 10\.96\.[0-9]+\.[0-9]+ created$'
	ip=$(service_ip backend)
	[[ "$ip" == 10.96.* ]]
	wait_field client-main status Running
	wait_endpoints backend 3
	replicas=$(pod_names | tr ' ' '\n' | grep '^backend-' | sort | tr '\n' ' ')
	# Service links in every pod's environment, as the kubelet writes them, the play's own Services included.
	run -0 pp exec client-main sh -c 'echo $BACKEND_SERVICE_HOST $BACKEND_SERVICE_PORT $BACKEND_PORT $BACKEND_PORT_80_TCP_ADDR'
	assert_equal "$output" "$ip 80 tcp://$ip:80 $ip"
	# From a pod, every replica answers over 60 connections; from the host too.
	assert_equal "$(answered_by "http://$ip/index.html" 60)" "$replicas"
	run -0 curl -sS --max-time 5 "http://$ip/index.html"
	assert_contains "$replicas" "$output"
	run -0 pp service ls
	assert_matches "$output" "^backend +ClusterIP +$ip +80->http/TCP +10\.244\.[0-9.:,]+8080$"
	# One replica turns unready: within a probe period or two, no request reaches it.
	first=$(echo "$replicas" | cut -d' ' -f1)
	second=$(echo "$replicas" | cut -d' ' -f2)
	third=$(echo "$replicas" | cut -d' ' -f3)
	pp exec "$first-main" rm /tmp/ready
	wait_endpoints backend 2
	assert_equal "$(answered_by "http://$ip/index.html" 40)" "$second $third "
	# Ready again: back in.
	pp exec "$first-main" touch /tmp/ready
	wait_endpoints backend 3
	# A removed replica is out at once.
	run -0 pp pod rm -f -t 0 "$second"
	wait_endpoints backend 2
	assert_equal "$(answered_by "http://$ip/index.html" 40)" "$first $third "
	# The re-play makes it again, leaves the Service as it was.
	run -0 pp kube play "$Y/svc.yaml"
	assert_has_line "$output" "service/backend $ip unchanged"
	wait_endpoints backend 3
	# kube down: the Service, its rules and the pods go; nothing of them is left.
	run -0 pp kube down "$Y/svc.yaml"
	assert_has_line "$output" "service/backend removed"
	run -0 pp service ls -q
	assert_equal "$output" ""
	run -0 nft list map inet podplay services4
	refute_contains "$output" "$ip"
	assert_host_clean
}

@test "a Service with no ready pod refuses at once; ClientIP affinity keeps a client on one pod; a changed Service is updated in place" {
	svc_yaml "  sessionAffinity: ClientIP" >"$Y/svc.yaml"
	run -0 pp kube play "$Y/svc.yaml"
	ip=$(service_ip backend)
	wait_field client-main status Running
	wait_endpoints backend 3
	run -0 answered_by "http://$ip/index.html" 30
	[ "$(echo "$output" | wc -w)" = 1 ]
	# A Service over no pod: refused, not a timeout.
	sed -i 's/selector: {app: backend}$/selector: {app: nobody}/' "$Y/svc.yaml"
	sed -i 's/  sessionAffinity: ClientIP//' "$Y/svc.yaml"
	run -0 pp kube play "$Y/svc.yaml"
	assert_has_line "$output" "service/backend $ip updated"
	run -1 pp exec client-main wget -qO- "http://$ip/index.html"
	assert_contains "$output" "refused"
	run -7 curl -sS --max-time 5 "http://$ip/"
	# The file without the Service: the re-play removes it.
	python3 - "$Y/svc.yaml" <<-'PY'
	import sys
	docs = open(sys.argv[1]).read().split("\n---\n")
	open(sys.argv[1], "w").write("\n---\n".join(d for d in docs if "kind: Service" not in d))
	PY
	run -0 pp kube play "$Y/svc.yaml"
	assert_contains "$output" "service/backend removed (no longer in"
	run -0 pp kube down "$Y/svc.yaml"
	assert_host_clean
}

@test "a Service's clusterIP: chosen, taken or out of the range is an error at its position, nothing created; headless has none" {
	svc_yaml "  clusterIP: 10.96.7.7" >"$Y/svc.yaml"
	run -0 pp kube play "$Y/svc.yaml"
	assert_has_line "$output" "service/backend 10.96.7.7 created"
	# Another play's Service asking for the same address, or one out of the range, or SCTP.
	printf 'apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  clusterIP: %s\n  selector: {app: x}\n  ports: [{port: 80, protocol: %s}]\n---\n' \
		10.96.7.7 TCP >"$Y/other.yaml"
	pod_of lone 'sleep 100' >>"$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "other.yaml:5:14: service other: spec.clusterIP: clusterIP 10.96.7.7 is Service default/backend's already"
	sed -i 's/10.96.7.7/192.168.77.1/' "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "other.yaml:5:14: service other: spec.clusterIP: clusterIP 192.168.77.1 is not in the service range 10.96.0.0/16"
	sed -i 's/192.168.77.1/None/; s/protocol: TCP/protocol: SCTP/' "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "other.yaml:7:32: service other: spec.ports[0].protocol: SCTP is not supported"
	run -0 pod_names
	refute_contains "$output" lone
	# Headless: recorded, no address, no rule; but not with a port on the host.
	sed -i 's/protocol: SCTP/protocol: TCP/; s/^  selector: {app: x}$/  selector: {app: x}\n  type: NodePort/' "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "other.yaml:5:14: service other: spec.clusterIP: None (headless) may not be of type NodePort"
	sed -i '/^  type: NodePort$/d' "$Y/other.yaml"
	run -0 pp kube play "$Y/other.yaml"
	assert_has_line "$output" "service/other (headless) created"
	# A network in the service range is refused: the Services' DNAT would take its pods' traffic.
	run -125 pp network create --subnet 10.96.200.0/24 inrange
	assert_contains "$output" "subnet 10.96.200.0/24 overlaps the service range 10.96.0.0/16"
	# The file gone, its down still finds what it made.
	rm "$Y/other.yaml"
	run -0 pp kube down "$Y/other.yaml"
	assert_has_line "$output" "service/other removed"
	run -0 pp kube down "$Y/svc.yaml"
	assert_host_clean
}

@test "NodePort and LoadBalancer answer on 127.0.0.1 at their node port (a LoadBalancer at its port too); a port taken or out of range is refused at its position" {
	svc_yaml "  type: NodePort" | sed 's/^  ports: \[{port: 80, targetPort: http}\]$/  ports: [{name: a, port: 80, targetPort: http}, {name: b, port: 81, targetPort: 8080}]/' >"$Y/svc.yaml"
	run -0 pp kube play "$Y/svc.yaml"
	# Two ports, two node ports.
	assert_matches "$output" '^service/backend 10\.96\.[0-9.]+ created \(on the host at 3[0-9]{4}/TCP, 3[0-9]{4}/TCP\)$'
	np=$(pp service ls --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ports"][0]["nodePort"])')
	np2=$(pp service ls --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ports"][1]["nodePort"])')
	[ "$np" != "$np2" ]
	wait_field client-main status Running
	wait_endpoints backend 3
	run -0 curl -sS --max-time 5 "http://127.0.0.1:$np/index.html"
	assert_contains "$output" backend-
	run -0 pp service ls
	assert_matches "$output" "^backend +NodePort +10\.96\.[0-9.]+ +80:$np->http/TCP,81:$np2->8080/TCP "
	run -0 curl -sS --max-time 5 "http://127.0.0.1:$np2/index.html"
	assert_contains "$output" backend-
	# A LoadBalancer: its port on the host's addresses, beside its node port.
	lbport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
	printf 'apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  selector: {app: backend}\n  ports: [{port: %s, targetPort: 8080}]\n' \
		"$lbport" >"$Y/lb.yaml"
	run -0 pp kube play "$Y/lb.yaml"
	assert_contains "$output" "/TCP, $lbport/TCP)"
	run -0 curl -sS --max-time 5 "http://127.0.0.1:$lbport/index.html"
	assert_contains "$output" backend-
	# Another Service wanting backend's node port, or one out of the range, or a port a process holds.
	printf 'apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports: [{port: 80, nodePort: %s}]\n' \
		"$np" >"$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "other.yaml:7:32: service other: spec.ports[0]: port $np/TCP on the host is service backend's"
	sed -i "s/nodePort: $np/nodePort: 8080/" "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "other.yaml:7:32: service other: spec.ports[0].nodePort: 8080 is outside the node port range 30000-32767"
	python3 -c 'import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 31999)); s.listen(); time.sleep(60)' &
	holder=$!
	for _ in $(seq 50); do ss -ltn 'sport = :31999' | grep -q LISTEN && break; sleep 0.1; done
	sed -i "s/nodePort: 8080/nodePort: 31999/" "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	assert_contains "$output" "other.yaml:7:32: service other: spec.ports[0]: port 31999/TCP on the host is taken by process $holder (python3)"
	# A pod's hostPort on a Service's node port, and a Service's port on a pod's hostPort: one port, one holder.
	pod_of clash 'sleep 1000' | sed "s/^    env:\$/    ports: [{containerPort: 80, hostPort: $np}]\n    env:/" >"$Y/clash.yaml"
	run -125 pp kube play "$Y/clash.yaml"
	assert_contains "$output" "clash.yaml: pod clash: hostPort $np/TCP is published by service backend already"
	hp=$(free_port)
	pod_of holder 'sleep 1000' | sed "s/^    env:\$/    ports: [{containerPort: 80, hostPort: $hp}]\n    env:/" >"$Y/holder.yaml"
	run -0 pp kube play "$Y/holder.yaml"
	printf 'apiVersion: v1\nkind: Service\nmetadata: {name: lb2}\nspec:\n  type: LoadBalancer\n  selector: {app: x}\n  ports: [{port: %s}]\n' \
		"$hp" >"$Y/lb2.yaml"
	run -125 pp kube play "$Y/lb2.yaml"
	assert_contains "$output" "lb2.yaml: service lb2: port $hp/TCP on the host is pod holder's hostPort"
	run -0 pp kube down "$Y/holder.yaml"
	run -0 pp service ls -q
	assert_equal "$output" "$(printf 'backend\nlb')"
	run -0 pp kube down "$Y/lb.yaml"
	run -7 curl -sS --max-time 5 "http://127.0.0.1:$lbport/index.html"
	run -0 pp kube down "$Y/svc.yaml"
	run -7 curl -sS --max-time 5 "http://127.0.0.1:$np/index.html"
	assert_host_clean
}

@test "the demo application: a front end on a hostPort calls a backend of 3 replicas through its Service, and the replies come from all of them" {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
	# The manifest's own, on a port free here (--publish would go to the first pod that declares 8080).
	sed "s/hostPort: 8480/hostPort: $port/" manifests/app.yaml >"$Y/app.yaml"
	run -0 pp kube play "$Y/app.yaml"
	wait_endpoints backend 3
	seen=$(for _ in $(seq 40); do curl -sS --max-time 5 "http://127.0.0.1:$port/cgi-bin/index.cgi"; done |
		sed -n 's/^frontend frontend asked the backend Service at 10\.96\.[0-9.]*:80: backend \(backend-[0-9a-f]*-[0-9]\)$/\1/p' | sort -u | wc -l)
	assert_equal "$seen" 3
	run -0 pp kube down "$Y/app.yaml"
	assert_host_clean
}

# ---- names ----

# Asks the resolver on $1 (a network's gateway) from the host: dns.py query SERVER NAME [TYPE] [--tcp].
dns() {
	python3 "$REPO_ROOT/tests/integration/dns.py" query "$@"
}

# The gateway of network $1 (default: podplay's own), where its pods' resolver listens.
gateway_of() {
	pp network inspect "${1:-podplay}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print((d[0] if isinstance(d, list) else d)["gateway"])'
}

# Waits until the resolver of network $1 has ended (its pid file gone with it), at most 3 s.
wait_resolver_gone() {
	for _ in $(seq 30); do
		[ -e "$RUNROOT/dns/$1.pid" ] || return 0
		sleep 0.1
	done
	echo "the resolver of network $1 still runs: $(cat "$RUNROOT/dns/$1.pid")" >&2
	return 1
}

# A stand-in for the host's upstream name server: a namespace at 203.0.113.2 answering outside.test, with
# podplay.conf sending names outside the cluster there (dns_servers), so that no query leaves the machine.
outside_dns() {
	outside_host ppt-dns-$$
	ip netns exec "$OUTSIDE" python3 "$REPO_ROOT/tests/integration/dns.py" serve 203.0.113.2 outside.test=203.0.113.77 \
		>/dev/null 2>&1 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/outside.pid"
	printf 'dns_servers = 203.0.113.2\n' >"$BATS_TEST_TMPDIR/podplay.conf"
	export PODPLAY_CONFIG=$BATS_TEST_TMPDIR/podplay.conf
}

# A backend Deployment of 2 replicas serving their hostnames (ready while /tmp/ready exists), its Service and a
# headless one over the same pods; a database pod with a hostname under the headless Service db; a client.
names_app() {
	backend_yaml 2
	cat <<-YAML
	---
	apiVersion: v1
	kind: Service
	metadata: {name: backend}
	spec:
	  selector: {app: backend}
	  ports: [{name: http, port: 80, targetPort: http}]
	---
	apiVersion: v1
	kind: Service
	metadata: {name: replicas}
	spec:
	  clusterIP: None
	  selector: {app: backend}
	  ports: [{name: http, port: 8080}]
	---
	apiVersion: v1
	kind: Service
	metadata: {name: db}
	spec:
	  clusterIP: None
	  selector: {app: db}
	  ports: [{name: pg, port: 5432, targetPort: 8080}]
	---
	apiVersion: v1
	kind: Pod
	metadata: {name: db-main, labels: {app: db}}
	spec:
	  hostname: primary
	  subdomain: db
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "hostname -f >/tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
	---
	YAML
	pod_of client 'sleep 1000'
}

@test "names: a Service by name, name.ns, name.ns.svc and its FQDN; pods by name; headless Services and hostname.subdomain; addresses back to names; a pod that comes later" {
	outside_dns
	names_app >"$Y/app.yaml"
	run -0 pp kube play "$Y/app.yaml"
	wait_endpoints backend 2
	gw=$(gateway_of)
	ip=$(service_ip backend)
	# resolv.conf as the kubelet writes it for ClusterFirst: the network's resolver, the cluster's search domains.
	run -0 pp exec client-main cat /etc/resolv.conf
	assert_equal "$output" "$(printf 'nameserver %s\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5' "$gw")"
	# Through getaddrinfo in the pod (busybox's wget): every form of the Service's name reaches a replica.
	for name in backend backend.default backend.default.svc backend.default.svc.cluster.local; do
		run -0 pp exec client-main wget -qO- "http://$name/"
		assert_contains "$output" backend-
	done
	# Pods by name, a headless Service, and hostname.subdomain.
	run -0 pp exec client-main wget -qO- http://db-main:8080/
	assert_equal "$output" primary.db.default.svc.cluster.local
	run -0 pp exec client-main wget -qO- http://primary.db:8080/
	assert_equal "$output" primary.db.default.svc.cluster.local
	run -0 pp exec client-main wget -qO- http://db:8080/
	assert_equal "$output" primary.db.default.svc.cluster.local
	# The answers themselves, asked from the host at the gateway, over UDP and TCP.
	run -0 dns "$gw" backend.default.svc.cluster.local
	assert_equal "$output" "$(printf 'NOERROR aa -\nA %s' "$ip")"
	run -0 dns "$gw" backend.default.svc.cluster.local A --tcp
	assert_equal "$output" "$(printf 'NOERROR aa -\nA %s' "$ip")"
	run -0 dns "$gw" backend.default.svc.cluster.local AAAA
	assert_equal "$output" "NOERROR aa -"
	run -0 dns "$gw" _http._tcp.backend.default.svc.cluster.local SRV
	assert_equal "$output" "$(printf 'NOERROR aa -\nSRV 0 100 80 backend.default.svc.cluster.local')"
	run -0 dns "$gw" _pg._tcp.db.default.svc.cluster.local SRV
	assert_equal "$output" "$(printf 'NOERROR aa -\nSRV 0 100 8080 primary.db.default.svc.cluster.local')"
	run -0 dns "$gw" nothere.default.svc.cluster.local
	assert_equal "$output" "NXDOMAIN aa -"
	run -0 dns "$gw" backend.other.svc.cluster.local
	assert_equal "$output" "NXDOMAIN aa -"
	# Reverse: a Service's address, and a pod's under the headless Service its subdomain names.
	run -0 dns "$gw" "$(echo "$ip" | awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa" }')" PTR
	assert_equal "$output" "$(printf 'NOERROR aa -\nPTR backend.default.svc.cluster.local')"
	run -0 dns "$gw" "$(pod_addr db-main | cut -d/ -f1 | awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa" }')" PTR
	assert_equal "$output" "$(printf 'NOERROR aa -\nPTR primary.db.default.svc.cluster.local')"
	# IPv6: a pod's names answer AAAA with its IPv6 address (the Service's address is IPv4 only: no AAAA,
	# above), its dashed IPv6 address is a name, and that address gives the pod's name back.
	need_ipv6
	db6=$(pod_addr6 db-main | cut -d/ -f1)
	for name in db.default.svc.cluster.local primary.db.default.svc.cluster.local db-main \
		"$(echo "$db6" | tr : -).default.pod.cluster.local"; do
		run -0 dns "$gw" "$name" AAAA
		assert_equal "$output" "$(printf 'NOERROR aa -\nAAAA %s' "$db6")"
	done
	run -0 dns "$gw" "$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).reverse_pointer)' "$db6")" PTR
	assert_equal "$output" "$(printf 'NOERROR aa -\nPTR primary.db.default.svc.cluster.local')"
	# A headless Service gives its ready pods, and follows readiness.
	pods=$(pp pod ls --format json | python3 -c 'import json,sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin) if p["name"].startswith("backend-"))))')
	first=${pods%% *}
	second=${pods##* }
	a1=$(pod_addr "$first" | cut -d/ -f1)
	a2=$(pod_addr "$second" | cut -d/ -f1)
	run -0 dns "$gw" replicas.default.svc.cluster.local
	assert_equal "$(echo "$output" | sed -n 's/^A //p' | sort | tr '\n' ' ')" "$(printf '%s\n%s\n' "$a1" "$a2" | sort | tr '\n' ' ')"
	pp exec "$first-main" rm /tmp/ready
	for _ in $(seq 50); do
		[ "$(dns "$gw" replicas.default.svc.cluster.local | sed -n 's/^A //p')" = "$a2" ] && break
		sleep 0.1
	done
	run -0 dns "$gw" replicas.default.svc.cluster.local
	assert_equal "$output" "$(printf 'NOERROR aa -\nA %s' "$a2")"
	# A pod of a later play is a name at once; the client was not restarted for it.
	before=$(pp ps --format json | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin) if c["name"] == "client-main"][0])')
	pod_of late 'echo late >/tmp/index.html; exec httpd -f -p 8080 -h /tmp' >"$Y/late.yaml"
	run -0 pp kube play "$Y/late.yaml"
	wait_field late-main status Running
	for _ in $(seq 50); do
		out=$(pp exec client-main wget -qO- http://late:8080/ 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" late
	after=$(pp ps --format json | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin) if c["name"] == "client-main"][0])')
	assert_equal "$after" "$before"
	# One resolver for the network; it ends with the network's last pod.
	test -e "$RUNROOT/dns/podplay.pid"
	run -0 pp kube down "$Y/late.yaml"
	run -0 pp kube down "$Y/app.yaml"
	wait_resolver_gone podplay
	assert_host_clean
}

@test "names outside the cluster go to the host's resolvers; dnsPolicy Default, None and dnsConfig; an internal network's pods get only the cluster's" {
	outside_dns
	cat >"$Y/dns.yaml" <<-YAML
	$(pod_of client 'sleep 1000')
	---
	$(pod_of host-dns 'sleep 1000' | sed 's/^spec:$/spec:\n  dnsPolicy: Default/')
	---
	$(pod_of own-dns 'sleep 1000' | sed 's/^spec:$/spec:\n  dnsPolicy: None\n  dnsConfig:\n    nameservers: [203.0.113.2]\n    searches: [example.test]\n    options: [{name: ndots, value: "2"}]/')
	---
	$(pod_of more-dns 'sleep 1000' | sed 's/^spec:$/spec:\n  dnsConfig:\n    searches: [example.test]\n    options: [{name: edns0}]/')
	YAML
	run -0 pp kube play "$Y/dns.yaml"
	gw=$(gateway_of)
	# Forwarded to the upstream (the stand-in), from the pod by getaddrinfo and from the host by the gateway.
	run -0 dns "$gw" outside.test
	assert_equal "$output" "$(printf 'NOERROR - -\nA 203.0.113.77')"
	run -0 dns "$gw" missing.test
	assert_equal "$output" "NXDOMAIN - -"
	run -0 pp exec client-main nslookup outside.test.
	assert_contains "$output" "Address: 203.0.113.77"
	run -0 pp exec host-dns-main cat /etc/resolv.conf
	refute_contains "$output" "nameserver $gw"
	refute_contains "$output" "svc.cluster.local"
	run -0 pp exec own-dns-main cat /etc/resolv.conf
	assert_equal "$output" "$(printf 'nameserver 203.0.113.2\nsearch example.test\noptions ndots:2')"
	run -0 pp exec more-dns-main cat /etc/resolv.conf
	assert_equal "$output" "$(printf 'nameserver %s\nsearch default.svc.cluster.local svc.cluster.local cluster.local example.test\noptions ndots:5 edns0' "$gw")"
	# Only the network's own clients are answered: a query from the stand-in host, routed here, gets nothing.
	ip -n "$OUTSIDE" route add 10.0.0.0/8 via 203.0.113.1
	run ip netns exec "$OUTSIDE" python3 "$REPO_ROOT/tests/integration/dns.py" query "$gw" client
	[ "$status" -ne 0 ]
	# An internal network: the cluster's names, and none of the outside's.
	run -0 pp network create --internal --subnet 10.251.7.0/24 closed
	pod_of inside 'sleep 1000' >"$Y/inside.yaml"
	run -0 pp kube play --network closed "$Y/inside.yaml"
	run -0 dns 10.251.7.1 inside
	assert_equal "$output" "$(printf 'NOERROR aa -\nA %s' "$(pod_addr inside | cut -d/ -f1)")"
	run -0 dns 10.251.7.1 outside.test
	assert_equal "$output" "REFUSED - -"
	# A pod's name is its own network's only.
	run -0 dns 10.251.7.1 client
	assert_equal "$output" "REFUSED - -"
	run -0 pp kube down "$Y/inside.yaml"
	run -0 pp kube down "$Y/dns.yaml"
	wait_resolver_gone podplay
	wait_resolver_gone closed
	assert_host_clean
}

@test "names: a headless Service of 30 pods is answered whole over TCP when UDP truncates it" {
	cat >"$Y/many.yaml" <<-YAML
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: many}
	spec:
	  replicas: 30
	  selector: {matchLabels: {app: many}}
	  template:
	    metadata: {labels: {app: many}}
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - {name: main, image: localhost/busybox:latest, command: ["sleep", "1000"]}
	---
	apiVersion: v1
	kind: Service
	metadata: {name: many}
	spec:
	  clusterIP: None
	  selector: {app: many}
	  ports: [{port: 80}]
	YAML
	run -0 pp kube play "$Y/many.yaml"
	gw=$(gateway_of)
	run -0 dns "$gw" many.default.svc.cluster.local
	assert_equal "${lines[0]}" "NOERROR aa tc"
	[ "${#lines[@]}" -lt 31 ]
	run -0 dns "$gw" many.default.svc.cluster.local A --tcp
	assert_equal "${lines[0]}" "NOERROR aa -"
	assert_equal "$(echo "$output" | grep -c '^A 10\.')" 30
	run -0 pp kube down "$Y/many.yaml"
	wait_resolver_gone podplay
	assert_host_clean
}

@test "service ls and rm: a Service of another namespace is NAMESPACE/NAME; a name in two namespaces needs its namespace" {
	printf 'apiVersion: v1\nkind: Service\nmetadata: {name: web%s}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n' \
		"" ", namespace: team" | sed 's/^apiVersion/---\napiVersion/' >"$Y/two.yaml"
	run -0 pp kube play "$Y/two.yaml"
	run -0 pp service ls -q
	assert_equal "$output" "$(printf 'web\nteam/web')"
	run -125 pp service rm web
	assert_contains "$output" "services \`web\` are in 2 namespaces: say which, as NAMESPACE/NAME"
	run -0 pp service rm team/web
	assert_equal "$output" team/web
	run -0 pp service rm web
	assert_equal "$output" web
	run -0 pp service ls -q
	assert_equal "$output" ""
	run -0 pp kube down "$Y/two.yaml"
}

@test "a host with no default route reaches a Service: podplay routes the service range to its bridge" {
	svc_yaml >"$Y/svc.yaml"
	# A network namespace of the test's own with loopback only (and its own view of /sys/class/net), standing in
	# for a laptop offline: no default route, so 10.96.0.0/16 has a route only if podplay gives it one.
	cat >"$BATS_TEST_TMPDIR/offline.sh" <<-SH
	set -e
	d=\$(mktemp -d)
	mount -t sysfs sysfs "\$d"
	mount --bind "\$d/class/net" /sys/class/net
	mount --bind "\$d/devices/virtual/net" /sys/devices/virtual/net
	ip link set lo up
	pp() { "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" \${PODPLAY_RUNTIME:+--runtime "\$PODPLAY_RUNTIME"} "\$@"; }
	pp kube play "$Y/svc.yaml" >/dev/null
	ip route show default | grep . && exit 3
	ip route show 10.96.0.0/16
	svc=\$(pp service ls --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["clusterIP"])')
	for _ in \$(seq 100); do
		out=\$(curl -sS --max-time 2 "http://\$svc/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	echo "answer: \$out"
	pp kube down "$Y/svc.yaml" >/dev/null
	pp network rm podplay >/dev/null
	SH
	run -0 unshare -n -m --propagation private sh "$BATS_TEST_TMPDIR/offline.sh"
	assert_contains "$output" "10.96.0.0/16 dev podplay0"
	assert_contains "$output" "answer: backend-"
}

@test "a bridge its maker left half-made (down, no address) is made whole by the next play" {
	if ip link show podplay0 >/dev/null 2>&1; then
		echo "podplay0 exists on this host already" >&2
		return 1
	fi
	# What a kube play killed between the bridge's creation and its end leaves.
	ip link add podplay0 type bridge
	pod_of srv 'echo whole >/tmp/index.html; exec httpd -f -p 8080 -h /tmp' >"$Y/srv.yaml"
	run -0 pp kube play "$Y/srv.yaml"
	# Up (its flags: the operational state of a bridge is UNKNOWN or UP as the kernel has it), with its address.
	run -0 ip -o link show podplay0
	assert_contains "$output" ",UP"
	run -0 ip -br addr show podplay0
	assert_contains "$output" "10.244.0.1/16"
	srv=$(pod_addr srv)
	for _ in $(seq 50); do
		out=$(curl -sS --max-time 2 "http://${srv%/16}:8080/index.html" 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" whole
	run -0 pp kube down "$Y/srv.yaml"
	assert_host_clean
}
