#!/usr/bin/env bats
# Volumes as `kube play` makes them, seen from inside the pod: downwardAPI and projected files with their modes,
# image volumes (read-only, noexec, kept from `rmi`), subPathExpr, mountPropagation; and the errors bad input
# gets, naming file:line:col, with nothing created.

load helpers

load pods

# Fails unless the pod's containers have started.
wait_running() {
	for _ in $(seq 100); do
		pp ps --format json | python3 -c 'import json,sys; sys.exit(0 if any(c["status"] == "Running" for c in json.load(sys.stdin)) else 1)' && return 0
		sleep 0.1
	done
	return 1
}

# The mount options (field 6) and optional fields of the mount at $2 inside container $1.
mount_of() {
	pp exec "$1" cat /proc/self/mountinfo | awk -v m="$2" '$5 == m { print }'
}

@test "downwardAPI: fields, labels and annotations sorted and quoted, resources with divisor, modes, read-only" {
	cat >"$Y/dapi.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: dapi
	  namespace: team
	  labels: {zone: "us-east", app: web}
	  annotations: {note: 'say "hi"', build: "42"}
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    resources:
	      limits: {cpu: 250m, memory: 64Mi}
	    volumeMounts:
	    - {name: info, mountPath: /etc/podinfo}
	  volumes:
	  - name: info
	    downwardAPI:
	      defaultMode: 0640
	      items:
	      - {path: name, fieldRef: {fieldPath: metadata.name}}
	      - {path: ns, fieldRef: {fieldPath: metadata.namespace}}
	      - {path: uid, fieldRef: {fieldPath: metadata.uid}}
	      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
	      - {path: annotations, fieldRef: {fieldPath: metadata.annotations}, mode: 0400}
	      - {path: sub/app, fieldRef: {fieldPath: "metadata.labels['app']"}}
	      - {path: cpu, resourceFieldRef: {containerName: main, resource: limits.cpu, divisor: 1m}}
	      - {path: mem, resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}}
	YAML
	run -0 pp kube play "$Y/dapi.yaml"
	refute_contains "$output" "not played yet"
	run -0 pp exec dapi-main cat /etc/podinfo/name
	assert_equal "$output" "dapi"
	run -0 pp exec dapi-main cat /etc/podinfo/ns
	assert_equal "$output" "team"
	id=$(pp pod inspect dapi --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d.get("Id") or d.get("id"))')
	run -0 pp exec dapi-main cat /etc/podinfo/uid
	assert_equal "$output" "$id"
	run -0 pp exec dapi-main cat /etc/podinfo/labels
	assert_equal "$output" "$(printf 'app="web"\nzone="us-east"')"
	run -0 pp exec dapi-main cat /etc/podinfo/annotations
	assert_equal "$output" "$(printf 'build="42"\nnote="say \\"hi\\""')"
	run -0 pp exec dapi-main cat /etc/podinfo/sub/app
	assert_equal "$output" "web"
	run -0 pp exec dapi-main cat /etc/podinfo/cpu
	assert_equal "$output" "250"
	run -0 pp exec dapi-main cat /etc/podinfo/mem
	assert_equal "$output" "64"
	run -0 pp exec dapi-main ls -l /etc/podinfo/name /etc/podinfo/annotations
	assert_contains "$output" "-rw-r-----"
	assert_contains "$output" "-r--------"
	run -1 pp exec dapi-main sh -c 'echo x > /etc/podinfo/new'
	assert_contains "$output" "Read-only file system"
	run -0 mount_of dapi-main /etc/podinfo
	[[ "$output" == *" ro,"* ]]
}

@test "downwardAPI: a resourceFieldRef without containerName, and an item path with .., are errors before anything runs" {
	cat >"$Y/bad.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: bad
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	  volumes:
	  - name: info
	    downwardAPI:
	      items:
	      - {path: cpu, resourceFieldRef: {resource: limits.cpu}}
	YAML
	run -125 pp kube play "$Y/bad.yaml"
	assert_contains "$output" "bad.yaml:13:39: pod bad: volume info, item cpu: resourceFieldRef.containerName: required in a volume"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	sed -i 's/path: cpu/path: ..\/..\/escape/' "$Y/bad.yaml"
	run -125 pp kube play "$Y/bad.yaml"
	assert_contains "$output" "bad.yaml:13:16: error: spec.volumes[0].downwardAPI.items[0].path: invalid value \"../../escape\": must not contain '..'"
	sed -i 's/path: ..\/..\/escape/path: \/abs/' "$Y/bad.yaml"
	run -125 pp kube play "$Y/bad.yaml"
	assert_contains "$output" "must be a relative path"
}

