#!/usr/bin/env bats
# gRPC and HTTPS probes as the kubelet makes them: the grpc.health.v1 Check call over HTTP/2 cleartext, and GET
# over TLS without verifying the certificate; against servers on 127.0.0.1 (tests/integration/probeserver.py),
# which pods with hostNetwork reach on their loopback.

load helpers

load pods

# The shared teardown, kept under another name: this file's teardown also stops the servers its tests started.
eval "shared_$(declare -f teardown)"

teardown() {
	shared_teardown
	if [ -f "$BATS_TEST_TMPDIR/servers.pid" ]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		done <"$BATS_TEST_TMPDIR/servers.pid"
		rm -f "$BATS_TEST_TMPDIR/servers.pid"
	fi
}

# Starts probeserver.py with the arguments (Debian's python3: the grpcio module is its package, not pyenv's);
# sets PORT and LOG, and records its pid for teardown.
server_start() {
	local dir
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/server.XXXX")
	/usr/bin/python3 "$REPO_ROOT/tests/integration/probeserver.py" "$@" "$dir/port" "$dir/log" >"$dir/out" 2>&1 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/servers.pid"
	for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
	if [ ! -s "$dir/port" ]; then
		cat "$dir/out" >&2
		return 1
	fi
	PORT=$(cat "$dir/port")
	LOG=$dir/log
	touch "$LOG"
}

# A self-signed certificate for the HTTPS servers, in the test's directory.
make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" \
		-days 1 -subj "/CN=podplay probe test" >/dev/null 2>&1
}

@test "a grpc readiness probe makes the Health/Check call: SERVING is ready, NOT_SERVING and an unknown service are not" {
	server_start grpc
	cat >"$Y/grpc.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: grpcready
	spec:
	  hostNetwork: true
	  terminationGracePeriodSeconds: 1
	  containers:
	  - name: whole
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    readinessProbe:
	      grpc: {port: $PORT}
	      periodSeconds: 1
	  - name: live
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    readinessProbe:
	      grpc: {port: $PORT, service: live}
	      periodSeconds: 1
	  - name: down
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    readinessProbe:
	      grpc: {port: $PORT, service: down}
	      periodSeconds: 1
	  - name: unknown
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    readinessProbe:
	      grpc: {port: $PORT, service: nosuch}
	      periodSeconds: 1
	YAML
	run -0 pp kube play "$Y/grpc.yaml"
	refute_contains "$output" "TCP connection"
	wait_field grpcready-whole ready True
	wait_field grpcready-live ready True
	# The server answered the other two, each at least twice, and they never turned ready.
	for _ in $(seq 100); do
		[ "$(grep -c '^Check down ' "$LOG")" -ge 2 ] && [ "$(grep -c '^Check nosuch ' "$LOG")" -ge 2 ] && break
		sleep 0.1
	done
	assert_equal "$(ctr_field grpcready-down ready)" False
	assert_equal "$(ctr_field grpcready-unknown ready)" False
	run -0 pp ps
	refute_contains "$(grep grpcready-whole <<<"$output")" "(not ready)"
	refute_contains "$(grep grpcready-live <<<"$output")" "(not ready)"
	assert_contains "$(grep grpcready-down <<<"$output")" "(not ready)"
	assert_contains "$(grep grpcready-unknown <<<"$output")" "(not ready)"
	run -0 pp pod ls
	assert_contains "$output" "2/4"
	# The whole server's check names no service; the kubelet's user agent comes with every call.
	run -0 cat "$LOG"
	assert_contains "$output" "Check - kube-probe/"
	assert_contains "$output" "Check live kube-probe/"
	# The pod shares the host's network: the server listens on its loopback.
	# (gRPC's socket is IPv6, the address v4-mapped.)
	run -0 pp exec grpcready-whole cat /proc/net/tcp6
	assert_contains "$output" "$(printf '0100007F:%04X 00000000000000000000000000000000:0000 0A' "$PORT")"
}

