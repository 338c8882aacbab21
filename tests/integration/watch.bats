#!/usr/bin/env bats
# kube play --watch: a save of the file, written in place, renamed over it, or removed and made again, is played
# again within a second or two (the changed pod replaced, the other left alone); a file with errors is reported at
# its line and changes nothing, as does a play that fails; Ctrl-C ends the watch with 0 and the pods run on.  A
# directory's manifests added and removed; SIGTERM; --wait and - refused.

load helpers

load pods

# pods.bash's teardown, after the watcher this file starts, stopped by its pid even when a test failed.
eval "pods_$(declare -f teardown)"
teardown() {
	if [ -f "$BATS_TEST_TMPDIR/watch.pid" ]; then
		kill -9 "$(cat "$BATS_TEST_TMPDIR/watch.pid")" 2>/dev/null || true
	fi
	pods_teardown
}

# A Pod named $1, its env MODE $2.  A container that ends on SIGTERM, so that a replaced pod goes at once.
pod_doc() {
	cat <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: $1
		spec:
		  containers:
		  - name: c
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
		    env:
		    - name: MODE
		      value: "$2"
	EOF
}

# File $1: pod a, its MODE $2, and pod b; written at once (a builtin's one write), as an editor saves.
write_app() {
	local text
	text=$(
		pod_doc a "$2"
		echo ---
		pod_doc b same
	)
	printf '%s\n' "$text" >"$1"
}

# Starts `kube play --watch ARGS...` in the background, its output in $LOG.
start_watch() {
	LOG=$BATS_TEST_TMPDIR/watch.log
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play --watch "$@" >"$LOG" 2>&1 &
	WATCH_PID=$!
	echo "$WATCH_PID" >"$BATS_TEST_TMPDIR/watch.pid"
}

# Waits up to $2 seconds (10 by default) for the watcher's output to hold $1.
wait_log() {
	for _ in $(seq $((${2:-10} * 20))); do
		grep -qF -- "$1" "$LOG" && return 0
		sleep 0.05
	done
	printf 'no "%s" in the watcher'"'"'s output:\n%s\n' "$1" "$(cat "$LOG")" >&2
	return 1
}

# The count of lines of the watcher's output that hold $1.
log_count() {
	grep -cF -- "$1" "$LOG" || true
}

# Waits (up to 10 seconds, a bound against a hang: how long it took is printed, not asserted, as machines are
# noisy) for the watcher to say that it replaced pod a the $1th time; then checks that pod a runs with the id it
# said, and prints that id (12 digits) and how long the wait took (ms).
wait_replaced() {
	local t0 id ms
	t0=$(date +%s%3N)
	for _ in $(seq 200); do
		if [ "$(grep -c '^pod/a .* replaced and started' "$LOG")" -ge "$1" ]; then
			ms=$(($(date +%s%3N) - t0))
			id=$(grep '^pod/a .* replaced and started' "$LOG" | tail -n 1 | cut -d' ' -f2)
			assert_equal "$(pod_field a id | cut -c1-12) $(pod_field a status)" "$id Running"
			echo "$id $ms"
			return 0
		fi
		sleep 0.05
	done
	printf 'pod a not replaced a %sth time after 10 s; the watcher said:\n%s\n' "$1" "$(cat "$LOG")" >&2
	return 1
}

