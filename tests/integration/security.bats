#!/usr/bin/env bats
# Escapes from a pod through its volumes and mounts, tried as an attacker would, under the built-in executor and
# under runc (each test names its runtime): a subPath swapped for a symlink (by an init container, by the container
# itself across a restart, at any depth, beside a second mount of the same volume, through a chain of relative
# `..` links, while the container starts), a mount target swapped while a container starts, and images whose
# /etc/resolv.conf or /etc/hosts is a symlink.  Nothing of the host is touched: what the symlinks point at is the
# test's own directory $HOSTSIDE holding a marker, which must never show in a container nor get a file from one.
# And files that podplay reads on behalf of a container stay the container's: /etc/passwd and /etc/group are read inside
# its root (never a host file through a symlink, never a FIFO or a device, never without bound), a group name is
# looked up, and a seccomp profile comes from beneath the manifest's folder only. The pod tests run under the
# built-in executor and under runc.

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

# The head of a Pod manifest: name $1, restartPolicy $2 (Never), no grace period; its spec's fields follow.
pod_head() {
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  restartPolicy: %s\n  terminationGracePeriodSeconds: 0\n' \
		"$1" "${2:-Never}"
}

# A pod whose init container runs $2 on the emptyDir at /x, then whose main container mounts the same emptyDir
# twice: subPath `ok` at /ok, and subPath $3 at /host, where it looks for the marker and writes.
swap_yaml() {
	pod_head "$1"
	cat <<-YAML
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
	pod_head self Always >"$Y/self.yaml"
	cat >>"$Y/self.yaml" <<-YAML
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

# --- a subPath or a mount target swapped while containers start ---------------------------------------------

# A sidecar exchanges a directory and a symlink to the host side (renameat2 RENAME_EXCHANGE in a loop, /bin/swap of
# the swapper image) in the emptyDir `shared` for $2 seconds, while six containers start; then it touches `done`.
# $3 is the containers' mounts, $4 their command.
race_yaml() {
	cat <<-YAML
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: payload
	data:
	  payload-marker: payload
	---
	YAML
	pod_head "$1"
	cat <<-YAML
	  initContainers:
	  - name: swapper
	    image: localhost/swapper:latest
	    restartPolicy: Always
	    command: ["sh", "-c", "cd /shared && mkdir -p target/sub && ln -s $HOSTSIDE target.lnk && touch ready && swap target target.lnk $2; touch done; exec sleep 1000"]
	    startupProbe: {exec: {command: [test, -e, /shared/ready]}, periodSeconds: 1}
	    volumeMounts: [{name: shared, mountPath: /shared}]
	  containers:
	YAML
	for i in 1 2 3 4 5 6; do
		cat <<-YAML
		  - name: c$i
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "until [ -e /data/done ]; do sleep 0.1; done; $4"]
		    volumeMounts: $3
		YAML
	done
	cat <<-YAML
	  volumes:
	  - {name: shared, emptyDir: {}}
	  - {name: payload, configMap: {name: payload}}
	YAML
}

# The containers mount the emptyDir at /data and the ConfigMap on /data/target, which the sidecar keeps swapping
# for a symlink to the host side.  Wherever a start resolved the target, the ConfigMap must be inside the
# container's root: on the directory (now at target or target.lnk), or at $HOSTSIDE made inside the root.  A
# runtime may refuse a start that saw the swap (runc does); the built-in executor follows the link inside the root.
target_swapped_while_starting() {
	use_runtime "$1"
	# The host side has the directory a mount that followed the link there would land on.
	mkdir "$HOSTSIDE/sub"
	pp load -i "$BATS_FILE_TMPDIR/images/swapper" >/dev/null
	race_yaml race 6 "[{name: shared, mountPath: /data}, {name: payload, mountPath: /data/target/sub}]" \
		"for p in /data/target/sub /data/target.lnk/sub $HOSTSIDE/sub; do [ -e \$p/payload-marker ] && echo FOUND && exit 0; done; echo LOST; exit 1" >"$Y/race.yaml"
	run -0 pp kube play "$Y/race.yaml"
	local found=0
	for i in 1 2 3 4 5 6; do
		wait_field "race-c$i" status Exited 60
		run -0 pp logs "race-c$i"
		refute_contains "$output" LOST
		if [ "$output" = FOUND ]; then
			found=$((found + 1))
		else
			[ "$1" = runc ] || {
				echo "race-c$i did not start: $output" >&2
				return 1
			}
			assert_contains "$output" "runc run failed"
		fi
	done
	echo "# $found of 6 containers started" >&3
	run -0 ls -A "$HOSTSIDE" "$HOSTSIDE/sub"
	assert_equal "$output" "$(printf '%s:\nmarker\nsub\n\n%s:' "$HOSTSIDE" "$HOSTSIDE/sub")"
	run grep -F " $HOSTSIDE/" /proc/self/mountinfo
	assert_equal "$output" ""
}

