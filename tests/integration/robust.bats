#!/usr/bin/env bats
# Hostile input to `kube validate`, generated at test time: each is refused (exit 1) with a precise
# FILE:LINE:COL error, or accepted (exit 0), and never crashes or eats memory. Nothing here asserts on time.

load helpers

teardown() {
	rm -rf "${BATS_TEST_TMPDIR:?}"/*
}

# Runs kube validate on $1 under /usr/bin/time; sets $status, $output, $stderr and $rss_kb (peak memory).
validate_measured() {
	run --separate-stderr /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$PODPLAY" kube validate "$@"
	rss_kb=$(tail -n 1 "$BATS_TEST_TMPDIR/rss")
}

# Fails unless podplay exited normally with 0 or 1: anything else is a crash or an abort.
assert_no_crash() {
	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		echo "podplay exited $status: $stderr" >&2
		return 1
	fi
	refute_contains "$stderr" "Sanitizer"
}

@test "a 50 MB scalar in a ConfigMap is refused with the ConfigMap size limit, in under 10x its size of memory" {
	f=$BATS_TEST_TMPDIR/big.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ' > "$f"
	head -c $((50 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >> "$f"
	echo >> "$f"
	size_kb=$(($(stat -c %s "$f") / 1024))

	validate_measured "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	# the API server counts the values' bytes, not the keys (ValidateConfigMap): 50 MiB is 52428800
	assert_equal "$output" "$f:1:1: error: a ConfigMap may hold at most 1048576 bytes of data, this one holds 52428800
1 object in 1 file: 1 error"
	[ "$rss_kb" -lt $((size_kb * 10)) ] || { echo "peak memory ${rss_kb} KB for a ${size_kb} KB file" >&2; return 1; }
}

@test "an oversized ConfigMap that is not the first document is reported at its own document" {
	f=$BATS_TEST_TMPDIR/big2.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\n---\n' > "$f"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\nbinaryData:\n  blob: ' >> "$f"
	head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'A' >> "$f"
	echo >> "$f"
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	# binaryData counts its decoded bytes: 2 MiB of base64 is 1.5 MiB
	assert_equal "${lines[0]}" "$f:6:1: error: a ConfigMap may hold at most 1048576 bytes of data, this one holds 1572864"
}

@test "exactly 1 MiB of ConfigMap data, ConfigMap binaryData or Secret data is valid" {
	f=$BATS_TEST_TMPDIR/edge.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edge\ndata:\n  key: ' > "$f"
	head -c 1048576 /dev/zero | tr '\0' 'a' >> "$f"
	echo >> "$f"
	run "$PODPLAY" kube validate "$f"
	assert_equal "$output" "1 object in 1 file: valid"
	[ "$status" -eq 0 ]

	for kind in ConfigMap Secret; do
		field=data
		[ "$kind" = ConfigMap ] && field=binaryData
		printf 'apiVersion: v1\nkind: %s\nmetadata:\n  name: edge\n%s:\n  key: ' "$kind" "$field" > "$f"
		head -c 1048576 /dev/zero | base64 -w 0 >> "$f"
		echo >> "$f"
		run "$PODPLAY" kube validate "$f"
		assert_equal "$output" "1 object in 1 file: valid"
		[ "$status" -eq 0 ]
	done
}

@test "an alias bomb (9 levels of 9 aliases) is refused at the alias that passes the limit" {
	f=$BATS_TEST_TMPDIR/bomb.yaml
	{
		printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n'
		printf 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
		prev=a
		for n in b c d e f g h i; do
			printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' "$n" "$n" $prev $prev $prev $prev $prev $prev $prev $prev $prev
			prev=$n
		done
	} > "$f"
	validate_measured "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	# each *f stands for about 600,000 nodes: the first one, on line 11 (g), takes the document past 1,000,000
	assert_equal "$output" "$f:11:8: error: aliases expand this document past 1000000 nodes; refusing it (alias bomb?)
0 objects in 1 file: 1 error"
	[ "$rss_kb" -lt 102400 ] || { echo "peak memory ${rss_kb} KB for a 400-byte file" >&2; return 1; }
}

@test "aliases that stay under the limit are expanded and validated" {
	f=$BATS_TEST_TMPDIR/aliases.yaml
	cat > "$f" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: aliases
	  labels: &l {app: Bad_Value!}
	spec:
	  nodeSelector: *l
	  containers:
	  - name: app
	    image: localhost/podplay-test/busybox:latest
	EOF
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_contains "${lines[0]}" "$f:5:20: error: metadata.labels.app: invalid label value \"Bad_Value!\""
	assert_contains "${lines[1]}" "error: spec.nodeSelector.app: invalid label value \"Bad_Value!\""
}

@test "a problem in aliased content is reported at the alias, not at the anchor" {
	f=$BATS_TEST_TMPDIR/alias-dup.yaml
	cat > "$f" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: aliases
	spec:
	  containers:
	  - &c
	    name: app
	    image: localhost/podplay-test/busybox:latest
	  - *c
	EOF
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	# the second container is the alias on line 10; line 8 is the first one
	assert_equal "${lines[0]}" "$f:10:5: error: spec.containers[1].name: duplicate container name \"app\" (first at line 8)"
}

@test "an alias to an anchor that is not defined is an error at the alias" {
	f=$BATS_TEST_TMPDIR/alias.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: *nowhere\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:5:7: error: alias '*nowhere' names no anchor defined before it"
}

@test "100000 levels of '[' are refused at the 101st level" {
	f=$BATS_TEST_TMPDIR/nest.yaml
	head -c 100000 /dev/zero | tr '\0' '[' > "$f"
	echo >> "$f"
	validate_measured "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "$output" "$f:1:101: error: nesting deeper than 100 levels; no Kubernetes object is that deep
0 objects in 1 file: 1 error"
	[ "$rss_kb" -lt 102400 ] || { echo "peak memory ${rss_kb} KB for a 100 KB file" >&2; return 1; }
}

@test "deep nesting of '{' and of block sequences is refused at the 101st level" {
	f=$BATS_TEST_TMPDIR/brace.yaml
	python3 -c 'print("{a: " * 100000)' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:1:401: error: nesting deeper than 100 levels; no Kubernetes object is that deep"

	f=$BATS_TEST_TMPDIR/dash.yaml
	python3 -c 'print("- " * 100000 + "x")' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:1:201: error: nesting deeper than 100 levels; no Kubernetes object is that deep"
}

@test "deep nesting inside an object is refused where it passes the limit" {
	f=$BATS_TEST_TMPDIR/deep.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  k: ' > "$f"
	head -c 100000 /dev/zero | tr '\0' '[' >> "$f"
	echo >> "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	# the document is level 1, data level 2, the 99th '[' (column 5 + 99) level 101
	assert_equal "${lines[0]}" "$f:6:104: error: nesting deeper than 100 levels; no Kubernetes object is that deep"
}

@test "an invalid UTF-8 byte is refused at its line and column, naming the byte" {
	f=$BATS_TEST_TMPDIR/utf8.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  key: caf\303\050 ok\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "$output" "$f:6:12: error: invalid UTF-8 (byte 0x28): invalid trailing UTF-8 octet; manifests must be UTF-8 text
0 objects in 1 file: 1 error"
}

@test "columns after multi-byte characters count characters, up to the invalid byte" {
	f=$BATS_TEST_TMPDIR/utf8b.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  key: \303\251\303\251\303\251\377 tail\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:6:11: error: invalid UTF-8 (byte 0xff): invalid leading UTF-8 octet; manifests must be UTF-8 text"

	f=$BATS_TEST_TMPDIR/utf8d.yaml
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  labels: {a: '\303\251', b: \200}\n" > "$f"
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:5:23: error: invalid UTF-8 (byte 0x80): invalid leading UTF-8 octet; manifests must be UTF-8 text"
}

@test "a UTF-8 sequence cut short by the end of the file names the byte that starts it" {
	f=$BATS_TEST_TMPDIR/utf8c.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  key: trunc\342\202' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	# the file holds no 0xff byte: the sequence that is cut short starts with 0xe2 at column 13
	assert_equal "${lines[0]}" "$f:6:13: error: invalid UTF-8 (byte 0xe2): incomplete UTF-8 octet sequence; manifests must be UTF-8 text"
}

@test "a NUL byte is refused at its line and column" {
	f=$BATS_TEST_TMPDIR/nul.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n\000ul\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "$output" "$f:4:10: error: control characters are not allowed (byte 0x00)
0 objects in 1 file: 1 error"

	f=$BATS_TEST_TMPDIR/nul2.yaml
	printf '\000apiVersion: v1\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:1:1: error: control characters are not allowed (byte 0x00)"

	f=$BATS_TEST_TMPDIR/nul3.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  k: "h\303\251llo\000"\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:6:12: error: control characters are not allowed (byte 0x00)"
}

@test "a NUL byte on standard input is refused like in a file" {
	run bash -c "printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n\000ul\n' | '$PODPLAY' kube validate -"
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "<stdin>:4:10: error: control characters are not allowed (byte 0x00)"
}

@test "a document that is a bare scalar is refused: expected a Kubernetes object" {
	f=$BATS_TEST_TMPDIR/scalar.yaml
	printf 'hello world\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	assert_equal "$output" "$f:1:1: error: expected a Kubernetes object (a mapping with apiVersion and kind), got a string
0 objects in 1 file: 1 error"

	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n--- 3.14\n--- true\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "$f:5:5: error: expected a Kubernetes object (a mapping with apiVersion and kind), got a number"
	assert_equal "${lines[1]}" "$f:6:5: error: expected a Kubernetes object (a mapping with apiVersion and kind), got a boolean"
}

@test "a file of 20000 documents is read whole and is valid" {
	f=$BATS_TEST_TMPDIR/many.yaml
	python3 -c '
import sys
for i in range(20000):
    sys.stdout.write("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n  k: v\n" % i)' > "$f"
	run --separate-stderr "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 0 ]
	assert_equal "$output" "20000 objects in 1 file: valid"
}

@test "an error in document 12345 of 20000 is reported at its line" {
	f=$BATS_TEST_TMPDIR/many.yaml
	python3 -c '
import sys
for i in range(20000):
    name = "Bad_Name" if i == 12344 else "cm-%d" % i
    sys.stdout.write("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  k: v\n" % name)' > "$f"
	run "$PODPLAY" kube validate "$f"
	assert_no_crash
	[ "$status" -eq 1 ]
	# document n starts on line 7(n-1)+1; its name is on line 7(n-1)+5
	assert_contains "${lines[0]}" "$f:86413:9: error: metadata.name: invalid value \"Bad_Name\""
	assert_equal "${lines[1]}" "20000 objects in 1 file: 1 error"

	run "$PODPLAY" kube validate --format json "$f"
	[ "$status" -eq 1 ]
	got=$(printf '%s' "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["diagnostics"][0]
print(d["documents"], r["document"], r["line"], r["column"])')
	assert_equal "$got" "20000 12345 86413 9"
}