@test "configMap items: a/./b is written at a/b as the kubelet cleans it; \"\" and ..data/x are errors at their position" {
	cat >"$Y/items.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: cfg
	data: {k: hello}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: items
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    volumeMounts:
	    - {name: cfg, mountPath: /cfg}
	  volumes:
	  - name: cfg
	    configMap:
	      name: cfg
	      items:
	      - {key: k, path: a/./b}
	YAML
	run -0 pp kube play "$Y/items.yaml"
	run -0 pp exec items-main cat /cfg/a/b
	assert_equal "$output" "hello"
	run -0 pp kube down "$Y/items.yaml"
	sed -i 's|path: a/./b|path: ""|' "$Y/items.yaml"
	run -125 pp kube play "$Y/items.yaml"
	assert_contains "$output" "items.yaml:24:24: error: spec.volumes[0].configMap.items[0].path: invalid value \"\": must not be empty"
	sed -i 's|path: ""|path: ..data/x|' "$Y/items.yaml"
	run -125 pp kube play "$Y/items.yaml"
	assert_contains "$output" "items.yaml:24:24: error: spec.volumes[0].configMap.items[0].path: invalid value \"..data/x\": must not start with '..'"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}

@test "hostPath FileOrCreate: an empty 0644 file in a directory that exists; a missing directory is an error, not made" {
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host"
	cat >"$Y/foc.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: foc
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo written >/f; sleep 100"]
	    volumeMounts:
	    - {name: f, mountPath: /f}
	  volumes:
	  - name: f
	    hostPath: {path: $host/made, type: FileOrCreate}
	YAML
	run -0 pp kube play "$Y/foc.yaml"
	wait_running
	for _ in $(seq 50); do [ -s "$host/made" ] && break; sleep 0.1; done
	[ "$(cat "$host/made")" = written ]
	[ "$(stat -c %a "$host/made")" = 644 ]
	run -0 pp kube down "$Y/foc.yaml"
	sed -i "s|path: $host/made,|path: $host/missing/dir/made,|" "$Y/foc.yaml"
	run -125 pp kube play "$Y/foc.yaml"
	assert_contains "$output" "foc.yaml:15:15: pod foc: volume f: hostPath \`$host/missing/dir/made\` (type FileOrCreate) cannot be made: its directory does not exist"
	[ ! -e "$host/missing" ]
	run -0 pp pod ls -q
	assert_equal "$output" ""
}

@test "projected: ConfigMap, Secret and downwardAPI sources with items and modes in one directory; serviceAccountToken warned" {
	cat >"$Y/proj.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: cfg
	data: {a.conf: "alpha", b.conf: "beta"}
	---
	apiVersion: v1
	kind: Secret
	metadata:
	  name: sec
	stringData: {token: s3cret}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: proj
	  labels: {app: p}
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    volumeMounts:
	    - {name: all, mountPath: /projected}
	  volumes:
	  - name: all
	    projected:
	      defaultMode: 0440
	      sources:
	      - configMap:
	          name: cfg
	          items:
	          - {key: a.conf, path: conf/a.conf, mode: 0600}
	      - secret: {name: sec}
	      - configMap: {name: absent, optional: true}
	      - downwardAPI:
	          items:
	          - {path: labels, fieldRef: {fieldPath: metadata.labels}}
	      - serviceAccountToken: {path: token-sa, expirationSeconds: 3600}
	YAML
	run -0 pp kube play "$Y/proj.yaml"
	assert_contains "$output" "proj.yaml:40:30: warning: pod proj: volume all: a serviceAccountToken source needs an API server, which kube play has not: nothing is written at \`token-sa\`"
	run -0 pp exec proj-main cat /projected/conf/a.conf
	assert_equal "$output" "alpha"
	run -1 pp exec proj-main cat /projected/b.conf
	run -0 pp exec proj-main cat /projected/token
	assert_equal "$output" "s3cret"
	run -0 pp exec proj-main cat /projected/labels
	assert_equal "$output" 'app="p"'
	run -1 pp exec proj-main ls /projected/token-sa
	run -0 pp exec proj-main ls -l /projected/conf/a.conf /projected/token
	assert_contains "$output" "-rw-------"
	assert_contains "$output" "-r--r-----"
	run -0 mount_of proj-main /projected
	[[ "$output" == *" ro,"* ]]
}