@test "builtin: a mount target swapped for a symlink while containers start: every mount lands inside their roots" {
	target_swapped_while_starting builtin
}

@test "runc: a mount target swapped for a symlink while containers start: every mount lands inside their roots" {
	target_swapped_while_starting runc
}

# The containers mount the emptyDir's subPath `target` (swapped for a symlink to the host side by the sidecar) at
# /host: each start either binds the directory or is refused, never the host side.
subpath_swapped_while_starting() {
	use_runtime "$1"
	pp load -i "$BATS_FILE_TMPDIR/images/swapper" >/dev/null
	race_yaml subrace 6 "[{name: shared, mountPath: /data}, {name: shared, mountPath: /host, subPath: target}]" \
		"cat /host/marker; echo pwned > /host/written" >"$Y/subrace.yaml"
	run -0 pp kube play "$Y/subrace.yaml"
	for i in 1 2 3 4 5 6; do
		wait_field "subrace-c$i" status Exited 60
		assert_host_untouched "subrace-c$i"
	done
}

@test "builtin: a subPath swapped for a symlink while containers start: never the host side" {
	subpath_swapped_while_starting builtin
}

@test "runc: a subPath swapped for a symlink while containers start: never the host side" {
	subpath_swapped_while_starting runc
}

# --- images whose /etc files are symlinks ----------------------------------------------------------------------

# The image $2 has /etc/resolv.conf, /etc/hosts and /etc/hostname as symlinks (absolute, or relative and climbing
# above the root) to files it has not got: each is followed inside the root, its target made there, and the pod's
# file bound on it.  Nothing is made on the host's side.
etc_files_are_symlinks() {
	use_runtime "$1"
	pp load -i "$BATS_FILE_TMPDIR/images/$2" >/dev/null
	pod_head links >"$Y/links.yaml"
	cat >>"$Y/links.yaml" <<-YAML
	  hostAliases: [{ip: 192.0.2.10, hostnames: [alias.podplay.test]}]
	  dnsPolicy: None
	  dnsConfig: {nameservers: [192.0.2.53], searches: [podplay.test]}
	  containers:
	  - name: main
	    image: localhost/$2:latest
	    command: ["sh", "-c", "cat /etc/resolv.conf /etc/hosts /etc/hostname; ls /run/systemd/resolve /run"]
	YAML
	run -0 pp kube play "$Y/links.yaml"
	wait_field links-main status Exited 30
	run -0 pp logs links-main
	assert_contains "$output" "nameserver 192.0.2.53"
	assert_contains "$output" "search podplay.test"
	assert_contains "$output" "$(printf '192.0.2.10\talias.podplay.test')"
	assert_contains "$output" "stub-resolv.conf"
	assert_equal "$(ctr_field links-main exitCode)" 0
	# What was missing was made in the container's own root: its overlay's upper directory has it.
	upper=$ROOT/containers/$(ctr_field links-main id)/upper
	[ -f "$upper/run/systemd/resolve/stub-resolv.conf" ]
	[ -f "$upper/run/hosts" ]
	[ -f "$upper/run/hostname" ]
}

@test "builtin: an image whose /etc/resolv.conf, hosts and hostname are absolute symlinks starts, its files inside" {
	etc_files_are_symlinks builtin etc-links-absolute
}

@test "runc: an image whose /etc/resolv.conf, hosts and hostname are absolute symlinks starts, its files inside" {
	etc_files_are_symlinks runc etc-links-absolute
}

@test "builtin: an image whose /etc/resolv.conf, hosts and hostname are relative symlinks (../run/...) starts" {
	etc_files_are_symlinks builtin etc-links-relative
}

@test "runc: an image whose /etc/resolv.conf, hosts and hostname are relative symlinks (../run/...) starts" {
	etc_files_are_symlinks runc etc-links-relative
}

# ---- files read on behalf of a container, and seccomp profiles ----

