#!/usr/bin/env bats
# podplay as an ordinary user: its own roots (XDG), its user namespace (the user as 0, /etc/subuid's range above),
# images pulled and loaded with their owners mapped into that range, and what is not built for a user yet refused.
# The file makes two users (one with subordinate ids, one without) and removes them, with /etc/subuid and
# /etc/subgid as they were, at its end.

load helpers
load registry

# Other names where another run of this file is under way on the machine.
USER1=${PODPLAY_TEST_USER1:-pprootless1}
USER2=${PODPLAY_TEST_USER2:-pprootless2}
MARK="podplay rootless.bats"

# Removes a user this file made (by its GECOS mark), and whatever it left in /tmp.
drop_user() {
	local uid
	if [ "$(getent passwd "$1" | cut -d: -f5)" = "$MARK" ]; then
		uid=$(id -u "$1")
		# What a failed test left running as it: the user is this file's, and so are its processes.
		for pid in $(pgrep -u "$1"); do
			kill -9 "$pid" 2>/dev/null || true
		done
		for _ in $(seq 20); do
			pgrep -u "$1" >/dev/null || break
			sleep 0.1
		done
		userdel "$1" 2>/dev/null || true
		rm -rf "/tmp/podplay-$uid"
	fi
}

setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
	cp -p /etc/subuid "$BATS_FILE_TMPDIR/subuid.orig"
	cp -p /etc/subgid "$BATS_FILE_TMPDIR/subgid.orig"
	drop_user "$USER1"
	drop_user "$USER2"
	useradd -M -s /bin/sh -c "$MARK" "$USER1"
	useradd -M -s /bin/sh -c "$MARK" -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$USER2"
	# Files every user can read: the binaries and the test images (bats' own folders are root's alone).
	SHARED=$(mktemp -d /tmp/podplay-rootless.XXXXXX)
	chmod 755 "$SHARED"
	cp "$PODPLAY" "$SHARED/podplay"
	cp "$(dirname "$PODPLAY")/podplay-monitor" "$SHARED/podplay-monitor"
	cp -r "$BATS_FILE_TMPDIR/images" "$SHARED/images"
	chmod -R a+rX "$SHARED"
	echo "$SHARED" >"$BATS_FILE_TMPDIR/shared"
}

teardown_file() {
	drop_user "$USER1"
	drop_user "$USER2"
	cp -p "$BATS_FILE_TMPDIR/subuid.orig" /etc/subuid
	cp -p "$BATS_FILE_TMPDIR/subgid.orig" /etc/subgid
	rm -rf "$(cat "$BATS_FILE_TMPDIR/shared")"
}

setup() {
	: "${PODPLAY:?set PODPLAY to the podplay binary (an absolute path)}"
	cd "$REPO_ROOT"
	SHARED=$(cat "$BATS_FILE_TMPDIR/shared")
	# Each user's home and runtime directory, the user's own, as a login would make them.
	for u in "$USER1" "$USER2"; do
		mkdir -p "$SHARED/$u/home" "$SHARED/$u/run"
		chown -R "$u:$u" "$SHARED/$u"
		chmod 700 "$SHARED/$u/run"
	done
}

