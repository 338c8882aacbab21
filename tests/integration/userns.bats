#!/usr/bin/env bats
# Pods with `hostUsers: false`: their containers run in a user namespace of the pod's own, root inside being a
# block of 65536 host ids no other pod has, with idmapped image layers, volumes the pod's root owns, and the
# pod's network owned by that namespace; as a user sees it from inside (exec, logs) and from outside (the host's
# view of files and processes), with the built-in executor and with runc, and nothing left when it goes.

load helpers

load pods

# A pod NAME with hostUsers: false (unless $HOST_USERS says otherwise), an emptyDir, a ConfigMap, a hostPath
# owned by host root, and one container that runs COMMAND then sleeps.
userns_yaml() {
	cat <<-YAML
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: $1-conf
	data:
	  app.conf: "level=3"
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $1
	spec:
	  ${HOST_USERS:-hostUsers: false}
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "$2; exec sleep 1000"]
	    securityContext:
	      capabilities: {add: [NET_ADMIN]}
	    volumeMounts:
	    - {name: data, mountPath: /data}
	    - {name: conf, mountPath: /conf}
	    - {name: host, mountPath: /host}
	  volumes:
	  - {name: data, emptyDir: {}}
	  - {name: conf, configMap: {name: $1-conf}}
	  - {name: host, hostPath: {path: $BATS_TEST_TMPDIR/hostdir, type: Directory}}
	YAML
}

# The first host id of the pod's user namespace, as /proc/self/uid_map shows it inside container CTR.
host_base() {
	pp exec "$1" cat /proc/self/uid_map | awk '{ print $2 }'
}

# Waits for the container's log to hold a line.
wait_log() {
	for _ in $(seq 100); do
		pp logs "$1" 2>/dev/null | grep -q "$2" && return 0
		sleep 0.1
	done
	pp logs "$1" >&2
	return 1
}

# Waits for a container's readiness probe to pass, as `ps --format json` says.
wait_field_ready() {
	for _ in $(seq 100); do
		pp ps -a --format json | python3 -c 'import json,sys; sys.exit(0 if any(c["name"] == sys.argv[1] and c["ready"] for c in json.load(sys.stdin)) else 1)' "$1" && return 0
		sleep 0.1
	done
	echo "$1 is not ready" >&2
	return 1
}

# Nothing of the test's pods is left: no mount (namespace files included), no directory, no process of the range.
assert_nothing_left() {
	run grep -F " $BATS_TEST_TMPDIR/" /proc/self/mountinfo
	assert_equal "$output" ""
	assert_equal "$(ls -A "$RUNROOT/pods" "$ROOT/pods" "$ROOT/containers" 2>/dev/null | grep -v ':$' | grep -v '^$')" ""
	# A process killed at the down may still be exiting, or a zombie until whoever inherited it reaps it: each has
	# two seconds to go (a fresh Debian root beside a CI run once saw one of the range right after the down).
	for base in "$@"; do
		for _ in $(seq 20); do
			run sh -c "ps -e -o uid= | awk -v b=$base '\$1 >= b && \$1 < b + 65536'"
			[ -z "$output" ] && break
			sleep 0.1
		done
		assert_equal "$output" ""
	done
}

