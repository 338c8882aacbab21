#!/usr/bin/env bats
# The fields of Kubernetes 1.33 to 1.36 that mean something on one machine, played and seen from inside: a
# container's stop signal, env from a key of a file in a volume, the hostname override, a container's own restart
# policy and its rules by exit code (a restart of the whole pod included), and the pod's cgroup limits; generated
# back as a 1.36 cluster takes them, and refused by `kube validate --kube-version 1.32` with the release they need.

load helpers

load pods

SCHEMA=tests/integration/k8s_schema.py

@test "lifecycle.stopSignal: the container is stopped with its own signal" {
	cat >"$Y/sig.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: sig}
	spec:
	  os: {name: linux}
	  terminationGracePeriodSeconds: 20
	  containers:
	  - name: app
	    image: localhost/busybox
	    lifecycle: {stopSignal: SIGUSR1}
	    command: ["sh", "-c", "trap 'echo got USR1; exit 0' USR1; trap 'echo got TERM; exit 1' TERM; echo up; while true; do sleep 0.1; done"]
	EOF
	run -0 pp kube play "$Y/sig.yaml"
	wait_field sig-app status Running
	for _ in $(seq 50); do [ "$(pp logs sig-app)" = up ] && break; sleep 0.1; done
	run -0 pp pod stop sig
	run -0 pp logs sig-app
	assert_contains "$output" "got USR1"
	refute_contains "$output" "got TERM"
	assert_equal "$(ctr_field sig-app exitCode)" 0
}

@test "fileKeyRef: env from a file an init container wrote, read inside the volume only" {
	cat >"$Y/fk.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: fk}
	spec:
	  restartPolicy: Never
	  initContainers:
	  - name: writer
	    image: localhost/busybox
	    command: ["sh", "-c", "printf \"# settings\\nGREETING='hello there'\\nMULTI='one\\ntwo'\\nGREETING='hello again'\\n\" >/cfg/env; busybox ln -s /etc/hostname /cfg/escape; busybox ln -s / /cfg/root"]
	    volumeMounts: [{name: cfg, mountPath: /cfg}]
	  containers:
	  - name: app
	    image: localhost/busybox
	    command: ["sh", "-c", "echo \"GREETING=$GREETING\"; echo \"MULTI=$MULTI\"; echo \"ABSENT=${ABSENT-unset}\""]
	    env:
	    - name: GREETING
	      valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: GREETING}}
	    - name: MULTI
	      valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: MULTI}}
	    - name: ABSENT
	      valueFrom: {fileKeyRef: {volumeName: cfg, path: nothing-here, key: X, optional: true}}
	  - name: escape
	    image: localhost/busybox
	    command: ["sh", "-c", "echo \"H=$H\""]
	    env:
	    - name: H
	      valueFrom: {fileKeyRef: {volumeName: cfg, path: escape, key: H}}
	  - name: climb
	    image: localhost/busybox
	    command: ["sh", "-c", "echo \"H=$H\""]
	    env:
	    - name: H
	      valueFrom: {fileKeyRef: {volumeName: cfg, path: root/etc/hostname, key: H}}
	  volumes:
	  - {name: cfg, emptyDir: {}}
	EOF
	run -0 pp kube play "$Y/fk.yaml"
	wait_field fk-app status Exited
	run -0 pp logs fk-app
	# The last of a key given twice; a value of two lines, taken as written; an optional file missing: unset.
	assert_equal "$output" "$(printf 'GREETING=hello again\nMULTI=one\ntwo\nABSENT=unset')"
	# What the container left in the volume is read inside it: a symlink as the file itself is refused, and a
	# symlink on the way (to /) resolves inside the volume, where there is no etc/hostname; the host's is never
	# read, and a container does not start without its variable.
	wait_field fk-escape status Exited
	wait_field fk-climb status Exited
	run -0 pp logs fk-escape
	assert_contains "$output" "env H: file \`escape\` is a symbolic link, which is not followed"
	run -0 pp logs fk-climb
	assert_contains "$output" "env H: the volume has no file \`root/etc/hostname\` (and optional is not true)"
	for c in escape climb; do
		run -0 pp logs "fk-$c"
		refute_contains "$output" "H="
		assert_equal "$(ctr_field "fk-$c" exitCode)" 128
	done
}

@test "hostnameOverride: the pod's hostname, its FQDN and /etc/hosts" {
	cat >"$Y/ho.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: ho}
	spec:
	  hostname: ignored
	  subdomain: also-ignored
	  hostnameOverride: box.example.test
	  containers:
	  - name: app
	    image: localhost/busybox
	    command: ["sleep", "100"]
	EOF
	run -0 pp kube play "$Y/ho.yaml"
	wait_field ho-app status Running
	assert_equal "$(pp exec ho-app hostname)" box.example.test
	assert_equal "$(pp exec ho-app hostname -f)" box.example.test
	run -0 pp exec ho-app cat /etc/hosts
	assert_contains "$output" "box.example.test"
	refute_contains "$output" "ignored"
}