teardown() {
	registry_stop
	if [ -f "$BATS_TEST_TMPDIR/tun.mode" ]; then
		chmod "$(cat "$BATS_TEST_TMPDIR/tun.mode")" /dev/net/tun
	fi
	if [ -f "$BATS_TEST_TMPDIR/fuse.mode" ]; then
		chmod "$(cat "$BATS_TEST_TMPDIR/fuse.mode")" /dev/fuse
	fi
	# A watcher a failed test left, by its id.
	if [ -f "$BATS_TEST_TMPDIR/watch.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/watch.pid")" 2>/dev/null || true
	fi
	# Pods a failed test left: each user's podplay removes its own (a user's processes are ended by id).
	for u in "$USER1" "$USER2"; do
		for f in "$SHARED"/*.yaml; do
			[ -f "$f" ] && as "$u" "$SHARED/podplay" kube down --force "$f" >/dev/null 2>&1
		done
		user_processes_gone "$u" || true
	done
	# A user's store holds files of its subordinate ids: root removes them.
	[ -n "${SHARED:-}" ] && rm -rf "${SHARED:?}/$USER1" "${SHARED:?}/$USER2"
	rm -rf "/tmp/podplay-$(id -u "$USER1")" "/tmp/podplay-$(id -u "$USER2")"
}

# `as USER CMD...`: CMD as USER with a login's environment (HOME, XDG_RUNTIME_DIR), nothing of root's.
as() {
	local u=$1
	shift
	setpriv --reuid "$u" --regid "$u" --init-groups env -i HOME="$SHARED/$u/home" XDG_RUNTIME_DIR="$SHARED/$u/run" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# The first subordinate id of user $1 in /etc/subuid.
subuid_start() {
	awk -F: -v u="$1" '$1 == u { print $2; exit }' /etc/subuid
}

# A field of `podplay info --format json` of user $1: $2 is a Python expression on `d`.
info_field() {
	as "$1" "$SHARED/podplay" info --format json | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

@test "info as an ordinary user: rootless, the XDG roots, and the ids /etc/subuid gives the user" {
	local uid start
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	run -0 info_field "$USER1" 'd["host"]["mode"], d["host"]["user"], d["host"]["uid"]'
	assert_equal "$output" "rootless $USER1 $uid"
	run -0 info_field "$USER1" 'd["store"]["graphRoot"], d["store"]["runRoot"]'
	assert_equal "$output" "$SHARED/$USER1/home/.local/share/podplay $SHARED/$USER1/run/podplay"
	run -0 info_field "$USER1" '[(m["container_id"], m["host_id"], m["size"]) for m in d["host"]["idMappings"]["uidmap"]]'
	assert_equal "$output" "[(0, $uid, 1), (1, $start, 65536)]"
	# The text is the same record as YAML.
	run -0 as "$USER1" "$SHARED/podplay" info
	assert_contains "$output" "  mode: rootless"
	assert_contains "$output" "      - container_id: 1
        host_id: $start
        size: 65536"
	# Root's podplay: root's roots, no user namespace.
	run -0 "$PODPLAY" info --format json
	assert_contains "$output" '"mode": "root"'
	assert_contains "$output" '"graphRoot": "/var/lib/podplay"'
	refute_contains "$output" idMappings
}

@test "unshare runs a command as root of the user's namespace; root has none" {
	local uid start
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	run -0 as "$USER1" "$SHARED/podplay" unshare sh -c 'id -u; id -g; cat /proc/self/uid_map'
	assert_equal "$(echo "$output" | head -2 | tr '\n' ' ')" "0 0 "
	assert_equal "$(echo "$output" | tail -2 | awk '{ print $1, $2, $3 }' | tr '\n' ' ')" "0 $uid 1 1 $start 65536 "
	# Its exit status is the command's.
	run -3 as "$USER1" "$SHARED/podplay" unshare sh -c 'exit 3'
	run -127 as "$USER1" "$SHARED/podplay" unshare /no/such/program
	assert_contains "$output" "cannot run \`/no/such/program\`"
	run -125 "$PODPLAY" unshare true
	assert_contains "$output" "unshare is for an ordinary user"
}

@test "an image loaded by a user is the user's: owners mapped into its range, devices left out, removed by rmi" {
	local uid start store
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	store=$SHARED/$USER1/home/.local/share/podplay
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/layered"
	run -0 as "$USER1" "$SHARED/podplay" images --format json
	assert_contains "$output" layered
	# Owners on the host: root of the image is the user, uid 1000 of the image is the range's 1000th id.
	run -0 find "$store/layers" -path '*/bin/busybox' -printf '%u\n'
	assert_equal "$(echo "$output" | sort -u)" "$USER1"
	run -0 find "$store/layers" -path '*/data/b' -printf '%U:%G\n'
	assert_equal "$(echo "$output" | sort -u)" "$((start + 999)):$((start + 999))"
	# The character device of the image cannot be made in a user namespace: it is left out. Its FIFO is there,
	# and the whiteout of /data/a, a 0:0 device the kernel lets a user namespace make.
	run -0 find "$store/layers" -path '*/data/*' \( -type c -o -type p \) -printf '%y %f\n'
	assert_equal "$(echo "$output" | sort)" "c a
p fifo"
	# Root sees none of it in root's own store, and the user's rmi removes every file of its range.
	run -0 as "$USER1" "$SHARED/podplay" rmi "$(as "$USER1" "$SHARED/podplay" images -q | head -1)"
	run -0 find "$store/layers" -mindepth 1 -maxdepth 1
	assert_equal "$output" ""
}

@test "pull as a user from a registry on 127.0.0.1 stores the image in the user's store" {
	local start
	start=$(subuid_start "$USER1")
	registry_start plain
	registry_push "$SHARED/images/layered" podplay/layered
	run -0 as "$USER1" "$SHARED/podplay" pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	run -0 find "$SHARED/$USER1/home/.local/share/podplay/layers" -path '*/data/b' -printf '%U\n'
	assert_equal "$(echo "$output" | sort -u)" "$((start + 999))"
	# Another user's podplay sees nothing of it.
	run -0 as "$USER2" "$SHARED/podplay" images -q
	assert_equal "$output" ""
}

@test "a user without subordinate ids is warned once, with the fix; an image of other owners fails whole" {
	run -0 as "$USER2" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	assert_contains "$output" "$USER2 has no subordinate ids in /etc/subuid"
	assert_contains "$output" "usermod --add-subuids"
	assert_equal "$(echo "$output" | grep -c 'subordinate ids')" 1
	run -0 find "$SHARED/$USER2/home/.local/share/podplay/layers" -path '*/bin/busybox' -printf '%u\n'
	assert_equal "$output" "$USER2"
	run -125 as "$USER2" "$SHARED/podplay" load -q -i "oci:$SHARED/images/layered"
	assert_contains "$output" "its owner 1000:1000 is not mapped in the user's namespace"
	run -0 as "$USER2" "$SHARED/podplay" images --format json
	refute_contains "$output" layered
}

@test "the run root under /tmp is private; one someone else made first is refused" {
	local uid
	uid=$(id -u "$USER1")
	rm -rf "/tmp/podplay-$uid"
	run -0 setpriv --reuid "$USER1" --regid "$USER1" --init-groups env -i HOME="$SHARED/$USER1/home" \
		PATH=/usr/bin:/bin "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	run -0 stat -c '%U %a' "/tmp/podplay-$uid"
	assert_equal "$output" "$USER1 700"
	rm -rf "/tmp/podplay-$uid"
	mkdir -m 755 "/tmp/podplay-$uid"
	run -125 setpriv --reuid "$USER1" --regid "$USER1" --init-groups env -i HOME="$SHARED/$USER1/home" \
		PATH=/usr/bin:/bin "$SHARED/podplay" rmi -f busybox
	assert_contains "$output" "run root \`/tmp/podplay-$uid\` is not a private directory"
	assert_contains "$output" "XDG_RUNTIME_DIR"
}

