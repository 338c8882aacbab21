#!/usr/bin/env bats
# `system prune` and `system df`: what no running pod needs goes (pods that do not run, finished Jobs, networks no
# pod is in, unused volumes with --volumes, unused images, nameless ones unless -a), and df counts it beforehand.

load helpers

load pods

IMG=localhost/busybox:latest

# A field of a row of `system df --format json`: df_field TYPE FIELD.
df_field() {
	pp system df --format json | python3 -c '
import json, sys
print({r["Type"]: r for r in json.load(sys.stdin)}[sys.argv[1]][sys.argv[2]])' "$1" "$2"
}

@test "system prune removes what no running pod needs, asks first, and df counts it before and after" {
	pp load -i "$BATS_FILE_TMPDIR/images/layered" >/dev/null
	pp network create spare >/dev/null
	pp run -d --name keeper "$IMG" sleep 1000 >/dev/null
	run -0 pp run --name done -v olddata:/data "$IMG" sh -c 'head -c 300000 /dev/zero >/data/blob; echo ok'
	cat >"$Y/job.yaml" <<-EOF
		apiVersion: batch/v1
		kind: Job
		metadata:
		  name: once
		spec:
		  template:
		    spec:
		      restartPolicy: Never
		      containers:
		      - name: c
		        image: $IMG
		        command: ["true"]
	EOF
	pp kube play "$Y/job.yaml" >/dev/null
	for _ in $(seq 100); do [ "$(pp job ls --format '{{.Status}}')" = Complete ] && break; sleep 0.1; done
	assert_equal "$(pp job ls --format '{{.Status}}')" Complete

	# df: two images, one a running pod uses; keeper's container runs, done's does not; one volume, which only done
	# (ended) uses: in use is what a running pod uses, and the rest is what a prune -a --volumes frees.
	assert_equal "$(df_field Images Total) $(df_field Images Active)" "2 1"
	assert_equal "$(df_field Containers Active)" 1
	[ "$(df_field Containers Total)" -ge 3 ]
	assert_equal "$(df_field 'Local Volumes' Total) $(df_field 'Local Volumes' Active)" "1 0"
	[ "$(df_field 'Local Volumes' Size)" -ge 300000 ]
	[ "$(df_field 'Local Volumes' Reclaimable)" -ge 300000 ]
	run -0 pp system df
	assert_contains "${lines[0]}" "TYPE"
	[[ "${lines[3]}" =~ ^Local\ Volumes\ +1\ +0\  ]]

	# Asked with no answer to read (a script's closed stdin): an error, and nothing goes.
	run -125 pp system prune </dev/null
	assert_contains "$output" "no answer on standard input: nothing was removed"
	# Asked, and answered no: nothing goes.
	run -0 pp system prune <<<"n"
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	[[ "$(pod_names)" == "done keeper once-"* ]]

	# Answered yes: the pod that ended, the Job, the unused network; the named image and the volume stay.
	run -0 pp system prune <<<"y"
	assert_contains "$output" $'Deleted Jobs\nonce'
	assert_contains "$output" $'Deleted Pods\ndone'
	assert_contains "$output" $'Deleted Networks\nspare'
	refute_contains "$output" "Deleted Images"
	refute_contains "$output" "Deleted Volumes"
	assert_contains "$output" "Total reclaimed space:"
	assert_equal "$(pod_names)" "keeper"
	assert_equal "$(pp job ls -q)" ""
	assert_equal "$(pp network ls --format '{{.Name}}')" "podplay"
	[ ! -e "$ROOT/runs/done.yaml" ]
	assert_equal "$(pp volume ls -q)" "olddata"
	assert_equal "$(df_field 'Local Volumes' Active)" 0

	# -a --volumes -f: the unused image and volume too, without asking; what runs is left alone.
	run -0 pp system prune -a --volumes -f </dev/null
	assert_contains "$output" $'Deleted Volumes\nolddata'
	assert_contains "$output" "Deleted Images"
	refute_contains "$output" "Deleted Pods"
	[[ "$output" =~ Total\ reclaimed\ space:\ [0-9.]+\ [kM]B ]]
	assert_equal "$(pp images --format '{{.Repository}}')" "localhost/busybox"
	assert_equal "$(pp volume ls -q)" ""
	assert_equal "$(ctr_field keeper-keeper status)" Running
	assert_equal "$(df_field Images Total) $(df_field Images Reclaimable)" "1 0"

	# Nothing left to prune: it says so.
	run -0 pp system prune -a --volumes -f
	assert_equal "$output" "Total reclaimed space: 0 B"
	run -125 pp system prune extra
	assert_contains "$output" "takes no arguments"
}
