#!/usr/bin/env bats
# `pod logs`: every container of a pod (init containers included) in the order its lines were written, each
# labelled `CONTAINER | ` when more than one is shown; -c for one container, --tail per container, -t, and -f
# following the pod until its monitor ends, through restarts.

load helpers

load pods

# Waits up to 20 s for the pod to have ended (every container done for good, its monitor gone).
wait_pod_ended() {
	for _ in $(seq 200); do
		case "$(pod_field "$1" status)" in Exited | Error) return 0 ;; esac
		sleep 0.1
	done
	echo "pod $1 is $(pod_field "$1" status)" >&2
	return 1
}

# A pod of an init container and two containers taking turns through files of a shared emptyDir, so the order
# their lines were written in is known; each waits a little after its line so that the monitor logs it first.
relay_yaml() {
	cat <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: relay
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 0
	  volumes:
	  - name: turns
	    emptyDir: {}
	  initContainers:
	  - name: prepare
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo prepared; echo init-warning >&2"]
	  containers:
	  - name: ping
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo ping 1; sleep 0.3; touch /t/p1; until [ -e /t/q1 ]; do sleep 0.05; done; echo ping 2; sleep 0.3; touch /t/p2"]
	    volumeMounts: [{name: turns, mountPath: /t}]
	  - name: pong
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "until [ -e /t/p1 ]; do sleep 0.05; done; echo pong 1; sleep 0.3; touch /t/q1; until [ -e /t/p2 ]; do sleep 0.05; done; echo pong 2"]
	    volumeMounts: [{name: turns, mountPath: /t}]
	YAML
}

@test "pod logs: the lines of every container, init container first, merged in the order they were written" {
	relay_yaml >"$Y/relay.yaml"
	run -0 pp kube play "$Y/relay.yaml"
	wait_pod_ended relay
	run -0 pp pod logs relay
	assert_equal "$output" "$(printf '%s\n' 'prepare | prepared' 'prepare | init-warning' 'ping | ping 1' 'pong | pong 1' \
		'ping | ping 2' 'pong | pong 2')"
	# stderr records go to stderr, stdout ones to stdout.
	run -0 --separate-stderr pp pod logs relay
	assert_equal "$stderr" "prepare | init-warning"
	refute_contains "$output" "init-warning"
	# The pod by its id works as by its name.
	run -0 pp pod logs "$(pod_field relay id)"
	assert_equal "${#lines[@]}" 6
	# -t: each line's time after its label, in the order printed.
	run -0 pp pod logs -t relay
	assert_equal "${#lines[@]}" 6
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^[a-z]+\ \|\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z\ [a-z-]+ ]] || {
			echo "not labelled and timed: $l" >&2
			return 1
		}
	done
	assert_equal "$(printf '%s\n' "${lines[@]}" | awk '{ print $3 }')" "$(printf '%s\n' "${lines[@]}" | awk '{ print $3 }' | sort)"
}

@test "pod logs -c shows one container without labels; --tail N is per container" {
	relay_yaml >"$Y/relay.yaml"
	run -0 pp kube play "$Y/relay.yaml"
	wait_pod_ended relay
	run -0 pp pod logs -c pong relay
	assert_equal "$output" "$(printf 'pong 1\npong 2')"
	run -0 pp pod logs --container prepare relay
	assert_equal "$output" "$(printf 'prepared\ninit-warning')"
	# The same as `logs` of that container.
	assert_equal "$output" "$(pp logs relay-prepare 2>&1)"
	run -0 pp pod logs --tail 1 relay
	assert_equal "$output" "$(printf '%s\n' 'prepare | init-warning' 'ping | ping 2' 'pong | pong 2')"
	run -0 pp pod logs --tail 0 relay
	assert_equal "$output" ""
	run -0 pp pod logs -n 1 -c ping relay
	assert_equal "$output" "ping 2"
}

@test "pod logs: an unknown pod or container is an error (125) that names it" {
	relay_yaml >"$Y/relay.yaml"
	run -0 pp kube play "$Y/relay.yaml"
	run -125 pp pod logs nosuchpod
	assert_contains "$output" "no pod \`nosuchpod\`"
	run -125 pp pod logs -c nosuch relay
	assert_contains "$output" "pod relay has no container \`nosuch\`"
	run -125 pp pod logs
	assert_contains "$output" "needs one pod"
	run -125 pp pod logs relay other
	assert_contains "$output" "needs one pod"
	run -125 pp pod logs --tail x relay
	assert_contains "$output" "--tail takes a number of lines, not \`x\`"
}

@test "pod logs -f follows the pod until its monitor ends, restarted containers' new runs included" {
	cat >"$Y/retry.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: retry
	spec:
	  restartPolicy: OnFailure
	  terminationGracePeriodSeconds: 0
	  volumes:
	  - name: state
	    emptyDir: {}
	  containers:
	  - name: worker
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "sleep 1; n=$(( $(cat /s/n 2>/dev/null || echo 0) + 1 )); echo $n >/s/n; echo run $n; [ $n -ge 2 ]"]
	    volumeMounts: [{name: state, mountPath: /s}]
	  - name: side
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo side up; sleep 2; echo side done"]
	YAML
	run -0 pp kube play "$Y/retry.yaml"
	# Started before the pod has written much: what comes later is printed as it comes, and the command ends
	# when the pod does.
	run -0 timeout 30 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pod logs -f retry
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep '^worker')" "$(printf 'worker | run 1\nworker | run 2')"
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep '^side')" "$(printf 'side | side up\nside | side done')"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(pp ps -a --format json | python3 -c 'import json,sys; print([c["restarts"] for c in json.load(sys.stdin) if c["name"] == "retry-worker"][0])')" 1
	# Once the pod has ended, -f prints what there is and returns at once.
	run -0 timeout 5 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pod logs -f -c worker retry
	assert_equal "$output" "$(printf 'run 1\nrun 2')"
}

@test "pod logs -f --tail 1: the last line of each container so far, then the new ones" {
	cat >"$Y/ticker.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: ticker
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: a
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo a old; echo a last; until [ -e /tmp/go ]; do sleep 0.05; done; echo a new"]
	  - name: b
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo b last; until [ -e /tmp/go ]; do sleep 0.05; done; echo b new"]
	YAML
	run -0 pp kube play "$Y/ticker.yaml"
	for _ in $(seq 100); do
		[ "$(pp pod logs ticker | wc -l)" = 3 ] && break
		sleep 0.1
	done
	timeout 30 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" pod logs -f --tail 1 ticker >"$BATS_TEST_TMPDIR/out" &
	follower=$!
	sleep 1
	pp exec ticker-a touch /tmp/go
	pp exec ticker-b touch /tmp/go
	wait "$follower"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_equal "$(printf '%s\n' "${lines[@]:0:2}" | sort)" "$(printf 'a | a last\nb | b last')"
	assert_equal "$(printf '%s\n' "${lines[@]:2}" | sort)" "$(printf 'a | a new\nb | b new')"
	assert_equal "${#lines[@]}" 4
}
