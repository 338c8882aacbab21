#!/usr/bin/env bats
# Pods as a user sees them: `kube play` of the offline busybox image, then `ps`, `pod ls`, `logs`, `exec`,
# `inspect`, stop, start, rm and `kube down`, asserting from inside the containers and from outside, and that
# nothing is left behind.  Each test has its own store and runtime root.

load helpers

load pods

# A Pod manifest: pod NAME, restartPolicy, then container specs "name|shell command".
pod_yaml() {
	local name=$1 policy=$2
	shift 2
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  restartPolicy: %s\n' "$name" "$policy"
	printf '  terminationGracePeriodSeconds: 1\n  containers:\n'
	for c in "$@"; do
		printf '  - name: %s\n    image: localhost/busybox:latest\n    command: ["sh", "-c", %s]\n' \
			"${c%%|*}" "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "${c#*|}")"
	done
}

# Fails when anything of the test's roots is still mounted or a listed pid still runs.
assert_nothing_left() {
	run grep -F " $BATS_TEST_TMPDIR/" /proc/self/mountinfo
	assert_equal "$output" ""
	local p _
	for p in "$@"; do
		# A zombie has ended (its parent has not reaped it yet); one still exiting has two seconds (a fresh Debian
		# root on a busy machine saw one go between the two looks); anything else is named.
		for _ in $(seq 20); do
			kill -0 "$p" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ] || break
			sleep 0.1
		done
		if kill -0 "$p" 2>/dev/null && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
			echo "process $p is still running: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
			return 1
		fi
	done
	run ls "$RUNROOT/pods" "$ROOT/pods" "$ROOT/containers"
	assert_equal "$(ls -A "$RUNROOT/pods" "$ROOT/pods" "$ROOT/containers" 2>/dev/null | grep -v ':$' | grep -v '^$')" ""
}

@test "kube play runs a pod: PID 1 is the command, both streams logged in the k8s-file format" {
	pod_yaml web Never 'main|echo out; echo err >&2; exec sleep 100' >"$Y/web.yaml"
	# --log-level debug times each step of the play, for its profile.
	run -0 pp --log-level debug kube play "$Y/web.yaml"
	assert_contains "$output" "pod/web"
	assert_contains "$output" "started (1 container)"
	[[ "$output" =~ "podplay: debug: pod web: waited for its monitor to start the containers: "[0-9]+\.[0-9]{2}" ms" ]]
	[[ "$output" =~ "podplay: debug: play: read and validate: "[0-9]+\.[0-9]{2}" ms" ]]
	wait_field web-main status Running
	assert_equal "$(pp exec web-main cat /proc/1/cmdline | tr '\0' ' ')" "sleep 100 "
	run -0 pp logs web-main
	assert_equal "$output" "$(printf 'out\nerr')"
	id=$(ctr_field web-main id)
	log=$ROOT/containers/$id/ctr.log
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z stdout F out$' "$log"
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z stderr F err$' "$log"
	run -0 pp logs --timestamps web-main
	assert_contains "$output" "Z out"
	run -0 pp pod ls
	assert_contains "$output" "web"
	assert_contains "$output" "Running"
	assert_contains "$output" "1/1"
	run -0 pp ps
	assert_contains "$output" "web-main"
	assert_contains "$output" "Up "
}

