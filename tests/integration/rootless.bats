#!/usr/bin/env bats
# podplay as an ordinary user: its own roots (XDG), its user namespace (the user as 0, /etc/subuid's range above),
# images pulled and loaded with their owners mapped into that range, and what is not built for a user yet refused.
# The file makes two users (one with subordinate ids, one without) and removes them, with /etc/subuid and
# /etc/subgid as they were, at its end.

load helpers
load registry

USER1=pprootless1
USER2=pprootless2
MARK="podplay rootless.bats"

# Removes a user this file made (by its GECOS mark), and whatever it left in /tmp.
drop_user() {
	local uid
	if [ "$(getent passwd "$1" | cut -d: -f5)" = "$MARK" ]; then
		uid=$(id -u "$1")
		userdel "$1" 2>/dev/null || true
		rm -rf "/tmp/podplay-$uid"
	fi
}

setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
	cp -p /etc/subuid "$BATS_FILE_TMPDIR/subuid.orig"
	cp -p /etc/subgid "$BATS_FILE_TMPDIR/subgid.orig"
	drop_user "$USER1"
	drop_user "$USER2"
	useradd -M -s /bin/sh -c "$MARK" "$USER1"
	useradd -M -s /bin/sh -c "$MARK" -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$USER2"
	# Files every user can read: the binaries and the test images (bats' own folders are root's alone).
	SHARED=$(mktemp -d /tmp/podplay-rootless.XXXXXX)
	chmod 755 "$SHARED"
	cp "$PODPLAY" "$SHARED/podplay"
	cp -r "$BATS_FILE_TMPDIR/images" "$SHARED/images"
	chmod -R a+rX "$SHARED"
	echo "$SHARED" >"$BATS_FILE_TMPDIR/shared"
}

teardown_file() {
	drop_user "$USER1"
	drop_user "$USER2"
	cp -p "$BATS_FILE_TMPDIR/subuid.orig" /etc/subuid
	cp -p "$BATS_FILE_TMPDIR/subgid.orig" /etc/subgid
	rm -rf "$(cat "$BATS_FILE_TMPDIR/shared")"
}

setup() {
	: "${PODPLAY:?set PODPLAY to the podplay binary (an absolute path)}"
	cd "$REPO_ROOT"
	SHARED=$(cat "$BATS_FILE_TMPDIR/shared")
	# Each user's home and runtime directory, the user's own, as a login would make them.
	for u in "$USER1" "$USER2"; do
		mkdir -p "$SHARED/$u/home" "$SHARED/$u/run"
		chown -R "$u:$u" "$SHARED/$u"
		chmod 700 "$SHARED/$u/run"
	done
}

teardown() {
	registry_stop
	# A user's store holds files of its subordinate ids: root removes them.
	[ -n "${SHARED:-}" ] && rm -rf "${SHARED:?}/$USER1" "${SHARED:?}/$USER2"
	rm -rf "/tmp/podplay-$(id -u "$USER1")" "/tmp/podplay-$(id -u "$USER2")"
}

