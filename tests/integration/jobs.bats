#!/usr/bin/env bats
# Jobs as `kube play` runs them: pods made by the Job's controller until `completions` succeed, at most
# `parallelism` at once; failed pods replaced after the back-off until `backoffLimit`; `activeDeadlineSeconds`;
# re-plays that leave an unchanged Job alone; `kube down` and `job rm` that leave nothing behind.

load helpers

load pods

# A field of the Job `$1` in `job ls --format json`.
job_field() {
	pp job ls --format json | python3 -c 'import json,sys; print(next(j for j in json.load(sys.stdin) if j["name"] == sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# Waits up to $2 seconds for the Job `$1` to leave Running.
wait_job_done() {
	for _ in $(seq $(($2 * 10))); do
		[ "$(job_field "$1" status)" != Running ] && return 0
		sleep 0.1
	done
	return 1
}

@test "a Job runs 3 completions, 2 at a time, and is Complete; its pods keep their logs" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: pi
	spec:
	  completions: 3
	  parallelism: 2
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: calc
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "echo computing in $(hostname); sleep 2; echo done"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	[ "$output" = "job/pi started (completions 3, parallelism 2, backoffLimit 6)" ]
	# Two at once: the third waits for one of them to end.
	[ "$(pod_names)" = "pi-0 pi-1" ]
	[ "$(job_field pi status)" = Running ]
	run -0 pp job ls
	[[ "${lines[1]}" =~ ^pi\ +Running\ +[0-2]/3\  ]] || { echo "$output"; false; }
	wait_job_done pi 30
	[ "$(job_field pi status)" = Complete ]
	[ "$(job_field pi succeeded)" = 3 ]
	[ "$(job_field pi failed)" = 0 ]
	[ "$(job_field pi controllerRunning)" = False ]
	[ "$(pod_names)" = "pi-0 pi-1 pi-2" ]
	run -0 pp logs pi-2-calc
	[ "$output" = "$(printf 'computing in pi-2\ndone')" ]
	first_end=$(ctr_field pi-0-calc finishedAt)
	[ "$(ctr_field pi-1-calc finishedAt)" -lt "$first_end" ] && first_end=$(ctr_field pi-1-calc finishedAt)
	[ "$(ctr_field pi-2-calc startedAt)" -ge "$first_end" ]
	run -0 pp job ls
	[[ "${lines[1]}" =~ ^pi\ +Complete\ +3/3\  ]]
	# Down takes the Job, its pods and everything of them.
	run -0 pp kube down "$Y/job.yaml"
	[[ "$output" == *"job/pi removed"* ]]
	[ "$(pod_names)" = "" ]
	run -0 pp job ls -q
	[ "$output" = "" ]
	[ -z "$(ls "$RUNROOT/pods")" ]
}

@test "a Job whose pods fail is retried after the back-off and fails past backoffLimit" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: flaky
	spec:
	  backoffLimit: 1
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: try
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "echo attempt in $(hostname); exit 3"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	sleep 2
	# The first failure waits out Kubernetes' back-off (10 s) before the next pod.
	[ "$(pod_names)" = "flaky-0" ]
	[ "$(job_field flaky status)" = Running ]
	wait_job_done flaky 30
	[ "$(job_field flaky status)" = Failed ]
	[ "$(job_field flaky reason)" = BackoffLimitExceeded ]
	[ "$(job_field flaky failed)" = 2 ]
	[ "$(pod_names)" = "flaky-0 flaky-1" ]
	[ "$(ctr_field flaky-0-try exitCode)" = 3 ]
	[ "$(ctr_field flaky-1-try exitCode)" = 3 ]
	gap=$(($(ctr_field flaky-1-try startedAt) - $(ctr_field flaky-0-try finishedAt)))
	[ "$gap" -ge 9 ]
	run -0 pp logs flaky-1-try
	[ "$output" = "attempt in flaky-1" ]
	run -0 pp job ls
	[[ "${lines[1]}" =~ ^flaky\ +Failed\ +0/1\ .*BackoffLimitExceeded$ ]]
}

@test "a Job past activeDeadlineSeconds fails and its running pods are stopped; OnFailure restarts count" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: slow
	spec:
	  activeDeadlineSeconds: 2
	  template:
	    spec:
	      restartPolicy: OnFailure
	      terminationGracePeriodSeconds: 1
	      containers:
	      - name: sleep
	        image: localhost/busybox:latest
	        command: ["sleep", "100"]
	---
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: crashy
	spec:
	  backoffLimit: 0
	  template:
	    spec:
	      restartPolicy: OnFailure
	      containers:
	      - name: crash
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "exit 1"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	[[ "$output" == *"job/slow started (completions 1, parallelism 1, backoffLimit 6, activeDeadlineSeconds 2)"* ]]
	wait_job_done slow 20
	[ "$(job_field slow status)" = Failed ]
	[ "$(job_field slow reason)" = DeadlineExceeded ]
	run -0 pp ps
	[ "$output" = "$(pp ps | head -1)" ]
	# The pod restarts its container in place (OnFailure); the restart is the Job's failure.
	wait_job_done crashy 30
	[ "$(job_field crashy status)" = Failed ]
	[ "$(job_field crashy reason)" = BackoffLimitExceeded ]
	[ "$(pod_names)" = "crashy-0 slow-0" ]
}

