#!/bin/sh
# Env size: `kube validate` and `kube play` of one container with N env entries ($(VAR) references, names given
# again, envFrom twice), for N in the arguments (default 20000 50000 70000), then 200000, which the API server's
# 3 MiB request limit refuses.  Times are printed, never asserted.  Needs root and the offline busybox image.
set -eu
bin=$(realpath "${PODPLAY:-build/podplay}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pp() { "$bin" --root "$work/root" --runroot "$work/run" "$@"; }
trap 'pp pod rm -f -t 0 --all >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
python3 "$here/../fixtures/images/build.py" "$work/images" >/dev/null
pp load -i "$work/images/busybox.oci.tar" >/dev/null
for n in ${*:-20000 50000 70000} 200000; do
	python3 "$here/gen-env.py" "$n" >"$work/env.yaml"
	echo "== $n env entries, $(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$work/env.yaml")/1048576}") MiB of YAML"
	/usr/bin/time -f "validate: %e s, peak RSS %M KiB" "$bin" kube validate -q "$work/env.yaml" || true
	/usr/bin/time -f "play:     %e s, peak RSS %M KiB" "$bin" --root "$work/root" --runroot "$work/run" \
		kube play "$work/env.yaml" >/dev/null || true
	pp kube down "$work/env.yaml" >/dev/null 2>&1 || true
done
