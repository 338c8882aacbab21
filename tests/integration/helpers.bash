# Shared set-up for the bats integration tests: where the binary and the fixtures are, and small assertions.

bats_require_minimum_version 1.5.0

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
FIXTURES=fixtures/manifests

# Every test runs from the repository root, so paths in messages are fixtures/manifests/...
setup() {
	: "${PODPLAY:?set PODPLAY to the podplay binary (an absolute path)}"
	cd "$REPO_ROOT"
}

# Fails with both texts shown when $1 (what the command printed) differs from $2 (what it should print).
assert_equal() {
	if [ "$1" != "$2" ]; then
		printf 'expected:\n%s\n--- got:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# Fails unless the text $1 contains $2.
assert_contains() {
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	printf 'expected to find:\n  %s\nin:\n%s\n' "$2" "$1" >&2
	return 1
}

# Fails if the text $1 contains $2.
refute_contains() {
	case "$1" in
	*"$2"*)
		printf 'expected NOT to find:\n  %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
		;;
	esac
	return 0
}

# Reads JSON on stdin and fails unless it parses.
assert_json() {
	python3 -c 'import json,sys; json.load(sys.stdin)'
}

# The names in the "Commands:" section of a help text on stdin.
help_commands() {
	awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'
}

# Turns `kube validate --format json` on stdin into the text format's records, one a line, then one line
# "summary: files=F objects=O errors=E warnings=W valid=V" so the two formats can be compared.
json_records() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for r in d["diagnostics"]:
    path = (r["path"] + ": ") if r["path"] else ""
    print("%s:%d:%d: %s: %s%s" % (r["file"], r["line"], r["column"], r["severity"], path, r["message"]))
print("summary: files=%d objects=%d errors=%d warnings=%d valid=%s"
      % (d["files"], d["objects"], d["errors"], d["warnings"], str(d["valid"]).lower()))
'
}

# Turns the text format on stdin into the same shape as json_records: the records, then the summary's numbers.
text_records() {
	python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
summary = lines.pop() if lines else ""
m = re.match(r"(\d+) objects? in (\d+) files?: (.*)$", summary)
assert m, "no summary line: %r" % summary
rest = m.group(3)
errors = re.search(r"(\d+) errors?", rest)
warnings = re.search(r"(\d+) warnings?", rest)
for l in lines:
    print(l)
e = int(errors.group(1)) if errors else 0
print("summary: files=%s objects=%s errors=%d warnings=%d valid=%s"
      % (m.group(2), m.group(1), e, int(warnings.group(1)) if warnings else 0, "true" if e == 0 else "false"))
'
}
