#!/usr/bin/env bats
# `podplay run`: a container from Podman's flags, as a pod of its own that `ps`, `logs`, `exec`, `pod rm` and
# `kube generate` treat as a played one; attached output and exit status, --rm, and errors that name the flag.

load helpers

load pods

IMG=localhost/busybox:latest

@test "run attached: the container's output on stdout and stderr, its exit status, and --rm" {
	run --separate-stderr pp run --name hello -e GREETING=hi "$IMG" sh -c 'echo $GREETING; echo oops >&2; exit 3'
	assert_equal "$status" 3
	assert_equal "$output" "hi"
	assert_equal "$stderr" "oops"
	assert_equal "$(ctr_field hello-hello status)" Exited
	run -0 pp logs hello
	assert_contains "$output" "hi"
	run -0 pp pod rm hello
	# --rm: nothing of it is left, and its name is free again.
	run -0 pp run --rm --name gone "$IMG" echo bye
	assert_equal "$output" "bye"
	assert_equal "$(pod_names)" ""
	run -0 pp run --rm --name gone "$IMG" true
	[ ! -e "$ROOT/runs/gone.yaml" ]
	# With -d, once it ends; until then it is there as any pod.
	run -0 pp run -d --rm --name later "$IMG" sleep 2
	assert_equal "$(pod_names)" "later"
	for _ in $(seq 100); do [ "$(pod_names)" = "" ] && break; sleep 0.1; done
	assert_equal "$(pod_names)" ""
	[ ! -e "$ROOT/runs/later.yaml" ]
	run -125 pp run --rm --restart always "$IMG" true
	assert_contains "$output" "--rm conflicts with --restart always"
}

@test "run -d: Podman's flags as the pod's fields, seen from inside; kube generate plays back into the same pod" {
	mkdir -p "$BATS_TEST_TMPDIR/host"
	echo from-host >"$BATS_TEST_TMPDIR/host/file"
	printf '# settings\nFROM_FILE=yes\n\nLEVEL=low\n' >"$BATS_TEST_TMPDIR/env"
	run -0 pp run -d --name web -p 18090:8080 -v data:/data -v "$BATS_TEST_TMPDIR/host:/host:ro" \
		--mount type=tmpfs,target=/scratch,tmpfs-size=8Mi -m 64m --cpus 0.5 -w /data -u 1000:1000 \
		--cap-drop ALL --label app=web --hostname webhost --env-file "$BATS_TEST_TMPDIR/env" -e LEVEL=high \
		--restart always "$IMG" httpd -f -p 8080 -h /data
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	wait_field web-web status Running
	look='id; pwd; hostname; cat /host/file; env | grep -E "^(FROM_FILE|LEVEL)=" | sort; grep -c " /scratch tmpfs " /proc/mounts'
	run -0 pp exec web sh -c "$look"
	before=$output
	assert_equal "$before" "uid=1000 gid=1000
/data
webhost
from-host
FROM_FILE=yes
LEVEL=high
1"
	run -1 pp exec web sh -c 'echo x > /host/new'
	# The claim of the named volume is made with it, and written back by generate with the pod and a Service.
	run -0 pp volume ls -q
	assert_contains "$output" "data"
	run -0 pp kube generate --service web
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/web.yaml"
	assert_contains "$output" "kind: PersistentVolumeClaim"
	assert_contains "$output" "restartPolicy: Always"
	assert_contains "$output" "memory: 64Mi"
	assert_contains "$output" "cpu: 500m"
	run -0 python3 tests/integration/k8s_schema.py "$BATS_TEST_TMPDIR/web.yaml"
	run -0 pp kube validate "$BATS_TEST_TMPDIR/web.yaml"
	refute_contains "$output" "warning"
	run -0 pp pod rm -f -t 0 web
	run -0 pp kube play "$BATS_TEST_TMPDIR/web.yaml"
	wait_field web-web status Running
	run -0 pp exec web sh -c "$look"
	assert_equal "$output" "$before"
	run -0 pp kube generate --service web
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/web.again.yaml"
	run -0 cmp "$BATS_TEST_TMPDIR/web.yaml" "$BATS_TEST_TMPDIR/web.again.yaml"
	run -0 pp kube down "$BATS_TEST_TMPDIR/web.yaml"
}

@test "run: bad flags are errors that name them, and nothing is made" {
	run -125 pp run --name Bad "$IMG" true
	assert_contains "$output" "--name Bad: a lowercase RFC 1123"
	run -125 pp run -v rel/x:/y "$IMG" true
	assert_contains "$output" "-v rel/x:/y: a host path must be absolute"
	run -125 pp run -v /a:relative "$IMG" true
	assert_contains "$output" "the path in the container must be absolute"
	run -125 pp run -u nobody "$IMG" true
	assert_contains "$output" "-u nobody: Kubernetes takes numeric ids"
	run -125 pp run --restart sometimes "$IMG" true
	assert_contains "$output" "--restart sometimes: a policy is no, always, on-failure[:N] or unless-stopped"
	run -125 pp run -m lots "$IMG" true
	assert_contains "$output" "--memory lots"
	run -125 pp run --cpus 0 "$IMG" true
	assert_contains "$output" "--cpus 0"
	run -125 pp run -e =x "$IMG" true
	assert_contains "$output" "-e =x"
	run -125 pp run --cap-add NOT_A_CAP "$IMG" true
	assert_contains "$output" "--cap-add NOT_A_CAP"
	run -125 pp run --mount type=nfs,target=/x "$IMG" true
	assert_contains "$output" "a type is bind, volume or tmpfs"
	run -125 pp run -p 80 "$IMG" true
	assert_contains "$output" "--publish 80"
	run -125 pp run --pod p "$IMG" true
	assert_contains "$output" "--pod p: joining a pod is not built yet"
	run -125 pp run -it "$IMG" sh
	assert_contains "$output" "run with -d"
	run -125 pp run --name missing localhost/nothing:latest true
	assert_contains "$output" "localhost/nothing:latest"
	assert_equal "$(pod_names)" ""
	[ ! -e "$ROOT/runs/missing.yaml" ]
	run -0 pp run -d --name once "$IMG" sleep 30
	run -125 pp run --name once "$IMG" true
	assert_contains "$output" "the name once is a pod's already"
}
