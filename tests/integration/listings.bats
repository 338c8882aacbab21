#!/usr/bin/env bats
# Listings that fit their content, as Podman's do: columns as wide as their widest value, --no-trunc, --format
# with {{.Field}} templates (and "table ..." under headers), --filter, -q and --noheading; the same for pods,
# containers, volumes, networks, Jobs, Services and images.

load helpers

load pods

# The play of this file: a Deployment whose pods' names pass 24 characters, and a short pod with a label.
write_pods() {
	cat >"$Y/pods.yaml" <<-EOF
		apiVersion: apps/v1
		kind: Deployment
		metadata:
		  name: recommendationservice
		spec:
		  replicas: 2
		  selector: {matchLabels: {app: reco}}
		  template:
		    metadata: {labels: {app: reco}}
		    spec:
		      terminationGracePeriodSeconds: 1
		      containers:
		      - name: server-with-a-long-name
		        image: localhost/busybox:latest
		        command: ["sleep", "1000"]
		---
		apiVersion: v1
		kind: Pod
		metadata:
		  name: web
		  labels: {app: web, tier: front}
		spec:
		  terminationGracePeriodSeconds: 1
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    command: ["sleep", "1000"]
	EOF
}

# Fails unless every line of $1 has its column that starts under header $2 (in the first line) starting there: a
# non-blank character at the header's offset, after a blank.
assert_column() {
	local header=${1%%$'\n'*} at line
	at=$(awk -v h="$2" '{ print index($0, h) - 1; exit }' <<<"$header")
	[ "$at" -gt 0 ] || {
		echo "no header $2 in: $header" >&2
		return 1
	}
	while IFS= read -r line; do
		if [ "${line:$at:1}" = " " ] || [ "${line:$((at - 1)):1}" != " " ]; then
			printf 'column %s (at %d) out of line in:\n%s\n' "$2" "$at" "$1" >&2
			return 1
		fi
	done <<<"$1"
}

@test "pod ls and ps fit long names: every column lines up, and IDs are 12 digits unless --no-trunc" {
	write_pods
	pp kube play "$Y/pods.yaml" >/dev/null
	run -0 pp pod ls
	assert_contains "$output" "recommendationservice-"
	assert_column "$output" "STATUS"
	assert_column "$output" "READY"
	assert_column "$output" "AGE"
	run -0 pp ps
	assert_contains "$output" "recommendationservice-"
	assert_column "$output" "IMAGE"
	assert_column "$output" "STATUS"
	assert_column "$output" "CREATED"
	# Two spaces after the longest name, none wasted: NAMES is as wide as its widest value.
	local longest
	longest=$(pp ps --format '{{.Names}}' | awk '{ print length }' | sort -n | tail -1)
	run -0 pp ps
	[ "$(awk -v h=IMAGE 'NR == 1 { print index($0, h) - index($0, "NAMES") }' <<<"$output")" = $((longest + 2)) ]
	run -0 pp ps -q
	[ "$(echo "$output" | wc -l)" = 3 ]
	[ "$(echo "$output" | awk '{ print length }' | sort -u)" = 12 ]
	run -0 pp ps -q --no-trunc
	[ "$(echo "$output" | awk '{ print length }' | sort -u)" = 64 ]
	run -0 pp pod ls --no-trunc --noheading
	[ "$(echo "$output" | awk '{ print length($1) }' | sort -u)" = 64 ]
}

@test "--format takes Podman's {{.Field}} templates: one line per row, or aligned under headers with table" {
	write_pods
	pp kube play "$Y/pods.yaml" >/dev/null
	run -0 pp ps --format '{{.PodName}} {{.State}}'
	assert_equal "$(echo "$output" | sort | sed 's/-[0-9a-f]*-[0-9]* / /')" "recommendationservice running
recommendationservice running
web running"
	run -0 pp ps --format '{{ .Names }}:{{.Image}}' --filter pod=web
	assert_equal "$output" "web-c:localhost/busybox:latest"
	run -0 pp ps --format 'table {{.Names}}\t{{.State}}'
	assert_equal "${lines[0]%% *}" "NAMES"
	assert_column "$output" "STATE"
	run -0 pp pod ls --format 'table {{.Name}}\t{{.NumberOfContainers}}' --noheading --filter name=web
	assert_equal "$output" "web  1"
	# An unknown field names the known ones; nothing is printed.
	run -125 --separate-stderr pp ps --format '{{.Nope}}'
	assert_equal "$output" ""
	assert_contains "$stderr" "--format: no field \`{{.Nope}}\`: the fields are .ID, .Names, .Image"
	run -125 pp pod ls --format 'yaml'
	assert_contains "$output" "--format \"yaml\": use json, table, or a template"
}

