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
	assert_contains "$output" "--pod p: no pod \`p\`"
	run -125 pp run --name missing localhost/nothing:latest true
	assert_contains "$output" "localhost/nothing:latest"
	assert_equal "$(pod_names)" ""
	[ ! -e "$ROOT/runs/missing.yaml" ]
	run -0 pp run -d --name once "$IMG" sleep 30
	run -125 pp run --name once "$IMG" true
	assert_contains "$output" "the name once is a pod's already"
}

@test "pod create and run --pod: containers join a running pod, which goes on; generate plays it back" {
	run -0 pp pod create --name app -p 18091:8080 --label tier=web --share +pid
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	# Held with no container, as Podman's infra container holds a pod.
	assert_equal "$(pod_field app status)" Running
	run -125 pp kube generate app
	assert_contains "$output" "pod app has no container yet"
	run -0 pp run -d --pod app --name web -v /shared -m 64m -e MODE=joined "$IMG" httpd -f -p 8080 -h /shared
	web=$output
	wait_field app-web status Running
	run -0 pp exec app-web sh -c 'echo hello-pod > /shared/index.html'
	# The pod's port reaches the container that listens on it.
	run -0 curl -sf http://127.0.0.1:18091/index.html
	assert_equal "$output" "hello-pod"
	pid=$(ctr_field app-web pid)
	# Attached: its output and its exit status, and the pod's other containers go on.
	run --separate-stderr pp run --pod app --name once -e WHO=joiner "$IMG" sh -c 'echo $WHO; hostname; echo oops >&2; exit 4'
	assert_equal "$status" 4
	assert_equal "$output" "joiner
app"
	assert_equal "$stderr" "oops"
	assert_equal "$(ctr_field app-web status)" Running
	assert_equal "$(ctr_field app-web pid)" "$pid"
	assert_equal "$(ctr_field app-web id)" "$web"
	# Same network and PID namespace: the new container sees httpd as localhost and as a process.
	run -0 pp run --pod app --name peek "$IMG" sh -c 'wget -qO- http://127.0.0.1:8080/index.html; ps | grep -c "[h]ttpd -f -p"'
	assert_equal "$output" "hello-pod
1"
	# A container's own restart policy where it differs from the pod's (Never, as Podman's default).
	run -0 pp run -d --pod app --name keeper --restart always "$IMG" sh -c 'sleep 0.2; exit 1'
	for _ in $(seq 100); do [ "$(ctr_field app-keeper restarts)" -ge 1 ] && break; sleep 0.1; done
	[ "$(ctr_field app-keeper restarts)" -ge 1 ]
	# The pod is still held once its containers ended.
	assert_equal "$(pod_field app status)" Running
	run -0 pp kube generate app
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/app.yaml"
	assert_contains "$output" "hostPort: 18091"
	assert_contains "$output" "memory: 64Mi"
	assert_contains "$output" "value: joined"
	assert_contains "$output" "shareProcessNamespace: true"
	assert_contains "$output" "podplay.io/infra: \"true\""
	run -0 python3 tests/integration/k8s_schema.py "$BATS_TEST_TMPDIR/app.yaml"
	run -0 pp kube validate "$BATS_TEST_TMPDIR/app.yaml"
	refute_contains "$output" "warning"
	run -0 pp pod rm -f -t 0 app
	[ ! -e "$ROOT/runs/app.yaml" ]
	run -0 pp kube play "$BATS_TEST_TMPDIR/app.yaml"
	wait_field app-web status Running
	run -0 pp exec app-web sh -c 'echo again > /shared/index.html; echo $MODE'
	assert_equal "$output" "joined"
	run -0 curl -sf http://127.0.0.1:18091/index.html
	assert_equal "$output" "again"
	run -0 pp kube generate app
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/app.again.yaml"
	run -0 cmp "$BATS_TEST_TMPDIR/app.yaml" "$BATS_TEST_TMPDIR/app.again.yaml"
	run -0 pp kube down "$BATS_TEST_TMPDIR/app.yaml"
}

