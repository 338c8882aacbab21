#!/usr/bin/env bats
# Workloads and environments as `kube play` makes them: Deployment replicas and DaemonSets as pods with stable
# names; env from values, ConfigMaps, Secrets, fields and resources; envFrom with prefixes; $(VAR) expansion;
# the exact error for a missing required reference, with nothing created.

load helpers

load pods

# Waits for every container of the play to have exited.
wait_all_exited() {
	for _ in $(seq 100); do
		pp ps -a --format json | python3 -c 'import json,sys; sys.exit(0 if all(c["status"] == "Exited" for c in json.load(sys.stdin)) else 1)' && return 0
		sleep 0.1
	done
	return 1
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
	wait_all_exited
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

@test "env: 50,000 entries with \$(VAR), names given again and envFrom twice; an object over the API server's 3 MiB is refused" {
	# bench/env.sh times the same manifest; this test checks what the container gets, at that size.
	python3 "$REPO_ROOT/bench/gen-env.py" 50000 >"$Y/env.yaml"
	run -0 pp kube play "$Y/env.yaml"
	wait_all_exited
	run -0 pp logs envsize-app
	assert_equal "$output" "base-19 base-49998 v5 v5 base"
	run -0 pp kube down "$Y/env.yaml"
	python3 "$REPO_ROOT/bench/gen-env.py" 80000 >"$Y/big.yaml"
	run -125 pp kube play "$Y/big.yaml"
	assert_contains "$output" "big.yaml:1007:1: error: this object is 3.2 MiB as JSON: the API server takes at most 3 MiB (3145728 bytes) in one request"
	run -0 pp pod ls -q
	assert_equal "$output" ""
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


@test "volumes: emptyDir shared by two containers, in memory with its size, ConfigMap items and modes, Secrets read-only" {
	mkdir -p "$BATS_TEST_TMPDIR/host"
	cat >"$Y/vol.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: web-config
	data:
	  index.html: "<h1>hi</h1>"
	  app.conf: "level=3"
	---
	apiVersion: v1
	kind: Secret
	metadata:
	  name: tls
	data:
	  key.pem: a2V5LWJ5dGVz
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: vols
	spec:
	  restartPolicy: Never
	  initContainers:
	  - name: writer
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo shared-data >/work/note"]
	    volumeMounts: [{name: work, mountPath: /work}]
	  containers:
	  - name: reader
	    image: localhost/busybox:latest
	    command: ["sh", "-c"]
	    args:
	    - |
	      cat /work/note
	      grep ' /scratch ' /proc/mounts | cut -d' ' -f3,4 | grep -o 'tmpfs.*size=[0-9]*k'
	      cat /site/html/index.html; echo
	      busybox stat -c '%a %n' /site/html/index.html /conf/app.conf /secrets/key.pem
	      cat /secrets/key.pem; echo
	      touch /secrets/new 2>/dev/null || echo secrets-read-only
	      cat /only/app.conf; echo
	      ls /site
	    volumeMounts:
	    - {name: work, mountPath: /work}
	    - {name: scratch, mountPath: /scratch}
	    - {name: site, mountPath: /site}
	    - {name: conf, mountPath: /conf}
	    - {name: secret, mountPath: /secrets}
	    - {name: conf, mountPath: /only/app.conf, subPath: app.conf}
	  volumes:
	  - {name: work, emptyDir: {}}
	  - {name: scratch, emptyDir: {medium: Memory, sizeLimit: 8Mi}}
	  - name: site
	    configMap:
	      name: web-config
	      items: [{key: index.html, path: html/index.html, mode: 0600}]
	  - {name: conf, configMap: {name: web-config, defaultMode: 0640}}
	  - {name: secret, secret: {secretName: tls}}
	YAML
	run -0 pp kube play "$Y/vol.yaml"
	wait_all_exited
	run -0 pp logs vols-reader
	assert_equal "$output" "$(printf 'shared-data\ntmpfs rw,nosuid,nodev,relatime,size=8192k\n<h1>hi</h1>\n600 /site/html/index.html\n640 /conf/app.conf\n644 /secrets/key.pem\nkey-bytes\nsecrets-read-only\nlevel=3\nhtml')"
	podid=$(pp pod inspect vols | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	grep -q " $ROOT/pods/$podid/volumes/scratch " /proc/self/mountinfo
	run -0 pp kube down "$Y/vol.yaml"
	run grep -F " $ROOT/" /proc/self/mountinfo
	assert_equal "$output" ""
	[ ! -e "$ROOT/pods/$podid" ]
}

@test "hostPath: each type is checked, DirectoryOrCreate and FileOrCreate create, relative paths start at the file's folder" {
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host/dir" "$Y/rel-dir" && echo from-host >"$host/dir/file" && touch "$Y/rel-dir/beside-the-yaml"
	cat >"$Y/host.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: hp
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "cat /d/file; cat /f; echo made >/new/x; ls /rel"]
	    volumeMounts:
	    - {name: d, mountPath: /d, readOnly: true}
	    - {name: f, mountPath: /f}
	    - {name: new, mountPath: /new}
	    - {name: rel, mountPath: /rel}
	  volumes:
	  - {name: d, hostPath: {path: $host/dir, type: Directory}}
	  - {name: f, hostPath: {path: $host/dir/file, type: File}}
	  - {name: new, hostPath: {path: $host/created, type: DirectoryOrCreate}}
	  - {name: rel, hostPath: {path: rel-dir}}
	YAML
	run -0 pp kube play "$Y/host.yaml"
	assert_contains "$output" 'relative path "rel-dir" resolves against the folder of'

	wait_all_exited
	run -0 pp logs hp-main
	assert_equal "$output" "$(printf 'from-host\nfrom-host\nbeside-the-yaml')"
	[ "$(cat "$host/created/x")" = made ]
	run -0 pp kube down "$Y/host.yaml"
	sed -i "s|path: $host/dir/file, type: File|path: $host/dir, type: File|" "$Y/host.yaml"
	run -125 pp kube play "$Y/host.yaml"
	assert_contains "$output" "host.yaml:18:25: pod hp: "
	assert_contains "$output" "volume f: hostPath \`$host/dir\` (type File) is not a file"
	sed -i "s|path: $host/dir, type: File|path: $host/missing, type: Socket|" "$Y/host.yaml"
	run -125 pp kube play "$Y/host.yaml"
	assert_contains "$output" "(type Socket) does not exist"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}

@test "subPath through a symlink is refused: a volume cannot lead a mount out of itself" {
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host/vol"
	ln -s /etc "$host/vol/escape"
	ln -s ../.. "$host/vol/up"
	for sub in escape escape/passwd up/etc; do
		cat >"$Y/sub.yaml" <<-YAML
		apiVersion: v1
		kind: Pod
		metadata:
		  name: sub
		spec:
		  containers:
		  - name: main
		    image: localhost/busybox:latest
		    command: ["cat", "/x"]
		    volumeMounts: [{name: v, mountPath: /x, subPath: $sub}]
		  volumes:
		  - {name: v, hostPath: {path: $host/vol}}
		YAML
		run -125 pp kube play "$Y/sub.yaml"
		assert_contains "$output" "sub.yaml:10:54: pod sub, container main: volumeMounts[0].subPath: \`$sub\` goes through a symlink or out of its volume"
		run -0 pp pod ls -q
		assert_equal "$output" ""
	done
}

@test "fsGroup: a non-root container writes to an emptyDir the group owns" {
	cat >"$Y/fsg.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: fsg
	spec:
	  restartPolicy: Never
	  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000}
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "id -G; echo ok >/data/f && busybox stat -c '%g %a' /data /data/f"]
	    volumeMounts: [{name: data, mountPath: /data}]
	  volumes:
	  - {name: data, emptyDir: {}}
	YAML
	run -0 pp kube play "$Y/fsg.yaml"
	wait_all_exited
	run -0 pp logs fsg-main
	assert_equal "$output" "$(printf '3000 2000\n2000 2775\n2000 644')"
}