@test "a grpc liveness probe against a NOT_SERVING service kills and restarts the container; a SERVING one is left alone" {
	server_start grpc
	cat >"$Y/grpclive.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: grpclive
	spec:
	  hostNetwork: true
	  terminationGracePeriodSeconds: 1
	  containers:
	  - name: sick
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    livenessProbe:
	      grpc: {port: $PORT, service: down}
	      periodSeconds: 1
	      failureThreshold: 2
	  - name: healthy
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    livenessProbe:
	      grpc: {port: $PORT, service: live}
	      periodSeconds: 1
	      failureThreshold: 2
	YAML
	run -0 pp kube play "$Y/grpclive.yaml"
	for _ in $(seq 200); do
		[ "$(ctr_field grpclive-sick restarts)" -ge 1 ] && break
		sleep 0.1
	done
	[ "$(ctr_field grpclive-sick restarts)" -ge 1 ]
	run -0 pp logs grpclive-sick
	assert_contains "$output" "livenessProbe failed 2 times: the container is killed"
	wait_field grpclive-sick status Running
	assert_equal "$(ctr_field grpclive-healthy restarts)" 0
	run -0 pp logs grpclive-healthy
	assert_equal "$output" ""
	run -0 grep -c "^Check live " "$LOG"
	[ "$output" -ge 2 ]
}

@test "an HTTPS readiness probe speaks TLS to a self-signed server: 200 is ready, 500 is not; postStart HTTPS too" {
	make_cert
	server_start https "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem" 200
	ok_port=$PORT ok_log=$LOG
	server_start https "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem" 500
	bad_port=$PORT bad_log=$LOG
	cat >"$Y/https.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: tls
	spec:
	  hostNetwork: true
	  terminationGracePeriodSeconds: 1
	  containers:
	  - name: good
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    readinessProbe:
	      httpGet: {scheme: HTTPS, port: $ok_port, path: /healthz, httpHeaders: [{name: X-Probe, value: ready}]}
	      periodSeconds: 1
	    lifecycle:
	      postStart:
	        httpGet: {scheme: HTTPS, port: $ok_port, path: /started}
	  - name: failing
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    readinessProbe:
	      httpGet: {scheme: HTTPS, port: $bad_port, path: /healthz}
	      periodSeconds: 1
	YAML
	run -0 pp kube play "$Y/https.yaml"
	refute_contains "$output" "TCP connection"
	wait_field tls-good ready True
	for _ in $(seq 100); do
		[ "$(grep -c '^GET /healthz ' "$bad_log")" -ge 2 ] && break
		sleep 0.1
	done
	assert_equal "$(ctr_field tls-failing ready)" False
	run -0 pp ps
	refute_contains "$(grep tls-good <<<"$output")" "(not ready)"
	assert_contains "$(grep tls-failing <<<"$output")" "(not ready)"
	run -0 pp ps --format json
	assert_json <<<"$output"
	# Each request got through TLS to the server, with its path and headers.
	run -0 cat "$ok_log"
	assert_contains "$output" "GET /started - kube-probe/"
	assert_contains "$output" "GET /healthz ready kube-probe/"
	assert_equal "$(ctr_field tls-good restarts)" 0
}

@test "a liveness probe's own terminationGracePeriodSeconds bounds the kill, not the pod's" {
	cat >"$Y/grace.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: grace
	spec:
	  terminationGracePeriodSeconds: 60
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    livenessProbe:
	      exec: {command: ["false"]}
	      periodSeconds: 1
	      failureThreshold: 1
	      terminationGracePeriodSeconds: 1
	YAML
	run -0 pp kube play "$Y/grace.yaml"
	refute_contains "$output" "warning"
	# sleep as PID 1 ignores SIGTERM: the kill comes after the probe's 1 s, long before the pod's 60 s.
	wait_field grace-main restarts 1 15
	run -0 pp logs grace-main
	assert_contains "$output" "livenessProbe failed 1 times: the container is killed"
}
