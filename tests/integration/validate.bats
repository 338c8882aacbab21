#!/usr/bin/env bats
# `podplay kube validate` on the committed fixtures: good manifests pass, each bad one prints exactly its .expected.

load helpers

# --- the fixtures ----------------------------------------------------------------------------------------------

@test "every good manifest is valid: exit 0 and no error" {
	failures=""
	for f in "$FIXTURES"/good/*; do
		run --separate-stderr "$PODPLAY" kube validate "$f"
		if [ "$status" -ne 0 ] || [[ "$output" == *": error: "* ]] || [[ "${lines[-1]}" != *": valid"* ]]; then
			failures="$failures
== $f (exit $status)
$output$stderr"
		fi
	done
	[ -z "$failures" ] || { echo "$failures" >&2; return 1; }
}

@test "every bad manifest has its .expected and every .expected its manifest" {
	n=0
	for f in "$FIXTURES"/bad/*; do
		case "$f" in
		*.expected) [ -e "${f%.expected}" ] || { echo "$f has no manifest" >&2; return 1; } ;;
		*) [ -e "$f.expected" ] || { echo "$f has no .expected" >&2; return 1; }; n=$((n + 1)) ;;
		esac
	done
	[ "$n" -ge 20 ]
}

@test "every bad manifest prints exactly its .expected and exits 1" {
	failures=""
	for f in "$FIXTURES"/bad/*; do
		case "$f" in *.expected) continue ;; esac
		run --separate-stderr "$PODPLAY" kube validate "$f"
		expected=$(cat "$f.expected")
		if [ "$status" -ne 1 ] || [ "$output" != "$expected" ] || [ -n "$stderr" ]; then
			failures="$failures
== $f: exit $status (want 1)
$(diff -u "$f.expected" <(printf '%s\n' "$output") | tail -n +3)
$stderr"
		fi
	done
	[ -z "$failures" ] || { echo "$failures" >&2; return 1; }
}

@test "--format json gives the same records and counts as the text, for every fixture" {
	failures=""
	for f in "$FIXTURES"/good/* "$FIXTURES"/bad/*; do
		case "$f" in *.expected) continue ;; esac
		run "$PODPLAY" kube validate "$f"
		text_status=$status
		text=$(printf '%s\n' "$output" | text_records)
		run --separate-stderr "$PODPLAY" kube validate --format json "$f"
		if [ "$status" -ne "$text_status" ]; then
			failures="$failures
== $f: json exit $status, text exit $text_status"
			continue
		fi
		json=$(printf '%s\n' "$output" | json_records) || { failures="$failures
== $f: not valid JSON"; continue; }
		if [ "$json" != "$text" ]; then
			failures="$failures
== $f
$(diff -u <(echo "$text") <(echo "$json") | tail -n +3)"
		fi
	done
	[ -z "$failures" ] || { echo "$failures" >&2; return 1; }
}

@test "--format json names the kind, object and document of each record" {
	run "$PODPLAY" kube validate --format json "$FIXTURES/bad/restart-policy.yaml"
	[ "$status" -eq 1 ]
	got=$(printf '%s' "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["valid"] is False and d["documents"] == 4
for r in d["diagnostics"]:
    print(r["document"], r["kind"], r["name"], r["severity"])')
	assert_equal "$got" "1 Deployment never error
2 Job always error
3 Job missing error
4 DaemonSet onfailure error"
}

# --- several inputs --------------------------------------------------------------------------------------------

@test "several files at once report every problem of every file, in order, with one summary" {
	run "$PODPLAY" kube validate "$FIXTURES/bad/tabs.yaml" "$FIXTURES/bad/duplicates.yaml" "$FIXTURES/good/job.yaml"
	[ "$status" -eq 1 ]
	expected="$(sed '$d' "$FIXTURES/bad/tabs.yaml.expected")
$(sed '$d' "$FIXTURES/bad/duplicates.yaml.expected")
2 objects in 3 files: 5 errors"
	assert_equal "$output" "$expected"
}

@test "all good files at once are valid, and one bad file among them makes the run fail" {
	run "$PODPLAY" kube validate "$FIXTURES"/good/pod-multi-container.yaml "$FIXTURES"/good/job.yaml
	[ "$status" -eq 0 ]
	assert_equal "$output" "2 objects in 2 files: valid"

	run "$PODPLAY" kube validate "$FIXTURES"/good/job.yaml "$FIXTURES"/bad/env.yaml "$FIXTURES"/good/daemonset.yaml
	[ "$status" -eq 1 ]
	assert_equal "${lines[-1]}" "3 objects in 3 files: 4 errors"
}

@test "a directory is read in sorted order, *.yaml, *.yml and *.json only, not recursively" {
	d=$BATS_TEST_TMPDIR/dir
	mkdir -p "$d/sub"
	for name in b.yaml a.yml C.json 9.yaml 10.yaml; do
		printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_%s\n' "${name%%.*}" > "$d/$name"
	done
	printf 'not: [yaml\n' > "$d/notes.txt"
	printf 'not: [yaml\n' > "$d/sub/deeper.yaml"
	run "$PODPLAY" kube validate "$d"
	[ "$status" -eq 1 ]
	order=$(printf '%s\n' "$output" | sed -n 's|^.*/dir/\([^:]*\):4:9: error: metadata.name: .*|\1|p' | tr '\n' ' ')
	assert_equal "$order" "10.yaml 9.yaml C.json a.yml b.yaml "
	assert_equal "${lines[-1]}" "5 objects in 5 files: 5 errors"
	refute_contains "$output" "notes.txt"
	refute_contains "$output" "deeper.yaml"
}