@test "re-play: nothing changes when nothing did; a changed pod is replaced, the others keep running; --replace recreates" {
	cat >"$Y/app.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: steady
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	---
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: tuned
	spec:
	  replicas: 2
	  selector:
	    matchLabels: {app: tuned}
	  template:
	    metadata:
	      labels: {app: tuned}
	    spec:
	      terminationGracePeriodSeconds: 0
	      containers:
	      - name: main
	        image: localhost/busybox:latest
	        command: ["sh", "-c", "echo $MODE; exec sleep 100"]
	        env: [{name: MODE, value: one}]
	YAML
	run -0 pp kube play "$Y/app.yaml"
	before=$(pp ps --format json | python3 -c 'import json,sys; print(sorted((c["name"], c["pid"]) for c in json.load(sys.stdin)))')
	run -0 pp kube play "$Y/app.yaml"
	assert_contains "$output" "pod/steady"
	[ "$(echo "$output" | grep -c unchanged)" -eq 3 ]
	after=$(pp ps --format json | python3 -c 'import json,sys; print(sorted((c["name"], c["pid"]) for c in json.load(sys.stdin)))')
	assert_equal "$after" "$before"
	steady_pid=$(pp ps --format json | python3 -c 'import json,sys; print([c["pid"] for c in json.load(sys.stdin) if c["pod"] == "steady"][0])')
	# One env value changes: the Deployment's pods are replaced (their template hash names them anew), steady stays.
	sed -i 's/value: one/value: two/' "$Y/app.yaml"
	run -0 pp kube play "$Y/app.yaml"
	assert_contains "$output" "pod/steady"
	assert_contains "$output" "unchanged"
	[ "$(echo "$output" | grep -c 'removed (no longer in')" -eq 2 ]
	[ "$(echo "$output" | grep -c started)" -eq 2 ]
	assert_equal "$(pp ps --format json | python3 -c 'import json,sys; print([c["pid"] for c in json.load(sys.stdin) if c["pod"] == "steady"][0])')" "$steady_pid"
	[ "$(pp pod ls -q | wc -l)" -eq 3 ]
	# Scaled down to one replica: the other goes.
	sed -i 's/replicas: 2/replicas: 1/' "$Y/app.yaml"
	run -0 pp kube play "$Y/app.yaml"
	[ "$(pp pod ls -q | wc -l)" -eq 2 ]
	# A Pod's own spec changed: it is replaced under its name.
	sed -i 's/"sleep", "100"/"sleep", "101"/' "$Y/app.yaml"
	run -0 pp kube play "$Y/app.yaml"
	assert_contains "$output" "replaced and started"
	run -0 pp kube play --replace "$Y/app.yaml"
	[ "$(echo "$output" | grep -c 'replaced and started')" -eq 2 ]
	run -0 pp kube down "$Y/app.yaml"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}

