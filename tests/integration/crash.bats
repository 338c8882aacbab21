#!/usr/bin/env bats
# A play cut short: kill -9, SIGINT and SIGTERM of `kube play` at many points of a 10-replica Deployment, a
# monitor killed, a pod stopped, a play and a down of one file at once.  After each, a re-play runs every replica
# and a down leaves nothing: no pod, no mount under the test's directories, no process of the test, no cgroup of
# its pods.

load helpers

load pods

# pods.bash's teardown, after what a test here may leave of its own: the state database it moved away, the
# server it started.
eval "pods_$(declare -f teardown)"
teardown() {
	if [ -f "$BATS_TEST_TMPDIR/immutable" ]; then
		chattr -i "$(cat "$BATS_TEST_TMPDIR/immutable")" || true
	fi
	if [ -f "$BATS_TEST_TMPDIR/server.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/server.pid")" 2>/dev/null || true
	fi
	if [ -e "$ROOT/state.db.away" ]; then
		rm -rf "$ROOT/state.db"
		mv "$ROOT/state.db.away" "$ROOT/state.db"
	fi
	pods_teardown
}

deployment() {
	cat >"$Y/web.yaml" <<-'YAML'
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: web
	spec:
	  replicas: 10
	  selector:
	    matchLabels: {app: web}
	  template:
	    metadata:
	      labels: {app: web}
	    spec:
	      terminationGracePeriodSeconds: 2
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
	        volumeMounts:
	        - {name: scratch, mountPath: /scratch}
	      volumes:
	      - name: scratch
	        emptyDir: {medium: Memory}
	YAML
}

# Starts `kube play` of web.yaml in the background (the binary itself, so that a signal reaches it), waits until
# `what` has come to `n` (pods: pod directories made, monitors: monitors started, ms: milliseconds), sends it
# `sig`, and waits for it to end; its status in $play_status, its output in $BATS_TEST_TMPDIR/play.{out,err}.
interrupt_play() {
	local sig=$1 what=$2 n=$3
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play "$Y/web.yaml" \
		>"$BATS_TEST_TMPDIR/play.out" 2>"$BATS_TEST_TMPDIR/play.err" &
	local pid=$! count=0
	if [ "$what" = ms ]; then
		sleep "$(awk -v n="$n" 'BEGIN { print n / 1000 }')"
	else
		# Globs, not commands: the look must be quicker than the play.
		local -a found
		shopt -s nullglob
		while kill -0 "$pid" 2>/dev/null; do
			case $what in
			pods) found=("$ROOT"/pods/*/) ;;
			monitors) found=("$ROOT"/pods/*/monitor.log) ;;
			esac
			count=${#found[@]}
			[ "$count" -ge "$n" ] && break
			sleep 0.005
		done
		shopt -u nullglob
	fi
	kill -s "$sig" "$pid" 2>/dev/null || true
	# What it had begun to make, for the check that no cgroup of it is left.
	ls "$ROOT/pods" >>"$BATS_TEST_TMPDIR/ids" 2>/dev/null || true
	play_status=0
	wait "$pid" || play_status=$?
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
}

# The ids of the pods recorded now, one a line.
pod_ids() {
	pp pod ls --format json | python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)]'
}

# Fails unless the 10 replicas are recorded, each Running with its container running.
assert_all_running() {
	pp pod ls --format json | python3 -c '
import json, sys
pods = json.load(sys.stdin)
bad = [(p["name"], p["status"], [c["status"] for c in p["containers"]]) for p in pods
       if p["status"] != "Running" or any(c["status"] != "Running" for c in p["containers"])]
if len(pods) != 10 or bad:
    sys.exit("%d pods, not running: %r" % (len(pods), bad))
'
}

