#!/usr/bin/env bats
# pod stats and stats, as Podman's: a busy pod's CPU share, a memory limit read back from its cgroup, processes,
# network and block I/O, in json, the default table and templates; a name that names nothing is an error.

load helpers

load pods

# A pod that spins one core under a 64Mi limit, and one that sleeps.
play_pods() {
	cat >"$Y/stats.yaml" <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: busy
		spec:
		  terminationGracePeriodSeconds: 1
		  containers:
		  - name: spin
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "while :; do :; done"]
		    resources:
		      limits: {memory: 64Mi}
		---
		apiVersion: v1
		kind: Pod
		metadata:
		  name: idle
		spec:
		  terminationGracePeriodSeconds: 1
		  containers:
		  - name: nap
		    image: localhost/busybox:latest
		    command: ["sleep", "1000"]
	EOF
	pp kube play "$Y/stats.yaml" >/dev/null
}

# A number of the row of container $2 in `stats` JSON on stdin ($1 the key of its name).
json_number() {
	python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r[sys.argv[1]] == sys.argv[2]]
assert len(rows) == 1, rows
print(rows[0][sys.argv[3]])
' "$@"
}

@test "pod stats --no-stream --format json: the busy pod's CPU, its 64Mi limit, memory in use, processes" {
	play_pods
	run -0 pp pod stats --no-stream --format json
	echo "$output"
	json=$output
	assert_json <<<"$json"
	# 64Mi, as its cgroup holds it, and a use above 0 under it.
	[ "$(json_number Name busy-spin memoryLimitBytes <<<"$json")" = 67108864 ]
	[ "$(json_number Name busy-spin MemUsage <<<"$json" | sed 's/.* \/ //')" = 67.11MB ]
	used=$(json_number Name busy-spin memoryBytes <<<"$json")
	[ "$used" -gt 0 ] && [ "$used" -le 67108864 ]
	# The idle pod has no limit: the host's memory is its limit, as Podman shows it.
	total=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
	[ "$(json_number Name idle-nap memoryLimitBytes <<<"$json")" = "$total" ]
	# A spinning shell takes most of a core over half a second on a loaded two-core machine; a sleeping one none.
	python3 -c 'import sys; busy, idle = map(float, sys.argv[1:]); assert busy > 20 and idle < 5, (busy, idle)' \
		"$(json_number Name busy-spin cpuPercent <<<"$json")" "$(json_number Name idle-nap cpuPercent <<<"$json")"
	[ "$(json_number Name busy-spin pidsCurrent <<<"$json")" -ge 1 ]
	[ "$(json_number Name idle-nap PIDS <<<"$json")" -ge 1 ]
	assert_contains "$(json_number Name busy-spin CPU <<<"$json")" "%"
	# The pod's network: its interface is up, so it sent its IPv6 router solicitations or nothing, never a negative.
	[ "$(json_number Name busy-spin netRxBytes <<<"$json")" -ge 0 ]
	# A pod named gives its own rows only.
	run -0 pp pod stats --no-stream --format '{{.Name}}' idle
	assert_equal "$output" "idle-nap"
}

@test "stats --no-stream: a row per running container, Podman's columns, its CPU time" {
	play_pods
	run -0 pp stats --no-stream
	echo "$output"
	header=${output%%$'\n'*}
	assert_contains "$header" "ID"
	assert_contains "$header" "CPU %"
	assert_contains "$header" "MEM USAGE / LIMIT"
	assert_contains "$header" "NET IO"
	assert_contains "$header" "BLOCK IO"
	assert_contains "$header" "PIDS"
	[ "$(echo "$output" | wc -l)" = 3 ]
	assert_contains "$output" "busy-spin"
	assert_contains "$output" " / 67.11MB"
	run -0 pp stats --no-stream --format json busy-spin
	echo "$output"
	[ "$(json_number name busy-spin pidsCurrent <<<"$output")" -ge 1 ]
	[ "$(json_number name busy-spin cpuNanos <<<"$output")" -gt 0 ]
	assert_contains "$(json_number name busy-spin mem_usage <<<"$output")" " / 67.11MB"
	# A stopped container: no row, unless -a, and then --.
	pp pod stop -t 0 idle >/dev/null
	run -0 pp stats --no-stream --format '{{.Name}} {{.CPUPerc}}'
	assert_equal "$output" "$(grep busy-spin <<<"$output")"
	run -0 pp stats --no-stream -a --format '{{.Name}} {{.CPUPerc}} {{.MemUsage}}'
	assert_contains "$output" "idle-nap -- -- / --"
}

@test "pod stats templates: fields, table headers, --noheading, --no-trunc; an unknown field is an error" {
	play_pods
	run -0 pp pod stats --no-stream --format 'table {{.Name}}\t{{.MemUsage}}\t{{.PIDS}}' busy
	echo "$output"
	assert_equal "${output%%$'\n'*}" "NAME       MEM USAGE / LIMIT  PIDS"
	assert_contains "$output" "busy-spin"
	run -0 pp pod stats --no-stream --noheading --format 'table {{.Name}}' busy
	assert_equal "$output" "busy-spin"
	id=$(pod_field busy id)
	run -0 pp pod stats --no-stream --no-trunc --format '{{.Pod}}' busy
	assert_equal "$output" "$id"
	run -0 pp pod stats --no-stream --format '{{.Pod}} {{.MemUsageBytes}}' busy
	assert_contains "$output" "${id:0:12} "
	assert_contains "$output" " / 64MiB"
	run -125 pp pod stats --no-stream --format '{{.Nope}}'
	assert_contains "$output" "no field \`{{.Nope}}\`"
}

@test "a pod or container that is not there: exit 125, naming it, and nothing printed" {
	play_pods
	run -125 --separate-stderr pp pod stats --no-stream busy no-such-pod
	assert_contains "$stderr" "no-such-pod"
	assert_equal "$output" ""
	run -125 --separate-stderr pp stats --no-stream no-such-ctr
	assert_contains "$stderr" "no-such-ctr"
	assert_equal "$output" ""
}

@test "streaming to a pipe: a table each interval, without the terminal's escapes" {
	play_pods
	run -124 timeout 3.5 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pod stats -i 1 --format '{{.Name}} {{.CPU}}' busy
	echo "$output"
	[ "$(grep -c '^busy-spin ' <<<"$output")" -ge 2 ]
	refute_contains "$output" $'\033'
}