@test "pod create and run --pod: bad requests name the flag, and the pod stays as it was" {
	run -0 pp pod create --name held
	run -125 pp pod create --name held
	assert_contains "$output" "the name held is a pod's already"
	run -125 pp pod create --name other --share ipc
	assert_contains "$output" "always share their ipc, net and uts namespaces"
	run -125 pp pod create --name other -p 99999:1
	assert_contains "$output" "--publish 99999:1"
	run -125 pp pod create extra
	assert_contains "$output" "takes no argument"
	run -0 pp run -d --pod held --name one "$IMG" sleep 60
	wait_field held-one status Running
	cp "$ROOT/runs/held.yaml" "$BATS_TEST_TMPDIR/before.yaml"
	run -125 pp run -d --pod held --name one "$IMG" true
	assert_contains "$output" "--name one: pod held has a container of that name already"
	run -125 pp run -d --pod held -p 18092:80 "$IMG" true
	assert_contains "$output" "ports are published by the pod"
	run -125 pp run -d --pod held --hostname h "$IMG" true
	assert_contains "$output" "--hostname h: the hostname is the pod's"
	run -125 pp run --pod held --rm "$IMG" true
	assert_contains "$output" "--rm with --pod"
	run -125 pp run -d --pod held --name two localhost/nothing:latest true
	assert_contains "$output" "localhost/nothing:latest"
	run -0 cmp "$ROOT/runs/held.yaml" "$BATS_TEST_TMPDIR/before.yaml"
	[ ! -e "$ROOT/runs/.held.yaml.before" ]
	run -0 pp ps -a --format json
	refute_contains "$output" "held-two"
	assert_equal "$(ctr_field held-one status)" Running
	# A pod a manifest of the user's made is theirs to change.
	cat >"$BATS_TEST_TMPDIR/mine.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: mine
	spec:
	  containers:
	  - name: main
	    image: $IMG
	    command: [sleep, "60"]
	YAML
	run -0 pp kube play "$BATS_TEST_TMPDIR/mine.yaml"
	run -125 pp run -d --pod mine "$IMG" true
	assert_contains "$output" "the pod was made by \`kube play\` of"
	run -0 pp kube down "$BATS_TEST_TMPDIR/mine.yaml"
}

@test "run -i and -t attached: input to the container and its end, a terminal, output from its start, exit status" {
	# -i: the input reaches the container's stdin, and its end closes it; what it wrote before the attach is there.
	run --separate-stderr pp run -i --rm --name ii "$IMG" sh -c 'echo early; cat; echo done >&2; exit 6' <<<"hello"
	assert_equal "$status" 6
	assert_equal "$output" "early
hello"
	assert_equal "$stderr" "done"
	assert_equal "$(pod_names)" ""
	# -t: a terminal; -it: what is typed is run by the shell on it (raw mode: Ctrl-C would go to it too).
	run -5 script -qec "$PODPLAY --root $ROOT --runroot $RUNROOT run -t --rm --name tt $IMG sh -c 'test -t 0 && echo terminal; exit 5'" /dev/null
	assert_contains "$output" "terminal"
	cat >"$BATS_TEST_TMPDIR/typed.sh" <<-EOS
	printf 'echo typed-\$((2+3))\nexit 7\n' | script -qec "$PODPLAY --root $ROOT --runroot $RUNROOT run -it --name t2 $IMG sh" /dev/null
	EOS
	run -7 sh "$BATS_TEST_TMPDIR/typed.sh"
	assert_contains "$output" "typed-5"
	assert_equal "$(ctr_field t2-t2 exitCode)" 7
	# attach: to a container of -d -i, later; to one with neither, an error that says where its output is.
	run -0 pp run -d -i --name later "$IMG" sh -c 'read line; echo "got $line"; sleep 1; exit 4'
	wait_field later-later status Running
	# One client at a time: a second is told so (a probe that came first is let go after 5 s).
	run -0 pp run -d -i --name busy "$IMG" sleep 60
	wait_field busy-busy status Running
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" attach --no-stdin busy >/dev/null &
	first=$!
	for _ in $(seq 20); do
		run timeout 5 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" attach --no-stdin busy
		[ "$status" = 125 ] && break
	done
	assert_contains "$output" "another client is attached to the container"
	kill "$first"
	wait "$first" || true
	# The end of an attach's input is not the container's: it ends by itself.
	run -4 pp attach later <<<"piped"
	assert_equal "$output" "got piped"
	run -0 pp run -d --name plain "$IMG" sleep 60
	run -125 pp attach plain
	assert_contains "$output" "has no terminal and no stdin"
	# The same for a container that joins a pod; the pod goes on.
	run -0 pp pod create --name held
	run --separate-stderr pp run -i --pod held --name cat "$IMG" sh -c 'cat; exit 3' <<<"joined"
	assert_equal "$status" 3
	assert_equal "$output" "joined"
	assert_equal "$(pod_field held status)" Running
}