# The usual images, and hostile ones whose /etc/passwd or /etc/group lead to files of $HOST_FILES, written here:
# a host passwd whose user `evil` is 4242 and a host group that puts root and nobody in 4343.
setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
	export HOST_FILES=$BATS_FILE_TMPDIR/host
	mkdir -p "$HOST_FILES"
	printf 'root:x:0:0::/root:/bin/sh\nevil:x:4242:4242::/:/bin/sh\n' >"$HOST_FILES/passwd"
	printf 'root:x:0:\nhostgrp:x:4343:root,nobody,evil\n' >"$HOST_FILES/group"
	python3 "$REPO_ROOT/fixtures/images/build.py" --hostile "$BATS_FILE_TMPDIR/hostile" "$HOST_FILES"
}

# podplay bounded in time: a FIFO once hung it for good.
tpp() {
	timeout -k 5 60 "$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" ${PODPLAY_RUNTIME:+--runtime "$PODPLAY_RUNTIME"} "$@"
}

# A pod NAME of one container `main` of IMAGE running COMMAND (a JSON list).
pod_yaml() {
	cat <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $1
	spec:
	  restartPolicy: Never
	  terminationGracePeriodSeconds: 0
	  containers:
	  - {name: main, image: "$2", command: $3}
	YAML
}

# The relative path from a container's /etc up to the host's root and down to $HOST_FILES/$1.
climbing() {
	printf '%.0s../' $(seq 40)
	printf '%s/%s' "${HOST_FILES#/}" "$1"
}

# Plays the hostile image $1 and expects it refused at once (exit 125) with $2 naming the file, nothing left.
play_refused() {
	pp load -i "$BATS_FILE_TMPDIR/hostile/$1" >/dev/null
	pod_yaml "$1" "localhost/$1:latest" '["id"]' >"$Y/$1.yaml"
	run -125 tpp kube play "$Y/$1.yaml"
	assert_contains "$output" "pod $1, container main: $2"
	refute_contains "$output" "4242"
	run -0 pod_names
	assert_equal "$output" ""
}

hostile_images_refused() {
	play_refused passwd-abs "the container's /etc/passwd is a symbolic link, which is not followed"
	play_refused passwd-rel "the container's /etc/passwd is a symbolic link, which is not followed"
	play_refused group-abs "the container's /etc/group is a symbolic link, which is not followed"
	play_refused passwd-fifo "the container's /etc/passwd is not a regular file"
	play_refused passwd-zero "the container's /etc/passwd is a symbolic link, which is not followed"
	play_refused passwd-device "the container's /etc/passwd is not a regular file"
	play_refused passwd-huge "the container's /etc/passwd is larger than 4194304 bytes"
	play_refused unknown-group "group \`ghosts\` is not in the container's /etc/group"
}

@test "play refuses images whose /etc/passwd or /etc/group lead to a host file, a FIFO, /dev/zero, a device or 8 MiB, or name an unknown group (built-in executor)" {
	PODPLAY_RUNTIME='' hostile_images_refused
}

@test "play refuses images whose /etc/passwd or /etc/group lead to a host file, a FIFO, /dev/zero, a device or 8 MiB, or name an unknown group (runc)" {
	PODPLAY_RUNTIME=runc hostile_images_refused
}

# exec -u reads the files as the running container has them now: after it put a trap there, no host id is taken.
exec_user_after_swap() {
	pod_yaml swap localhost/busybox:latest '["sleep", "1000"]' >"$Y/swap.yaml"
	run -0 pp kube play "$Y/swap.yaml"
	wait_field swap-main status Running
	run -0 pp exec -u nobody swap-main id -u
	assert_equal "$output" "65534"

	run -0 pp exec swap-main sh -c "rm /etc/passwd && busybox ln -s $HOST_FILES/passwd /etc/passwd"
	run -125 tpp exec -u evil swap-main id -u
	assert_equal "$output" "podplay: container swap-main: the container's /etc/passwd is a symbolic link, which is not followed"
	run -0 pp exec swap-main sh -c "rm /etc/passwd && busybox ln -s $(climbing passwd) /etc/passwd"
	run -125 tpp exec -u evil swap-main id -u
	assert_equal "$output" "podplay: container swap-main: the container's /etc/passwd is a symbolic link, which is not followed"
	run -0 pp exec swap-main sh -c "rm /etc/passwd && busybox mkfifo /etc/passwd"
	run -125 tpp exec -u nobody swap-main id -u
	assert_equal "$output" "podplay: container swap-main: the container's /etc/passwd is not a regular file"
}

