#!/usr/bin/env bats
# Files that podplay reads on behalf of a container stay the container's: /etc/passwd and /etc/group are read inside
# its root (never a host file through a symlink, never a FIFO or a device, never without bound), a group name is
# looked up, and a seccomp profile comes from beneath the manifest's folder only. The pod tests run under the
# built-in executor and under runc.

load helpers

load pods

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