@test "containers of a pod share hostname and localhost, not their PIDs" {
	pod_yaml duo Never 'server|echo hello-from-server >/tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp' \
		'client|exec sleep 100' >"$Y/duo.yaml"
	run -0 pp kube play "$Y/duo.yaml"
	wait_field duo-server status Running
	wait_field duo-client status Running
	run -0 pp exec duo-client hostname
	assert_equal "$output" "duo"
	run -0 pp exec duo-server hostname
	assert_equal "$output" "duo"
	for _ in $(seq 50); do
		out=$(pp exec duo-client wget -qO- http://127.0.0.1:8080/index.html 2>/dev/null) && break
		sleep 0.1
	done
	assert_equal "$out" "hello-from-server"
	run -0 pp exec duo-client ps
	refute_contains "$output" "httpd"
	assert_contains "$output" "sleep 100"
}

@test "a container has Podman's capabilities, seccomp mode 2 and masked /proc paths" {
	pod_yaml sec Never 'main|exec sleep 100' >"$Y/sec.yaml"
	run -0 pp kube play "$Y/sec.yaml"
	wait_field sec-main status Running
	run -0 pp exec sec-main grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status
	assert_equal "$output" "$(printf 'CapInh:\t0000000000000000\nCapPrm:\t00000000800405fb\nCapEff:\t00000000800405fb\nCapBnd:\t00000000800405fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2')"
	# A masked file reads empty inside, where the host's does not.
	[ -s /proc/timer_list ] || [ "$(wc -c </proc/timer_list)" -gt 0 ]
	run -0 pp exec sec-main busybox wc -c /proc/timer_list
	assert_equal "$output" "0 /proc/timer_list"
	run -0 pp exec sec-main ls /proc/acpi
	assert_equal "$output" ""
	run pp exec sec-main touch /proc/sys/kernel/hostname
	[ "$status" -ne 0 ]
	run -0 pp exec -u nobody sec-main grep -E '^(CapEff|Seccomp):' /proc/self/status
	assert_equal "$output" "$(printf 'CapEff:\t0000000000000000\nSeccomp:\t2')"
}

@test "restart policies: Never keeps the exit code, OnFailure and Always restart" {
	pod_yaml never Never 'main|exit 3' >"$Y/never.yaml"
	pod_yaml onfail OnFailure 'main|echo run; exit 1' >"$Y/onfail.yaml"
	pod_yaml onfailok OnFailure 'main|exit 0' >"$Y/onfailok.yaml"
	pod_yaml always Always 'main|echo run; exit 0' >"$Y/always.yaml"
	run -0 pp kube play "$Y/never.yaml" "$Y/onfail.yaml" "$Y/onfailok.yaml" "$Y/always.yaml"
	wait_field never-main status Exited
	assert_equal "$(ctr_field never-main exitCode)" 3
	wait_field onfail-main restarts 1
	wait_field always-main restarts 1
	# The second run ended too: kubelet's back-off (10 s) holds the next.
	wait_field onfail-main status Waiting
	wait_field onfailok-main status Exited
	assert_equal "$(ctr_field onfailok-main restarts)" 0
	assert_equal "$(ctr_field onfailok-main exitCode)" 0
	# Two runs at least (a busy machine may outlast the back-off before this reads), and nothing else.
	run -0 pp logs onfail-main
	[ "${#lines[@]}" -ge 2 ]
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u)" "run"
	run -0 pp ps -a
	assert_contains "$output" "Exited (3)"
	run -0 pp pod ls --format json
	echo "$output" | assert_json
}

@test "exec passes the exit status and says when a command or container is missing" {
	pod_yaml ex Never 'main|exec sleep 100' 'done|exit 0' >"$Y/ex.yaml"
	run -0 pp kube play "$Y/ex.yaml"
	wait_field ex-main status Running
	run -7 pp exec ex-main sh -c 'exit 7'
	run -127 pp exec ex-main no-such-command
	assert_contains "$output" "no-such-command"
	run -0 pp exec -u nobody ex-main id -u
	assert_equal "$output" "65534"
	run -0 pp exec -i ex-main cat <<<"through stdin"
	assert_equal "$output" "through stdin"
	wait_field ex-done status Exited
	run -125 pp exec ex-done true
	assert_contains "$output" "is not running"
	run -125 pp exec nope true
	assert_contains "$output" "no container"
	run -0 script -qec "$PODPLAY --root $ROOT --runroot $RUNROOT exec -t ex-main sh -c 'test -t 0 && echo terminal'" /dev/null
	assert_contains "$output" "terminal"
}