@test "exec -u after the container replaced its /etc/passwd by a symlink to a host file or a FIFO takes no host id (built-in executor)" {
	PODPLAY_RUNTIME='' exec_user_after_swap
}

@test "exec -u after the container replaced its /etc/passwd by a symlink to a host file or a FIFO takes no host id (runc)" {
	PODPLAY_RUNTIME=runc exec_user_after_swap
}

# User nobody:nogroup runs with nogroup's gid, in the image and through exec -u; an unknown group or an id past
# 2^31-1 is an error, never root's group.
group_names() {
	pp load -i "$BATS_FILE_TMPDIR/hostile/nogroup" >/dev/null
	pod_yaml ng localhost/nogroup:latest '["sh", "-c", "id -u; id -g; exec sleep 1000"]' >"$Y/ng.yaml"
	run -0 pp kube play "$Y/ng.yaml"
	wait_field ng-main status Running
	run -0 pp logs ng-main
	assert_equal "$output" "$(printf '65534\n65533')"
	run -0 pp exec -u nobody:nogroup ng-main id -g
	assert_equal "$output" "65533"
	run -0 pp exec -u root:nogroup ng-main id -g
	assert_equal "$output" "65533"
	run -0 pp exec -u 65534 ng-main id -g
	assert_equal "$output" "65534"
	run -125 pp exec -u nobody:ghosts ng-main id -g
	assert_equal "$output" "podplay: container ng-main: group \`ghosts\` is not in the container's /etc/group"
	run -125 pp exec -u ghost ng-main id -u
	assert_equal "$output" "podplay: container ng-main: user \`ghost\` is not in the container's /etc/passwd"
	run -125 pp exec -u 4294967296 ng-main id -u
	assert_equal "$output" "podplay: container ng-main: user id \`4294967296\` is out of range (0 to 2147483647)"
}

@test "User nobody:nogroup runs with nogroup's gid, exec -u nobody:nogroup too; unknown names and ids out of range are errors (built-in executor)" {
	PODPLAY_RUNTIME='' group_names
}

@test "User nobody:nogroup runs with nogroup's gid, exec -u nobody:nogroup too; unknown names and ids out of range are errors (runc)" {
	PODPLAY_RUNTIME=runc group_names
}

# A pod whose container's seccompProfile is Localhost with the path $1.
seccomp_yaml() {
	cat <<-YAML
	apiVersion: v1
	kind: Pod
	metadata:
	  name: sc
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["true"]
	    securityContext:
	      seccompProfile:
	        type: Localhost
	        localhostProfile: $1
	YAML
}

@test "seccomp localhostProfile ../x and /abs are refused by validate (exit 1) and play (exit 125) at their position" {
	mkdir -p "$Y/app"
	echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$Y/outside.json"
	seccomp_yaml ../outside.json >"$Y/app/up.yaml"
	seccomp_yaml "$Y/outside.json" >"$Y/app/abs.yaml"
	field=spec.containers[0].securityContext.seccompProfile.localhostProfile
	up="$Y/app/up.yaml:14:27: error: $field: invalid value \"../outside.json\": must not contain '..'"
	abs="$Y/app/abs.yaml:14:27: error: $field: invalid value \"$Y/outside.json\": must be a relative path"
	run -1 pp kube validate "$Y/app/up.yaml"
	assert_contains "$output" "$up"
	run -1 pp kube validate "$Y/app/abs.yaml"
	assert_contains "$output" "$abs"
	run -125 pp kube play "$Y/app/up.yaml"
	assert_contains "$output" "$up"
	run -125 pp kube play "$Y/app/abs.yaml"
	assert_contains "$output" "$abs"
	run -0 pod_names
	assert_equal "$output" ""
}