@test "validate works as a user; a play without /dev/net/tun open fails naming the fix, and leaves nothing" {
	run -0 as "$USER1" "$SHARED/podplay" kube validate - <"$FIXTURES/good/pod-multi-container.yaml"
	# A pod network needs /dev/net/tun open to users (Debian's 0666): closed, the play fails naming the fix, and
	# nothing is left of it.
	tun_mode 0600
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	write_app
	run -125 as "$USER1" "$SHARED/podplay" kube play "$SHARED/app.yaml"
	assert_contains "$output" "slirp4netns needs /dev/net/tun, which this user may not open: give it mode 0666"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	user_processes_gone "$USER1"
}

# Sets /dev/fuse's mode to $1 for this test; teardown puts the machine's back.
fuse_mode() {
	[ -f "$BATS_TEST_TMPDIR/fuse.mode" ] || stat -c %a /dev/fuse >"$BATS_TEST_TMPDIR/fuse.mode"
	chmod "$1" /dev/fuse
}

# Sets /dev/net/tun's mode to $1 for this test; teardown puts the machine's back.
tun_mode() {
	[ -f "$BATS_TEST_TMPDIR/tun.mode" ] || stat -c %a /dev/net/tun >"$BATS_TEST_TMPDIR/tun.mode"
	chmod "$1" /dev/net/tun
}

# The pod most tests play: a ConfigMap's value in env, an init container writing to an emptyDir the main container
# reads (and its readiness probe runs cat on), a hostPath of the user's, a container that keeps failing.
write_app() {
	mkdir -p "$SHARED/$USER1/hp"
	chown "$USER1:$USER1" "$SHARED/$USER1/hp"
	cat >"$SHARED/app.yaml" <<-EOF
		apiVersion: v1
		kind: ConfigMap
		metadata:
		  name: cfg
		data:
		  greeting: hello from cfg
		---
		apiVersion: v1
		kind: Pod
		metadata:
		  name: app
		spec:
		  terminationGracePeriodSeconds: 2
		  initContainers:
		  - name: init
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "echo from-init > /work/init.txt"]
		    volumeMounts:
		    - {name: work, mountPath: /work}
		  containers:
		  - name: main
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "trap 'exit 0' TERM; echo \"\$GREETING\"; cat /work/init.txt; id -u; echo ok > /host/out.txt; sleep 1000 & wait"]
		    env:
		    - name: GREETING
		      valueFrom: {configMapKeyRef: {name: cfg, key: greeting}}
		    resources:
		      limits: {memory: 64Mi}
		    readinessProbe:
		      exec: {command: ["cat", "/work/init.txt"]}
		      periodSeconds: 1
		    volumeMounts:
		    - {name: work, mountPath: /work}
		    - {name: host, mountPath: /host}
		  - name: crasher
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "echo run; exit 3"]
		  volumes:
		  - name: work
		    emptyDir: {}
		  - name: host
		    hostPath: {path: $SHARED/$USER1/hp, type: Directory}
	EOF
	chmod 644 "$SHARED/app.yaml"
}

# Waits up to 10 s until `podplay ARGS` as USER1 prints something containing $1.
wait_output() {
	local want=$1 i
	shift
	for i in $(seq 50); do
		run as "$USER1" "$SHARED/podplay" "$@"
		case "$output" in *"$want"*) return 0 ;; esac
		sleep 0.2
	done
	echo "never saw \"$want\" in: $output" >&2
	return 1
}

@test "a user plays a pod: env, init container and emptyDir, hostPath, probe, restarts, logs, exec, down" {
	local uid
	uid=$(id -u "$USER1")
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	write_app
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/app.yaml"
	assert_contains "$output" "pod/app "
	# The memory limit cannot be applied without a delegated cgroup: said once, naming the container.
	assert_contains "$output" "resources are not applied"
	assert_contains "$output" "pod app container main"
	wait_output "from-init" logs app-main
	assert_equal "$output" "hello from cfg
from-init
0"
	# The readiness probe ran in the pod (1 of 2 ready: the crasher never is), and the crasher restarts.
	wait_output "1/2" pod ls
	wait_output "run
run" logs app-crasher
	run -0 as "$USER1" "$SHARED/podplay" exec app-main sh -c 'id -u; cat /work/init.txt'
	assert_equal "$output" "0
from-init"
	# What the container wrote through the hostPath is the user's on the host.
	run -0 stat -c '%u %s' "$SHARED/$USER1/hp/out.txt"
	assert_equal "$output" "$uid 3"
	# A play again changes nothing; down removes all, and no process of the user is left.
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/app.yaml"
	assert_contains "$output" "pod/app"
	assert_contains "$output" "unchanged"
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/app.yaml"
	assert_contains "$output" "removed"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	user_processes_gone "$USER1"
}

# The user namespaces of user $1's running pod monitors, each once.
monitors_userns() {
	local pid
	for pid in $(pgrep -u "$1" -f podplay-monitor); do
		# A zombie (its parent, init, reaps it in its own time) has no command line and counts no more.
		[ -n "$(tr -d '\0' <"/proc/$pid/cmdline" 2>/dev/null)" ] && readlink "/proc/$pid/ns/user"
	done | sort -u
}

