#!/usr/bin/env bats
# Manifests from the Kubernetes documentation, played: fixtures/manifests/real-world-play/ holds them with their
# images swapped for the offline busybox image (each file's head says from which page, and what was swapped).
# Each test asserts what the play prints (and the one warning of a field not honoured) and what the pods do, as
# the documentation page says a user sees it: logs, exec, readiness, restarts, a Job's completion.

load helpers

load pods

D=fixtures/manifests/real-world-play

# The first 1000 digits of pi, from Machin's formula in integers: what the docs' `perl -Mbignum=bpi -wle
# "print bpi(1000)"` prints.
pi_1000() {
	python3 -c '
one = 10 ** 1010
def arctan(x):
    s = t = one // x
    k, sign = 1, -1
    while t:
        t //= x * x
        k += 2
        s += sign * (t // k)
        sign = -sign
    return s
d = str(4 * (4 * arctan(5) - arctan(239)))[:1000]
print(d[0] + "." + d[1:])
'
}

@test "real-world play: the docs' Job pi runs to Complete and its pod's log holds 1000 digits of pi" {
	run -0 pp kube play "$D/controllers-job.yaml"
	assert_equal "$output" "job/pi started (completions 1, parallelism 1, backoffLimit 4)"
	for _ in $(seq 600); do
		[ "$(pp job ls --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["status"])')" != Running ] && break
		sleep 0.1
	done
	run -0 pp job ls --format json
	assert_contains "$output" '"status": "Complete"'
	assert_contains "$output" '"succeeded": 1'
	assert_contains "$output" '"failed": 0'
	assert_equal "$(pod_names)" "pi-0"
	assert_equal "$(ctr_field pi-0-pi exitCode)" 0
	run -0 pp logs pi-0-pi
	assert_equal "$output" "$(pi_1000)"
	run -0 pp kube down "$D/controllers-job.yaml"
	assert_equal "$(pod_names)" ""
}

@test "real-world play: the docs' nginx Deployment gives 3 replicas serving on port 80, ready by their probes" {
	run -0 pp kube play "$D/controllers-nginx-deployment.yaml"
	# Every field is honoured: containerPort only documents the port, as in a cluster.
	assert_equal "$(printf '%s\n' "$output" | grep -c warning)" 0
	assert_equal "$(printf '%s\n' "$output" | grep -c '^pod/nginx-deployment-[0-9a-f]*-[0-2] .* started (1 container)$')" 3
	read -r -a pods <<<"$(pod_names)"
	assert_equal "${#pods[@]}" 3
	# Ready once the readiness probe's GET / answered, 3 s after the start at the earliest.
	for p in "${pods[@]}"; do
		wait_field "$p-nginx" ready True 20
		run -0 pp exec "$p-nginx" wget -qO- http://127.0.0.1:80/
		assert_equal "$output" "Welcome to $p"
	done
	run -0 pp pod ls --format '{{.Status}} {{.Ready}}'
	assert_equal "$(printf '%s\n' "$output" | grep -c '^Running 1/1$')" 3
	# A replica that stops serving / is marked not ready and restarted by its liveness probe, which brings
	# its page back.
	first=${pods[0]}
	pp exec "$first-nginx" rm /usr/share/nginx/html/index.html
	wait_field "$first-nginx" restarts 1 30
	run -0 pp logs "$first-nginx"
	assert_contains "$output" "livenessProbe failed 3 times: the container is killed"
	wait_field "$first-nginx" ready True 20
	run -0 pp exec "$first-nginx" wget -qO- http://127.0.0.1/
	assert_equal "$output" "Welcome to $first"
	# The others were not touched.
	assert_equal "$(ctr_field "${pods[1]}-nginx" restarts)" 0
	assert_equal "$(ctr_field "${pods[2]}-nginx" restarts)" 0
}

@test "real-world play: the docs' Pod with a ConfigMap as a volume lists its keys; with items, one key at a path" {
	run -0 pp kube play "$D/pods-pod-configmap-volume.yaml"
	assert_equal "$output" "pod/dapi-test-pod $(pp pod ls -q) started (1 container)"
	wait_field dapi-test-pod-test-container status Exited
	assert_equal "$(ctr_field dapi-test-pod-test-container exitCode)" 0
	run -0 pp logs dapi-test-pod-test-container
	assert_equal "$output" "$(printf 'SPECIAL_LEVEL\nSPECIAL_TYPE')"
	run -0 pp kube down "$D/pods-pod-configmap-volume.yaml"
	run -0 pp kube play "$D/pods-pod-configmap-volume-specific-key.yaml"
	wait_field dapi-test-pod-test-container status Exited
	assert_equal "$(ctr_field dapi-test-pod-test-container exitCode)" 0
	run -0 pp logs dapi-test-pod-test-container
	assert_equal "$output" "very"
}

@test "real-world play: the docs' myapp-pod runs its init containers in order, then the app" {
	run -0 pp kube play "$D/pods-init-containers-myapp.yaml"
	assert_contains "$output" "pod/myapp-pod"
	refute_contains "$output" "warning"
	wait_field myapp-pod-myapp-container status Running
	assert_equal "$(ctr_field myapp-pod-init-myservice exitCode)" 0
	assert_equal "$(ctr_field myapp-pod-init-mydb exitCode)" 0
	[ "$(ctr_field myapp-pod-init-myservice finishedAt)" -le "$(ctr_field myapp-pod-init-mydb startedAt)" ]
	[ "$(ctr_field myapp-pod-init-mydb finishedAt)" -le "$(ctr_field myapp-pod-myapp-container startedAt)" ]
	run -0 pp pod logs myapp-pod
	assert_equal "$output" "$(printf '%s\n' 'init-myservice | myservice is there' 'init-mydb | mydb is there' \
		'myapp-container | The app is running!')"
	run -0 pp pod ls --format '{{.Name}} {{.Status}} {{.Ready}}'
	assert_equal "$output" "myapp-pod Running 1/1"
}

@test "real-world play: the docs' two-container pod shares a volume: nginx's page is what debian wrote" {
	run -0 pp kube play "$D/pods-two-container-pod.yaml"
	refute_contains "$output" "warning"
	wait_field two-containers-debian-container status Exited
	assert_equal "$(ctr_field two-containers-debian-container exitCode)" 0
	assert_equal "$(ctr_field two-containers-nginx-container status)" Running
	# As the page does it: from the nginx container, ask its own server (through the pod's loopback).
	run -0 pp exec two-containers-nginx-container wget -qO- http://localhost/
	assert_equal "$output" "Hello from the debian container"
	run -0 pp exec two-containers-nginx-container cat /usr/share/nginx/html/index.html
	assert_equal "$output" "Hello from the debian container"
}

@test "real-world play: the docs' dapi-envars-fieldref prints its pod's fields from the environment" {
	run -0 pp kube play "$D/pods-inject-dapi-envars-pod.yaml"
	refute_contains "$output" "warning"
	for _ in $(seq 100); do
		[ "$(pp logs dapi-envars-fieldref-test-container | wc -l)" -ge 6 ] && break
		sleep 0.1
	done
	run -0 pp logs dapi-envars-fieldref-test-container
	# spec.nodeName is this machine; the pod's IP its address in the pod network.
	ip=$(pp inspect dapi-envars-fieldref | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ip"])')
	[[ "$ip" == 10.244.* ]]
	assert_equal "$output" "$(printf '\n%s\ndapi-envars-fieldref\ndefault\n%s\ndefault' "$(uname -n)" "$ip")"
	run -0 pp exec dapi-envars-fieldref-test-container sh -c 'echo $MY_POD_NAME/$MY_POD_NAMESPACE'
	assert_equal "$output" "dapi-envars-fieldref/default"
}

@test "real-world play: the docs' liveness-exec pod is killed and restarted once /tmp/healthy is gone" {
	run -0 pp kube play "$D/pods-probe-exec-liveness.yaml"
	refute_contains "$output" "warning"
	wait_field liveness-exec-liveness status Running
	# Healthy 3 s, then 3 failed probes a second apart, then SIGTERM and (the shell ignores it) SIGKILL 1 s on.
	wait_field liveness-exec-liveness restarts 1 30
	run -0 pp logs liveness-exec-liveness
	assert_equal "${lines[0]}" "livenessProbe failed 3 times: the container is killed"
	run -0 pp inspect liveness-exec-liveness
	assert_contains "$output" '"restarts": 1'
}