# The directories of a container's cgroup in every hierarchy (v1 and hybrid: one each; v2: one): ctr_cgroups POD-CONTAINER.
ctr_cgroups() {
	ls -d /sys/fs/cgroup/*/podplay/"$(ctr_field "$1" podId)/$(ctr_field "$1" id)" \
		/sys/fs/cgroup/podplay/"$(ctr_field "$1" podId)/$(ctr_field "$1" id)" 2>/dev/null || true
}

@test "exec and exec probes join the container's cgroup and change nothing of it; an exec into a container that just ended makes none" {
	{
		limited_yaml cg 'exec sleep 1000' 'memory: 64Mi'
		printf '    readinessProbe:\n      exec:\n        command: ["sh", "-c", "echo probed >>/tmp/probes"]\n'
		printf '      periodSeconds: 1\n'
	} >"$Y/cg.yaml"
	run -0 pp kube play "$Y/cg.yaml"
	wait_field cg-main ready True 20
	pid=$(ctr_field cg-main pid)
	limit=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
	inode=$(stat -c %i "${limit%/*}")
	assert_equal "$(cat "$limit")" 67108864
	# The limit as changed since the start, by hand: neither an exec nor a probe writes the pod's again.
	echo 50331648 >"$limit"
	probes=$(pp exec cg-main sh -c 'wc -l </tmp/probes')
	for _ in $(seq 100); do
		[ "$(pp exec cg-main sh -c 'wc -l </tmp/probes')" -ge $((probes + 2)) ] && break
		sleep 0.1
	done
	[ "$(pp exec cg-main sh -c 'wc -l </tmp/probes')" -ge $((probes + 2)) ]
	run -0 pp exec cg-main true
	assert_equal "$(cat "$limit")" 50331648
	assert_equal "$(stat -c %i "${limit%/*}")" "$inode"
	# The cgroup goes while the exec is on its way, as when the container has just ended and its monitor removed
	# it (its processes, still to be told, are moved out to each root cgroup first): the exec fails, makes none.
	cgroups=$(ctr_cgroups cg-main)
	[ -n "$cgroups" ]
	for d in $cgroups; do
		# Again while a probe's process is in it; a hierarchy listed twice (cpu, cpuacct) is gone the second time.
		for _ in $(seq 50); do
			[ -d "$d" ] || break
			for p in $(cat "$d/cgroup.procs"); do
				echo "$p" >"${d%%/podplay/*}/cgroup.procs" 2>/dev/null || true
			done
			rmdir "$d" 2>/dev/null || sleep 0.1
		done
		[ ! -d "$d" ]
	done
	run pp exec cg-main true
	if [ -z "${PODPLAY_RUNTIME:-}" ]; then
		assert_equal "$status" 125
		assert_contains "$output" "the container has ended"
	fi
	assert_equal "$(ctr_cgroups cg-main)" ""
}

@test "pod stop, start and rm, and kube down leaves no process, mount, namespace file or directory" {
	pod_yaml life Always 'a|trap "exit 0" TERM; while true; do sleep 0.1; done' 'b|exec sleep 100' >"$Y/life.yaml"
	run -0 pp kube play "$Y/life.yaml"
	wait_field life-a status Running
	wait_field life-b status Running
	pa=$(ctr_field life-a pid)
	pb=$(ctr_field life-b pid)
	monitor=$(pp pod inspect life | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["monitorPid"])')
	podid=$(ctr_field life-a podId)
	ls -d /sys/fs/cgroup/*/podplay/"$podid" /sys/fs/cgroup/podplay/"$podid" 2>/dev/null | grep -q .
	run -0 pp pod stop -t 1 life
	assert_equal "$(ctr_field life-a status)" Exited
	assert_equal "$(ctr_field life-a exitCode)" 0
	assert_equal "$(ctr_field life-b exitCode)" 137
	! kill -0 "$pa" 2>/dev/null
	! kill -0 "$monitor" 2>/dev/null
	run -0 pp pod ls
	assert_contains "$output" "Exited"
	run -0 pp pod start life
	wait_field life-b status Running
	run -125 pp pod rm life
	assert_contains "$output" "is running"
	run -0 pp kube down "$Y/life.yaml"
	assert_contains "$output" "pod/life"
	assert_contains "$output" "removed"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	assert_nothing_left "$pa" "$pb" "$monitor"
	run ls -d /sys/fs/cgroup/*/podplay/"$podid" /sys/fs/cgroup/podplay/"$podid"
	assert_equal "$(ls -d /sys/fs/cgroup/*/podplay/"$podid" /sys/fs/cgroup/podplay/"$podid" 2>/dev/null)" ""
}

@test "kill -9 of the monitor: the next command tells the truth and kube down cleans up" {
	pod_yaml orphan Always 'main|exec sleep 100' >"$Y/orphan.yaml"
	run -0 pp kube play "$Y/orphan.yaml"
	wait_field orphan-main status Running
	pid=$(ctr_field orphan-main pid)
	monitor=$(pp pod inspect orphan | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["monitorPid"])')
	kill -9 "$monitor"
	# The next command sees the monitor gone, ends what is left of the pod and says so.
	run -0 pp pod ls
	assert_contains "$output" "Error"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null
	assert_equal "$(ctr_field orphan-main status)" Exited
	run -0 pp kube down "$Y/orphan.yaml"
	assert_nothing_left "$pid"
}