# `as USER CMD...`: CMD as USER with a login's environment (HOME, XDG_RUNTIME_DIR), nothing of root's.
as() {
	local u=$1
	shift
	setpriv --reuid "$u" --regid "$u" --init-groups env -i HOME="$SHARED/$u/home" XDG_RUNTIME_DIR="$SHARED/$u/run" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# The first subordinate id of user $1 in /etc/subuid.
subuid_start() {
	awk -F: -v u="$1" '$1 == u { print $2; exit }' /etc/subuid
}

# A field of `podplay info --format json` of user $1: $2 is a Python expression on `d`.
info_field() {
	as "$1" "$SHARED/podplay" info --format json | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

@test "info as an ordinary user: rootless, the XDG roots, and the ids /etc/subuid gives the user" {
	local uid start
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	run -0 info_field "$USER1" 'd["host"]["mode"], d["host"]["user"], d["host"]["uid"]'
	assert_equal "$output" "rootless $USER1 $uid"
	run -0 info_field "$USER1" 'd["store"]["graphRoot"], d["store"]["runRoot"]'
	assert_equal "$output" "$SHARED/$USER1/home/.local/share/podplay $SHARED/$USER1/run/podplay"
	run -0 info_field "$USER1" '[(m["container_id"], m["host_id"], m["size"]) for m in d["host"]["idMappings"]["uidmap"]]'
	assert_equal "$output" "[(0, $uid, 1), (1, $start, 65536)]"
	# The text is the same record as YAML.
	run -0 as "$USER1" "$SHARED/podplay" info
	assert_contains "$output" "  mode: rootless"
	assert_contains "$output" "      - container_id: 1
        host_id: $start
        size: 65536"
	# Root's podplay: root's roots, no user namespace.
	run -0 "$PODPLAY" info --format json
	assert_contains "$output" '"mode": "root"'
	assert_contains "$output" '"graphRoot": "/var/lib/podplay"'
	refute_contains "$output" idMappings
}

@test "unshare runs a command as root of the user's namespace; root has none" {
	local uid start
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	run -0 as "$USER1" "$SHARED/podplay" unshare sh -c 'id -u; id -g; cat /proc/self/uid_map'
	assert_equal "$(echo "$output" | head -2 | tr '\n' ' ')" "0 0 "
	assert_equal "$(echo "$output" | tail -2 | awk '{ print $1, $2, $3 }' | tr '\n' ' ')" "0 $uid 1 1 $start 65536 "
	# Its exit status is the command's.
	run -3 as "$USER1" "$SHARED/podplay" unshare sh -c 'exit 3'
	run -127 as "$USER1" "$SHARED/podplay" unshare /no/such/program
	assert_contains "$output" "cannot run \`/no/such/program\`"
	run -125 "$PODPLAY" unshare true
	assert_contains "$output" "unshare is for an ordinary user"
}

@test "an image loaded by a user is the user's: owners mapped into its range, devices left out, removed by rmi" {
	local uid start store
	uid=$(id -u "$USER1")
	start=$(subuid_start "$USER1")
	store=$SHARED/$USER1/home/.local/share/podplay
	run -0 as "$USER1" "$SHARED/podplay" load -q -i "oci:$SHARED/images/layered"
	run -0 as "$USER1" "$SHARED/podplay" images --format json
	assert_contains "$output" layered
	# Owners on the host: root of the image is the user, uid 1000 of the image is the range's 1000th id.
	run -0 find "$store/layers" -path '*/bin/busybox' -printf '%u\n'
	assert_equal "$(echo "$output" | sort -u)" "$USER1"
	run -0 find "$store/layers" -path '*/data/b' -printf '%U:%G\n'
	assert_equal "$(echo "$output" | sort -u)" "$((start + 999)):$((start + 999))"
	# The character device of the image cannot be made in a user namespace: it is left out. Its FIFO is there,
	# and the whiteout of /data/a, a 0:0 device the kernel lets a user namespace make.
	run -0 find "$store/layers" -path '*/data/*' \( -type c -o -type p \) -printf '%y %f\n'
	assert_equal "$(echo "$output" | sort)" "c a
p fifo"
	# Root sees none of it in root's own store, and the user's rmi removes every file of its range.
	run -0 as "$USER1" "$SHARED/podplay" rmi "$(as "$USER1" "$SHARED/podplay" images -q | head -1)"
	run -0 find "$store/layers" -mindepth 1 -maxdepth 1
	assert_equal "$output" ""
}

@test "pull as a user from a registry on 127.0.0.1 stores the image in the user's store" {
	local start
	start=$(subuid_start "$USER1")
	registry_start plain
	registry_push "$SHARED/images/layered" podplay/layered
	run -0 as "$USER1" "$SHARED/podplay" pull -q --tls-verify=false "$PP_REGISTRY_HOST/podplay/layered"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	run -0 find "$SHARED/$USER1/home/.local/share/podplay/layers" -path '*/data/b' -printf '%U\n'
	assert_equal "$(echo "$output" | sort -u)" "$((start + 999))"
	# Another user's podplay sees nothing of it.
	run -0 as "$USER2" "$SHARED/podplay" images -q
	assert_equal "$output" ""
}

@test "a user without subordinate ids is warned once, with the fix; an image of other owners fails whole" {
	run -0 as "$USER2" "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	assert_contains "$output" "$USER2 has no subordinate ids in /etc/subuid"
	assert_contains "$output" "usermod --add-subuids"
	assert_equal "$(echo "$output" | grep -c 'subordinate ids')" 1
	run -0 find "$SHARED/$USER2/home/.local/share/podplay/layers" -path '*/bin/busybox' -printf '%u\n'
	assert_equal "$output" "$USER2"
	run -125 as "$USER2" "$SHARED/podplay" load -q -i "oci:$SHARED/images/layered"
	assert_contains "$output" "its owner 1000:1000 is not mapped in the user's namespace"
	run -0 as "$USER2" "$SHARED/podplay" images --format json
	refute_contains "$output" layered
}

@test "the run root under /tmp is private; one someone else made first is refused" {
	local uid
	uid=$(id -u "$USER1")
	rm -rf "/tmp/podplay-$uid"
	run -0 setpriv --reuid "$USER1" --regid "$USER1" --init-groups env -i HOME="$SHARED/$USER1/home" \
		PATH=/usr/bin:/bin "$SHARED/podplay" load -q -i "oci:$SHARED/images/busybox"
	run -0 stat -c '%U %a' "/tmp/podplay-$uid"
	assert_equal "$output" "$USER1 700"
	rm -rf "/tmp/podplay-$uid"
	mkdir -m 755 "/tmp/podplay-$uid"
	run -125 setpriv --reuid "$USER1" --regid "$USER1" --init-groups env -i HOME="$SHARED/$USER1/home" \
		PATH=/usr/bin:/bin "$SHARED/podplay" rmi -f busybox
	assert_contains "$output" "run root \`/tmp/podplay-$uid\` is not a private directory"
	assert_contains "$output" "XDG_RUNTIME_DIR"
}

@test "validate works as a user; what is not built for a user yet is refused before anything is made" {
	run -0 as "$USER1" "$SHARED/podplay" kube validate - <"$FIXTURES/good/pod-multi-container.yaml"
	run -125 as "$USER1" "$SHARED/podplay" kube play - <"$FIXTURES/good/pod-multi-container.yaml"
	assert_contains "$output" '"podplay kube play" as an ordinary user is not built yet (#14'
	run -0 as "$USER1" "$SHARED/podplay" pod ls -q
	assert_equal "$output" ""
	run -0 as "$USER1" "$SHARED/podplay" kube play --help
}