@test "restartPolicyRules: a container restarts on a listed exit code and not on another" {
	cat >"$Y/rr.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: rr}
	spec:
	  restartPolicy: Always
	  containers:
	  - name: app
	    image: localhost/busybox
	    restartPolicy: Never
	    restartPolicyRules:
	    - action: Restart
	      exitCodes: {operator: In, values: [42]}
	    command: ["sh", "-c", "n=$(cat /d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n >/d/n; echo run $n; [ $n -ge 2 ] && exit 7; exit 42"]
	    volumeMounts: [{name: d, mountPath: /d}]
	  - name: keep
	    image: localhost/busybox
	    command: ["sleep", "100"]
	  volumes:
	  - {name: d, emptyDir: {}}
	EOF
	run -0 pp kube play "$Y/rr.yaml"
	# Exit 42 matches the rule: restarted (after the kubelet's first back-off, 10 s); exit 7 falls to the
	# container's own policy, Never, though the pod's is Always.
	wait_field rr-app exitCode 7 20
	sleep 1
	assert_equal "$(ctr_field rr-app status)" Exited
	assert_equal "$(ctr_field rr-app restarts)" 1
	run -0 pp logs rr-app
	assert_equal "$output" "$(printf 'run 1\nrun 2')"
	assert_equal "$(ctr_field rr-keep status)" Running
}

@test "restartPolicyRules RestartAllContainers: every container starts again, the init containers first" {
	cat >"$Y/ra.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: ra}
	spec:
	  terminationGracePeriodSeconds: 1
	  initContainers:
	  - name: init
	    image: localhost/busybox
	    command: ["sh", "-c", "echo init >>/d/log"]
	    volumeMounts: [{name: d, mountPath: /d}]
	  containers:
	  - name: main
	    image: localhost/busybox
	    restartPolicy: Never
	    restartPolicyRules:
	    - action: RestartAllContainers
	      exitCodes: {operator: In, values: [5]}
	    command: ["sh", "-c", "echo main >>/d/log; [ $(grep -c main /d/log) -ge 2 ] && exec sleep 100; exit 5"]
	    volumeMounts: [{name: d, mountPath: /d}]
	  - name: other
	    image: localhost/busybox
	    command: ["sh", "-c", "echo other >>/d/log; exec sleep 100"]
	    volumeMounts: [{name: d, mountPath: /d}]
	  volumes:
	  - {name: d, emptyDir: {}}
	EOF
	run -0 pp kube play "$Y/ra.yaml"
	for _ in $(seq 100); do
		[ "$(ctr_field ra-main restarts)" = 1 ] && [ "$(ctr_field ra-other status)" = Running ] && break
		sleep 0.1
	done
	assert_equal "$(ctr_field ra-main status)" Running
	assert_equal "$(ctr_field ra-other restarts)" 1
	assert_equal "$(ctr_field ra-init restarts)" 1
	run -0 pp exec ra-other busybox sort /d/log
	assert_equal "$output" "$(printf 'init\ninit\nmain\nmain\nother\nother')"
}

@test "pod-level resources: the pod's memory limit holds a container that has none of its own" {
	cat >"$Y/pr.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: pr}
	spec:
	  restartPolicy: Never
	  resources:
	    limits: {memory: 48Mi, cpu: 500m}
	  containers:
	  - name: hog
	    image: localhost/busybox
	    command: ["sh", "-c", "echo start; busybox dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null && echo survived; echo status $?"]
	  - name: small
	    image: localhost/busybox
	    command: ["sh", "-c", "busybox dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo fine"]
	EOF
	run -0 pp kube play "$Y/pr.yaml"
	wait_field pr-hog status Exited 20
	wait_field pr-small status Exited 20
	run -0 pp logs pr-hog
	assert_contains "$output" "start"
	# dd's 100 MiB buffer is past the pod's 48 MiB: the kernel kills it (128 + SIGKILL).
	assert_contains "$output" "status 137"
	refute_contains "$output" "survived"
	run -0 pp logs pr-small
	assert_equal "$output" "fine"
	# The host's view of the pod's cgroup: the limits as written.
	id=$(pod_field pr id)
	if [ -d /sys/fs/cgroup/memory ]; then
		assert_equal "$(cat "/sys/fs/cgroup/memory/podplay/$id/memory.limit_in_bytes")" $((48 * 1024 * 1024))
		assert_equal "$(cat "/sys/fs/cgroup/cpu/podplay/$id/cpu.cfs_quota_us")" 50000
	else
		assert_equal "$(cat "/sys/fs/cgroup/podplay/$id/memory.max")" $((48 * 1024 * 1024))
		assert_equal "$(cat "/sys/fs/cgroup/podplay/$id/cpu.max")" "50000 100000"
	fi
}