@test "hostAliases, dnsPolicy None with dnsConfig, hostNetwork, hostPID, seccompProfile, runAsNonRoot" {
	cat >"$Y/net.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: etc
	spec:
	  restartPolicy: Never
	  hostAliases:
	  - {ip: 10.1.2.3, hostnames: [db, db.local]}
	  dnsPolicy: None
	  dnsConfig:
	    nameservers: [192.0.2.53]
	    searches: [example.test]
	    options: [{name: ndots, value: "2"}]
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "grep db /etc/hosts; cat /etc/resolv.conf; grep Seccomp: /proc/self/status"]
	    securityContext:
	      seccompProfile: {type: Unconfined}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: hosty
	spec:
	  restartPolicy: Never
	  hostNetwork: true
	  hostPID: true
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "hostname; test -d /proc/$PPID_OF_TEST && echo sees-host-pids"]
	    env: [{name: PPID_OF_TEST, value: "PLACEHOLDER"}]
	YAML
	sed -i "s/PLACEHOLDER/$$/" "$Y/net.yaml"
	run -0 pp kube play "$Y/net.yaml"
	wait_all_exited
	run -0 pp logs etc-main
	assert_equal "$output" "$(printf '10.1.2.3\tdb db.local\nnameserver 192.0.2.53\nsearch example.test\noptions ndots:2\nSeccomp:\t0')"
	run -0 pp logs hosty-main
	assert_equal "$output" "$(printf '%s\nsees-host-pids' "$(hostname)")"
	run -0 pp kube down "$Y/net.yaml"

	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nonroot\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: main\n    image: localhost/busybox:latest\n    command: ["id", "-u"]\n' >"$Y/nonroot.yaml"
	run -125 pp kube play "$Y/nonroot.yaml"
	assert_contains "$output" "nonroot.yaml:7:19: pod nonroot, container main: runAsNonRoot is true but the container would run as root"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	sed -i 's/    runAsNonRoot: true/    runAsNonRoot: true\n    runAsUser: 1000/' "$Y/nonroot.yaml"
	run -0 pp kube play "$Y/nonroot.yaml"
}