@test "kill -9 of a container's PID 1: Always restarts it, Never records 137" {
	pod_yaml k1 Always 'main|exec sleep 100' >"$Y/k1.yaml"
	pod_yaml k2 Never 'main|exec sleep 100' >"$Y/k2.yaml"
	run -0 pp kube play "$Y/k1.yaml" "$Y/k2.yaml"
	wait_field k1-main status Running
	wait_field k2-main status Running
	kill -9 "$(ctr_field k1-main pid)" "$(ctr_field k2-main pid)"
	wait_field k1-main restarts 1
	wait_field k1-main status Running
	wait_field k2-main status Exited
	assert_equal "$(ctr_field k2-main exitCode)" 137
}

@test "two kube play commands at once, on different files, both run" {
	pod_yaml one Never 'main|exec sleep 100' >"$Y/one.yaml"
	pod_yaml two Never 'main|exec sleep 100' >"$Y/two.yaml"
	pp kube play "$Y/one.yaml" >"$BATS_TEST_TMPDIR/one.out" 2>&1 &
	p1=$!
	pp kube play "$Y/two.yaml" >"$BATS_TEST_TMPDIR/two.out" 2>&1 &
	p2=$!
	wait "$p1" || { cat "$BATS_TEST_TMPDIR/one.out"; false; }
	wait "$p2" || { cat "$BATS_TEST_TMPDIR/two.out"; false; }
	wait_field one-main status Running
	wait_field two-main status Running
	run -0 pp kube down "$Y/one.yaml"
	run -0 pp ps -a --format json
	refute_contains "$output" '"one-main"'
	assert_contains "$output" '"two-main"'
}

