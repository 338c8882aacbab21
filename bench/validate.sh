#!/bin/sh
# Validation speed and memory: a 20 MB multi-document manifest through `podplay kube validate`, in MB/s and peak RSS,
# next to a kubectl-style schema validator where one is installed (on a 2 MB file: they are far slower).
set -eu
bin=${1:-build/podplay}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen-manifests.py" 20 >"$work/big.yaml"
python3 "$here/gen-manifests.py" 2 >"$work/small.yaml"
size=$(stat -c %s "$work/big.yaml")

echo "== podplay kube validate, $(awk "BEGIN{printf \"%.1f\", $size/1048576}") MiB, $(grep -c '^---' "$work/big.yaml") documents"
hyperfine --warmup 2 --runs 10 --export-json "$work/pp.json" "$bin kube validate -q $work/big.yaml" >/dev/null
mean=$(python3 -c "import json;print(json.load(open('$work/pp.json'))['results'][0]['mean'])")
rss=$(/usr/bin/time -f %M "$bin" kube validate -q "$work/big.yaml" 2>&1 >/dev/null | tail -n 1)
awk "BEGIN{printf \"time %.3f s   throughput %.0f MB/s   peak RSS %.1f MiB (%.2f x input)\n\", $mean, $size/1e6/$mean, $rss/1024, $rss*1024/$size}"

# Another validator, for scale: the Kubernetes-schema checker the project shares, when it is present.
other=$here/../../shared/tools/k8s-validate
if [ -x "$other" ] && python3 -c 'import yaml, jsonschema' 2>/dev/null; then
	ssize=$(stat -c %s "$work/small.yaml")
	echo "== side by side on $(awk "BEGIN{printf \"%.1f\", $ssize/1048576}") MiB: podplay vs k8s-validate (jsonschema on Kubernetes' published schemas)"
	hyperfine --warmup 1 --runs 3 --export-json "$work/cmp.json" \
		"$bin kube validate -q $work/small.yaml" \
		"$other --max-bytes 100000000 $work/small.yaml" >/dev/null
	python3 - "$work/cmp.json" "$ssize" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
size = int(sys.argv[2])
for x in r:
    print(f"{x['command'].split()[0].split('/')[-1]:>14}: {x['mean']:.3f} s  {size / 1e6 / x['mean']:.1f} MB/s")
print(f"ratio: podplay is {r[1]['mean'] / r[0]['mean']:.0f}x faster")
PY
else
	echo "== no other validator installed (kubectl, kubeconform or the shared k8s-validate); podplay alone above"
fi