@test "a Localhost seccomp profile from the manifest's folder is the container's filter" {
	cat >"$Y/deny-mkdir.json" <<-'JSON'
	{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	JSON
	cat >"$Y/local.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: local
	spec:
	  restartPolicy: Never
	  securityContext:
	    seccompProfile: {type: Localhost, localhostProfile: deny-mkdir.json}
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/x || echo mkdir-denied"]
	YAML
	run -0 pp kube play "$Y/local.yaml"
	wait_all_exited
	run -0 pp logs local-main
	assert_contains "$output" "$(printf 'Seccomp:\t2')"
	assert_contains "$output" "Operation not permitted"
	assert_contains "$output" "mkdir-denied"
}

@test "init containers run in order before the others; a failing one fails the pod" {
	cat >"$Y/init.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: ordered
	spec:
	  restartPolicy: Never
	  initContainers:
	  - {name: one, image: localhost/busybox:latest, command: ["sh", "-c", "echo one >>/shared/log"], volumeMounts: [{name: s, mountPath: /shared}]}
	  - {name: two, image: localhost/busybox:latest, command: ["sh", "-c", "echo two >>/shared/log"], volumeMounts: [{name: s, mountPath: /shared}]}
	  containers:
	  - {name: main, image: localhost/busybox:latest, command: ["sh", "-c", "echo main >>/shared/log; cat /shared/log"], volumeMounts: [{name: s, mountPath: /shared}]}
	  volumes: [{name: s, emptyDir: {}}]
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: broken
	spec:
	  restartPolicy: Never
	  initContainers:
	  - {name: fails, image: localhost/busybox:latest, command: ["sh", "-c", "exit 4"]}
	  containers:
	  - {name: main, image: localhost/busybox:latest, command: ["echo", "never"]}
	YAML
	run -0 pp kube play "$Y/init.yaml"
	for _ in $(seq 100); do
		pp pod ls --format json | python3 -c 'import json,sys; sys.exit(0 if all(p["status"] in ("Exited", "Error") for p in json.load(sys.stdin)) else 1)' && break
		sleep 0.1
	done
	run -0 pp logs ordered-main
	assert_equal "$output" "$(printf 'one\ntwo\nmain')"
	run -0 pp pod inspect broken
	assert_contains "$output" '"status": "Error"'
	run -0 pp logs broken-main
	assert_equal "$output" ""
	run -0 pp ps -a
	assert_contains "$output" "Exited (4)"
}

@test "probes run from outside the container: readiness shows in pod ls and ps, a failing liveness restarts, exec probes join it" {
	cat >"$Y/probes.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: probed
	spec:
	  terminationGracePeriodSeconds: 1
	  containers:
	  - name: web
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "sleep 2; mkdir -p /www; echo ok >/www/healthz; exec httpd -f -p 8080 -h /www"]
	    ports: [{name: http, containerPort: 8080}]
	    readinessProbe:
	      httpGet: {path: /healthz, port: http}
	      periodSeconds: 1
	    livenessProbe:
	      tcpSocket: {port: 8080}
	      initialDelaySeconds: 4
	      periodSeconds: 1
	  - name: flaky
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "touch /tmp/alive; sleep 5; rm /tmp/alive; exec sleep 100"]
	    livenessProbe:
	      exec: {command: ["test", "-e", "/tmp/alive"]}
	      periodSeconds: 1
	      failureThreshold: 2
	YAML
	run -0 pp kube play "$Y/probes.yaml"
	refute_contains "$output" "ports"
	run -0 pp ps
	assert_contains "$output" "(not ready)"
	for _ in $(seq 100); do
		[ "$(pp ps --format json | python3 -c 'import json,sys; print([c["ready"] for c in json.load(sys.stdin) if c["container"] == "web"][0])')" = True ] && break
		sleep 0.1
	done
	run -0 pp pod ls
	assert_contains "$output" "2/2"
	# flaky's file goes after 5 s (web is ready by then, even on a busy machine): two failed checks a second
	# apart kill it, and Always restarts it.
	for _ in $(seq 150); do
		[ "$(pp ps -a --format json | python3 -c 'import json,sys; print([c["restarts"] for c in json.load(sys.stdin) if c["container"] == "flaky"][0])')" -ge 1 ] && break
		sleep 0.1
	done
	run -0 pp logs probed-flaky
	assert_contains "$output" "livenessProbe failed 2 times: the container is killed"
	assert_equal "$(pp ps -a --format json | python3 -c 'import json,sys; print([c["restarts"] for c in json.load(sys.stdin) if c["container"] == "web"][0])')" 0
}