# Waits up to 3 s until user $1 has no process but zombies (which init reaps), and fails naming the others.
user_processes_gone() {
	local i left
	for i in $(seq 30); do
		left=$(ps -o pid=,stat=,args= -u "$1" | awk '$2 !~ /^Z/')
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "processes of $1 left: $left" >&2
	return 1
}

@test "root of a user's container is not root on the host: root's files stay closed, another user's too" {
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	mkdir -p "$SHARED/rootdir" "$SHARED/$USER2/private"
	echo secret >"$SHARED/$USER2/private/file"
	chown -R "$USER2:$USER2" "$SHARED/$USER2/private"
	chmod 700 "$SHARED/$USER2/private"
	cat >"$SHARED/escape.yaml" <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: escape
		spec:
		  restartPolicy: Never
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "echo x > /rootdir/planted || echo write-denied; cat /other/file || echo read-denied"]
		    volumeMounts:
		    - {name: rootdir, mountPath: /rootdir}
		    - {name: other, mountPath: /other}
		  volumes:
		  - name: rootdir
		    hostPath: {path: $SHARED/rootdir, type: Directory}
		  - name: other
		    hostPath: {path: $SHARED/$USER2/private, type: Directory}
	EOF
	chmod 644 "$SHARED/escape.yaml"
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/escape.yaml"
	wait_output "read-denied" logs escape-c
	assert_contains "$output" "write-denied"
	refute_contains "$output" secret
	[ ! -e "$SHARED/rootdir/planted" ]
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/escape.yaml"
	rm -rf "${SHARED:?}/rootdir"
}

@test "a user's Job runs to completion; another user's podplay sees none of the first user's pods" {
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	cat >"$SHARED/job.yaml" <<-EOF
		apiVersion: batch/v1
		kind: Job
		metadata:
		  name: count
		spec:
		  completions: 2
		  template:
		    spec:
		      restartPolicy: Never
		      containers:
		      - name: c
		        image: localhost/busybox:latest
		        command: ["sh", "-c", "echo done"]
	EOF
	chmod 644 "$SHARED/job.yaml"
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/job.yaml"
	wait_output "Complete" job ls
	assert_contains "$output" "2/2"
	run -0 as "$USER2" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	run -0 as "$USER2" "$SHARED/podplay" job ls -q
	assert_equal "$output" ""
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/job.yaml"
	assert_contains "$output" "job/count removed"
	user_processes_gone "$USER1"
}

@test "every podplay of a user joins the namespace its pods run in; with no pod left the next makes a new one" {
	local first second
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	write_app
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/app.yaml"
	first=$(cut -d" " -f1 "$SHARED/$USER1/run/podplay/userns")
	sed 's/name: app$/name: app2/' "$SHARED/app.yaml" >"$SHARED/app2.yaml"
	chmod 644 "$SHARED/app2.yaml"
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/app2.yaml"
	assert_equal "$(cut -d" " -f1 "$SHARED/$USER1/run/podplay/userns")" "$first"
	# Both pods' monitors are in the one user namespace recorded, and a third podplay reaches either pod.
	assert_equal "$(monitors_userns "$USER1")" "user:[$first]"
	run -0 as "$USER1" "$SHARED/podplay" exec app-main cat /work/init.txt
	run -0 as "$USER1" "$SHARED/podplay" exec app2-main cat /work/init.txt
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/app.yaml" "$SHARED/app2.yaml"
	user_processes_gone "$USER1"
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/app.yaml"
	second=$(cut -d" " -f1 "$SHARED/$USER1/run/podplay/userns")
	assert_equal "$(monitors_userns "$USER1")" "user:[$second]"
	wait_output "from-init" logs app-main
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/app.yaml"
	user_processes_gone "$USER1"
}

@test "run as a user: --network none and --network host (the host's /sys bound read-only, not mounted)" {
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	run -0 as "$USER1" "$SHARED/podplay" run --rm --network none localhost/busybox:latest sh -c 'id -u; cat /proc/net/dev | grep -c :'
	assert_equal "$output" "0
1"
	# On the host's network the container sees the host's links (this test's namespace has more than loopback).
	run -0 as "$USER1" "$SHARED/podplay" run --rm --network host localhost/busybox:latest sh -c 'ls /sys/class/net | grep -c .; echo x > /sys/x || echo ro'
	[ "$(echo "$output" | head -1)" -gt 1 ]
	assert_contains "$output" "ro"
	run -125 as "$USER1" "$SHARED/podplay" run --pod x --network none localhost/busybox:latest true
	assert_contains "$output" "--network with --pod"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	user_processes_gone "$USER1"
}

# A web server publishing hostPort 18080, its Service, and a client pod, on the user's pod network.
write_web() {
	cat >"$SHARED/web.yaml" <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: web
		  labels: {app: web}
		spec:
		  terminationGracePeriodSeconds: 2
		  containers:
		  - name: httpd
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "mkdir -p /www; echo hello-from-web > /www/index.html; exec httpd -f -p 8080 -h /www"]
		    ports:
		    - {containerPort: 8080, hostPort: 18080}
		---
		apiVersion: v1
		kind: Service
		metadata:
		  name: websvc
		spec:
		  type: NodePort
		  selector: {app: web}
		  ports:
		  - {port: 80, targetPort: 8080, nodePort: 30080}
		---
		apiVersion: v1
		kind: Pod
		metadata:
		  name: client
		spec:
		  terminationGracePeriodSeconds: 2
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
	EOF
	chmod 644 "$SHARED/web.yaml"
}

