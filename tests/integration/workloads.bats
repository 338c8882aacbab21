#!/usr/bin/env bats
# Workloads and environments as `kube play` makes them: Deployment replicas and DaemonSets as pods with stable
# names; env from values, ConfigMaps, Secrets, fields and resources; envFrom with prefixes; $(VAR) expansion;
# the exact error for a missing required reference, with nothing created.

load helpers

load pods

pod_names() {
	pp pod ls --format json | python3 -c 'import json,sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin))))'
}

@test "a Deployment of 3 replicas gives 3 pods, named the same on a re-play; a DaemonSet gives one" {
	cat >"$Y/deploy.yaml" <<-'YAML'
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: web
	spec:
	  replicas: 3
	  selector:
	    matchLabels: {app: web}
	  template:
	    metadata:
	      labels: {app: web}
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sleep", "100"]
	---
	apiVersion: apps/v1
	kind: DaemonSet
	metadata:
	  name: agent
	spec:
	  selector:
	    matchLabels: {app: agent}
	  template:
	    metadata:
	      labels: {app: agent}
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sleep", "100"]
	YAML
	run -0 pp kube play "$Y/deploy.yaml"
	names=$(pod_names)
	[ "$(echo "$names" | wc -w)" -eq 4 ]
	[[ "$names" =~ ^agent-[0-9a-f]{5}\ web-[0-9a-f]{10}-0\ web-[0-9a-f]{10}-1\ web-[0-9a-f]{10}-2$ ]]
	first=$(echo "$names" | cut -d' ' -f2)
	run -0 pp exec "$first-main" hostname
	assert_equal "$output" "$first"
	run -0 pp kube down "$Y/deploy.yaml"
	run -0 pp kube play "$Y/deploy.yaml"
	assert_equal "$(pod_names)" "$names"
}

@test "env: values, ConfigMap and Secret keys, envFrom with prefix, fields, resources, \$(VAR) expansion" {
	cat >"$Y/env.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: settings
	data:
	  MODE: fast
	  LEVEL: "3"
	---
	apiVersion: v1
	kind: Secret
	metadata:
	  name: creds
	data:
	  password: czNjcjN0
	stringData:
	  user: admin
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: envy
	  labels: {tier: backend}
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "env | sort; echo ARG=$(GREETING)"]
	    envFrom:
	    - configMapRef: {name: settings}
	      prefix: CFG_
	    - secretRef: {name: creds}
	    env:
	    - {name: GREETING, value: hello}
	    - {name: MESSAGE, value: "$(GREETING) world, $$(GREETING) stays"}
	    - name: MODE
	      valueFrom: {configMapKeyRef: {name: settings, key: MODE}}
	    - name: PASS
	      valueFrom: {secretKeyRef: {name: creds, key: password}}
	    - name: MISSING_OK
	      valueFrom: {configMapKeyRef: {name: nowhere, key: x, optional: true}}
	    - name: POD_NAME
	      valueFrom: {fieldRef: {fieldPath: metadata.name}}
	    - name: POD_NS
	      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
	    - name: TIER
	      valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}
	    - name: MEM_MI
	      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
	    - name: CFG_MODE
	      value: overridden
	    resources:
	      limits: {memory: 64Mi}
	YAML
	run -0 pp kube play "$Y/env.yaml"
	for _ in $(seq 100); do
		[ "$(pp ps -a --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["status"])')" = Exited ] && break
		sleep 0.1
	done
	run -0 pp logs envy-main
	assert_contains "$output" "CFG_LEVEL=3"
	assert_contains "$output" "CFG_MODE=overridden"
	assert_contains "$output" "password=s3cr3t"
	assert_contains "$output" "user=admin"
	assert_contains "$output" "GREETING=hello"
	assert_contains "$output" 'MESSAGE=hello world, $(GREETING) stays'
	assert_contains "$output" "MODE=fast"
	assert_contains "$output" "PASS=s3cr3t"
	assert_contains "$output" "POD_NAME=envy"
	assert_contains "$output" "POD_NS=default"
	assert_contains "$output" "TIER=backend"
	assert_contains "$output" "MEM_MI=64"
	assert_contains "$output" "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
	assert_contains "$output" "ARG=hello"
	refute_contains "$output" "MISSING_OK"
}

@test "a missing required ConfigMap or key is an error at its position, and nothing is created" {
	cat >"$Y/missing.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: first
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	---
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: settings
	data:
	  MODE: fast
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: second
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    env:
	    - name: A
	      valueFrom:
	        configMapKeyRef: {name: settings, key: NOPE}
	YAML
	run -125 pp kube play "$Y/missing.yaml"
	assert_contains "$output" "missing.yaml:29:26: pod second, container main: env A: ConfigMap \`settings\` has no key \`NOPE\` (and optional is not true)"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	sed -i 's/name: settings, key: NOPE/name: other, key: MODE/' "$Y/missing.yaml"
	run -125 pp kube play "$Y/missing.yaml"
	assert_contains "$output" "env A: ConfigMap \`other\` is not in the play"
}