@test "projected: a missing required ConfigMap or key is an error naming file:line:col, nothing created" {
	cat >"$Y/miss.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: cfg
	data: {a: "1"}
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: miss
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	  volumes:
	  - name: all
	    projected:
	      sources:
	      - configMap: {name: cfg, items: [{key: nope, path: x}]}
	      - configMap: {name: gone}
	YAML
	run -125 pp kube play "$Y/miss.yaml"
	assert_contains "$output" "miss.yaml:19:40: pod miss: volume all: ConfigMap \`cfg\` has no key \`nope\`"
	sed -i 's/key: nope/key: a/' "$Y/miss.yaml"
	run -125 pp kube play "$Y/miss.yaml"
	assert_contains "$output" "miss.yaml:20:20: pod miss: volume all: ConfigMap \`gone\` is not in the play (and optional is not true)"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	# An item's path cannot climb out of the volume: the validator refuses `..` before anything is made.
	sed -i 's/{name: gone}/{name: cfg, items: [{key: a, path: "x\/..\/..\/y"}]}/' "$Y/miss.yaml"
	run -125 pp kube play "$Y/miss.yaml"
	assert_contains "$output" "miss.yaml:20:55: error: spec.volumes[0].projected.sources[1].configMap.items[0].path: invalid value \"x/../../y\": must not contain '..'"
}

@test "image volume: an image's files read-only and noexec (one layer or many), kept from rmi, unmounted on removal" {
	pp load -i "$BATS_FILE_TMPDIR/images/layered" >/dev/null
	cat >"$Y/img.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: img
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    volumeMounts:
	    - {name: data, mountPath: /data}
	    - {name: tools, mountPath: /tools}
	  volumes:
	  - name: data
	    image: {reference: localhost/layered:latest, pullPolicy: IfNotPresent}
	  - name: tools
	    image: {reference: localhost/busybox:latest}
	YAML
	run -0 pp kube play "$Y/img.yaml"
	refute_contains "$output" "not played yet"
	run -0 pp exec img-main cat /data/etc/motd
	assert_equal "$output" "podplay test image: layered"
	run -0 pp exec img-main cat /data/data/b
	assert_equal "$output" "b modified in layer 3"
	run -1 pp exec img-main ls /data/data/a
	run -0 pp exec img-main ls /tools/bin/busybox
	for m in /data /tools; do
		run -0 mount_of img-main "$m"
		[[ "$output" == *" ro,nosuid,nodev,noexec"* ]]
	done
	run -0 pp exec img-main sh -c '/tools/bin/busybox true; echo "exit $?"'
	assert_contains "$output" "Permission denied"
	run -1 pp exec img-main touch /data/new
	run -125 pp rmi localhost/layered:latest
	assert_contains "$output" "image localhost/layered:latest is used by volume data of pod img"
	run -0 pp pod rm -f -t 0 img
	run -1 grep -F " $ROOT/" /proc/self/mountinfo
	run -0 pp rmi localhost/layered:latest
}

@test "image volume: an image not in the store with pullPolicy Never is an error before anything is made" {
	cat >"$Y/noimg.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: noimg
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	  volumes:
	  - name: data
	    image: {reference: example.com/absent:1.0, pullPolicy: Never}
	YAML
	run -125 pp kube play "$Y/noimg.yaml"
	assert_contains "$output" "noimg.yaml:11:12: pod noimg, volume data: image \`example.com/absent:1.0\` is not in the store and pullPolicy is Never"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}

