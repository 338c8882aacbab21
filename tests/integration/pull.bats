#!/usr/bin/env bats
# `podplay pull` from a real registry (Debian's docker-registry) on 127.0.0.1: plain HTTP, TLS with a CA the test
# makes, and basic auth; each test starts its own registry and store, and stops and removes them.

load helpers
load registry

setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
}

setup() {
	: "${PODPLAY:?set PODPLAY to the podplay binary (an absolute path)}"
	cd "$REPO_ROOT"
	IMAGES=$BATS_FILE_TMPDIR/images
	ROOT=$BATS_TEST_TMPDIR/root
	RUNROOT=$BATS_TEST_TMPDIR/run
}

teardown() {
	registry_stop
	if [ -f "$BATS_TEST_TMPDIR/blobserver.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/blobserver.pid")" 2>/dev/null || true
	fi
	rm -rf "${BATS_TEST_TMPDIR:?}/root" "${BATS_TEST_TMPDIR:?}/run"
}

pp() {
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# Fails unless the merged layers of the pulled image $1 list exactly as fixture tree $2.
assert_tree() {
	local dirs
	dirs=$(pp image inspect "$1" | python3 -c '
import json, sys
print(" ".join(sys.argv[1] + "/layers/" + d[7:] for d in json.load(sys.stdin)[0]["RootFS"]["Layers"]))' "$ROOT")
	# shellcheck disable=SC2086
	run -0 diff -u "$IMAGES/expected/$2.tree" <(python3 fixtures/images/tree.py --overlay $dirs)
}

inspect_field() {
	pp image inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$2"
}

assert_store_empty() {
	run -0 pp images -q
	assert_equal "$output" ""
	assert_equal "$(find "$ROOT/blobs/sha256" -type f | wc -l)" 0
	assert_equal "$(find "$ROOT/layers" -mindepth 1 -maxdepth 1 | wc -l)" 0
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

# Pushes every platform of the multi-platform fixture (registry_push copies one).
push_all_platforms() {
	printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$PP_REGISTRY_DIR/policy.json"
	registry_noproxy skopeo --policy "$PP_REGISTRY_DIR/policy.json" copy --quiet --all --dest-tls-verify=false \
		"oci:$IMAGES/multiarch:latest" "docker://$PP_REGISTRY_HOST/$1:latest"
}

@test "pull over plain HTTP: the image is stored under its full name and unpacks to the image's tree" {
	registry_start plain
	registry_push "$IMAGES/busybox" podplay/busybox
	registry_push "$IMAGES/layered" podplay/layered
	run -0 pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox"
	assert_equal "$output" "Pulled $PP_REGISTRY_HOST/podplay/busybox:latest ($(inspect_field "$PP_REGISTRY_HOST/podplay/busybox" Id | cut -c1-12), 1 layer)"
	assert_tree "$PP_REGISTRY_HOST/podplay/busybox" busybox
	run -0 pp pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered:latest"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	assert_tree "$PP_REGISTRY_HOST/podplay/layered" layered
	run -0 pp images --format json
	assert_contains "$output" "\"$PP_REGISTRY_HOST/podplay/layered:latest\""
}

# The libraries that the dynamic loader maps for `pp ARGS...` (LD_DEBUG=files lists each, loaded at start or
# later): their sonames, one a line, sorted.
mapped() {
	LD_DEBUG=files pp "$@" 2>&1 >/dev/null | sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' | sort -u
}

@test "libcurl, libarchive and libcrypto are mapped by the commands that use them, and by no other" {
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\ndata: {a: b}\n' >"$BATS_TEST_TMPDIR/small.yaml"
	for cmd in version ps "pod ls" "kube validate $BATS_TEST_TMPDIR/small.yaml" images; do
		# shellcheck disable=SC2086 # the command's words
		run -0 mapped $cmd
		refute_contains "$output" libcurl
		refute_contains "$output" libarchive
		refute_contains "$output" libcrypto
		# Linked in from their archives, which keeps every start from mapping them (bench/README.md).
		refute_contains "$output" libsqlite3
		refute_contains "$output" libyaml
	done
	# A load unpacks (libarchive) and digests (libcrypto); a pull fetches (libcurl) too.
	run -0 mapped load -i "$IMAGES/busybox.oci.tar"
	assert_contains "$output" libarchive.so.13
	assert_contains "$output" libcrypto.so.3
	refute_contains "$output" libcurl
	registry_start plain
	registry_push "$IMAGES/busybox" podplay/busybox
	run -0 mapped pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox"
	assert_contains "$output" libcurl.so.4
	assert_contains "$output" libarchive.so.13
	run -0 pp images --format json
	assert_contains "$output" "\"$PP_REGISTRY_HOST/podplay/busybox:latest\""
}

@test "pull again is a no-op: same image, no new blob" {
	registry_start plain
	registry_push "$IMAGES/busybox" podplay/busybox
	run -0 pp pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox"
	first=$output
	blobs=$(find "$ROOT/blobs/sha256" -type f | wc -l)
	run -0 pp pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox"
	assert_equal "$output" "$first"
	assert_equal "$(find "$ROOT/blobs/sha256" -type f | wc -l)" "$blobs"
}

@test "a plain-HTTP registry needs --tls-verify=false, and the error says so" {
	registry_start plain
	registry_push "$IMAGES/busybox" podplay/busybox
	run -125 --separate-stderr pp pull "$PP_REGISTRY_HOST/podplay/busybox"
	assert_contains "$stderr" "pulling $PP_REGISTRY_HOST/podplay/busybox:latest"
	assert_contains "$stderr" "use --tls-verify=false"
	assert_store_empty
}

@test "a missing tag, a local name and a bad reference fail with 125 and say why" {
	registry_start plain
	run -125 --separate-stderr pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/nothing:v9"
	assert_contains "$stderr" "$PP_REGISTRY_HOST/podplay/nothing:v9: manifest unknown"
	assert_store_empty
	run -125 --separate-stderr pp pull localhost/mine
	assert_contains "$stderr" "localhost/mine:latest is a local name"
	run -125 --separate-stderr pp pull 'Bad Name'
	assert_contains "$stderr" "invalid image reference"
}

@test "a multi-platform image: this machine's platform by default, --platform picks another, a missing one is named" {
	registry_start plain
	push_all_platforms podplay/multi
	run -0 pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/multi"
	assert_equal "$(inspect_field "$PP_REGISTRY_HOST/podplay/multi" Architecture)" amd64
	run -0 pp pull --tls-verify=false --platform linux/arm64 "$PP_REGISTRY_HOST/podplay/multi"
	assert_equal "$(inspect_field "$PP_REGISTRY_HOST/podplay/multi" Architecture)" arm64
	run -125 --separate-stderr pp pull --tls-verify=false --platform linux/s390x "$PP_REGISTRY_HOST/podplay/multi"
	assert_contains "$stderr" "no linux/s390x variant (it has linux/amd64, linux/arm64"
}

@test "a blob the registry serves with other content is refused, and nothing enters the store" {
	registry_start plain
	registry_push "$IMAGES/busybox" podplay/busybox
	# Flip the layer's bytes in the registry's own storage: it keeps serving it under the old digest.
	layer=$(python3 -c '
import json, sys
idx = json.load(open(sys.argv[1] + "/index.json"))
m = json.load(open(sys.argv[1] + "/blobs/sha256/" + idx["manifests"][0]["digest"][7:]))
print(m["layers"][0]["digest"][7:])' "$IMAGES/busybox")
	data=$(find "$PP_REGISTRY_DIR/storage" -path "*/blobs/sha256/*/$layer/data")
	[ -f "$data" ]
	python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[100] ^= 0xff; open(p, "wb").write(b)' "$data"
	run -125 --separate-stderr pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox"
	assert_contains "$stderr" "blob sha256:$layer: its content has digest"
	assert_store_empty
}

@test "TLS: the registry's CA from --cert-dir is trusted; without it the certificate is refused" {
	registry_start tls
	registry_push "$IMAGES/busybox" podplay/busybox
	run -125 --separate-stderr pp pull "$PP_REGISTRY_HOST/podplay/busybox"
	assert_contains "$stderr" "certificate"
	assert_store_empty
	run -0 pp pull --cert-dir "$PP_REGISTRY_CERTS_D/$PP_REGISTRY_HOST" "$PP_REGISTRY_HOST/podplay/busybox"
	assert_tree "$PP_REGISTRY_HOST/podplay/busybox" busybox
	rm -rf "$ROOT"
	run -0 pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox"
}

@test "basic auth: --creds, --authfile and REGISTRY_AUTH_FILE work; none or a wrong password say so" {
	registry_start auth
	registry_push "$IMAGES/busybox" podplay/busybox
	ref=$PP_REGISTRY_HOST/podplay/busybox
	run -125 --separate-stderr env HOME="$BATS_TEST_TMPDIR" XDG_RUNTIME_DIR= "$PODPLAY" --root "$ROOT" pull --tls-verify=false "$ref"
	assert_contains "$stderr" "asks for a user name and password"
	run -125 --separate-stderr pp pull --tls-verify=false --creds podplay:wrong "$ref"
	assert_contains "$stderr" "authentication failed"
	assert_store_empty
	run -0 pp pull --tls-verify=false --creds "$PP_REGISTRY_CREDS" "$ref"
	rm -rf "$ROOT"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$PP_REGISTRY_HOST" "$(printf %s "$PP_REGISTRY_CREDS" | base64)" \
		>"$BATS_TEST_TMPDIR/auth.json"
	run -0 pp pull --tls-verify=false --authfile "$BATS_TEST_TMPDIR/auth.json" "$ref"
	rm -rf "$ROOT"
	run -0 env REGISTRY_AUTH_FILE="$BATS_TEST_TMPDIR/auth.json" "$PODPLAY" --root "$ROOT" pull --tls-verify=false "$ref"
	assert_tree "$ref" busybox
}

@test "two pulls at once into one store both land" {
	registry_start plain
	registry_push "$IMAGES/busybox" podplay/busybox
	registry_push "$IMAGES/layered" podplay/layered
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/busybox" \
		>"$BATS_TEST_TMPDIR/a" 2>&1 &
	a=$!
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered" \
		>"$BATS_TEST_TMPDIR/b" 2>&1 &
	b=$!
	wait "$a"
	wait "$b"
	assert_tree "$PP_REGISTRY_HOST/podplay/busybox" busybox
	assert_tree "$PP_REGISTRY_HOST/podplay/layered" layered
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "a pull killed halfway leaves no half image, and the next pull completes and cleans up" {
	registry_start plain
	registry_push "$IMAGES/layered" podplay/layered
	mkdir -p "$ROOT/tmp"
	# What a killed process leaves: work named after a pid that no longer runs.
	sleep 0 &
	dead=$!
	wait "$dead"
	mkdir "$ROOT/tmp/layer-$dead-1"
	: >"$ROOT/tmp/blob-$dead-2"
	# The binary itself in the background (not the pp function's subshell), so that $! is the process killed.
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered" \
		>/dev/null 2>&1 &
	pid=$!
	sleep 0.05
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" || true
	run -0 pp images -q
	[ -z "$output" ] || assert_equal "$output" "$(pp image inspect "$PP_REGISTRY_HOST/podplay/layered" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"][:12])')"
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
	run -0 pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered"
	assert_tree "$PP_REGISTRY_HOST/podplay/layered" layered
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "blobs redirected to another server are followed, and a 503 from it is retried" {
	blobdir=$BATS_TEST_TMPDIR/blobsrv
	mkdir -p "$blobdir"
	# The registry's storage is only known once it starts: the blob server serves the directory it will use.
	export PP_REGISTRY_BLOB_URL
	python3 tests/integration/blobserver.py "$BATS_FILE_TMPDIR/registry-plain/storage" "$blobdir/port" "$blobdir/log" 3>&- &
	blob_pid=$!
	echo "$blob_pid" >"$BATS_TEST_TMPDIR/blobserver.pid"
	for _ in $(seq 50); do [ -s "$blobdir/port" ] && break; sleep 0.1; done
	PP_REGISTRY_BLOB_URL=http://127.0.0.1:$(cat "$blobdir/port")
	registry_start plain
	unset PP_REGISTRY_BLOB_URL
	registry_push "$IMAGES/layered" podplay/layered
	run -0 pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered"
	assert_tree "$PP_REGISTRY_HOST/podplay/layered" layered
	# Every blob came from the blob server: a 503 first, then the data.
	run -0 grep -c ' 503$' "$blobdir/log"
	[ "$output" -ge 5 ]
	run -0 grep -c ' 200$' "$blobdir/log"
	[ "$output" -ge 5 ]
	kill "$blob_pid"
	wait "$blob_pid" 2>/dev/null || true
}

@test "bearer tokens: anonymous pull of a public repository, credentials sent to the token server for a private one" {
	registry_start token
	registry_push "$IMAGES/busybox" public/busybox
	registry_push "$IMAGES/busybox" private/busybox
	run -0 env HOME="$BATS_TEST_TMPDIR" XDG_RUNTIME_DIR= "$PODPLAY" --root "$ROOT" pull --tls-verify=false "$PP_REGISTRY_HOST/public/busybox"
	assert_tree "$PP_REGISTRY_HOST/public/busybox" busybox
	# The token was asked for the repository it pulls, for pull only.
	run -0 grep -c "GET repository:public/busybox:pull " "$PP_TOKEN_LOG"
	rm -rf "$ROOT"
	run -125 --separate-stderr env HOME="$BATS_TEST_TMPDIR" XDG_RUNTIME_DIR= "$PODPLAY" --root "$ROOT" pull --tls-verify=false "$PP_REGISTRY_HOST/private/busybox"
	assert_contains "$stderr" "authentication failed"
	run -125 --separate-stderr pp pull --tls-verify=false --creds podplay:wrong "$PP_REGISTRY_HOST/private/busybox"
	assert_contains "$stderr" "authentication failed"
	assert_store_empty
	run -0 pp pull --tls-verify=false --creds "$PP_REGISTRY_CREDS" "$PP_REGISTRY_HOST/private/busybox"
	assert_tree "$PP_REGISTRY_HOST/private/busybox" busybox
}

@test "on a terminal a pull draws a bar per blob with bytes and rate; elsewhere it prints one line" {
	registry_start plain
	registry_push "$IMAGES/layered" podplay/layered
	# script(1) gives the pull a terminal; its output is what a user would see.
	run -0 script -qec "$PODPLAY --root $ROOT --runroot $RUNROOT pull --tls-verify=false $PP_REGISTRY_HOST/podplay/layered" /dev/null
	assert_contains "$output" "Copying blob"
	assert_contains "$output" "MiB/s"
	# Five blobs (config and four layers), each drawn full at the end.
	[ "$(printf '%s\n' "$output" | tr '\r' '\n' | grep -c 'Copying blob .*\[##############################\]')" -ge 5 ]
	assert_contains "$output" "Pulled $PP_REGISTRY_HOST/podplay/layered:latest"
	rm -rf "$ROOT"
	run -0 --separate-stderr pp pull --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered"
	assert_equal "$stderr" ""
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 1
}
