#!/usr/bin/env bats
# `kube generate`: YAML of what runs that Kubernetes' published schemas accept and podplay's own validation passes
# with no warning, that plays back into pods that behave the same, and that is the same bytes when generated again
# from them; pods as Deployments, DaemonSets, Jobs and Services; volumes as claims; clear errors for bad requests.

load helpers

load pods

SCHEMA=tests/integration/k8s_schema.py

# The generated file is valid for a cluster, and for podplay without a warning.
assert_valid() {
	run -0 python3 "$SCHEMA" "$1"
	run -0 pp kube validate "$1"
	assert_contains "$output" ": valid"
	refute_contains "$output" "warning"
}

# Plays $1, generates --play into $2, checks it, takes the play down, plays $2, and generates it again: the same
# bytes.  `$3` (a command run after each play) must print the same both times.
round_trip() {
	local src=$1 gen=$2 look=${3:-}
	run -0 pp kube play "$src"
	local before="" after=""
	[ -z "$look" ] || before=$(eval "$look")
	run -0 pp kube generate --play "$src"
	printf '%s\n' "$output" >"$gen"
	assert_valid "$gen"
	# Containers that ignore SIGTERM (a shell's loop) would hold each down for their grace period.
	run -0 pp pod stop -t 0 --all
	run -0 pp kube down "$src"
	run -0 pp kube play "$gen"
	[ -z "$look" ] || after=$(eval "$look")
	run -0 pp kube generate --play "$gen"
	printf '%s\n' "$output" >"$gen.again"
	run -0 cmp "$gen" "$gen.again"
	assert_equal "$after" "$before"
	run -0 pp pod stop -t 0 --all
	run -0 pp kube down "$gen"
}

# What a container of the rich pod sees: its env, ids, host name, folder, and the files of its volumes.
look_inside() {
	for _ in $(seq 100); do
		[ "$(ctr_field rich-main ready)" = True ] && break
		sleep 0.1
	done
	pp exec rich-main sh -c 'env | grep -E "^(PLAIN|MODE|PASS|POD|CFG_[A-Z]*)=" | sort; id; hostname; pwd
		cat /work/init /etc/app/mode /etc/secret/password; ls /data; cat /proc/self/cgroup >/dev/null'
}

