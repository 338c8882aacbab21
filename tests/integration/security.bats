#!/usr/bin/env bats
# Escapes from a pod through its volumes and mounts, tried as an attacker would, under the built-in executor and
# under runc (each test names its runtime): a subPath swapped for a symlink (by an init container, by the container
# itself across a restart, at any depth, beside a second mount of the same volume, through a chain of relative
# `..` links, while the container starts), a mount target swapped while a container starts, and images whose
# /etc/resolv.conf or /etc/hosts is a symlink.  Nothing of the host is touched: what the symlinks point at is the
# test's own directory $HOSTSIDE holding a marker, which must never show in a container nor get a file from one.

load helpers

load pods

# The runtime a test runs its pods with: builtin (the executor) or runc; and the host side an attack aims at.
use_runtime() {
	if [ "$1" = builtin ]; then
		unset PODPLAY_RUNTIME
	else
		command -v "$1" >/dev/null || {
			echo "$1 is not installed" >&2
			return 1
		}
		export PODPLAY_RUNTIME=$1
	fi
	HOSTSIDE=$BATS_TEST_TMPDIR/hostside
	mkdir -p "$HOSTSIDE"
	echo "host-marker-$$" >"$HOSTSIDE/marker"
}

# Nothing of the host side showed in container $1's log, and nothing was written there.
assert_host_untouched() {
	run -0 ls -A "$HOSTSIDE"
	assert_equal "$output" "marker"
	refute_contains "$(pp logs "$1" 2>&1)" "host-marker-"
}

# Container $1 was refused its start, and its log and `ps` say so, naming the field $2 (volumeMounts[1].subPath).
assert_refused() {
	wait_field "$1" status Exited 30
	assert_host_untouched "$1"
	assert_equal "$(ctr_field "$1" exitCode)" 128
	run -0 pp logs "$1"
	assert_contains "$output" "$2"
	assert_contains "$output" "goes through a symlink or out of its volume"
	run -0 pp ps -a
	assert_contains "$output" "Exited (128)"
}

# A pod whose init container runs $2 on the emptyDir at /x, then whose main container mounts the same emptyDir
# twice: subPath `ok` at /ok, and subPath $3 at /host, where it looks for the marker and writes.
swap_yaml() {
	cat <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $1
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 0
	  initContainers:
	  - name: init
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "set -e; cd /x; $2"]
	    volumeMounts: [{name: shared, mountPath: /x}]
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "cat /host/marker; echo pwned > /host/written"]
	    volumeMounts:
	    - {name: shared, mountPath: /ok, subPath: ok}
	    - {name: shared, mountPath: /host, subPath: $3}
	  volumes:
	  - {name: shared, emptyDir: {}}
	YAML
}

# The init container replaces the directory `escape` (made by play for the subPath) by a symlink to the host.
subpath_swapped_by_init() {
	use_runtime "$1"
	swap_yaml swap "rm -r escape; ln -s $HOSTSIDE escape" escape >"$Y/swap.yaml"
	run -0 pp kube play "$Y/swap.yaml"
	assert_refused swap-main "container main: volumeMounts[1].subPath: \`escape\`"
}

@test "builtin: an init container swaps a subPath for a symlink to the host: the next container does not start" {
	subpath_swapped_by_init builtin
}

@test "runc: an init container swaps a subPath for a symlink to the host: the next container does not start" {
	subpath_swapped_by_init runc
}

# The symlink is deeper: a/b/hostside with b swapped for a symlink to the host directory above $HOSTSIDE.
subpath_swapped_deep() {
	use_runtime "$1"
	swap_yaml deep "rm -r a/b; ln -s $BATS_TEST_TMPDIR a/b" a/b/hostside >"$Y/deep.yaml"
	run -0 pp kube play "$Y/deep.yaml"
	assert_refused deep-main "volumeMounts[1].subPath: \`a/b/hostside\`"
}

@test "builtin: a symlink at any depth of a subPath (a/b/c with b swapped) is refused at the start" {
	subpath_swapped_deep builtin
}

@test "runc: a symlink at any depth of a subPath (a/b/c with b swapped) is refused at the start" {
	subpath_swapped_deep runc
}

# A chain of relative links, each one `..` higher than the last, out of the volume (<root>/pods/<pod>/volumes/
# shared) to the test's directory: no absolute target anywhere.
subpath_relative_chain() {
	use_runtime "$1"
	swap_yaml chain "rm -r escape; ln -s .. l1; ln -s l1/.. l2; ln -s l2/.. l3; ln -s l3/.. l4; ln -s l4/.. l5; ln -s l5/hostside escape" escape >"$Y/chain.yaml"
	run -0 pp kube play "$Y/chain.yaml"
	assert_refused chain-main "volumeMounts[1].subPath: \`escape\`"
}

@test "builtin: a chain of relative .. symlinks out of the volume is refused at the start" {
	subpath_relative_chain builtin
}

@test "runc: a chain of relative .. symlinks out of the volume is refused at the start" {
	subpath_relative_chain runc
}

# One container does it to itself: it mounts the volume whole at /x and its subPath `escape` at /host, swaps
# `escape` and exits; restartPolicy Always restarts it at once.  Its restart, then `pod start`, are refused.
subpath_swapped_across_restart() {
	use_runtime "$1"
	cat >"$Y/self.yaml" <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: self
	spec:
	  restartPolicy: Always
	  terminationGracePeriodSeconds: 0
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "cat /host/marker; echo pwned > /host/written; rm -r /x/escape; ln -s $HOSTSIDE /x/escape; exit 1"]
	    volumeMounts:
	    - {name: shared, mountPath: /x}
	    - {name: shared, mountPath: /host, subPath: escape}
	  volumes:
	  - {name: shared, emptyDir: {}}
	YAML
	run -0 pp kube play "$Y/self.yaml"
	wait_field self-main restarts 1 30
	assert_refused self-main "volumeMounts[1].subPath: \`escape\`"
	# Its monitor ends with it: then `pod start` starts the pod again.
	for _ in $(seq 100); do
		[ "$(pod_field self status)" != Running ] && break
		sleep 0.1
	done
	run -125 pp pod start self
	assert_contains "$output" "volumeMounts[1].subPath: \`escape\` goes through a symlink or out of its volume"
	assert_host_untouched self-main
}

@test "builtin: a container swaps its own subPath for a symlink: its restart and pod start are refused" {
	subpath_swapped_across_restart builtin
}

@test "runc: a container swaps its own subPath for a symlink: its restart and pod start are refused" {
	subpath_swapped_across_restart runc
}