@test "bad input creates nothing: invalid YAML, a pod that exists, a missing image" {
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: x\n    imagee: busybox\n' \
		>"$Y/bad.yaml"
	run -125 pp kube play "$Y/bad.yaml"
	assert_contains "$output" "bad.yaml:8:5: error"
	assert_contains "$output" "nothing was created"
	pod_yaml first Never 'main|exec sleep 100' >"$Y/first.yaml"
	cat "$Y/first.yaml" >"$Y/both.yaml"
	printf -- '---\n' >>"$Y/both.yaml"
	pod_yaml second Never 'main|exec sleep 100' | sed 's|localhost/busybox:latest|localhost/missing:1|' >>"$Y/both.yaml"
	run -125 pp kube play "$Y/both.yaml"
	assert_contains "$output" "localhost/missing:1"
	assert_contains "$output" "both.yaml:"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	run -0 pp kube play "$Y/first.yaml"
	cp "$Y/first.yaml" "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	assert_contains "$output" "pod \`first\` exists already, from $Y/first.yaml"
	run -0 pp pod rm -f -t 0 first
	assert_nothing_left
}

@test "--runtime runc runs the same pods, and says so in pod.json" {
	command -v runc >/dev/null || skip "runc is not installed"
	pod_yaml viarunc Never 'main|echo started; exec sleep 100' 'side|exec sleep 100' >"$Y/runc.yaml"
	run -0 pp --runtime runc kube play "$Y/runc.yaml"
	grep -q '"runtime": "runc"' "$ROOT/pods/$(ctr_field viarunc-main podId)/pod.json"
	wait_field viarunc-main status Running
	assert_equal "$(pp exec viarunc-main cat /proc/1/cmdline | tr '\0' ' ')" "sleep 100 "
	run -0 pp exec viarunc-side hostname
	assert_equal "$output" "viarunc"
	run -0 pp exec viarunc-main grep -E '^(CapEff|Seccomp):' /proc/self/status
	assert_equal "$output" "$(printf 'CapEff:\t00000000800405fb\nSeccomp:\t2')"
	run -0 pp logs viarunc-main
	assert_equal "$output" "started"
	pid=$(ctr_field viarunc-main pid)
	run -0 pp pod rm -f -t 0 viarunc
	assert_nothing_left "$pid"
}

# The cgroup file of a container's process for a v1 controller or, on v2, the unified file: cgroup_file PID
# CONTROLLER V1FILE V2FILE.
cgroup_file() {
	local line
	line=$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$1/cgroup" || true)
	if [ -n "$line" ] && [ -d "/sys/fs/cgroup/$2" ]; then
		echo "/sys/fs/cgroup/$2${line##*:}/$3"
	else
		line=$(grep '^0::' "/proc/$1/cgroup")
		echo "/sys/fs/cgroup${line#0::}/$4"
	fi
}

limited_yaml() {
	cat <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $1
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "$2"]
	    resources:
	      limits:
	        $3
	YAML
}

@test "a memory limit kills an allocation loop, and ps and inspect say OOMKilled" {
	limited_yaml hog 'echo start; busybox tail /dev/zero' 'memory: 16Mi' >"$Y/hog.yaml"
	run -0 pp kube play "$Y/hog.yaml"
	wait_field hog-main status Exited
	assert_equal "$(ctr_field hog-main exitCode)" 137
	assert_equal "$(ctr_field hog-main oomKilled)" True
	run -0 pp ps -a
	assert_contains "$output" "OOMKilled (137)"
	run -0 pp inspect hog-main
	assert_contains "$output" '"OOMKilled": true'
}

@test "a CPU limit caps a busy loop, by the cgroup's own usage counter" {
	limited_yaml spin 'while :; do :; done' 'cpu: 200m' >"$Y/spin.yaml"
	run -0 pp kube play "$Y/spin.yaml"
	wait_field spin-main status Running
	pid=$(ctr_field spin-main pid)
	f=$(cgroup_file "$pid" cpuacct cpuacct.usage cpu.stat)
	usage() { if [ "${f##*/}" = cpu.stat ]; then awk '/^usage_usec/ { print $2 * 1000 }' "$f"; else cat "$f"; fi; }
	u1=$(usage)
	t1=$(date +%s%N)
	sleep 2
	u2=$(usage)
	t2=$(date +%s%N)
	used=$((u2 - u1))
	wall=$((t2 - t1))
	echo "used $used ns of CPU in $wall ns" >&2
	# 200m is a fifth of a core; well under half of one leaves room for a noisy machine.
	[ "$used" -gt 0 ]
	[ "$used" -lt $((wall / 2)) ]
	f=$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)
	[ -f "$f" ]
	run -0 pp exec spin-main cat /proc/self/cgroup
	refute_contains "$output" "podplay"
}

@test "rmi refuses an image a container runs, and removes it once the pod is gone" {
	pod_yaml user Never 'main|exec sleep 100' >"$Y/user.yaml"
	run -0 pp kube play "$Y/user.yaml"
	run -125 pp rmi localhost/busybox:latest
	assert_contains "$output" "is used by container user-main"
	run -125 pp rmi -f localhost/busybox:latest
	run -0 pp images -q
	[ -n "$output" ]
	run -0 pp pod rm -f -t 0 user
	run -0 pp rmi localhost/busybox:latest
	assert_contains "$output" "Deleted:"
}

@test "kill -9 of kube play halfway: every command tells the truth and kube down removes what it made" {
	pod_yaml half Never 'a|exec sleep 100' 'b|exec sleep 100' 'c|exec sleep 100' 'd|exec sleep 100' >"$Y/half.yaml"
	for delay in 0.005 0.02 0.04 0.08; do
		pp kube play "$Y/half.yaml" >/dev/null 2>&1 &
		player=$!
		sleep "$delay"
		kill -9 "$player" 2>/dev/null || true
		wait "$player" 2>/dev/null || true
		run -0 pp pod ls --format json
		echo "$output" | assert_json
		run -0 pp ps -a --format json
		echo "$output" | assert_json
		run -0 pp kube down "$Y/half.yaml"
		run -0 pp pod ls -q
		assert_equal "$output" ""
		assert_nothing_left
	done
}

@test "shareProcessNamespace: the pod's containers see each other's processes under one /pause" {
	pod_yaml shared Never 'a|exec sleep 101' 'b|exec sleep 102' | sed 's/^spec:$/spec:\n  shareProcessNamespace: true/' >"$Y/shared.yaml"
	run -0 pp kube play "$Y/shared.yaml"
	wait_field shared-a status Running
	wait_field shared-b status Running
	run -0 pp exec shared-b ps
	assert_contains "$output" "1 root     /pause"
	assert_contains "$output" "sleep 101"
	assert_contains "$output" "sleep 102"
	podid=$(ctr_field shared-a podId)
	[ -e "$RUNROOT/pods/$podid/ns/pid" ]
	run -0 pp kube down "$Y/shared.yaml"
	assert_nothing_left
}

@test "the configuration file chooses the runtime; the command line wins; a bad line is named" {
	command -v runc >/dev/null || skip "runc is not installed"
	printf '# podplay\nruntime = runc\n' >"$BATS_TEST_TMPDIR/podplay.conf"
	pod_yaml conf Never 'main|exec sleep 100' >"$Y/conf.yaml"
	PODPLAY_CONFIG=$BATS_TEST_TMPDIR/podplay.conf run -0 pp kube play "$Y/conf.yaml"
	grep -q '"runtime": "runc"' "$ROOT/pods/$(ctr_field conf-main podId)/pod.json"
	run -0 pp pod rm -f -t 0 conf
	PODPLAY_CONFIG=$BATS_TEST_TMPDIR/podplay.conf run -0 pp --runtime builtin kube play "$Y/conf.yaml"
	grep -q '"runtime": "builtin"' "$ROOT/pods/$(ctr_field conf-main podId)/pod.json"
	printf 'runtime = kata\n' >"$BATS_TEST_TMPDIR/bad.conf"
	PODPLAY_CONFIG=$BATS_TEST_TMPDIR/bad.conf run -125 pp ps
	assert_contains "$output" "bad.conf:1: runtime: unknown runtime \"kata\""
}

@test "logs -f follows a container until its pod ends" {
	pod_yaml follow Never 'main|echo first; sleep 1; echo second' >"$Y/follow.yaml"
	run -0 pp kube play "$Y/follow.yaml"
	run -0 timeout 20 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" logs -f follow-main
	assert_equal "$output" "$(printf 'first\nsecond')"
	run -0 pp logs --tail 1 follow-main
	assert_equal "$output" "second"
}

@test "a pod of 70 containers: every container's output reaches its log" {
	{
		pod_yaml many Never
		for i in $(seq 70); do
			printf '  - name: c%s\n    image: localhost/busybox:latest\n' "$i"
			printf '    command: ["sh", "-c", "echo line-of-c%s; exec sleep 1000"]\n' "$i"
		done
	} >"$Y/many.yaml"
	run -0 pp kube play "$Y/many.yaml"
	assert_contains "$output" "started (70 containers)"
	expected=$(for i in $(seq 70); do echo "c$i | line-of-c$i"; done | sort)
	for _ in $(seq 100); do
		[ "$(pp pod logs many | sort)" = "$expected" ] && break
		sleep 0.2
	done
	assert_equal "$(pp pod logs many | sort)" "$expected"
}

@test "pod rm -f stops every pod at once: pods that ignore SIGTERM wait out one grace period together, not one after another" {
	mkdir "$BATS_TEST_TMPDIR/release"
	for name in slow1 slow2; do
		cat >"$Y/$name.yaml" <<-YAML
		apiVersion: v1
		kind: Pod
		metadata:
		  name: $name
		spec:
		  restartPolicy: Never
		  terminationGracePeriodSeconds: 600
		  containers:
		  - name: main
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "trap '' TERM; while [ ! -e /release/go ]; do sleep 1; done"]
		    volumeMounts:
		    - {name: release, mountPath: /release}
		  volumes:
		  - name: release
		    hostPath: {path: $BATS_TEST_TMPDIR/release, type: Directory}
		YAML
		run -0 pp kube play "$Y/$name.yaml"
		wait_field "$name-main" status Running
	done
	ids=$(printf '%s\n' "$(pod_field slow1 id)" "$(pod_field slow2 id)")
	pp pod rm -f slow1 slow2 >"$BATS_TEST_TMPDIR/rm.out" 2>&1 3>&- &
	rm_pid=$!
	# Both are stopping while the first one's grace period runs (it would last 600 s).
	wait_field slow1-main status Stopping
	wait_field slow2-main status Stopping
	touch "$BATS_TEST_TMPDIR/release/go"
	wait "$rm_pid"
	assert_equal "$(sort "$BATS_TEST_TMPDIR/rm.out")" "$(printf '%s\n' "$ids" | sort)"
	assert_equal "$(pod_names)" ""
}