# Asks URL $1 until it answers (50 tries), each from a new client port: a connection of the same ports as one to
# a pod that is gone (TIME_WAIT) keeps that pod's translation until it expires.  $output is the last answer.
curl_until() {
	for _ in $(seq 50); do
		output=$(curl -sS --max-time 2 "$1" 2>/dev/null) && return 0
		sleep 0.1
	done
	return 1
}

# /dev/net/tun opened to users, the busybox image loaded, and web.yaml played as USER1.
play_web() {
	tun_mode 0666
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	write_web
	run -0 as "$USER1" "$SHARED/podplay" kube play "$SHARED/web.yaml"
}

@test "a user's pods reach each other and a Service by name on a pod network, and publish a hostPort (slirp4netns)" {
	play_web
	assert_contains "$output" "pod/web"
	# Each pod has its address on the user's network; the client reaches the server by its name and the Service's.
	run -0 as "$USER1" "$SHARED/podplay" exec client-c sh -c 'ip -4 addr show eth0'
	assert_contains "$output" "inet 10.244."
	wait_output "hello-from-web" exec client-c wget -qO- http://websvc/
	run -0 as "$USER1" "$SHARED/podplay" exec client-c wget -qO- http://web:8080/
	assert_equal "$output" "hello-from-web"
	# The hostPort, on the host's side (this test's loopback), by slirp4netns; another user cannot take it.
	run -0 curl -sS --max-time 5 http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-web"
	# The Service's node port too, to one of its endpoints.
	run -0 curl -sS --max-time 5 http://127.0.0.1:30080/
	assert_equal "$output" "hello-from-web"
	# A LoadBalancer's port is a port on the host: under the floor, refused at its position.
	cat >"$SHARED/lb80.yaml" <<-EOF
		apiVersion: v1
		kind: Service
		metadata:
		  name: lb
		spec:
		  type: LoadBalancer
		  selector: {app: web}
		  ports:
		  - {port: 80, targetPort: 8080}
	EOF
	chmod 644 "$SHARED/lb80.yaml"
	run -125 as "$USER1" "$SHARED/podplay" kube play "$SHARED/lb80.yaml"
	assert_contains "$output" "lb80.yaml:9:5: service lb: spec.ports[0]: port 80/TCP on the host: an ordinary user may bind ports from 1024 up (net.ipv4.ip_unprivileged_port_start)"
	# Under the unprivileged port floor: refused naming the setting, and the play leaves nothing.
	sed 's/hostPort: 18080/hostPort: 80/; s/name: web$/name: web80/; s/app: web}/app: web80}/' "$SHARED/web.yaml" |
		awk '/^---/ { exit } { print }' >"$SHARED/web80.yaml"
	chmod 644 "$SHARED/web80.yaml"
	run -125 as "$USER1" "$SHARED/podplay" kube play "$SHARED/web80.yaml"
	assert_contains "$output" "web80.yaml:13:7: pod web80: hostPort 80: an ordinary user may bind ports from 1024 up (net.ipv4.ip_unprivileged_port_start): nothing was created"
	# So is a hostNetwork pod's containerPort there: its container would bind it on the host.
	sed 's/^spec:$/spec:\n  hostNetwork: true/; s/, hostPort: 80//; s/containerPort: 8080/containerPort: 443/' \
		"$SHARED/web80.yaml" >"$SHARED/web443.yaml"
	chmod 644 "$SHARED/web443.yaml"
	run -125 as "$USER1" "$SHARED/podplay" kube play "$SHARED/web443.yaml"
	assert_contains "$output" "web443.yaml:14:7: pod web80: containerPort 443: an ordinary user may bind ports from 1024 up (net.ipv4.ip_unprivileged_port_start), and a hostNetwork pod's container binds it on the host"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$(echo "$output" | wc -l)" 2
	# The file's web pod renamed: the new pod takes the port over from the old one, which the play removes.
	sed -i 's/name: web$/name: web2/' "$SHARED/web.yaml"
	run -0 as "$USER1" "$SHARED/podplay" kube play "$SHARED/web.yaml"
	assert_contains "$output" "pod/web2"
	curl_until http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-web"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$(echo "$output" | wc -l)" 2
	run -0 as "$USER1" "$SHARED/podplay" pod ls
	assert_contains "$output" "web2"
	# The down withdraws the ports and, with the user's last pod on a network, ends slirp4netns.
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/web.yaml"
	run curl -sS --max-time 2 http://127.0.0.1:18080/
	[ "$status" -ne 0 ]
	run curl -sS --max-time 2 http://127.0.0.1:30080/
	[ "$status" -ne 0 ]
	user_processes_gone "$USER1"
}