@test "a seccomp profile is read beneath the manifest's folder through no symlink, and its content is never quoted" {
	mkdir -p "$Y/app"
	echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$Y/outside.json"
	ln -s ../outside.json "$Y/app/link.json"
	echo 'hunter2 is the password' >"$Y/app/secret.txt"
	seccomp_yaml link.json >"$Y/app/link.yaml"
	run -125 pp kube play "$Y/app/link.yaml"
	assert_contains "$output" "pod sc, container main: seccomp profile \`link.json\`: the file is a symbolic link, which is not followed"
	seccomp_yaml secret.txt >"$Y/app/secret.yaml"
	run -125 pp kube play "$Y/app/secret.yaml"
	assert_contains "$output" "pod sc, container main: seccomp profile \`secret.txt\`: not valid JSON at 1:"
	refute_contains "$output" "hunter"
	run -0 pod_names
	assert_equal "$output" ""
	# The same profile inside the folder plays.
	cp "$Y/outside.json" "$Y/app/allow.json"
	seccomp_yaml allow.json >"$Y/app/allow.yaml"
	run -0 pp kube play "$Y/app/allow.yaml"
	# So it does through Kubernetes' old annotation, read the same way.
	cat >"$Y/app/annotated.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: annotated
	  annotations:
	    seccomp.security.alpha.kubernetes.io/pod: localhost/link.json
	spec:
	  restartPolicy: Never
	  containers:
	  - {name: main, image: localhost/busybox:latest, command: ["true"]}
	YAML
	run -125 pp kube play "$Y/app/annotated.yaml"
	assert_contains "$output" "pod annotated, container main: seccomp profile \`link.json\`: the file is a symbolic link, which is not followed"
	sed -i 's|localhost/link.json|localhost/allow.json|' "$Y/app/annotated.yaml"
	run -0 pp kube play "$Y/app/annotated.yaml"
}

@test "load: a docker-archive whose manifest.json names a layer out of the archive reads nothing outside it" {
	run -125 pp load -i "$BATS_FILE_TMPDIR/hostile/docker-escape.tar"
	assert_contains "$output" "escape-layer.tar\` is out of the folder it must be in"
	run -0 pp images --format json
	refute_contains "$output" "docker-escape"
}

@test "load: an oci-archive whose index.json or manifest blob is a FIFO is refused at once" {
	run -125 tpp load -i "$BATS_FILE_TMPDIR/hostile/fifo-index.tar"
	assert_contains "$output" "\`index.json\` is not a regular file"
	run -125 tpp load -i "$BATS_FILE_TMPDIR/hostile/fifo-blob.tar"
	assert_contains "$output" "blob sha256:0000000000000000000000000000000000000000000000000000000000000000 is not a regular file"
}

@test "load: an archive in lrzip's format runs no decompressor program (libarchive would run lrzip from PATH)" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\ntouch "%s/ran"\ncat >/dev/null\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/bin/lrzip"
	chmod +x "$BATS_TEST_TMPDIR/bin/lrzip"
	printf 'LRZI\000\006%024d' 0 >"$BATS_TEST_TMPDIR/image.tar"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run -125 pp load -i "$BATS_TEST_TMPDIR/image.tar"
	assert_contains "$output" "Unrecognized archive format"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

# ---- devices, inherited descriptors ----

# A device node opens nothing in a container: not one its image carries (the layered image's /data/null, c 1:3,
# standing for a block device of the host's disk), nor one it makes with CAP_MKNOD on its /dev, its root or a
# volume.  The nodes are harmless ones; what is checked is that open(2) is refused.  (runc makes the devices of its
# /dev with mknod, and lets its device cgroup refuse all but its allowed list, c 1:5 among them: a node made on its
# /dev is runc's to judge.)
devices_refused() {
	use_runtime "$1"
	NODES="/data/null /tmp/z /v/z"
	[ "$1" = runc ] || NODES="$NODES /dev/z"
	pp load -i "$BATS_FILE_TMPDIR/images/layered" >/dev/null
	pod_head dev >"$Y/dev.yaml"
	cat >>"$Y/dev.yaml" <<-YAML
	  containers:
	  - name: main
	    image: localhost/layered:latest
	    securityContext: {capabilities: {add: [MKNOD]}}
	    command: ["sh", "-c", "for n in \$NODES; do [ \$n = /data/null ] || mknod \$n c 1 5 || echo no-mknod-\$n; if head -c 1 \$n >/dev/null 2>&1; then echo opened-\$n; else echo refused-\$n; fi; done; head -c 1 /dev/zero | wc -c"]
	    env: [{name: NODES, value: "$NODES"}]
	    volumeMounts: [{name: v, mountPath: /v}]
	  volumes:
	  - {name: v, emptyDir: {}}
	YAML
	run -0 pp kube play "$Y/dev.yaml"
	wait_field dev-main status Exited 30
	run -0 pp logs dev-main
	refute_contains "$output" "opened-"
	refute_contains "$output" "no-mknod-"
	for n in $NODES; do
		assert_contains "$output" "refused-$n"
	done
	# The devices it is given work.
	assert_contains "$output" "1"
}