# Fails if anything of the test is left: a pod, a mount under its directories, a process naming its root, a
# cgroup of a pod it recorded.
assert_nothing_left() {
	[ "$(pod_names)" = "" ] || {
		echo "pods left: $(pod_names)" >&2
		return 1
	}
	if grep -F " $BATS_TEST_TMPDIR/" /proc/self/mountinfo >&2; then
		echo "mounts left" >&2
		return 1
	fi
	# One look at every process and cgroup: a monitor or a Job controller names the root it serves.
	python3 - "$ROOT" "$BATS_TEST_TMPDIR/ids" <<-'PY'
	import glob, os, sys
	root = b"\0" + sys.argv[1].encode() + b"\0"
	left = []
	for pid in filter(str.isdigit, os.listdir("/proc")):
	    if int(pid) == os.getpid():
	        continue
	    try:
	        if root in b"\0" + open("/proc/%s/cmdline" % pid, "rb").read():
	            left.append(open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\0", b" ").decode())
	    except OSError:
	        pass
	ids = set(open(sys.argv[2]).read().split()) if os.path.exists(sys.argv[2]) else set()
	cgroups = [d for i in ids for d in glob.glob("/sys/fs/cgroup/*/podplay/" + i) + glob.glob("/sys/fs/cgroup/podplay/" + i)]
	if left or cgroups:
	    sys.exit("processes left: %s; cgroups left: %s" % (left, cgroups))
	PY
}

# A re-play runs every replica, the down after it leaves nothing.
replay_and_down() {
	run -0 pp kube play "$Y/web.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	assert_all_running
	run -0 pp kube down "$Y/web.yaml"
	assert_nothing_left
}

@test "kill -9 of kube play at any point: a re-play runs every replica, a down leaves nothing" {
	deployment
	for point in "pods 1" "pods 4" "monitors 2" "monitors 7" "monitors 10" "ms 900"; do
		# shellcheck disable=SC2086 # the point is two words
		interrupt_play KILL $point
		echo "# kill -9 at $point: status $play_status, $(pp pod ls | tail -n +2 | awk '{ print $3 }' | sort | uniq -c | xargs)" >&3
		[ "$play_status" = 137 ] || [ "$play_status" = 0 ]
		replay_and_down
	done
}

@test "a play that fails once its monitors started: 125, each monitor leaves without starting anything, nothing is left" {
	deployment
	# The pods are recorded and their monitors started before a container's directories are made: here they cannot
	# be (the folder is immutable), on every pod, on each of the threads that make them.
	mkdir -p "$ROOT/containers"
	chattr +i "$ROOT/containers"
	echo "$ROOT/containers" >"$BATS_TEST_TMPDIR/immutable"
	run -125 pp kube play "$Y/web.yaml"
	assert_contains "$output" "container main: create the directories of container"
	refute_contains "$output" "started"
	assert_nothing_left
	chattr -i "$ROOT/containers"
	rm "$BATS_TEST_TMPDIR/immutable"
	replay_and_down
}

@test "SIGINT or SIGTERM during kube play fails it (125) and removes what it made; a re-play runs every replica" {
	deployment
	for point in "INT pods 1" "INT pods 5" "INT monitors 7" "TERM pods 3" "TERM monitors 8"; do
		# shellcheck disable=SC2086 # the point is three words
		interrupt_play $point
		[ "$play_status" = 125 ] || {
			echo "SIG$point: status $play_status" >&2
			cat "$BATS_TEST_TMPDIR/play.err" >&2
			return 1
		}
		assert_contains "$(cat "$BATS_TEST_TMPDIR/play.err")" "interrupted by SIG${point%% *}"
		assert_nothing_left
		replay_and_down
	done
}

@test "a re-play recreates a pod whose monitor was killed, or that was stopped, and leaves the others alone" {
	deployment
	run -0 pp kube play "$Y/web.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	local first second
	first=$(pp pod ls --format json | python3 -c 'import json,sys; p = json.load(sys.stdin)[0]; print(p["name"], p["monitorPid"])')
	second=$(pp pod ls --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[1]["name"])')
	kill -9 "${first#* }"
	run -0 pp pod stop -t 0 "$second"
	run -0 pp kube play "$Y/web.yaml"
	assert_contains "$output" "pod/${first% *} "
	[ "$(echo "$output" | grep -c 'recreated and started')" = 2 ]
	[ "$(echo "$output" | grep -c 'unchanged')" = 8 ]
	echo "$output" | grep "pod/${first% *} .* recreated and started"
	echo "$output" | grep "pod/$second .* recreated and started"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	assert_all_running
	run -0 pp kube down "$Y/web.yaml"
	assert_nothing_left
}

# Waits (at most 10 s) until a kube play or kube down holds the lock of its play file: a sleep alone is not
# enough on a loaded machine, where the first may not have started yet when the second comes.
wait_play_locked() {
	for _ in $(seq 1000); do
		for f in "$RUNROOT"/locks/play-*.lock; do
			[ -e "$f" ] && ! flock -n "$f" true && return 0
		done
		sleep 0.01
	done
	echo "no kube play or kube down took its lock" >&2
	return 1
}

@test "kube play and kube down of one file at once: the second waits for the first, and the end is consistent" {
	deployment
	# 40 replicas, so that the play still runs when the down comes (10 take a quarter of a second).
	sed 's/replicas: 10/replicas: 40/' "$Y/web.yaml" >"$Y/big.yaml"
	for delay in 0.05 0.2; do
		"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play "$Y/big.yaml" >/dev/null 2>&1 &
		local pid=$!
		wait_play_locked
		sleep "$delay"
		run -0 --separate-stderr pp kube down "$Y/big.yaml"
		assert_contains "$stderr" "another kube play or kube down of $Y/big.yaml is running: waiting for it"
		wait "$pid"
		# The down came second: it took down all that the play made.
		[ "$(echo "$output" | grep -c 'removed')" = 40 ]
		assert_nothing_left
	done
	# And the other way round: a play waits for a down, then plays against what the down left.
	run -0 pp kube play "$Y/web.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube down "$Y/web.yaml" >/dev/null 2>&1 &
	local pid=$!
	wait_play_locked
	run -0 --separate-stderr pp kube play "$Y/web.yaml"
	wait "$pid"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	if [ "$(echo "$stderr" | grep -c 'waiting for it')" = 1 ]; then
		[ "$(echo "$output" | grep -c ' started')" = 10 ]
	fi
	assert_all_running
	run -0 pp kube down "$Y/web.yaml"
	assert_nothing_left
}

@test "kube down of a file that is not there and was never played fails; one that is there says there is nothing" {
	run -125 --separate-stderr pp kube down "$Y/missing.yaml"
	assert_equal "$output" ""
	assert_equal "$stderr" "podplay: $Y/missing.yaml: no such file, and no play of it is recorded"
	deployment
	run -0 pp kube down "$Y/web.yaml"
	assert_equal "$output" "no pods from $Y/web.yaml"
	# Played, then deleted: its record still takes it down.
	run -0 pp kube play "$Y/web.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	rm "$Y/web.yaml"
	cd "$Y"
	run -0 pp kube down web.yaml
	[ "$(echo "$output" | grep -c 'removed')" = 10 ]
	assert_nothing_left
}

@test "a play whose Job controller cannot open the state database fails without a word of success" {
	# The image is stored under a registry's name and pulled Always: the pull's connection is the moment to take
	# the state database away (kube play holds it open, its Job's controller opens it anew), and the pull fails
	# over to the stored image.
	local port
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cp -r "$BATS_FILE_TMPDIR/images/busybox" "$BATS_TEST_TMPDIR/layout"
	python3 - "$BATS_TEST_TMPDIR/layout/index.json" "127.0.0.1:$port/sabotage/busybox:latest" <<-'PY'
	import json, sys
	index = json.load(open(sys.argv[1]))
	index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] = sys.argv[2]
	json.dump(index, open(sys.argv[1], "w"))
	PY
	run -0 pp load -i "$BATS_TEST_TMPDIR/layout"
	python3 - "$port" "$ROOT" >"$BATS_TEST_TMPDIR/server.out" 2>&1 <<-'PY' &
	import os, socket, sys
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("127.0.0.1", int(sys.argv[1])))
	s.listen(8)
	print("listening", flush=True)
	c, _ = s.accept()
	os.rename(sys.argv[2] + "/state.db", sys.argv[2] + "/state.db.away")
	os.mkdir(sys.argv[2] + "/state.db")
	c.close()
	PY
	echo $! >"$BATS_TEST_TMPDIR/server.pid"
	for _ in $(seq 100); do
		grep -q listening "$BATS_TEST_TMPDIR/server.out" && break
		sleep 0.1
	done
	cat >"$Y/job.yaml" <<-YAML
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: j
	spec:
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: main
	        image: 127.0.0.1:$port/sabotage/busybox:latest
	        imagePullPolicy: Always
	        command: ["sleep", "1"]
	YAML
	run -125 --separate-stderr pp kube play "$Y/job.yaml"
	[ -d "$ROOT/state.db" ]
	assert_equal "$output" ""
	assert_contains "$stderr" "job j: state database"
	assert_contains "$stderr" "cannot remove what this play created"
	# The database back: the Job it recorded goes with a down, and nothing else is there.
	rmdir "$ROOT/state.db"
	mv "$ROOT/state.db.away" "$ROOT/state.db"
	run -0 pp kube down "$Y/job.yaml"
	assert_equal "$output" "job/j removed"
	assert_nothing_left
}