@test "a PersistentVolumeClaim is a named volume: it outlives kube down, comes back on the next play, goes with --force" {
	cat >"$Y/pvc.yaml" <<-'YAML'
	apiVersion: v1
	kind: PersistentVolumeClaim
	metadata:
	  name: data
	spec:
	  accessModes: [ReadWriteOnce]
	  resources: {requests: {storage: 1Gi}}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: counter
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo run >>/data/runs; busybox wc -l </data/runs"]
	    volumeMounts: [{name: d, mountPath: /data}]
	  volumes:
	  - {name: d, persistentVolumeClaim: {claimName: data}}
	YAML
	run -0 pp kube play "$Y/pvc.yaml"
	assert_contains "$output" "volume/data created"
	wait_all_exited
	run -0 pp logs counter-main
	assert_equal "$output" "1"
	run -0 pp volume ls
	assert_contains "$output" "data"
	assert_contains "$output" "counter"
	run -125 pp volume rm data
	assert_contains "$output" "used by pod counter"
	run -0 pp kube down "$Y/pvc.yaml"
	run -0 pp volume ls -q
	assert_equal "$output" "data"
	run -0 pp kube play "$Y/pvc.yaml"
	wait_all_exited
	run -0 pp logs counter-main
	assert_equal "$output" "2"
	run -0 pp volume inspect data
	assert_contains "$output" "\"playFile\": \"$Y/pvc.yaml\""
	run -0 pp kube down --force "$Y/pvc.yaml"
	assert_contains "$output" "volume/data removed"
	run -0 pp volume ls -q
	assert_equal "$output" ""
	sed -i '1,8d' "$Y/pvc.yaml"
	run -125 pp kube play "$Y/pvc.yaml"
	assert_contains "$output" "PersistentVolumeClaim \`data\` is neither in the play nor a volume of this machine"
}

