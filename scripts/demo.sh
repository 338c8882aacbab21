#!/bin/sh
# The demo: what podplay can do so far, offline: validate the example manifests, build the test image from
# busybox-static, load it into a store of the demo's own, list and inspect it.
set -u
bin=$(realpath "${1:-build/podplay}")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
	printf '\n$ podplay %s\n' "$*"
	"$bin" --root "$work/root" --runroot "$work/run" "$@"
	printf '(exit status %s)\n' "$?"
}
run version
run kube validate manifests/web.yaml
run kube validate manifests/broken.yaml
python3 fixtures/images/build.py "$work/images" >/dev/null
run load -i "$work/images/busybox.oci.tar"
run load oci:"$work/images/layered":latest
run images
run system df
run kube play manifests/web.yaml
printf '\nkube play is not built yet (issue #4 and #5); validation and images are.\n'
exit 0