@test "builtin: device nodes of the image or made with CAP_MKNOD open nothing" {
	devices_refused builtin
}

@test "runc: device nodes of the image or made with CAP_MKNOD open nothing" {
	devices_refused runc
}

# Descriptors the caller of podplay left open (a directory of the host's on fd 7) reach neither the container,
# nor an exec in it, nor the pod's monitor (runc's CVE-2024-21626 is the class).
descriptors_closed() {
	use_runtime "$1"
	pod_head fds Always >"$Y/fds.yaml"
	cat >>"$Y/fds.yaml" <<-'YAML'
	  containers:
	  - name: main
	    image: localhost/busybox:latest
	    command: ["sh", "-c", "if [ -e /proc/self/fd/7 ]; then echo leaked; ls /proc/self/fd/7/; echo pwned > /proc/self/fd/7/written; fi; echo checked; sleep 600"]
	YAML
	run -0 pp kube play "$Y/fds.yaml" 7<"$HOSTSIDE"
	wait_field fds-main status Running 30
	for _ in $(seq 50); do
		pp logs fds-main | grep -q checked && break
		sleep 0.1
	done
	run -0 pp logs fds-main
	assert_equal "$output" "checked"
	run -0 pp exec fds-main sh -c 'if [ -e /proc/self/fd/7 ]; then echo leaked; fi; echo exec-checked' 7<"$HOSTSIDE"
	assert_equal "$output" "exec-checked"
	monitor=$(pod_field fds monitorPid)
	[ -n "$monitor" ] && [ -d "/proc/$monitor/fd" ]
	run -0 ls -l "/proc/$monitor/fd"
	refute_contains "$output" "$HOSTSIDE"
	assert_host_untouched fds-main
}

@test "builtin: descriptors left open by podplay's caller reach no container, exec or monitor" {
	descriptors_closed builtin
}

@test "runc: descriptors left open by podplay's caller reach no container, exec or monitor" {
	descriptors_closed runc
}

# A sidecar sharing the volume that six containers mount at /dev keeps replacing its `null` by a file of its own;
# the masked files of /proc (keys, kcore...) of every container that starts meanwhile are the host's /dev/null,
# never that file (runc's CVE-2025-31133: masking looked /dev/null up by its path in the container).
masked_null_swapped() {
	use_runtime "$1"
	pod_head mask >"$Y/mask.yaml"
	cat >>"$Y/mask.yaml" <<-'YAML'
	  initContainers:
	  - name: swapper
	    image: localhost/busybox:latest
	    restartPolicy: Always
	    command: ["sh", "-c", "while :; do echo swapped-null > /d/n.tmp; mv -f /d/n.tmp /d/null; done"]
	    volumeMounts: [{name: d, mountPath: /d}]
	  containers:
	YAML
	for i in 1 2 3 4 5 6; do
		cat >>"$Y/mask.yaml" <<-YAML
		  - name: c$i
		    image: localhost/busybox:latest
		    command: ["sh", "-c", "cat /proc/keys /proc/timer_list 2>&1 | head -c 200; echo; echo done"]
		    volumeMounts: [{name: d, mountPath: /dev}]
		YAML
	done
	cat >>"$Y/mask.yaml" <<-'YAML'
	  volumes:
	  - {name: d, emptyDir: {}}
	YAML
	if [ "$1" = runc ]; then
		# runc 1.1 looks /dev/null up in the container: podplay refuses the volume at /dev, at its position.
		run -125 pp kube play "$Y/mask.yaml"
		assert_contains "$output" "mask.yaml:18:41: pod mask, container c1: "
		assert_contains "$output" "volumeMounts[0].mountPath: a volume at /dev is refused under runc"
		run -0 pod_names
		assert_equal "$output" ""
		return
	fi
	pp kube play "$Y/mask.yaml" >"$BATS_TEST_TMPDIR/play.out" 2>&1 || cat "$BATS_TEST_TMPDIR/play.out" >&2
	for i in 1 2 3 4 5 6; do
		wait_field "mask-c$i" status Exited 60
		refute_contains "$(pp logs "mask-c$i" 2>&1)" "swapped-null"
	done
}

@test "builtin: masked /proc files get the host's /dev/null, never a file a sidecar swapped in on a shared /dev" {
	masked_null_swapped builtin
}

@test "runc: a volume at /dev, where runc 1.1 would mask /proc files with a sidecar's file, is refused" {
	masked_null_swapped runc
}