@test "rollback: a play whose third pod cannot start leaves nothing of the first two, and pods from before run on" {
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: before\nspec:\n  containers:\n  - {name: main, image: localhost/busybox:latest, command: ["sleep", "100"]}\n' >"$Y/before.yaml"
	run -0 pp kube play "$Y/before.yaml"
	before_pid=$(pp ps --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
	for p in one two; do
		printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers:\n  - {name: main, image: localhost/busybox:latest, command: ["sleep", "100"]}\n---\n' "$p"
	done >"$Y/three.yaml"
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: three\nspec:\n  containers:\n  - {name: main, image: localhost/busybox:latest, command: ["/no/such/binary"]}\n' >>"$Y/three.yaml"
	run -125 pp kube play "$Y/three.yaml"
	assert_contains "$output" "pod three: starting the container: exec /no/such/binary: No such file or directory"
	assert_equal "$(pod_names)" "before"
	assert_equal "$(pp ps --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')" "$before_pid"
	run grep -c " $ROOT/containers/\| $RUNROOT/containers/" /proc/self/mountinfo
	assert_equal "$output" "1"
}

@test "lifecycle: postStart runs in the container as it starts, preStop before SIGTERM; a failing postStart kills it" {
	mkdir -p "$BATS_TEST_TMPDIR/seen"
	cat >"$Y/hooks.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: hooked
	spec:
	  terminationGracePeriodSeconds: 5
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "trap 'echo term-after-\$(cat /seen/prestop); exit 0' TERM; while :; do sleep 0.1; done"]
	    lifecycle:
	      postStart:
	        exec: {command: ["sh", "-c", "echo started >/seen/poststart"]}
	      preStop:
	        exec: {command: ["sh", "-c", "echo prestop-ran >/seen/prestop"]}
	    volumeMounts: [{name: seen, mountPath: /seen}]
	  - name: failing
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    lifecycle:
	      postStart:
	        exec: {command: ["false"]}
	  volumes:
	  - {name: seen, hostPath: {path: $BATS_TEST_TMPDIR/seen}}
	YAML
	run -0 pp kube play "$Y/hooks.yaml"
	for _ in $(seq 50); do [ -e "$BATS_TEST_TMPDIR/seen/poststart" ] && break; sleep 0.1; done
	[ "$(cat "$BATS_TEST_TMPDIR/seen/poststart")" = started ]
	for _ in $(seq 100); do
		[ "$(pp ps -a --format json | python3 -c 'import json,sys; print([c["restarts"] for c in json.load(sys.stdin) if c["container"] == "failing"][0])')" -ge 1 ] && break
		sleep 0.1
	done
	run -0 pp logs hooked-failing
	assert_contains "$output" "postStart hook failed: the container is killed"
	run -0 pp pod stop hooked
	run -0 pp logs hooked-main
	assert_equal "$output" "term-after-prestop-ran"
}

@test "--wait prints the logs, removes the pods when they end, and on Ctrl-C" {
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: waiter\nspec:\n  restartPolicy: Never\n  containers:\n  - {name: a, image: localhost/busybox:latest, command: ["sh", "-c", "echo one; sleep 1; echo two"]}\n' >"$Y/wait.yaml"
	run -0 timeout 30 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play --wait "$Y/wait.yaml"
	assert_contains "$output" "waiter-a | one"
	assert_contains "$output" "waiter-a | two"
	assert_contains "$output" "pod/waiter"
	assert_contains "$output" "removed"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	sed -i 's/echo one; sleep 1; echo two/echo forever; exec sleep 1000/; s/restartPolicy: Never/restartPolicy: Never\n  terminationGracePeriodSeconds: 1/' "$Y/wait.yaml"
	# The binary itself in the background (not the pp function's subshell), as Ctrl-C reaches it.
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" kube play --wait "$Y/wait.yaml" >"$BATS_TEST_TMPDIR/wait.out" 2>&1 &
	player=$!
	for _ in $(seq 100); do grep -q "waiter-a | forever" "$BATS_TEST_TMPDIR/wait.out" && break; sleep 0.1; done
	kill -INT "$player"
	wait "$player"
	assert_contains "$(cat "$BATS_TEST_TMPDIR/wait.out")" "removed"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}

