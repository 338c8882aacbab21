#!/usr/bin/env bats
# Container and pod fields as `kube play` honours them: sysctls in the pod's own namespaces, procMount, a terminal
# and an open stdin, native sidecars (init containers with restartPolicy: Always), and the FQDN of a subdomain.

load helpers

load pods

# Waits until every pod of the test has ended.
wait_pods_ended() {
	for _ in $(seq 150); do
		pp pod ls --format json | python3 -c 'import json,sys; sys.exit(0 if all(p["status"] in ("Exited", "Error") for p in json.load(sys.stdin)) else 1)' && return 0
		sleep 0.1
	done
	return 1
}

@test "sysctls: set in the pod's own network and IPC namespaces, under both runtimes; the host's unchanged" {
	host_port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	host_shm=$(cat /proc/sys/kernel/shm_rmid_forced)
	cat >"$Y/sysctls.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: tuned
	spec:
	  terminationGracePeriodSeconds: 0
	  securityContext:
	    sysctls:
	    - {name: net.ipv4.ip_unprivileged_port_start, value: "80"}
	    - {name: kernel/shm_rmid_forced, value: "1"}
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	YAML
	for runtime in builtin runc; do
		run -0 pp --runtime "$runtime" kube play "$Y/sysctls.yaml"
		refute_contains "$output" "sysctls"
		run -0 pp exec tuned-main sh -c 'sysctl -n net.ipv4.ip_unprivileged_port_start; cat /proc/sys/kernel/shm_rmid_forced'
		assert_equal "$output" "$(printf '80\n1')"
		run -0 pp kube down "$Y/sysctls.yaml"
	done
	assert_equal "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" "$host_port"
	assert_equal "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host_shm"
}

@test "sysctls: one of the whole machine, or net.* with hostNetwork, is an error at its position and nothing is created" {
	cat >"$Y/bad.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: bad
	spec:
	  hostNetwork: true
	  securityContext:
	    sysctls:
	    - {name: kernel.pid_max, value: "100000"}
	    - {name: net.core.somaxconn, value: "1024"}
	    - {name: kernel.msgmax, value: "9000"}
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	YAML
	run -125 pp kube play "$Y/bad.yaml"
	assert_contains "$output" "bad.yaml:9:14: error: spec.securityContext.sysctls[0].name: forbidden sysctl \"kernel.pid_max\": not namespaced"
	assert_contains "$output" "bad.yaml:10:14: error: spec.securityContext.sysctls[1].name: sysctl \"net.core.somaxconn\" may not be specified when hostNetwork is true"
	refute_contains "$output" "kernel.msgmax"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	run -0 pp ps -a -q
	assert_equal "$output" ""
}

@test "procMount: Default keeps /proc masked and /proc/sys read-only; Unmasked needs hostUsers: false, and unmasks it there" {
	cat >"$Y/proc.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: proc
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "grep -c ' /proc/timer_list ' /proc/self/mountinfo; grep ' /proc/sys ' /proc/mounts | cut -d' ' -f4 | cut -c1-2 | grep . || echo none"]
	    securityContext: {procMount: Default}
	YAML
	run -0 pp kube play "$Y/proc.yaml"
	refute_contains "$output" "procMount"
	wait_pods_ended
	# Masked: /dev/null is bound over /proc/timer_list.
	run -0 pp logs proc-main
	assert_equal "$output" "$(printf '1\nro')"
	run -0 pp kube down "$Y/proc.yaml"

	sed -i 's/procMount: Default/procMount: Unmasked/' "$Y/proc.yaml"
	run -125 pp kube play "$Y/proc.yaml"
	assert_contains "$output" "proc.yaml:11:34: error: spec.containers[0].securityContext.procMount: \`hostUsers\` must be false to use \`Unmasked\`"
	run -0 pp pod ls -q
	assert_equal "$output" ""

	sed -i 's/  restartPolicy: Never/  restartPolicy: Never\n  hostUsers: false/' "$Y/proc.yaml"
	run -0 pp kube play "$Y/proc.yaml"
	refute_contains "$output" "procMount"
	wait_pods_ended
	# In the pod's user namespace /proc is whole: nothing bound over timer_list, no read-only /proc/sys.
	run -0 pp logs proc-main
	assert_equal "$output" "$(printf '0\nnone')"
}