@test "a Job without completions completes when one pod succeeds and none runs (a work queue)" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: queue
	spec:
	  parallelism: 2
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: worker
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "case $(hostname) in *-0) sleep 1;; *) sleep 2;; esac"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	[ "$output" = "job/queue started (until one pod succeeds, parallelism 2, backoffLimit 6)" ]
	wait_job_done queue 20
	[ "$(job_field queue status)" = Complete ]
	[ "$(job_field queue succeeded)" = 2 ]
	[ "$(pod_names)" = "queue-0 queue-1" ]
}

@test "re-playing a Job leaves it alone; a changed Job is replaced; job rm stops it and takes its pods" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: long
	spec:
	  completions: 5
	  template:
	    spec:
	      restartPolicy: Never
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sleep", "100"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	id=$(pp pod inspect long-0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	run -0 pp kube play "$Y/job.yaml"
	[ "$output" = "job/long unchanged" ]
	[ "$(pp pod inspect long-0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" = "$id" ]
	# Another file may not take it.
	cp "$Y/job.yaml" "$Y/other.yaml"
	run -125 pp kube play "$Y/other.yaml"
	[[ "$output" == *"other.yaml:1:1: metadata.name: job \`long\` exists already, from $Y/job.yaml (\`podplay job rm long\` removes it; --replace replaces it)"* ]]
	sed -i 's/\["sleep", "100"\]/["sh", "-c", "sleep 99"]/' "$Y/job.yaml"
	grep -q 'sleep 99' "$Y/job.yaml"
	run -0 pp kube play "$Y/job.yaml"
	[ "$output" = "job/long replaced and started (completions 5, parallelism 1, backoffLimit 6)" ]
	[ "$(pod_names)" = "long-0" ]
	[ "$(pp pod inspect long-0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" != "$id" ]
	pid=$(job_field long controllerRunning)
	[ "$pid" = True ]
	run -0 pp job rm long
	[ "$output" = long ]
	[ "$(pod_names)" = "" ]
	run -0 pp job ls -q
	[ "$output" = "" ]
	# Nothing comes back: the controller is gone.
	sleep 1.5
	[ "$(pod_names)" = "" ]
	run -125 pp job rm long
	[[ "$output" == *"no job \`long\`"* ]]
}

@test "a Job whose pods cannot be made creates nothing, not even the pod beside it" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: before
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	---
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: broken
	spec:
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["true"]
	        env:
	        - name: X
	          valueFrom:
	            configMapKeyRef: {name: missing, key: k}
	YAML
	run -125 pp kube play "$Y/job.yaml"
	[[ "$output" == *"configmap"*"missing"* ]] || [[ "$output" == *"ConfigMap"*"missing"* ]]
	[ "$(pod_names)" = "" ]
	run -0 pp job ls -q
	[ "$output" = "" ]
}

@test "kube play --wait runs a Job to its end, prints its pods' logs, and takes it down" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: batch
	spec:
	  completions: 2
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: step
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "echo step of $(hostname)"]
	YAML
	run -0 timeout 60 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play --wait "$Y/job.yaml"
	[[ "$output" == *"batch-0-step | step of batch-0"* ]]
	[[ "$output" == *"batch-1-step | step of batch-1"* ]]
	[[ "$output" == *"job/batch removed"* ]]
	[ "$(pod_names)" = "" ]
}

@test "a re-play that fails leaves the changed Job it would replace running, with its pod" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: j
	spec:
	  template:
	    spec:
	      restartPolicy: Never
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sleep", "1000"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	id=$(pp pod inspect j-0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	sed -i 's/\["sleep", "1000"\]/["sleep", "999"]/' "$Y/job.yaml"
	cat >>"$Y/job.yaml" <<-'YAML'
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: broken
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["/no/such/command"]
	YAML
	run -125 pp kube play "$Y/job.yaml"
	[ "$(pod_names)" = "j-0" ]
	[ "$(pp pod inspect j-0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" = "$id" ]
	[ "$(job_field j status)" = Running ]
	[ "$(job_field j controllerRunning)" = True ]
	[ "$(ctr_field j-0-main status)" = Running ]
	run -0 pp kube down "$Y/job.yaml"
	[ "$(pod_names)" = "" ]
}

@test "kube down of a Job that is making pods stops its controller first and leaves no pod behind" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata:
	  name: many
	spec:
	  parallelism: 30
	  completions: 1000
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["true"]
	YAML
	run -0 pp kube play "$Y/job.yaml"
	sleep 1.3
	run -0 pp kube down "$Y/job.yaml"
	[[ "$output" == *"job/many removed"* ]]
	[ "$(pod_names)" = "" ]
	run -0 pp job ls -q
	[ "$output" = "" ]
	[ -z "$(ls "$RUNROOT/pods")" ]
}