@test "a pod a re-play replaces that cannot be removed: a warning, the other replacements stay, nothing rolled back" {
	for name in a b; do
		cat <<-YAML
		apiVersion: v1
		kind: Pod
		metadata:
		  name: $name
		spec:
		  terminationGracePeriodSeconds: 0
		  containers:
		  - name: main
		    image: localhost/busybox:latest
		    command: ["sleep", "1000"]
		---
		YAML
	done >"$Y/two.yaml"
	run -0 pp kube play "$Y/two.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	local old_a
	old_a=$(pp pod inspect a | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	# A file the teardown of the old `a` cannot remove.
	touch "$ROOT/pods/$old_a/stuck"
	echo "$ROOT/pods/$old_a/stuck" >"$BATS_TEST_TMPDIR/immutable"
	chattr +i "$ROOT/pods/$old_a/stuck"
	sed -i 's/"1000"/"999"/' "$Y/two.yaml"
	run -0 --separate-stderr pp kube play "$Y/two.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	assert_contains "$stderr" "pod a: its replacement"
	echo "$output" | grep "^pod/a ${old_a:0:12} not removed (its replacement .* runs as a~new until the next play"
	echo "$output" | grep "^pod/b .* replaced and started"
	# b's replacement runs under its name, a's under its temporary one; neither was rolled back.
	[ "$(ctr_field b-main status)" = Running ]
	[ "$(ctr_field a~new-main status)" = Running ]
	chattr -i "$ROOT/pods/$old_a/stuck"
	# The next play puts things right: a~new was left over, a is made again.
	run -0 pp kube play "$Y/two.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	[ "$(pod_names)" = "a b" ]
	run -0 pp kube down "$Y/two.yaml"
	assert_nothing_left
}

@test "kube down DIR and kube play --wait DIR take the files in the directory, locked as a play of them is" {
	deployment
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play "$Y" >/dev/null 2>&1 &
	local pid=$!
	sleep 0.05
	run -0 --separate-stderr pp kube down "$Y"
	assert_contains "$stderr" "another kube play or kube down of $Y/web.yaml is running: waiting for it"
	wait "$pid"
	[ "$(echo "$output" | grep -c 'removed')" = 10 ]
	assert_nothing_left
	rm "$Y/web.yaml"
	cat >"$Y/once.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: once
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "sleep 1; echo hello"]
	YAML
	run -0 timeout 60 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play --wait "$Y"
	assert_contains "$output" "once-main | hello"
	echo "$output" | grep "^pod/once .* removed"
	assert_nothing_left
}