@test "tty: the container's stdio is a terminal of its own devpts, read into the log; stdin: a cat waits where one without stdin ends at once" {
	cat >"$Y/tty.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: term
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: tty
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty; test -t 1 && echo stdout-is-a-tty; echo to-stderr >&2; exec sleep 100"]
	    tty: true
	  - name: open
	    image: localhost/busybox:latest
	    command: ["cat"]
	    stdin: true
	    stdinOnce: true
	  - name: closed
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "cat; echo cat-ended; test -t 0 || echo no-tty"]
	YAML
	for runtime in builtin runc; do
		run -0 pp --runtime "$runtime" kube play "$Y/tty.yaml"
		refute_contains "$output" "warning"
		for _ in $(seq 50); do
			[ "$(pp logs term-tty | wc -l)" -ge 4 ] && [ "$(ctr_field term-closed status)" = Exited ] && break
			sleep 0.1
		done
		# A terminal turns \n into \r\n, as in a kubelet's log of a tty container.
		run -0 sh -c "\"$PODPLAY\" --root \"$ROOT\" --runroot \"$RUNROOT\" logs term-tty | tr -d '\r'"
		assert_equal "$output" "$(printf '/dev/pts/0\nstdin-is-a-tty\nstdout-is-a-tty\nto-stderr')"
		# Everything a terminal carries is stdout in the k8s-file log.
		run -0 sh -c "cat \"$ROOT\"/containers/$(ctr_field term-tty id)/ctr.log | cut -d' ' -f2 | sort -u"
		assert_equal "$output" "stdout"
		assert_equal "$(ctr_field term-open status)" "Running"
		assert_equal "$(ctr_field term-closed status)" "Exited"
		run -0 pp logs term-closed
		assert_equal "$output" "$(printf 'cat-ended\nno-tty')"
		sleep 1
		assert_equal "$(ctr_field term-open status)" "Running"
		run -0 pp exec term-open sh -c 'ls -l /proc/1/fd/0'
		assert_contains "$output" "pipe:"
		run -0 pp kube down "$Y/tty.yaml"
	done
}

