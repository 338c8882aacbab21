#!/bin/sh
# The demo: what podplay can do so far, on the example manifests in manifests/, with no network.
set -u
bin=${1:-build/podplay}
cd "$(dirname "$0")/.."
run() {
	printf '\n$ podplay %s\n' "$*"
	"$bin" "$@"
	printf '(exit status %s)\n' "$?"
}
run version
run kube validate manifests/web.yaml
run kube validate manifests/broken.yaml
run kube play manifests/web.yaml
printf '\nkube play is not built yet (issue #5); validation is.\n'
exit 0