@test "--configmap supplies ConfigMaps from other files; the play's own wins; other kinds there are refused" {
	cat >"$Y/cm.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: settings
	data:
	  MODE: from-file
	---
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: shared
	data:
	  LEVEL: from-file
	YAML
	cat >"$Y/cm2.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: extra
	data:
	  EXTRA: "yes"
	YAML
	cat >"$Y/pod.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: shared
	data:
	  LEVEL: from-play
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: cmpod
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo $MODE $LEVEL $EXTRA"]
	    envFrom:
	    - configMapRef: {name: settings}
	    - configMapRef: {name: shared}
	    - configMapRef: {name: extra}
	YAML
	# Without the files, the reference is missing and nothing is created.
	run -125 pp kube play "$Y/pod.yaml"
	[[ "$output" == *"settings"* ]]
	[ "$(pp pod ls -q)" = "" ]
	run -0 pp kube play --configmap "$Y/cm.yaml,$Y/cm2.yaml" "$Y/pod.yaml"
	wait_all_exited
	run -0 pp logs cmpod-main
	[ "$output" = "from-file from-play yes" ]
	run -0 pp kube down "$Y/pod.yaml"
	run -0 pp kube play --configmap "$Y/cm.yaml" --configmap "$Y/cm2.yaml" "$Y/pod.yaml"
	run -0 pp kube down "$Y/pod.yaml"
	# A --configmap file holds ConfigMaps only.
	run -125 pp kube play --configmap "$Y/pod.yaml" "$Y/pod.yaml"
	[[ "$output" == *"pod.yaml:8:1: error: kind: a --configmap file holds ConfigMaps only, not a Pod"* ]]
	run -125 pp kube play --configmap "$Y/nope.yaml" "$Y/pod.yaml"
	[[ "$output" == *"nope.yaml"* ]]
	[ "$(pp pod ls -q)" = "" ]
}