@test "kube generate --play: what a play made, valid for a cluster, plays back into pods that behave the same" {
	cat >"$Y/rich.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: settings}
	data:
	  mode: fast
	  app.conf: |
	    a=1
	    b=2
	---
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: envs}
	data: {LEVEL: debug, "COUNT": "3"}
	---
	apiVersion: v1
	kind: Secret
	metadata: {name: creds}
	stringData: {password: "s3cret: yes"}
	---
	apiVersion: v1
	kind: PersistentVolumeClaim
	metadata: {name: rich-data}
	spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: rich
	  labels: {app: rich, tier: "1"}
	  annotations: {note: "yes", example.com/when: "2001-12-14"}
	spec:
	  hostname: richhost
	  terminationGracePeriodSeconds: 0
	  securityContext: {runAsUser: 1000, runAsGroup: 1000, supplementalGroups: [3000]}
	  initContainers:
	  - name: init
	    image: localhost/busybox:latest
	    command: [sh, -c, "echo init from $(POD) > /work/init"]
	    env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
	    volumeMounts: [{name: work, mountPath: /work}]
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: [sh, -c]
	    args: ["while true; do sleep 1; done"]
	    workingDir: /work
	    env:
	    - {name: PLAIN, value: "007"}
	    - {name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
	    - {name: PASS, valueFrom: {secretKeyRef: {name: creds, key: password}}}
	    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
	    envFrom: [{configMapRef: {name: envs}, prefix: CFG_}]
	    ports: [{containerPort: 8080, name: http}]
	    resources: {limits: {memory: 64Mi, cpu: 500m}}
	    readinessProbe: {exec: {command: [sh, -c, "test -f /work/init"]}, periodSeconds: 1}
	    lifecycle: {preStop: {exec: {command: [sh, -c, "true"]}}}
	    volumeMounts:
	    - {name: work, mountPath: /work}
	    - {name: conf, mountPath: /etc/app, readOnly: true}
	    - {name: secret, mountPath: /etc/secret}
	    - {name: data, mountPath: /data}
	  volumes:
	  - {name: work, emptyDir: }
	  - {name: conf, configMap: {name: settings}}
	  - {name: secret, secret: {secretName: creds, defaultMode: 0444}}
	  - {name: data, persistentVolumeClaim: {claimName: rich-data}}
	---
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: side, annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: side}}
	  template:
	    metadata: {labels: {app: side}, creationTimestamp: null}
	    spec:
	      terminationGracePeriodSeconds: 0
	      hostAliases: [{ip: 10.1.2.3, hostnames: [db.local]}]
	      dnsConfig: {options: [{name: ndots, value: "2"}]}
	      shareProcessNamespace: true
	      initContainers:
	      - name: logger
	        image: localhost/busybox:latest
	        restartPolicy: Always
	        command: [sh, -c, "while true; do sleep 1; done"]
	        startupProbe: {exec: {command: [sh, -c, "true"]}, periodSeconds: 1}
	      containers:
	      - name: app
	        image: localhost/busybox:latest
	        command: [httpd, -f, -p, "8080", -h, /info]
	        ports: [{containerPort: 8080, name: web}]
	        livenessProbe: {httpGet: {path: /labels, port: web}, periodSeconds: 5}
	        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
	        lifecycle: {postStart: {exec: {command: [sh, -c, "true"]}}}
	        resources: {requests: {cpu: 100m, memory: 16Mi}, limits: {memory: 32Mi}}
	        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [NET_RAW]}}
	        volumeMounts: [{name: info, mountPath: /info}, {name: all, mountPath: /all}]
	      volumes:
	      - name: info
	        downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
	      - name: all
	        projected:
	          sources:
	          - configMap: {name: settings, items: [{key: mode, path: mode}]}
	          - secret: {name: creds}
	YAML
	round_trip "$Y/rich.yaml" "$Y/rich.gen.yaml" look_inside
	# What the pod saw, so that the comparison compared something.
	run -0 pp kube play "$Y/rich.gen.yaml"
	run -0 look_inside
	assert_contains "$output" "PASS=s3cret: yes"
	assert_contains "$output" "CFG_LEVEL=debug"
	assert_contains "$output" "PLAIN=007"
	assert_contains "$output" "uid=1000 gid=1000 groups="
	assert_contains "$output" "3000"
	assert_contains "$output" "richhost"
	assert_contains "$output" "init from rich"
	run -0 pp exec "$(pod_names | tr ' ' '\n' | grep '^side' | head -1)-app" sh -c 'cat /info/labels; cat /all/mode; grep db.local /etc/hosts'
	assert_contains "$output" 'app="side"'
	assert_contains "$output" "fast"
	assert_contains "$output" "10.1.2.3"
	# Kubernetes' defaults, kubectl's bookkeeping and this machine's facts stay out; quoting keeps strings strings.
	run -0 cat "$Y/rich.gen.yaml"
	refute_contains "$output" "status"
	refute_contains "$output" "last-applied"
	refute_contains "$output" "creationTimestamp"
	refute_contains "$output" "uid:"
	refute_contains "$output" "imagePullPolicy"
	assert_contains "$output" 'value: "007"'
	assert_contains "$output" 'example.com/when: "2001-12-14"'
	assert_contains "$output" "emptyDir: {}"
	assert_contains "$output" "defaultMode: 292"
	run -0 pp kube down "$Y/rich.gen.yaml"

	# The example manifests and the documentation's, played, generated and played again.
	for f in manifests/hello-pod.yaml manifests/web.yaml manifests/app.yaml fixtures/manifests/real-world-play/*.yaml; do
		round_trip "$f" "$Y/$(basename "$f").gen.yaml"
	done
}

@test "kube generate POD: a replica as a Pod, with what it uses; --type and --service; the same bytes again" {
	cat >"$Y/web.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: page}
	data: {index.html: "hi\n"}
	---
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: web}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: web}}
	  template:
	    metadata: {labels: {app: web}}
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: httpd
	        image: localhost/busybox:latest
	        command: [httpd, -f, -p, "8080", -h, /www]
	        ports: [{containerPort: 8080, name: http}, {containerPort: 9090, protocol: UDP}]
	        volumeMounts: [{name: www, mountPath: /www}]
	      volumes: [{name: www, configMap: {name: page}}]
	YAML
	run -0 pp kube play "$Y/web.yaml"
	first=$(pod_names | cut -d' ' -f1)
	run -0 pp kube generate "$first"
	printf '%s\n' "$output" >"$Y/pod.yaml"
	assert_equal "$(grep -c '^kind: ' "$Y/pod.yaml")" 2
	assert_contains "$output" "kind: ConfigMap"
	assert_contains "$output" "kind: Pod"
	assert_contains "$output" "  name: $first"
	assert_valid "$Y/pod.yaml"

	# A Deployment of 3 with a Service of its ports (it publishes none on the host), named as Kubernetes needs.
	run -0 pp kube generate --type deployment --replicas 3 --service -f "$Y/deploy.yaml" "$first"
	assert_equal "$output" ""
	assert_valid "$Y/deploy.yaml"
	run -0 cat "$Y/deploy.yaml"
	assert_contains "$output" "kind: Deployment"
	assert_contains "$output" "replicas: 3"
	assert_contains "$output" "  name: web"
	assert_contains "$output" "kind: Service"
	assert_contains "$output" "  - name: http
    port: 8080
    targetPort: 8080
  - name: udp-9090
    port: 9090
    protocol: UDP
    targetPort: 9090"
	run -0 pp kube generate --type daemonset "$first"
	printf '%s\n' "$output" >"$Y/ds.yaml"
	assert_contains "$output" "kind: DaemonSet"
	refute_contains "$output" "replicas"
	assert_valid "$Y/ds.yaml"
	run -0 pp kube down "$Y/web.yaml"

	# The Pod plays back into a pod of the same name, which generates the same bytes.
	run -0 pp kube play "$Y/pod.yaml"
	assert_equal "$(pod_names)" "$first"
	run -0 pp exec "$first-httpd" wget -qO- http://127.0.0.1:8080/
	assert_equal "$output" "hi"
	run -0 pp kube generate "$first"
	printf '%s\n' "$output" >"$Y/pod.again.yaml"
	run -0 cmp "$Y/pod.yaml" "$Y/pod.again.yaml"
	run -0 pp kube down "$Y/pod.yaml"

	# The Deployment plays into 3 replicas and its Service.
	run -0 pp kube play "$Y/deploy.yaml"
	assert_equal "$(pod_names | wc -w)" 3
	assert_contains "$output" "service/web"
	run -0 pp kube down "$Y/deploy.yaml"
}

@test "kube generate: a Job's pod as a Job, a named volume as a claim, and the errors of bad requests" {
	cat >"$Y/job.yaml" <<-'YAML'
	apiVersion: batch/v1
	kind: Job
	metadata: {name: once}
	spec:
	  template:
	    spec:
	      restartPolicy: Never
	      containers:
	      - {name: c, image: localhost/busybox:latest, command: [sh, -c, "sleep 30"], volumeMounts: [{name: v, mountPath: /v}]}
	      volumes: [{name: v, persistentVolumeClaim: {claimName: keep-data}}]
	YAML
	cat >"$Y/pod.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata: {name: always}
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: c
	    image: localhost/busybox:latest
	    command: [sleep, "30"]
	    ports: [{containerPort: 8080, hostPort: 18480}, {containerPort: 9090}]
	YAML
	cat >"$Y/two.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata: {name: two}
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - {name: a, image: localhost/busybox:latest, command: [sleep, "30"]}
	  - {name: b, image: localhost/busybox:latest, command: [sleep, "30"]}
	YAML
	# The volume of a claim stays after its play's down: a volume of this machine, no longer of a play.
	cat >"$Y/claim.yaml" <<-'YAML'
	apiVersion: v1
	kind: PersistentVolumeClaim
	metadata: {name: keep-data}
	spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 5Gi}}}
	---
	apiVersion: v1
	kind: Pod
	metadata: {name: holder}
	spec:
	  terminationGracePeriodSeconds: 0
	  containers: [{name: c, image: localhost/busybox:latest, command: [sleep, "30"]}]
	  volumes: [{name: v, persistentVolumeClaim: {claimName: keep-data}}]
	YAML
	run -0 pp kube play "$Y/claim.yaml"
	run -0 pp kube down "$Y/claim.yaml"
	run -0 pp kube play "$Y/job.yaml" "$Y/pod.yaml"
	run -0 pp kube generate --type job once-0
	printf '%s\n' "$output" >"$Y/gen-job.yaml"
	assert_contains "$output" "kind: Job"
	assert_contains "$output" "  name: once"
	# The claim the pod uses has no object of a play now: it is written from its named volume.
	assert_contains "$output" "kind: PersistentVolumeClaim"
	assert_contains "$output" "storage: 1Gi"
	assert_valid "$Y/gen-job.yaml"
	# A Service of what the pod publishes on the host: from the host's port to the container's.
	run -0 pp kube generate --service always
	printf '%s\n' "$output" >"$Y/gen-svc.yaml"
	assert_contains "$output" "  - port: 18480
    targetPort: 8080"
	refute_contains "${output#*kind: Service}" "9090"
	refute_contains "$output" "targetPort: 0"
	assert_valid "$Y/gen-svc.yaml"
	run -0 pp kube generate keep-data
	assert_equal "$(grep -c '^kind: ' <<<"$output")" 1
	assert_contains "$output" "  name: keep-data"

	run -125 pp kube generate nothing-here
	assert_contains "$output" "no pod, container or volume \`nothing-here\`"
	# A container alone is generated as the pod it is the one container of; one of several is refused.
	run -0 pp kube generate always-c
	assert_contains "$output" "  name: always"
	run -0 pp kube play "$Y/two.yaml"
	run -125 pp kube generate two-b
	assert_contains "$output" "container two-b is one of the 2 containers of pod two: a container of a pod is generated with its pod (\`podplay kube generate two\`)"
	run -125 pp kube generate --type job always
	assert_contains "$output" "pod always restarts its containers Always: a Job's pods restart Never or OnFailure"
	run -125 pp kube generate --type deployment once-0
	assert_contains "$output" "pod once-0 restarts its containers Never"
	run -125 pp kube generate --replicas 2 always
	assert_contains "$output" "--replicas is for --type deployment"
	run -125 pp kube generate --type cronjob always
	assert_contains "$output" "--type cronjob: a type is pod, deployment, daemonset or job"
	run -125 pp kube generate --play "$Y/pod.yaml" always
	assert_contains "$output" "name no pod or volume with it"
	run -125 pp kube generate --play "$Y/nothing.yaml"
	assert_contains "$output" "no play of \`$Y/nothing.yaml\` is recorded"
	run -125 pp kube generate
	assert_contains "$output" "name a pod or a volume, or give --play FILE"
	# A failed generate writes no file.
	run -125 pp kube generate -f "$Y/out.yaml" nothing-here
	[ ! -e "$Y/out.yaml" ]
	run -0 pp kube down "$Y/job.yaml" "$Y/pod.yaml" "$Y/two.yaml"
}