@test "kube play --watch plays each save again: in place, renamed over, removed and made again; errors change nothing; Ctrl-C leaves the pods" {
	local f=$Y/app.yaml a0 b0 a1 a2 a3 a4 ms
	write_app "$f" one
	start_watch "$f"
	wait_log "watching $f" 60
	assert_equal "$(pod_field a status) $(pod_field b status)" "Running Running"
	a0=$(pod_field a id)
	b0=$(pod_field b id)

	# Written in place (the same inode).
	write_app "$f" two
	read -r a1 ms < <(wait_replaced 1)
	[ -n "$a1" ]
	echo "# written in place: pod a replaced after ${ms} ms" >&3
	[ "$a1" != "${a0:0:12}" ]
	wait_log "pod/b ${b0:0:12} unchanged" 10
	assert_contains "$(cat "$LOG")" ": $f changed: playing again"
	assert_equal "$(pod_field b id)" "$b0"

	# A new file renamed over it, as vim and sed -i save.
	write_app "$Y/.app.yaml.tmp" three
	mv "$Y/.app.yaml.tmp" "$f"
	read -r a2 ms < <(wait_replaced 2)
	[ -n "$a2" ]
	echo "# renamed over: pod a replaced after ${ms} ms" >&3
	[ "$a2" != "$a1" ]
	assert_equal "$(pod_field b id)" "$b0"

	# Removed and made again.
	rm "$f"
	write_app "$f" four
	read -r a3 ms < <(wait_replaced 3)
	[ -n "$a3" ]
	echo "# removed and made again: pod a replaced after ${ms} ms" >&3
	[ "$a3" != "$a2" ]
	assert_equal "$(pod_field b id)" "$b0"

	# An invalid save: its error at its line, nothing changed, and the watch goes on.
	write_app "$f" five
	sed 's/^    image: /    imagee: /' "$f" >"$Y/bad" && cat "$Y/bad" >"$f"
	wait_log "$f:8:5: error" 3
	kill -0 "$WATCH_PID"
	assert_equal "$(pod_field a id | cut -c1-12) $(pod_field b id)" "$a3 $b0"
	assert_equal "$(pod_field a status) $(pod_field b status)" "Running Running"

	# A save that fails to play (an image that is nowhere): said, nothing changed, the watch goes on.
	write_app "$Y/.app.yaml.tmp" seven
	sed 's#localhost/busybox:latest#localhost/missing:latest#' "$Y/.app.yaml.tmp" >"$f"
	wait_log "localhost/missing" 5
	kill -0 "$WATCH_PID"
	assert_equal "$(pod_field a id | cut -c1-12) $(pod_field b id)" "$a3 $b0"
	assert_equal "$(pod_field a status) $(pod_field b status)" "Running Running"

	# Fixed: played.
	write_app "$f" six
	read -r a4 ms < <(wait_replaced 4)
	[ -n "$a4" ]
	echo "# fixed: pod a replaced after ${ms} ms" >&3
	[ "$a4" != "$a3" ]
	assert_equal "$(pod_field b id)" "$b0"

	# Ctrl-C: 0, and the pods run on.
	kill -INT "$WATCH_PID"
	local status=0
	wait "$WATCH_PID" || status=$?
	rm "$BATS_TEST_TMPDIR/watch.pid"
	[ "$status" = 0 ] || {
		echo "the watcher exited with $status:" >&2
		cat "$LOG" >&2
		return 1
	}
	wait_log "the watch ended; the pods run on" 1
	assert_equal "$(pod_field a id | cut -c1-12) $(pod_field b id)" "$a4 $b0"
	assert_equal "$(pod_field a status) $(pod_field b status)" "Running Running"
	# Pod b unchanged in each play but the first, the invalid one and the failed one.
	assert_equal "$(log_count "pod/b ${b0:0:12} unchanged")" 4
}

@test "kube play --watch of a directory: a manifest added is played, one removed is taken down; SIGTERM ends the watch" {
	mkdir "$Y/dir"
	write_app "$Y/dir/app.yaml" one
	start_watch "$Y/dir"
	wait_log "watching $Y/dir" 60
	pod_doc c one >"$Y/dir/c.yaml"
	# Not a manifest's name: no play.
	echo x >"$Y/dir/notes.txt"
	wait_log "pod/c " 3
	assert_equal "$(pod_names)" "a b c"
	local c0
	c0=$(pod_field c id)
	rm "$Y/dir/c.yaml"
	wait_log "pod/c ${c0:0:12} removed" 3
	assert_equal "$(pod_names)" "a b"
	refute_contains "$(cat "$LOG")" "notes.txt"
	kill -TERM "$WATCH_PID"
	local status=0
	wait "$WATCH_PID" || status=$?
	rm "$BATS_TEST_TMPDIR/watch.pid"
	[ "$status" = 0 ]
	assert_equal "$(pod_names)" "a b"
}

@test "kube play --watch refuses --wait and standard input: 125, nothing played" {
	write_app "$Y/app.yaml" one
	run -125 pp kube play --watch --wait "$Y/app.yaml"
	assert_contains "$output" "--watch and --wait cannot go together"
	run -125 pp kube play --watch - <"$Y/app.yaml"
	assert_contains "$output" "not - (standard input)"
	assert_equal "$(pod_names)" ""
}