# Runs the assertions of one pod (the test's runtime: $PODPLAY_RUNTIME), then removes it.
check_userns_pod() {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	chmod 755 "$BATS_TEST_TMPDIR/hostdir"
	userns_yaml un 'id -u; cat /proc/self/uid_map; echo hi >/data/f; touch /host/x 2>/dev/null || echo host-denied; ip link set lo mtu 1400 && echo net-admin; echo ready' >"$Y/un.yaml"
	run -0 pp kube play "$Y/un.yaml"
	refute_contains "$output" "hostUsers"
	wait_log un-main ready
	base=$(host_base un-main)
	# Kubernetes' layout: a multiple of 65536, here from 2^30 on, far above users and /etc/subuid ranges.
	[ "$base" -ge 1073741824 ] && [ $((base % 65536)) = 0 ]
	# Root inside, a range outside; host root's directory refused; the pod's network is the namespace's to manage.
	run -0 pp logs un-main
	assert_equal "$output" "$(printf '0\n%10d %10d %10d\nhost-denied\nnet-admin\nready' 0 "$base" 65536)"
	run -0 pp exec un-main cat /proc/self/uid_map /proc/self/gid_map
	assert_equal "$output" "$(printf '%10d %10d %10d\n%10d %10d %10d' 0 "$base" 65536 0 "$base" 65536)"
	# Inside: root, and the files of the pod's volumes and its image are root's.
	run -0 pp exec un-main sh -c 'busybox stat -c "%u:%g %n" /data/f /conf/app.conf / /bin/busybox'
	assert_equal "$output" "$(printf '0:0 /data/f\n0:0 /conf/app.conf\n0:0 /\n0:0 /bin/busybox')"
	# Outside: what container root wrote is the range's first id's; the image's layers are left as they were.
	podid=$(pp pod inspect un | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	assert_equal "$(stat -c %u:%g "$ROOT/pods/$podid/volumes/data/f")" "$base:$base"
	run -0 find "$ROOT/layers" -maxdepth 3 -name busybox -user 0
	[ -n "$output" ]
	# The container's process is the range's too, as seen from the host.
	pid=$(pp inspect un-main | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
	assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "$base"
	# Capabilities are root's inside the namespace, none outside it: host root's files stay out of reach.
	run -0 pp exec un-main sh -c 'grep CapEff /proc/self/status; touch /host/y 2>&1 || echo denied'
	assert_contains "$output" "denied"
	[ ! -e "$BATS_TEST_TMPDIR/hostdir/x" ] && [ ! -e "$BATS_TEST_TMPDIR/hostdir/y" ]
	# config.json names the pod's user namespace first, with its maps.
	ctrid=$(pp inspect un-main | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	run -0 python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["linux"]
print(c["namespaces"][0]["type"], c["namespaces"][0]["path"].endswith("/ns/user"))
print(c["uidMappings"], c["gidMappings"])' "$ROOT/containers/$ctrid/config.json"
	assert_equal "$output" "user True
[{'containerID': 0, 'hostID': $base, 'size': 65536}] [{'containerID': 0, 'hostID': $base, 'size': 65536}]"
	run -0 pp kube down "$Y/un.yaml"
	assert_nothing_left "$base"
}

@test "hostUsers false: root in the pod is the first id of a range of its own, with its files, network and no more" {
	check_userns_pod
}

@test "hostUsers false with runc: the same user namespace, maps, files and limits" {
	# runc enters the root filesystem as the pod's root: the directories above the runroot must let it pass.
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	userns_yaml un 'echo ready' >"$Y/un.yaml"
	chmod o-x "$BATS_RUN_TMPDIR"
	PODPLAY_RUNTIME=runc run -125 pp kube play "$Y/un.yaml"
	assert_contains "$output" "pod un: \`$BATS_RUN_TMPDIR\` is not searchable by others: an OCI runtime enters"
	assert_nothing_left
	chmod o+x "$BATS_RUN_TMPDIR"
	PODPLAY_RUNTIME=runc check_userns_pod
}

@test "two pods get two ranges; a removed pod's range goes to the next; a shared PID namespace is the pod's" {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	userns_yaml one 'echo ready' >"$Y/one.yaml"
	userns_yaml two 'echo ready' >"$Y/two.yaml"
	run -0 pp kube play "$Y/one.yaml"
	run -0 pp kube play "$Y/two.yaml"
	one=$(host_base one-main)
	two=$(host_base two-main)
	[ "$one" != "$two" ] && [ $(((one - two) % 65536)) = 0 ]
	run -0 pp kube down "$Y/one.yaml"
	# shareProcessNamespace: the pod's PID 1 and its containers in one PID namespace, owned by the pod's.
	userns_yaml three 'echo ready' | sed 's/^  hostUsers: false/  hostUsers: false\n  shareProcessNamespace: true/' >"$Y/three.yaml"
	run -0 pp kube play "$Y/three.yaml"
	assert_equal "$(host_base three-main)" "$one"
	run -0 pp exec three-main sh -c 'ps -o pid,comm | sed -n 2,3p | tr -s " "'
	assert_equal "$output" "$(printf ' 1 pause\n 2 sleep')"
	# A stop and a start keep the range and the namespace.
	run -0 pp pod stop -t 0 three
	run -0 pp pod start three
	assert_equal "$(host_base three-main)" "$one"
	run -0 pp kube down "$Y/two.yaml"
	run -0 pp kube down "$Y/three.yaml"
	assert_nothing_left "$one" "$two"
}

@test "hostUsers unset or true: the host's user namespace, as before" {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	HOST_USERS='hostUsers: true' userns_yaml hosttrue 'echo ready' >"$Y/hosttrue.yaml"
	HOST_USERS='restartPolicy: Always' userns_yaml hostunset 'echo ready' >"$Y/hostunset.yaml"
	run -0 pp kube play "$Y/hosttrue.yaml" "$Y/hostunset.yaml"
	refute_contains "$output" "hostUsers"
	for ctr in hosttrue-main hostunset-main; do
		run -0 pp exec "$ctr" sh -c 'cat /proc/self/uid_map; touch /host/x && echo host-written'
		assert_equal "$output" "$(printf '         0          0 4294967295\nhost-written')"
	done
	podid=$(pp pod inspect hosttrue | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	[ ! -e "$RUNROOT/pods/$podid/ns/user" ]
	run grep -c userNamespace "$ROOT/pods/$podid/pod.json"
	assert_equal "$output" "0"
	run -0 pp kube down "$Y/hosttrue.yaml" "$Y/hostunset.yaml"
}

@test "hostUsers false is no longer a warning; with hostNetwork it is an error at its position, nothing made" {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	userns_yaml quiet 'echo ready' >"$Y/quiet.yaml"
	run -0 pp kube play "$Y/quiet.yaml"
	refute_contains "$output" "hostUsers"
	userns_yaml bad 'echo ready' | sed 's/^  hostUsers: false/  hostUsers: false\n  hostNetwork: true/' >"$Y/bad.yaml"
	run -125 pp kube play "$Y/bad.yaml"
	assert_contains "$output" "hostNetwork: may not be true when hostUsers is false"
	run -0 pp pod ls --format json
	refute_contains "$output" '"bad"'
}

@test "hostUsers false: runAsUser and fsGroup are ids of the pod's range; exec probes and exec -u join its namespace" {
	cat >"$Y/ids.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: ids
	spec:
	  hostUsers: false
	  terminationGracePeriodSeconds: 0
	  securityContext: {fsGroup: 2000}
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "touch /tmp/ready; exec sleep 1000"]
	    readinessProbe:
	      exec: {command: ["cat", "/tmp/ready"]}
	      periodSeconds: 1
	  - name: user
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "id -u; id -G; echo x >/data/u; echo ready; exec sleep 1000"]
	    securityContext: {runAsUser: 1000}
	    volumeMounts: [{name: data, mountPath: /data}]
	  volumes:
	  - {name: data, emptyDir: {}}
	YAML
	run -0 pp kube play "$Y/ids.yaml"
	wait_log ids-user ready
	base=$(host_base ids-main)
	run -0 pp logs ids-user
	assert_equal "$output" "$(printf '1000\n0 2000\nready')"
	pid=$(pp inspect ids-user | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
	assert_equal "$(awk '/^Uid:/ { print $2 } /^Groups:/ { print $2 }' "/proc/$pid/status" | tr '\n' ' ')" "$((base + 1000)) $((base + 2000)) "
	podid=$(pp pod inspect ids | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	assert_equal "$(stat -c %u:%g "$ROOT/pods/$podid/volumes/data/u")" "$((base + 1000)):$((base + 2000))"
	wait_field_ready ids-main
	run -0 pp exec -u 1000 ids-main id -u
	assert_equal "$output" "1000"
	run -0 pp kube down "$Y/ids.yaml"
	assert_nothing_left "$base"
}

@test "a PersistentVolumeClaim in a hostUsers: false pod is bound idmapped: the pod's root owns host root's files and writes as host root; pod start binds it again" {
	cat >"$Y/pvc.yaml" <<-'YAML'
	apiVersion: v1
	kind: PersistentVolumeClaim
	metadata:
	  name: shared
	spec:
	  accessModes: [ReadWriteOnce]
	  resources: {requests: {storage: 1Gi}}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: inner
	spec:
	  hostUsers: false
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	    volumeMounts:
	    - {name: data, mountPath: /data}
	  volumes:
	  - {name: data, persistentVolumeClaim: {claimName: shared}}
	YAML
	run -0 pp kube play "$Y/pvc.yaml"
	base=$(host_base inner-main)
	[ "$base" -ge 1073741824 ]
	# Root inside writes; on the host the file is host root's (the volume's owners are never shifted).
	run -0 pp exec inner-main sh -c 'echo from-inside >/data/f; ls -ln /data/f'
	[[ "$output" == *" 0 "*" 0 "* ]]
	data="$ROOT/volumes/shared/_data"
	assert_equal "$(stat -c '%u:%g' "$data/f")" "0:0"
	assert_equal "$(cat "$data/f")" "from-inside"
	# Host root's file is the pod's root's inside.
	echo from-host >"$data/g"
	run -0 pp exec inner-main sh -c 'stat -c %u:%g /data/g; echo more >>/data/g'
	assert_equal "$output" "0:0"
	assert_equal "$(stat -c '%u:%g' "$data/g")" "0:0"
	# Stopped and started again (the mount is made anew when missing), then gone with the pod; the data stays.
	run -0 pp pod stop -t 0 inner
	run -0 pp pod start inner
	run -0 pp exec inner-main cat /data/f
	assert_equal "$output" "from-inside"
	id=$(pp pod inspect inner | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	grep -q " $ROOT/pods/$id/claims/data " /proc/self/mountinfo
	run -0 pp kube down "$Y/pvc.yaml"
	! grep -q " $ROOT/pods/$id/" /proc/self/mountinfo
	[ -f "$data/f" ]
}