@test "the new fields generate back as a 1.36 cluster takes them" {
	cat >"$Y/gen.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: gen}
	spec:
	  os: {name: linux}
	  hostnameOverride: gen.example
	  resources:
	    limits: {memory: 64Mi}
	  containers:
	  - name: app
	    image: localhost/busybox
	    command: ["sleep", "100"]
	    lifecycle: {stopSignal: SIGQUIT}
	    restartPolicy: OnFailure
	    restartPolicyRules:
	    - action: Restart
	      exitCodes: {operator: NotIn, values: [0, 3]}
	    env:
	    - name: A
	      valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: A, optional: true}}
	  volumes:
	  - {name: cfg, emptyDir: {}}
	EOF
	run -0 pp kube play "$Y/gen.yaml"
	run -0 pp kube generate gen
	printf '%s\n' "$output" >"$Y/out.yaml"
	for f in hostnameOverride stopSignal restartPolicyRules fileKeyRef "operator: NotIn"; do
		assert_contains "$output" "$f"
	done
	run -0 python3 "$SCHEMA" "$Y/out.yaml"
	run -0 pp kube validate "$Y/out.yaml"
	refute_contains "$output" "warning"
	run -1 pp kube validate --kube-version 1.33 "$Y/out.yaml"
	assert_contains "$output" 'field "hostnameOverride" arrived in Kubernetes 1.34; a 1.33 cluster refuses it'
}

@test "kube validate --kube-version: each newer field is an error that names its release" {
	cat >"$Y/new.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: new}
	spec:
	  os: {name: linux}
	  hostnameOverride: box
	  schedulingGroup: {podGroupName: g}
	  containers:
	  - name: app
	    image: busybox
	    restartPolicy: Never
	    restartPolicyRules:
	    - {action: Restart, exitCodes: {operator: In, values: [1]}}
	    lifecycle: {stopSignal: SIGUSR1}
	    env:
	    - {name: A, valueFrom: {fileKeyRef: {volumeName: v, path: p, key: A}}}
	  volumes:
	  - name: v
	    emptyDir: {}
	  - name: cert
	    projected:
	      sources:
	      - podCertificate: {signerName: example.com/s, keyType: ED25519, credentialBundlePath: b.pem}
	EOF
	run -0 pp kube validate "$Y/new.yaml"
	run -0 pp kube validate --kube-version 1.36 "$Y/new.yaml"
	run -1 pp kube validate --kube-version 1.32 "$Y/new.yaml"
	assert_contains "$output" 'new.yaml:6:3: error: spec.hostnameOverride: field "hostnameOverride" arrived in Kubernetes 1.34'
	assert_contains "$output" 'new.yaml:7:3: error: spec.schedulingGroup: field "schedulingGroup" arrived in Kubernetes 1.36'
	assert_contains "$output" 'spec.containers[0].restartPolicy: may only be set on init containers'
	assert_contains "$output" 'spec.containers[0].restartPolicyRules: field "restartPolicyRules" arrived in Kubernetes 1.34'
	assert_contains "$output" 'spec.containers[0].lifecycle.stopSignal: field "stopSignal" arrived in Kubernetes 1.33'
	assert_contains "$output" 'spec.containers[0].env[0].valueFrom.fileKeyRef: field "fileKeyRef" arrived in Kubernetes 1.34'
	assert_contains "$output" 'spec.volumes[1].projected.sources[0].podCertificate: field "podCertificate" arrived in Kubernetes 1.34'
	run -1 pp kube validate --kube-version 1.35 "$Y/new.yaml"
	assert_contains "$output" "error: spec.schedulingGroup"
	assert_contains "$output" "1 error"
	run -125 pp kube validate --kube-version 1.31 "$Y/new.yaml"
	assert_contains "$output" "--kube-version \`1.31\`: give a release from 1.32 to 1.36"
}

@test "the 1.36 fixture is valid for Kubernetes' 1.36 schemas and podplay, and only for 1.36" {
	f=fixtures/manifests/good/k8s-1.36-fields.yaml
	run -0 python3 "$SCHEMA" "$f"
	run -0 pp kube validate "$f"
	assert_contains "$output" "1 object in 1 file: valid"
	run -1 pp kube validate --kube-version 1.35 "$f"
	assert_contains "$output" 'spec.template.spec.schedulingGroup: field "schedulingGroup" arrived in Kubernetes 1.36'
	assert_contains "$output" "1 object in 1 file: 1 error"
	run -1 pp kube validate --kube-version 1.34 "$f"
	assert_contains "$output" 'restartPolicyRules[0].action: unsupported value "RestartAllContainers": it arrived in Kubernetes 1.35'
	run -1 pp kube validate --kube-version v1.32.9 "$f"
	assert_contains "$output" "1 object in 1 file: 10 errors"
}