@test "-R reads a directory recursively" {
	d=$BATS_TEST_TMPDIR/dir
	mkdir -p "$d/sub/subsub"
	cp manifests/web.yaml "$d/web.yaml"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n' > "$d/sub/subsub/deep.yaml"
	run "$PODPLAY" kube validate "$d"
	[ "$status" -eq 0 ]
	assert_equal "${lines[-1]}" "3 objects in 1 file: valid"
	run "$PODPLAY" kube validate -R "$d"
	[ "$status" -eq 0 ]
	assert_equal "${lines[-1]}" "4 objects in 2 files: valid"
}

@test "the bad fixtures directory reports the same records as the files one by one" {
	run "$PODPLAY" kube validate "$FIXTURES/bad"
	[ "$status" -eq 1 ]
	dir_records=$(printf '%s\n' "$output" | sed '$d')
	one_by_one=$(for f in "$FIXTURES"/bad/*; do
		case "$f" in *.expected) continue ;; esac
		"$PODPLAY" kube validate "$f" | sed '$d'
	done)
	assert_equal "$dir_records" "$one_by_one"
}

@test "a directory without manifests exits 125 and says so" {
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr "$PODPLAY" kube validate "$BATS_TEST_TMPDIR/empty"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "$BATS_TEST_TMPDIR/empty"
}

# --- standard input --------------------------------------------------------------------------------------------

@test "- reads standard input and names it <stdin>" {
	run --separate-stderr "$PODPLAY" kube validate - < "$FIXTURES/bad/duplicates.yaml"
	[ "$status" -eq 1 ]
	expected=$(sed 's|^fixtures/manifests/bad/duplicates.yaml:|<stdin>:|' "$FIXTURES/bad/duplicates.yaml.expected")
	assert_equal "$output" "$expected"

	run "$PODPLAY" kube validate - < "$FIXTURES/good/pod.json"
	[ "$status" -eq 0 ]
	assert_equal "$output" "1 object in 1 file: valid"
}

@test "- mixes with files, and empty standard input is an empty file" {
	run "$PODPLAY" kube validate "$FIXTURES/good/job.yaml" - < manifests/web.yaml
	[ "$status" -eq 0 ]
	assert_equal "${lines[-1]}" "4 objects in 2 files: valid"

	run "$PODPLAY" kube validate - < /dev/null
	[ "$status" -eq 1 ]
	assert_equal "${lines[0]}" "<stdin>:1:1: error: empty file: it holds no Kubernetes object"
}

# --- files that cannot be read ---------------------------------------------------------------------------------

@test "a missing file exits 125 with a message naming it" {
	run --separate-stderr "$PODPLAY" kube validate "$BATS_TEST_TMPDIR/no-such.yaml"
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "$BATS_TEST_TMPDIR/no-such.yaml"
	assert_contains "$stderr" "No such file or directory"

	run --separate-stderr "$PODPLAY" kube validate manifests/web.yaml "$BATS_TEST_TMPDIR/no-such.yaml"
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "no-such.yaml"
}

# --- options ---------------------------------------------------------------------------------------------------

@test "warnings do not fail validation; -q hides them and the summary" {
	run "$PODPLAY" kube validate "$FIXTURES/good/deployment.yaml"
	[ "$status" -eq 0 ]
	assert_contains "$output" "warning: spec.strategy: podplay does not implement this field yet"
	assert_equal "${lines[-1]}" "1 object in 1 file: valid, 1 warning"

	run "$PODPLAY" kube validate -q "$FIXTURES/good/deployment.yaml"
	[ "$status" -eq 0 ]
	assert_equal "$output" ""

	run "$PODPLAY" kube validate -q "$FIXTURES/bad/kinds.yaml"
	[ "$status" -eq 1 ]
	assert_equal "$output" "$(grep ': error: ' "$FIXTURES/bad/kinds.yaml.expected")"
}

@test "-v adds notes on fields that mean nothing on one machine" {
	f=$BATS_TEST_TMPDIR/node.yaml
	cat > "$f" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: pinned
	spec:
	  nodeSelector:
	    disk: ssd
	  containers:
	  - name: app
	    image: localhost/podplay-test/busybox:latest
	EOF
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 0 ]
	assert_equal "$output" "1 object in 1 file: valid"
	run "$PODPLAY" kube validate -v "$f"
	[ "$status" -eq 0 ]
	assert_equal "${lines[0]}" "$f:6:3: note: spec.nodeSelector: not applicable on one machine (one machine is the only node); ignored"
}

@test "options are accepted after the files too" {
	run --separate-stderr "$PODPLAY" kube validate "$FIXTURES/bad/tabs.yaml" --format json
	refute_contains "$stderr" "open \`--format\`"
	[ "$status" -eq 1 ]
	printf '%s' "$output" | assert_json
}

# --- messages that must say the right thing (see the report of each) -------------------------------------------

@test "a ConfigMap's bad binaryData is not called Secret data" {
	f=$BATS_TEST_TMPDIR/cm.yaml
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bin\nbinaryData:\n  blob: "%%%%%%"\n' > "$f"
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_contains "${lines[0]}" "$f:6:9: error: binaryData.blob: is not valid base64"
	refute_contains "${lines[0]}" "Secret"
	refute_contains "${lines[0]}" "stringData"
}

@test "a quantity's suffix hint speaks of the suffix the user wrote" {
	f=$BATS_TEST_TMPDIR/q.yaml
	cat > "$f" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: q
	spec:
	  containers:
	  - name: app
	    image: localhost/podplay-test/busybox:latest
	    resources:
	      limits:
	        memory: 10gb
	        ephemeral-storage: 2TiB
	EOF
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 1 ]
	assert_contains "${lines[0]}" "$f:11:17: error: spec.containers[0].resources.limits.memory: invalid quantity \"10gb\""
	refute_contains "${lines[0]}" "MB or MiB"
	assert_contains "${lines[0]}" "Gi"
	assert_contains "${lines[1]}" "$f:12:28: error: spec.containers[0].resources.limits.ephemeral-storage: invalid quantity \"2TiB\""
	refute_contains "${lines[1]}" "not MiB or GiB"
	assert_contains "${lines[1]}" "Ti"
}