@test "a user's container sees an image's layers merged as root's does: whiteouts, opaque directories, owners" {
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/layered"
	run -0 as "$USER1" "$SHARED/podplay" run --rm --network none localhost/layered:latest \
		sh -c 'ls /data | tr "\n" " "; echo; ls /data/dir | tr "\n" " "; echo; set -- $(ls -n /data/b); echo $3 $4'
	# Layer 3 whites out /data/a and makes /data/dir opaque (layer 2's x and sub hidden, its own y shown).
	assert_equal "$output" "b dir empty fifo hard link xattr 
y 
1000 1000"
	# The same through fuse-overlayfs (what Linux before 5.11 needs, here by the configuration): `info` says so.
	fuse_mode 0666
	echo "overlay = fuse-overlayfs" >"$SHARED/fuse.conf"
	chmod 644 "$SHARED/fuse.conf"
	run -0 as "$USER1" env PODPLAY_CONFIG="$SHARED/fuse.conf" "$SHARED/podplay" info
	assert_contains "$output" "overlay: fuse-overlayfs (the configuration's overlay)"
	run -0 as "$USER1" env PODPLAY_CONFIG="$SHARED/fuse.conf" "$SHARED/podplay" run --rm --network none \
		localhost/layered:latest sh -c 'grep " / " /proc/mounts | cut -d" " -f3; ls /data | tr "\n" " "; echo;
			ls /data/dir | tr "\n" " "; echo; set -- $(ls -n /data/b); echo $3 $4'
	assert_equal "$output" "fuse.fuse-overlayfs
b dir empty fifo hard link xattr 
y 
1000 1000"
	user_processes_gone "$USER1"
}

@test "a user's pods on a network are removed whole when slirp4netns was killed under them" {
	play_web
	run -0 curl -sS --max-time 5 http://127.0.0.1:18080/
	# slirp4netns (a process this test started, through podplay) is gone: the pods can still be removed.
	kill -9 "$(cat "$SHARED/$USER1/run/podplay/infra/slirp.pid")"
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/web.yaml"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	user_processes_gone "$USER1"
	# The next play makes the network anew, and its port answers again.
	run -0 as "$USER1" "$SHARED/podplay" kube play "$SHARED/web.yaml"
	curl_until http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-web"
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/web.yaml"
	user_processes_gone "$USER1"
}

@test "a user's hostNetwork pods are on the host's network, beside pods on the user's pod network; a re-play moves one" {
	tun_mode 0666
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	write_web
	local host_net
	host_net=$(readlink /proc/self/ns/net)
	# One play, both kinds: the hostNetwork pod's containers are in the host's network namespace, not the user's.
	awk '/^---/ { n++ } n == 1 { next } n == 2 && /^  containers:$/ { print "  hostNetwork: true" } { print }' \
		"$SHARED/web.yaml" | sed 's/name: client$/name: hostclient/' >"$SHARED/mixed.yaml"
	grep -q "hostNetwork: true" "$SHARED/mixed.yaml"
	chmod 644 "$SHARED/mixed.yaml"
	# A Job of hostNetwork pods too: its controller starts them on the host's network.
	mkdir -p "$SHARED/$USER1/hp"
	chown "$USER1:" "$SHARED/$USER1/hp"
	cat >>"$SHARED/mixed.yaml" <<-EOF
		---
		apiVersion: batch/v1
		kind: Job
		metadata:
		  name: hostjob
		spec:
		  template:
		    spec:
		      hostNetwork: true
		      restartPolicy: Never
		      containers:
		      - name: j
		        image: localhost/busybox:latest
		        command: ["sh", "-c", "ls -l /proc/self/ns/net | sed 's/.*-> //' >/hp/jobnet"]
		        volumeMounts: [{name: hp, mountPath: /hp}]
		      volumes: [{name: hp, hostPath: {path: $SHARED/$USER1/hp}}]
	EOF
	run -0 as "$USER1" "$SHARED/podplay" kube play "$SHARED/mixed.yaml"
	run -0 as "$USER1" "$SHARED/podplay" exec hostclient-c sh -c "ls -l /proc/self/ns/net | sed 's/.*-> //'"
	assert_equal "$output" "$host_net"
	for _ in $(seq 50); do
		[ -s "$SHARED/$USER1/hp/jobnet" ] && break
		sleep 0.1
	done
	assert_equal "$(cat "$SHARED/$USER1/hp/jobnet")" "$host_net"
	run -0 as "$USER1" "$SHARED/podplay" exec web-httpd sh -c "ls -l /proc/self/ns/net | sed 's/.*-> //'"
	[ "$output" != "$host_net" ]
	run -0 curl -sS --max-time 5 http://127.0.0.1:18080/
	# Stopped and started again from a command on the user's pod network: still the host's.
	run -0 as "$USER1" "$SHARED/podplay" pod stop hostclient
	run -0 as "$USER1" "$SHARED/podplay" pod start hostclient
	run -0 as "$USER1" "$SHARED/podplay" exec hostclient-c sh -c "ls -l /proc/self/ns/net | sed 's/.*-> //'"
	assert_equal "$output" "$host_net"
	# The web pod made a hostNetwork pod by a re-play: the old one leaves the user's network, and its hostPort
	# goes with it (the new one serves 8080 on the host's network itself).
	sed -i '0,/^  containers:$/s//  hostNetwork: true\n  containers:/; s/, hostPort: 18080//' "$SHARED/mixed.yaml"
	run -0 as "$USER1" "$SHARED/podplay" kube play "$SHARED/mixed.yaml"
	run curl -sS --max-time 2 http://127.0.0.1:18080/
	[ "$status" -ne 0 ]
	curl_until http://127.0.0.1:8080/
	assert_equal "$output" "hello-from-web"
	run -0 as "$USER1" "$SHARED/podplay" exec web-httpd sh -c "ls -l /proc/self/ns/net | sed 's/.*-> //'"
	assert_equal "$output" "$host_net"
	# No pod is on the user's network now: its slirp4netns has ended.
	[ ! -e "$SHARED/$USER1/run/podplay/infra/net" ]
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/mixed.yaml"
	user_processes_gone "$USER1"
}