@test "sidecars: started in order, the next init container once it runs (and its startupProbe passed), restarted when they exit, stopped after the main containers in reverse order" {
	shared=$BATS_TEST_TMPDIR/shared
	cat >"$Y/sidecars.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: withside
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 10
	  initContainers:
	  - name: setup
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo setup >>/shared/log"]
	    volumeMounts: [{name: s, mountPath: /shared}]
	  - name: proxy
	    image: localhost/busybox:latest
	    restartPolicy: Always
	    command: ["sh", "-c", "echo proxy-start >>/shared/log; n=\$(cat /shared/runs 2>/dev/null || echo 0); echo \$((n+1)) >/shared/runs; [ \$n = 0 ] && exit 3; trap 'echo proxy-stop >>/shared/log; exit 0' TERM; while :; do sleep 0.1; done"]
	    volumeMounts: [{name: s, mountPath: /shared}]
	  - name: logger
	    image: localhost/busybox:latest
	    restartPolicy: Always
	    startupProbe:
	      exec: {command: ["test", "-f", "/shared/logger-ready"]}
	      periodSeconds: 1
	    command: ["sh", "-c", "echo logger-start >>/shared/log; sleep 1; echo logger-ready >>/shared/log; touch /shared/logger-ready; trap 'echo logger-stop >>/shared/log; exit 0' TERM; while :; do sleep 0.1; done"]
	    volumeMounts: [{name: s, mountPath: /shared}]
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo main-start >>/shared/log; trap 'echo main-stop >>/shared/log; exit 0' TERM; sleep \$RUN_FOR & wait; echo main-end >>/shared/log"]
	    env: [{name: RUN_FOR, value: "1"}]
	    volumeMounts: [{name: s, mountPath: /shared}]
	  volumes: [{name: s, hostPath: {path: $shared, type: DirectoryOrCreate}}]
	YAML
	run -0 pp kube play "$Y/sidecars.yaml"
	refute_contains "$output" "restartPolicy"
	wait_pods_ended
	# The proxy's first run exited (3) and it was started again; the logger waited for its startup probe before main;
	# when main ended the sidecars were stopped, the last started first.
	run -0 cat "$shared/log"
	assert_equal "$output" "$(printf 'setup\nproxy-start\nlogger-start\nproxy-start\nlogger-ready\nmain-start\nmain-end\nlogger-stop\nproxy-stop')"
	run -0 pp pod inspect withside
	assert_contains "$output" '"status": "Exited"'
	assert_equal "$(ctr_field withside-proxy restarts)" 1
	assert_equal "$(ctr_field withside-proxy exitCode)" 0
	assert_equal "$(ctr_field withside-logger restarts)" 0
	assert_equal "$(ctr_field withside-main exitCode)" 0
	run -0 pp kube down "$Y/sidecars.yaml"

	# In a pod that runs on (restartPolicy Always), a stop ends main first, then the sidecars in reverse order.
	rm -f "$shared"/*
	sed -i -e 's/restartPolicy: Never/restartPolicy: Always/' -e 's/value: "1"/value: "100"/' "$Y/sidecars.yaml"
	echo 1 >"$shared/runs"
	run -0 pp kube play "$Y/sidecars.yaml"
	for _ in $(seq 50); do
		grep -q main-start "$shared/log" && break
		sleep 0.1
	done
	# READY counts the main container and the two sidecars, as kubectl does (the finished init container not).
	for _ in $(seq 50); do
		pp pod ls | grep -q ' 3/3 ' && break
		sleep 0.1
	done
	run -0 pp pod ls
	assert_contains "$output" " 3/3 "
	assert_equal "$(ctr_field withside-proxy sidecar)" True
	assert_equal "$(ctr_field withside-setup sidecar)" False
	run -0 pp pod stop withside
	run -0 cat "$shared/log"
	assert_equal "$output" "$(printf 'setup\nproxy-start\nlogger-start\nlogger-ready\nmain-start\nmain-stop\nlogger-stop\nproxy-stop')"
}

@test "an init container that cannot start after the one before it ran ends the pod: Exited (128), the reason in its log, main never started" {
	# The second init container is started by the monitor alone (the first has ended), with no caller to take its
	# error: the monitor crashed there once, leaving it Created and the pod in Error.
	cat >"$Y/initfail.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: initfail
	spec:
	  restartPolicy: Never
	  initContainers:
	  - name: first
	    image: localhost/busybox:latest
	    command: ["true"]
	  - name: second
	    image: localhost/busybox:latest
	    command: ["/no/such/program"]
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	YAML
	run -0 pp kube play "$Y/initfail.yaml"
	wait_field initfail-second exitCode 128
	assert_equal "$(ctr_field initfail-first exitCode)" 0
	assert_equal "$(ctr_field initfail-main status)" Created
	run -0 pp logs initfail-second
	assert_contains "$output" "exec /no/such/program: No such file or directory"
	wait_pods_ended
	assert_equal "$(pod_field initfail status)" Exited
	run -0 pp kube down "$Y/initfail.yaml"
}

@test "subdomain: /etc/hosts names the pod by its FQDN as the kubelet writes it, and hostname -f finds it" {
	cat >"$Y/fqdn.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: named
	  namespace: shop
	spec:
	  restartPolicy: Never
	  hostname: web-0
	  subdomain: web
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "hostname; hostname -f; grep web-0 /etc/hosts"]
	YAML
	run -0 pp kube play "$Y/fqdn.yaml"
	refute_contains "$output" "subdomain"
	wait_pods_ended
	run -0 pp logs named-main
	# The pod's own lines are at its addresses in the pod network (its IPv6 one too: the host has IPv6).
	ip=$(pp inspect named | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ip"])')
	ip6=$(pp inspect named | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ip6"])')
	[[ "$ip" == 10.244.* ]]
	[[ "$ip6" == fd00:10:244::* ]]
	assert_equal "$output" "$(printf 'web-0\nweb-0.web.shop.svc.cluster.local\n%s\tweb-0.web.shop.svc.cluster.local\tweb-0\n%s\tweb-0.web.shop.svc.cluster.local\tweb-0' "$ip" "$ip6")"
	# A pod start makes the file again from what the play recorded.
	run -0 pp pod start named
	wait_pods_ended
	run -0 pp logs named-main
	assert_contains "$output" "$(printf '%s\tweb-0.web.shop.svc.cluster.local\tweb-0' "$ip")"
}

@test "supplementalGroupsPolicy: Merge adds the groups the image's /etc/group lists the user in; Strict only the pod's" {
	cat >"$Y/groups.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: merged
	spec:
	  restartPolicy: Never
	  securityContext: {runAsUser: 65534, runAsGroup: 65534, supplementalGroups: [2000]}
	  containers:
	  - {name: main, image: localhost/busybox:latest, command: ["id", "-G"]}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: strict
	spec:
	  restartPolicy: Never
	  securityContext: {runAsUser: 65534, runAsGroup: 65534, supplementalGroups: [2000], supplementalGroupsPolicy: Strict}
	  containers:
	  - {name: main, image: localhost/busybox:latest, command: ["id", "-G"]}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: rootgroups
	spec:
	  restartPolicy: Never
	  containers:
	  - {name: main, image: localhost/busybox:latest, command: ["id", "-G"]}
	YAML
	run -0 pp kube play "$Y/groups.yaml"
	refute_contains "$output" "supplementalGroupsPolicy"
	wait_pods_ended
	run -0 pp logs merged-main
	assert_equal "$output" "65534 4 100 2000"
	run -0 pp logs strict-main
	assert_equal "$output" "65534 2000"
	run -0 pp logs rootgroups-main
	assert_equal "$output" "0 100"
}

@test "Podman's annotations: ulimit, pids-limit, userns and the seccomp ones honoured under both runtimes; the others named at their position" {
	cat >"$Y/ann.yaml" <<-'YAML'
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: ann
	  annotations:
	    io.podman.annotations.pids-limit/main: "42"
	    io.podman.annotations.publish-all/main: "true"
	spec:
	  selector: {matchLabels: {app: ann}}
	  template:
	    metadata:
	      labels: {app: ann}
	      annotations:
	        io.podman.annotations.ulimit: "nofile=1000:2000,nproc=500"
	        io.podman.annotations.userns: auto
	        container.seccomp.security.alpha.kubernetes.io/main: unconfined
	        io.podman.annotations.autoremove/main: "true"
	        io.podman.annotations.pids-limit/nope: "5"
	        io.containers.autoupdate: registry
	        io.podman.annotations.made-up: "x"
	        team: web
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sleep", "100"]
	      - name: side
	        image: localhost/busybox:latest
	        command: ["sleep", "100"]
	YAML
	# runc enters the root filesystem as the pod's root (userns auto): the directories above the runroot let it pass.
	chmod o+x "$BATS_RUN_TMPDIR"
	for runtime in builtin runc; do
		run -0 pp --runtime "$runtime" kube play "$Y/ann.yaml"
		warnings=$(printf '%s\n' "$output" | grep ': warning: ' | sed 's|^.*/ann.yaml:||')
		assert_equal "$warnings" "7:5: warning: metadata.annotations[io.podman.annotations.publish-all/main]: ignored: that needs the pod network, which podplay does not have yet (in Podman it publishes every port the image exposes)
16:9: warning: spec.template.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/main]: honoured as Podman does, but Kubernetes ignores it since 1.27: say it with securityContext.seccompProfile
17:9: warning: spec.template.metadata.annotations[io.podman.annotations.autoremove/main]: ignored: a pod's containers stay, with their logs, until the pod goes (in Podman it removes the container when it exits)
18:9: warning: spec.template.metadata.annotations[io.podman.annotations.pids-limit/nope]: ignored: no container \`nope\` in the pod
19:9: warning: spec.template.metadata.annotations[io.containers.autoupdate]: ignored: podplay has no auto-update (in Podman it is \`podman auto-update\`'s policy)
20:9: warning: spec.template.metadata.annotations[io.podman.annotations.made-up]: ignored: not an annotation podplay knows, nor one Podman's kube play reads"
		pod=$(pod_names)
		# What the container's own process (PID 1 of its PID namespace) runs with.
		limits='awk "/^Max processes/ { print \$3, \$4 } /^Max open files/ { print \$4, \$5 }" /proc/1/limits
			cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max; grep Seccomp: /proc/1/status'
		run -0 pp exec "$pod-main" sh -c "$limits; cat /proc/1/uid_map"
		assert_equal "$(printf '%s\n' "$output" | sed -n 1,4p | tr -s ' \t' ' ')" "$(printf '500 500\n1000 2000\n42\nSeccomp: 0')"
		# The pod's own user namespace: root inside is not the host's.
		[ "$(printf '%s\n' "$output" | sed -n 5p | awk '{ print $1, $2 }')" != "0 0" ]
		# An exec's process gets the container's limits too (runc 1.1's exec leaves the soft nofile limit at the
		# hard one: its Go runtime raised it).
		run -0 pp exec "$pod-main" sh -c 'ulimit -Hn; ulimit -u'
		assert_equal "$output" "$(printf '2000\n500')"
		if [ "$runtime" = builtin ]; then
			run -0 pp exec "$pod-main" sh -c 'ulimit -n'
			assert_equal "$output" 1000
		fi
		run -0 pp exec "$pod-side" sh -c "$limits"
		assert_equal "$(printf '%s\n' "$output" | tr -s ' \t' ' ')" "$(printf '500 500\n1000 2000\nmax\nSeccomp: 2')"
		run -0 pp kube down "$Y/ann.yaml"
	done
}

@test "Podman's annotations: a value podplay cannot read, or a userns against hostUsers, is an error at its position and nothing is created" {
	cat >"$Y/bad.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: bad
	  annotations:
	    io.podman.annotations.ulimit: "nofile=2000:1000,bogus=1"
	    io.podman.annotations.pids-limit/main: lots
	    io.podman.annotations.init.container.type: sometimes
	    seccomp.security.alpha.kubernetes.io/pod: localhost/../../etc/profile.json
	    io.podman.annotations.userns: auto
	spec:
	  hostUsers: true
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	YAML
	run -125 pp kube play "$Y/bad.yaml"
	errors=$(printf '%s\n' "$output" | grep ': error: ' | sed 's|^.*/bad.yaml:||')
	assert_equal "$errors" "6:5: error: metadata.annotations[io.podman.annotations.ulimit]: invalid value \"nofile=2000:1000,bogus=1\": \`nofile=2000:1000\`: the soft limit is above the hard one
7:5: error: metadata.annotations[io.podman.annotations.pids-limit/main]: invalid value \"lots\": must be an integer (-1 for no limit)
8:5: error: metadata.annotations[io.podman.annotations.init.container.type]: invalid value \"sometimes\": must be always or once
9:5: error: metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: invalid value \"localhost/../../etc/profile.json\": must not contain '..'
10:5: error: metadata.annotations[io.podman.annotations.userns]: \"auto\" contradicts spec.hostUsers: true"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}
