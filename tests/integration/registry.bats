#!/usr/bin/env bats
# The registry helpers the pull tests use: each kind of registry starts on 127.0.0.1, takes a push of busybox,
# serves its manifest, and stops without a trace.

load helpers
load registry

setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
}

teardown() {
	registry_stop
}

# The digest of busybox's manifest in the fixture layout.
busybox_manifest_digest() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
		"$BATS_FILE_TMPDIR/images/busybox/index.json"
}

# Starts a registry of kind $1, pushes busybox, checks what it serves, stops it, and checks it is gone.
check_registry() {
	local mode=$1 pid dir
	registry_start "$mode"
	pid=$PP_REGISTRY_PID
	dir=$PP_REGISTRY_DIR
	[ -n "$pid" ] && kill -0 "$pid"
	assert_equal "$(readlink "/proc/$pid/exe")" /usr/bin/docker-registry
	[[ "$PP_REGISTRY_URL" =~ ^https?://127\.0\.0\.1:[0-9]+$ ]]
	# Bound to 127.0.0.1 only.
	run -0 python3 -c '
import sys
port = int(sys.argv[1])
for line in open("/proc/net/tcp").readlines()[1:] + open("/proc/net/tcp6").readlines()[1:]:
    local, state = line.split()[1], line.split()[3]
    if state == "0A" and int(local.split(":")[1], 16) == port:
        print(local.split(":")[0])' "$PP_REGISTRY_PORT"
	assert_equal "$output" 0100007F

	run -0 registry_push "$BATS_FILE_TMPDIR/images/busybox" podplay/busybox
	run -0 registry_curl /v2/podplay/busybox/tags/list
	assert_equal "$output" '{"name":"podplay/busybox","tags":["latest"]}'
	run -0 registry_curl /v2/podplay/busybox/manifests/latest --fail \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json' -D "$BATS_TEST_TMPDIR/headers" -o "$BATS_TEST_TMPDIR/manifest"
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert m["schemaVersion"] == 2 and len(m["layers"]) == 1, m' "$BATS_TEST_TMPDIR/manifest"
	# The manifest is served as pushed: the same bytes, so the same digest as in the layout.
	assert_equal "sha256:$(sha256sum <"$BATS_TEST_TMPDIR/manifest" | cut -d' ' -f1)" "$(busybox_manifest_digest)"
	# (Header names are case-insensitive; HTTP/2 sends them in lower case.)
	assert_contains "$(tr -d '\r' <"$BATS_TEST_TMPDIR/headers" | tr '[:upper:]' '[:lower:]')" \
		"docker-content-digest: $(busybox_manifest_digest)"

	registry_stop
	[ -z "${PP_REGISTRY_PID:-}" ]
	! kill -0 "$pid" 2>/dev/null
	[ ! -e "$dir" ]
}

@test "registry: plain HTTP on 127.0.0.1 takes a push and serves the manifest" {
	check_registry plain
}

@test "registry: TLS with its own CA, in a certs.d layout, takes a push and serves the manifest" {
	check_registry tls
}

@test "registry: TLS refuses a client without its CA" {
	registry_start tls
	run curl --silent --noproxy '*' -o /dev/null "$PP_REGISTRY_URL/v2/"
	[ "$status" -eq 60 ] # peer certificate cannot be authenticated with known CA certificates
	[ -f "$PP_REGISTRY_CERTS_D/127.0.0.1:$PP_REGISTRY_PORT/ca.crt" ]
}

@test "registry: basic auth takes a push with podplay/secret and serves the manifest" {
	check_registry auth
}

@test "registry: basic auth refuses no credentials and a wrong password" {
	registry_start auth
	run -0 curl --silent --noproxy '*' -o /dev/null -w '%{http_code}' "$PP_REGISTRY_URL/v2/"
	assert_equal "$output" 401
	run -0 curl --silent --noproxy '*' -o /dev/null -w '%{http_code}' --user podplay:wrong "$PP_REGISTRY_URL/v2/"
	assert_equal "$output" 401
	grep -q '^podplay:\$2y\$' "$PP_REGISTRY_DIR/htpasswd" # bcrypt
}