@test "a replacement that fails leaves the pod it would replace running, untouched" {
	cat >"$Y/r.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: web
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	YAML
	run -0 pp kube play "$Y/r.yaml"
	pid=$(pp ps --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
	id=$(pp pod ls -q)
	# The new pod is made beside the old one; its container cannot start, so the play fails and rolls it back.
	sed -i 's|\["sleep", "100"\]|["/nonexistent"]|' "$Y/r.yaml"
	run -125 pp kube play "$Y/r.yaml"
	assert_contains "$output" "pod web: starting the container: exec /nonexistent: No such file or directory"
	assert_equal "$(pp pod ls -q)" "$id"
	assert_equal "$(pp ps --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')" "$pid"
	kill -0 "$pid"
	# A replacement that starts takes the old one's place and name.
	sed -i 's|\["/nonexistent"\]|["sleep", "200"]|' "$Y/r.yaml"
	run -0 pp kube play "$Y/r.yaml"
	assert_contains "$output" "pod/web"
	assert_contains "$output" "replaced and started"
	assert_equal "$(pod_names)" "web"
	[ "$(pp pod ls -q)" != "$id" ]
	! kill -0 "$pid" 2>/dev/null
}

@test "containerPort is documentation and says nothing; a hostPort is published without a word; os windows is refused" {
	hp=$(python3 -c 'import socket; s = socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
	cat >"$Y/ports.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: ports
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    ports:
	    - containerPort: 8080
	    - containerPort: 9090
	      hostPort: $hp
	YAML
	run -0 pp kube play "$Y/ports.yaml"
	refute_contains "$output" "hostPort"
	refute_contains "$output" "ports[0]"
	assert_contains "$output" "pod/ports"
	# os.name: linux is what runs here; windows is refused before anything is made.
	sed -i 's/^  name: ports$/  name: win/; s/^spec:$/spec:\n  os: {name: windows}/' "$Y/ports.yaml"
	run -125 pp kube play "$Y/ports.yaml"
	assert_contains "$output" "ports.yaml:6:14: error: spec.os.name: a windows pod cannot run on this Linux machine"
	assert_equal "$(pod_names)" "ports"
}

@test "runtimeClassName picks the OCI runtime of one pod; an unknown class is refused" {
	cat >"$Y/rc.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: viarunc
	spec:
	  runtimeClassName: runc
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: builtin
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	YAML
	run -0 pp kube play "$Y/rc.yaml"
	refute_contains "$output" "runtimeClassName"
	runc_id=$(pp pod inspect viarunc | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	builtin_id=$(pp pod inspect builtin | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	grep -q '"runtime": "runc"' "$ROOT/pods/$runc_id/pod.json"
	grep -q '"runtime": "builtin"' "$ROOT/pods/$builtin_id/pod.json"
	assert_equal "$(pp exec viarunc-main cat /proc/1/cmdline | tr '\0' ' ')" "sleep 100 "
	run -0 pp kube down "$Y/rc.yaml"
	sed -i 's/runtimeClassName: runc/runtimeClassName: kata/' "$Y/rc.yaml"
	run -125 pp kube play "$Y/rc.yaml"
	assert_contains "$output" "rc.yaml:6:21: error: spec.runtimeClassName: unknown runtime class \"kata\": podplay runs builtin, runc or crun"
	assert_equal "$(pp pod ls -q)" ""
}

@test "ConfigMaps and Secrets before and after the pod, in a List, with CRLF lines, in a --configmap file: the pod gets what it names" {
	cat >"$Y/refs.yaml" <<-'YAML'
	# a comment first
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: early}
	data: {EARLY: "1"}
	---
	apiVersion: v1
	kind: Secret
	metadata:
	  name: sec
	stringData:
	  PW: hunter2
	...
	---
	apiVersion: v1
	kind: List
	items:
	- apiVersion: v1
	  kind: ConfigMap
	  metadata: {name: inlist}
	  data: {INLIST: "2"}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: refs
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo $EARLY $INLIST $PW $LATE $OTHER; cat /v/proj"]
	    envFrom:
	    - configMapRef: {name: early}
	    - configMapRef: {name: inlist}
	    - secretRef: {name: sec}
	    - configMapRef: {name: late}
	    - configMapRef: {name: other}
	    volumeMounts: [{name: v, mountPath: /v}]
	  volumes:
	  - name: v
	    projected: {sources: [{configMap: {name: proj}}]}
	---
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: unused}
	data: {UNUSED: "3"}
	---
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: late}
	data:
	  LATE: |-
	    four
	---
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: proj}
	data: {proj: "five"}
	YAML
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {OTHER: "six"}\n' >"$Y/other.yaml"
	for eol in lf crlf; do
		[ "$eol" = lf ] || sed -i 's/$/\r/' "$Y/refs.yaml" "$Y/other.yaml"
		run -0 pp kube play --configmap "$Y/other.yaml" "$Y/refs.yaml"
		wait_all_exited
		run -0 pp logs refs-main
		assert_equal "$output" "$(printf '1 2 hunter2 four six\nfive')"
		run -0 pp kube down "$Y/refs.yaml"
	done
}

@test "kube play of 200000 ConfigMaps takes at most 3x the memory of kube validate" {
	python3 - "$Y/many.yaml" <<-'PY'
	import sys
	with open(sys.argv[1], "w") as f:
	    for i in range(200000):
	        f.write("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n  k: v%d\n" % (i, i))
	    f.write("---\napiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  restartPolicy: Never\n"
	            "  containers:\n  - name: main\n    image: localhost/busybox:latest\n    command: [sh, -c, 'echo $k']\n"
	            "    envFrom: [{configMapRef: {name: cm-123456}}]\n")
	PY
	run -0 /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/validate.rss" "$PODPLAY" kube validate "$Y/many.yaml"
	run -0 /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/play.rss" "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" \
		kube play "$Y/many.yaml"
	local validate play
	validate=$(tail -n 1 "$BATS_TEST_TMPDIR/validate.rss")
	play=$(tail -n 1 "$BATS_TEST_TMPDIR/play.rss")
	echo "# peak memory: validate ${validate} KB, play ${play} KB" >&3
	[ "$play" -le $((validate * 3)) ] || {
		echo "kube play took ${play} KB, kube validate ${validate} KB" >&2
		return 1
	}
	wait_all_exited
	run -0 pp logs many-main
	assert_equal "$output" "v123456"
	run -0 pp kube down "$Y/many.yaml"
}