@test "a user's pod of hostUsers: false runs in a namespace of its own on the user's subordinate ids (fuse-overlayfs)" {
	local uid start
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	fuse_mode 0666
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	write_app
	sed 's/^spec:$/spec:\n  hostUsers: false/; s/name: app$/name: own/' "$SHARED/app.yaml" >"$SHARED/own-userns.yaml"
	chmod 644 "$SHARED/own-userns.yaml"
	run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/own-userns.yaml"
	wait_output "from-init" logs own-main
	# Root inside; on the host, the first subordinate id of the user, not the user.
	run -0 as "$USER1" "$SHARED/podplay" exec own-main sh -c 'id -u; cat /proc/self/uid_map; stat -c "%u %g" / /bin/sh'
	assert_equal "$(echo "$output" | tr -s ' ' | sed 's/^ //')" "0
0 1 65536
0 0
0 0"
	run -0 pgrep -u "$start" sleep
	run pgrep -u "$uid" sleep
	[ "$status" -ne 0 ]
	# kube generate writes it back as it was played.
	run -0 as "$USER1" "$SHARED/podplay" kube generate own
	assert_contains "$output" "hostUsers: false"
	assert_contains "$output" "name: own"
	# What the container writes is stored as the container's own ids (the user's, in the user's namespace).
	run -0 as "$USER1" "$SHARED/podplay" exec own-main sh -c 'echo mark > /marker'
	run -0 find "$SHARED/$USER1/home/.local/share/podplay/containers" -path '*/upper/marker' -printf '%u'
	assert_equal "$output" "$USER1"
	# Stopped and started again: its root is mounted anew, with what it wrote.
	run -0 as "$USER1" "$SHARED/podplay" pod stop own
	run -0 as "$USER1" "$SHARED/podplay" pod start own
	# (pod start returns as the init container starts; main runs once it is done.)
	wait_output "mark" exec own-main cat /marker
	run -0 as "$USER1" "$SHARED/podplay" exec own-main sh -c 'id -u; cat /marker; stat -c %u /marker'
	assert_equal "$output" "0
mark
0"
	# The user's 65536 subordinate ids hold one such pod: a second is refused, naming the fix, and nothing is left.
	cat >"$SHARED/own2.yaml" <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: own2
		spec:
		  hostUsers: false
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    command: ["sleep", "1000"]
	EOF
	chmod 644 "$SHARED/own2.yaml"
	run -125 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/own2.yaml"
	assert_contains "$output" "pod own2"
	assert_contains "$output" "pod own2: hostUsers: false: the 65536 subordinate ids of this user's namespace hold 1 pod in a user namespace of its own (65536 ids each), and it is taken: give the user more (usermod --add-subuids and --add-subgids)"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$(echo "$output" | wc -l)" 1
	# A changed pod's replacement borrows the ids of the pod it replaces, and holds them once that pod is gone:
	# played changed twice, it runs on the same ids each time, with a root of its own, and own2 is still refused.
	local n
	for n in 1 2; do
		sed -i "s/echo ok > \/host\/out.txt/echo changed/; s/echo changed[0-9]*;/echo changed$n;/" "$SHARED/own-userns.yaml"
		run -0 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/own-userns.yaml"
		assert_contains "$output" "pod/own"
		wait_output "changed$n" logs own-main
		run -0 as "$USER1" "$SHARED/podplay" exec own-main sh -c 'id -u; cat /proc/self/uid_map; ls /marker 2>&1; true'
		assert_equal "$(echo "$output" | tr -s ' ' | sed 's/^ //')" "0
0 1 65536
ls: /marker: No such file or directory"
		run -0 pgrep -u "$start" sleep
		run -0 as "$USER1" "$SHARED/podplay" pod ls -q
		assert_equal "$(echo "$output" | wc -l)" 1
	done
	run -125 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/own2.yaml"
	assert_contains "$output" "and it is taken"
	# /dev/fuse closed to users: the error names the fix.
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/own-userns.yaml"
	# A claim would be bound idmapped: refused, naming why, and nothing is left.
	cat >"$SHARED/own-claim.yaml" <<-EOF
		apiVersion: v1
		kind: PersistentVolumeClaim
		metadata:
		  name: data
		spec:
		  accessModes: [ReadWriteOnce]
		  resources: {requests: {storage: 1Mi}}
		---
		apiVersion: v1
		kind: Pod
		metadata:
		  name: ownclaim
		spec:
		  hostUsers: false
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    command: ["sleep", "1000"]
		    volumeMounts: [{name: data, mountPath: /data}]
		  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
	EOF
	chmod 644 "$SHARED/own-claim.yaml"
	run -125 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/own-claim.yaml"
	assert_contains "$output" "own-claim.yaml:20:49: pod ownclaim: spec.volumes[0].persistentVolumeClaim: a claim of a pod of hostUsers: false is bound idmapped, which the kernel lets no ordinary user do"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	run -0 as "$USER1" "$SHARED/podplay" volume ls -q
	assert_equal "$output" ""
	fuse_mode 0600
	run -125 as "$USER1" "$SHARED/podplay" kube play --network none "$SHARED/own-userns.yaml"
	assert_contains "$output" "own-userns.yaml:13:14: pod own: hostUsers: false: its root needs fuse-overlayfs, which needs /dev/fuse, which this user may not open: give it mode 0666"
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	user_processes_gone "$USER1"
}

