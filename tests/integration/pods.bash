# Shared set-up of the tests that play pods: the offline images built once per file, a store and runtime root
# per test, and a teardown that leaves nothing behind even when a test fails.

setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
}

setup() {
	: "${PODPLAY:?set PODPLAY to the podplay binary (an absolute path)}"
	cd "$REPO_ROOT"
	if [ "$(id -u)" != 0 ]; then
		skip "pods need namespaces, mounts and cgroups: run as root"
	fi
	# podplay turns IPv4 and IPv6 forwarding on for a pod network, as Podman does (and router advertisements
	# stay accepted by interfaces to come: accept_ra 2 by default); the teardown gives the host back what it had.
	PP_FORWARD_WAS=$(cat /proc/sys/net/ipv4/ip_forward)
	PP_FORWARD6_WAS=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null || true)
	PP_ACCEPT_RA_WAS=$(cat /proc/sys/net/ipv6/conf/default/accept_ra 2>/dev/null || true)
	ROOT=$BATS_TEST_TMPDIR/root
	RUNROOT=$BATS_TEST_TMPDIR/run
	Y=$BATS_TEST_TMPDIR/yaml
	mkdir -p "$Y"
	pp load -i "$BATS_FILE_TMPDIR/images/busybox.oci.tar" >/dev/null
}

teardown() {
	# Jobs first: their controllers would make pods again while the pods go.
	pp job rm --all >/dev/null 2>&1 || true
	pp pod rm -f -t 0 --all >/dev/null 2>&1 || true
	pp service rm --all >/dev/null 2>&1 || true
	# The networks' bridges and rules stay after their pods until `network rm`: the host gets back its links.
	for net in $(pp network ls -q 2>/dev/null); do
		pp network rm "$net" >/dev/null 2>&1 || true
	done
	# Whatever a failed test left mounted under its directories goes too, deepest first.
	grep -F " $BATS_TEST_TMPDIR/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "${BATS_TEST_TMPDIR:?}/root" "${BATS_TEST_TMPDIR:?}/run"
	if [ -n "${PP_FORWARD_WAS:-}" ]; then
		echo "$PP_FORWARD_WAS" >/proc/sys/net/ipv4/ip_forward
	fi
	if [ -n "${PP_FORWARD6_WAS:-}" ]; then
		echo "$PP_FORWARD6_WAS" >/proc/sys/net/ipv6/conf/all/forwarding
	fi
	if [ -n "${PP_ACCEPT_RA_WAS:-}" ]; then
		echo "$PP_ACCEPT_RA_WAS" >/proc/sys/net/ipv6/conf/default/accept_ra
	fi
}

# PODPLAY_RUNTIME=runc (or crun) runs every test with that OCI runtime instead of the built-in executor.
pp() {
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" ${PODPLAY_RUNTIME:+--runtime "$PODPLAY_RUNTIME"} "$@"
}

# A field of an entry of `pp LIST --format json` by its name: listed_field "ps -a" NAME FIELD.
listed_field() {
	# shellcheck disable=SC2086 # LIST is words
	pp $1 --format json | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["name"] == sys.argv[1]:
        print(c[sys.argv[2]])
' "$2" "$3"
}

# A field of a container of `ps -a`: ctr_field POD-CONTAINER FIELD.
ctr_field() {
	listed_field "ps -a" "$1" "$2"
}

# A field of a pod of `pod ls`: pod_field POD FIELD.
pod_field() {
	listed_field "pod ls" "$1" "$2"
}

# The names of the pods, sorted, on one line.
pod_names() {
	pp pod ls --format json | python3 -c 'import json,sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin))))'
}

# Waits up to $4 seconds (10 by default) for a container field to have a value.
wait_field() {
	for _ in $(seq $((${4:-10} * 10))); do
		[ "$(ctr_field "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$1 $2 is $(ctr_field "$1" "$2"), not $3" >&2
	return 1
}