@test "--filter: each key ANDed, its values ORed; the same rows in json; an unknown key names the known ones" {
	write_pods
	pp kube play "$Y/pods.yaml" >/dev/null
	run -0 pp pod ls --format '{{.Name}}' --filter label=app=web
	assert_equal "$output" "web"
	run -0 pp pod ls --format '{{.Name}}' --filter label=tier
	assert_equal "$output" "web"
	# Labels are the exception, as in Podman: every one given must match.
	run -0 pp pod ls --format '{{.Name}}' --filter label=app=web --filter label=tier=front
	assert_equal "$output" "web"
	run -0 pp pod ls --format '{{.Name}}' --filter label=app=web --filter label=app=reco
	assert_equal "$output" ""
	run -125 pp pod ls --filter 'name=(('
	assert_contains "$output" "--filter \"name=((\": not a regular expression"
	run -0 pp pod ls --format '{{.Name}}' --filter name=^reco
	[ "$(echo "$output" | grep -c '^recommendationservice-')" = 2 ]
	[ "$(echo "$output" | wc -l)" = 2 ]
	# Values of one key: either; two keys: both.
	run -0 pp pod ls -q --filter name=web --filter name=^reco
	[ "$(echo "$output" | wc -l)" = 3 ]
	run -0 pp pod ls --format '{{.Name}}' --filter name=web --filter status=running
	assert_equal "$output" "web"
	run -0 pp pod ls --format '{{.Name}}' --filter name=web --filter status=exited
	assert_equal "$output" ""
	# An id prefix, and json of the rows kept.
	local id
	id=$(pp pod ls -q --filter name=web)
	run -0 pp pod ls --format json --filter "id=${id:0:5}"
	assert_equal "$(echo "$output" | python3 -c 'import json, sys; print([p["name"] for p in json.load(sys.stdin)])')" "['web']"
	run -0 pp ps --format '{{.Names}}' --filter status=running --filter pod=web
	assert_equal "$output" "web-c"
	pp pod stop web >/dev/null
	# A status filter lists the containers that do not run without -a, as Podman's.
	run -0 pp ps --format '{{.Names}} {{.State}}' --filter status=exited
	assert_equal "$output" "web-c exited"
	# -q gives way to a template, and json to -q.
	run -0 pp ps -a -q --format '{{.Names}}' --filter name=web
	assert_equal "$output" "web-c"
	run -0 pp ps -a -q --format json --filter name=web
	[ "${#output}" = 12 ]
	run -125 pp pod ls --all
	assert_contains "$output" "unknown option '--all'"
	run -125 pp ps --filter color=red
	assert_contains "$output" "--filter \"color=red\": the filters are id=PREFIX, name=REGEX, pod=POD, status=STATUS, label=KEY[=VALUE]"
}

@test "volumes, networks, Jobs, Services and images list through the same table" {
	cat >"$Y/more.yaml" <<-EOF
		apiVersion: v1
		kind: PersistentVolumeClaim
		metadata:
		  name: a-claim-with-a-rather-long-name-indeed
		spec:
		  accessModes: [ReadWriteOnce]
		  resources: {requests: {storage: 1Mi}}
		---
		apiVersion: v1
		kind: Service
		metadata:
		  name: websvc
		spec:
		  selector: {app: web}
		  ports:
		  - {port: 80, targetPort: 8080}
		---
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
		        image: localhost/busybox:latest
		        command: ["true"]
	EOF
	pp kube play "$Y/more.yaml" >/dev/null
	run -0 pp volume ls
	assert_contains "$output" "a-claim-with-a-rather-long-name-indeed"
	assert_column "$output" "USED BY"
	run -0 pp volume ls --format '{{.Name}}' --filter name=long
	assert_equal "$output" "a-claim-with-a-rather-long-name-indeed"
	run -0 pp service ls --format '{{.Name}} {{.Type}}' --filter type=clusterip
	assert_equal "$output" "websvc ClusterIP"
	run -0 pp job ls --format '{{.Name}}' --filter name=once
	assert_equal "$output" "once"
	run -0 pp network ls --format '{{.Name}} {{.Internal}}'
	assert_equal "$output" "podplay false"
	run -0 pp images --format '{{.Repository}}:{{.Tag}}' --filter reference=busybox
	assert_equal "$output" "localhost/busybox:latest"
	run -0 pp images --format '{{.ID}}' --no-trunc
	[ "$(echo "$output" | awk '{ print length }' | sort -u)" = 64 ]
	run -0 pp images -n
	refute_contains "$output" "REPOSITORY"
	run -0 pp ps --help
	assert_contains "$output" "Fields: .ID .Names .Image .Status .Restarts .Created"
	assert_contains "$output" "Filters: id=PREFIX name=REGEX pod=POD status=STATUS label=KEY[=VALUE]"
}