@test "pod start as a user after a logout emptied the run root makes the user's namespace and pod network anew" {
	play_web
	run -0 as "$USER1" "$SHARED/podplay" pod stop web client
	# What a logout does: the user's processes end (slirp4netns and the resolver, which this test started through
	# podplay, the last ones in the namespace) and the run root goes, the namespace's and the network's bind mounts
	# with it.
	for pid in $(pgrep -u "$USER1"); do
		kill "$pid"
	done
	user_processes_gone "$USER1"
	rm -rf "$SHARED/$USER1/run/podplay"
	run -0 as "$USER1" "$SHARED/podplay" pod start web client
	curl_until http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-web"
	wait_output "hello-from-web" exec client-c wget -qO- http://websvc/
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/web.yaml"
	user_processes_gone "$USER1"
}

@test "a user's own network: network create, its pods reach each other by name, rm refused while in use; slirp4netns's range refused" {
	tun_mode 0666
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	# 10.0.2.0/24 is slirp4netns's, between the user's networks and the host.
	run -125 as "$USER1" "$SHARED/podplay" network create --subnet 10.0.2.0/25 bad
	assert_contains "$output" "subnet 10.0.2.0/25 overlaps 10.0.2.0/24, where slirp4netns connects an ordinary user's pod networks to the host"
	run -0 as "$USER1" "$SHARED/podplay" network create --subnet 10.246.7.0/24 net1
	run -0 as "$USER1" "$SHARED/podplay" network ls -q
	assert_contains "$output" "net1"
	write_web
	run -0 as "$USER1" "$SHARED/podplay" kube play --network net1 "$SHARED/web.yaml"
	run -0 as "$USER1" "$SHARED/podplay" exec client-c sh -c 'ip -4 addr show eth0'
	assert_contains "$output" "inet 10.246.7."
	wait_output "hello-from-web" exec client-c wget -qO- http://web:8080/
	run -0 curl -sS --max-time 5 http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-web"
	run -125 as "$USER1" "$SHARED/podplay" network rm net1
	assert_contains "$output" "network net1 is in use by 2 pod(s)"
	run -0 as "$USER1" "$SHARED/podplay" kube down "$SHARED/web.yaml"
	run -0 as "$USER1" "$SHARED/podplay" network rm net1
	run -0 as "$USER1" "$SHARED/podplay" network ls -q
	refute_contains "$output" "net1"
	user_processes_gone "$USER1"
}

# A pod of one container that sleeps, with env V=$2, into file $1.
write_sleeper() {
	cat >"$1.tmp" <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: w
		spec:
		  terminationGracePeriodSeconds: 1
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    env: [{name: V, value: "$2"}]
		    command: ["sleep", "1000"]
	EOF
	mv "$1.tmp" "$1"
}

@test "a user watches a file (kube play --watch), reads pod stats and prunes what ended, all in the user's namespace" {
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	local f=$SHARED/w.yaml log=$SHARED/watch.log id0 pid
	write_sleeper "$f" one
	# As `as` does it, but not in a function: $! is then the watcher itself (setpriv and env exec it).
	setpriv --reuid "$USER1" --regid "$USER1" --init-groups env -i HOME="$SHARED/$USER1/home" \
		XDG_RUNTIME_DIR="$SHARED/$USER1/run" PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		"$SHARED/podplay" kube play --watch --network none "$f" >"$log" 2>&1 &
	pid=$!
	echo "$pid" >"$BATS_TEST_TMPDIR/watch.pid"
	for _ in $(seq 300); do grep -q "watching" "$log" && break; sleep 0.1; done
	assert_contains "$(cat "$log")" "watching $f"
	wait_output "Running" pod ls --format '{{.Status}}'
	id0=$(as "$USER1" "$SHARED/podplay" pod ls --format '{{.ID}}')
	# A save, as an editor outside the user's namespace makes it: the watcher in it sees it and replaces the pod.
	write_sleeper "$f" two
	for _ in $(seq 100); do grep -q "replaced and started" "$log" && break; sleep 0.1; done
	assert_contains "$(cat "$log")" "pod/w "
	assert_contains "$(cat "$log")" "replaced and started"
	run -0 as "$USER1" "$SHARED/podplay" exec w-c sh -c 'echo $V'
	assert_equal "$output" "two"
	# Ctrl-C ends the watch, and the pod runs on.
	kill -INT "$pid"
	wait "$pid"
	rm "$BATS_TEST_TMPDIR/watch.pid"
	wait_output "Running" pod ls --format '{{.Status}}'
	[ "$(as "$USER1" "$SHARED/podplay" pod ls --format '{{.ID}}')" != "$id0" ]
	# Stats of the user's container: a row for it (without a delegated cgroup its figures are "--").
	run -0 as "$USER1" "$SHARED/podplay" pod stats --no-stream --format '{{.Name}} {{.PIDS}}'
	assert_contains "$output" "w-c "
	# A pod that ended goes with a prune; the running one stays.
	run -0 as "$USER1" "$SHARED/podplay" run --name ended --network none localhost/busybox:latest true
	run -0 as "$USER1" "$SHARED/podplay" system prune -f
	assert_contains "$output" $'Deleted Pods\nended'
	run -0 as "$USER1" "$SHARED/podplay" pod ls --format '{{.Name}}'
	assert_equal "$output" "w"
	run -0 as "$USER1" "$SHARED/podplay" kube down "$f"
	user_processes_gone "$USER1"
}