@test "subPathExpr: \$(VAR) of the container's env picks the directory; one that climbs out is an error" {
	cat >"$Y/spe.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: spe
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: writer
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "echo from-writer > /logs/out; sleep 100"]
	    env:
	    - name: POD
	      valueFrom: {fieldRef: {fieldPath: metadata.name}}
	    volumeMounts:
	    - {name: logs, mountPath: /logs, subPathExpr: "$(POD)/w"}
	  - name: reader
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    volumeMounts:
	    - {name: logs, mountPath: /all}
	  volumes:
	  - name: logs
	    emptyDir: {}
	YAML
	run -0 pp kube play "$Y/spe.yaml"
	wait_running
	for _ in $(seq 50); do pp exec spe-reader test -e /all/spe/w/out && break; sleep 0.1; done
	run -0 pp exec spe-reader cat /all/spe/w/out
	assert_equal "$output" "from-writer"
	run -0 pp kube down "$Y/spe.yaml"
	sed -i 's/fieldRef: {fieldPath: metadata.name}}/fieldRef: {fieldPath: metadata.name}}\n    - {name: UP, value: "..\/.."}/; s/"$(POD)\/w"/"$(UP)\/etc"/' "$Y/spe.yaml"
	run -125 pp kube play "$Y/spe.yaml"
	assert_contains "$output" "spe.yaml:16:51: pod spe, container writer: volumeMounts logs: subPathExpr expands to \`../../etc\`, which must not contain '..'"
	run -0 pp pod ls -q
	assert_equal "$output" ""
	# Both subPath and subPathExpr: the validator refuses it.
	sed -i 's/subPathExpr: "$(UP)\/etc"/subPath: a, subPathExpr: b/' "$Y/spe.yaml"
	run -125 pp kube play "$Y/spe.yaml"
	assert_contains "$output" "subPath and subPathExpr are mutually exclusive"
}

@test "mountPropagation: a mount made on the host after the start shows inside with HostToContainer, not with None" {
	host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host"
	cat >"$Y/prop.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: prop
	spec:
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sleep", "100"]
	    volumeMounts:
	    - {name: h, mountPath: /h2c, mountPropagation: HostToContainer}
	    - {name: h, mountPath: /none, mountPropagation: None}
	    - {name: h, mountPath: /default}
	    - {name: h, mountPath: /part, subPath: part, mountPropagation: HostToContainer}
	  volumes:
	  - name: h
	    hostPath: {path: $host, type: Directory}
	YAML
	run -0 pp kube play "$Y/prop.yaml"
	refute_contains "$output" "not honoured"
	wait_running
	run -0 mount_of prop-main /h2c
	[[ "$output" == *" master:"* ]]
	[[ "$output" == *",nosuid,nodev,"* ]]
	run -0 mount_of prop-main /none
	[[ "$output" != *" master:"* && "$output" != *" shared:"* ]]
	mkdir -p "$host/sub"
	mount -t tmpfs -o size=1m tmpfs "$host/sub"
	echo "mounted later" >"$host/sub/f"
	run -0 pp exec prop-main cat /h2c/sub/f
	assert_equal "$output" "mounted later"
	run -1 pp exec prop-main cat /none/sub/f
	run -1 pp exec prop-main cat /default/sub/f
	# A subPath's bind (made afresh at each start, from its volume) follows the host too.
	mkdir -p "$host/part/m"
	mount -t tmpfs -o size=1m tmpfs "$host/part/m"
	echo "under the subPath" >"$host/part/m/f"
	run -0 pp exec prop-main cat /part/m/f
	assert_equal "$output" "under the subPath"
	umount "$host/part/m"
	umount "$host/sub"
	run -0 pp pod rm -f -t 0 prop
	# The shared bind mount of the source made for the pod is gone with it.
	run -1 grep -F " $host " /proc/self/mountinfo
}

@test "mountPropagation: Bidirectional needs a privileged container" {
	cat >"$Y/bidi.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: bidi
	spec:
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    volumeMounts:
	    - {name: h, mountPath: /h, mountPropagation: Bidirectional}
	  volumes:
	  - name: h
	    emptyDir: {}
	YAML
	run -125 pp kube play "$Y/bidi.yaml"
	assert_contains "$output" "bidi.yaml:10:50: pod bidi, container main: volumeMounts h: mountPropagation: Bidirectional is only allowed for a privileged container (securityContext.privileged: true)"
	run -0 pp pod ls -q
	assert_equal "$output" ""
}