@test "Ctrl-C of a kube play waiting for another's lock ends the wait: 125, nothing changed" {
	deployment
	run -0 pp kube play "$Y/web.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	local before
	before=$(pod_ids | sort)
	# The lock of web.yaml, held as another play would hold it.
	python3 -c 'import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); print("held", flush=True); time.sleep(1000)' \
		"$RUNROOT"/locks/play-*.lock >"$BATS_TEST_TMPDIR/server.out" &
	echo $! >"$BATS_TEST_TMPDIR/server.pid"
	for _ in $(seq 200); do grep -q held "$BATS_TEST_TMPDIR/server.out" && break; sleep 0.05; done
	sed -i 's/replicas: 10/replicas: 2/' "$Y/web.yaml"
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play "$Y/web.yaml" \
		>"$BATS_TEST_TMPDIR/play.out" 2>"$BATS_TEST_TMPDIR/play.err" &
	local pid=$!
	for _ in $(seq 200); do grep -q "waiting for it" "$BATS_TEST_TMPDIR/play.err" && break; sleep 0.05; done
	kill -INT "$pid"
	# Still waiting (as before the fix) is a failure, not a hang: it is killed, having changed nothing.
	for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		wait "$pid" || true
		echo "kube play still waits after SIGINT" >&2
		return 1
	fi
	local status=0
	wait "$pid" || status=$?
	[ "$status" = 125 ]
	assert_contains "$(cat "$BATS_TEST_TMPDIR/play.err")" "interrupted by SIGINT while waiting for another kube play or kube down of $Y/web.yaml: nothing was changed"
	assert_equal "$(pod_ids | sort)" "$before"
	assert_all_running
	kill "$(cat "$BATS_TEST_TMPDIR/server.pid")"
	run -0 pp kube down "$Y/web.yaml"
	assert_nothing_left
}

@test "kube play --format json says what the text says: recreated, and an unchanged pod's own status" {
	cat >"$Y/two.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: done
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["true"]
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: stopped
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "1000"]
	YAML
	run -0 pp kube play "$Y/two.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	wait_field done-main status Exited
	for _ in $(seq 100); do [ "$(pod_field done status)" = Exited ] && break; sleep 0.1; done
	run -0 pp pod stop -t 0 stopped
	run -0 pp kube play --format json "$Y/two.yaml"
	pod_ids >>"$BATS_TEST_TMPDIR/ids"
	assert_equal "$(echo "$output" | python3 -c 'import json,sys; print(" ".join("%s:%s:%s" % (p["pod"], p["action"], p["status"]) for p in json.load(sys.stdin)))')" \
		"done:unchanged:Exited stopped:recreated:Running"
	run -0 pp kube down "$Y/two.yaml"
	assert_nothing_left
}
