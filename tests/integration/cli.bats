#!/usr/bin/env bats
# The command line as a user sees it: help, version, unknown and unbuilt commands, global options.

load helpers

ROOT_COMMANDS="kube play generate pod job service run attach ps stats logs exec inspect pull load images image rmi volume network system info unshare completion version"
GROUPS_WITH_COMMANDS="kube play generate pod image volume system"

# --- help ------------------------------------------------------------------------------------------------------

@test "--help on the root lists every command and the global options on stdout" {
	run --separate-stderr "$PODPLAY" --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	assert_contains "$output" "Usage: podplay COMMAND [options]"
	listed=$(printf '%s\n' "$output" | help_commands | tr '\n' ' ')
	assert_equal "$listed" "$ROOT_COMMANDS "
	for opt in "--root DIR" "--runroot DIR" "--log-level LEVEL" "-h, --help"; do
		assert_contains "$output" "$opt"
	done
	assert_contains "$output" "Run 'podplay COMMAND --help' for more on a command."
}

@test "-h and 'help' print the same help as --help" {
	run "$PODPLAY" --help
	full=$output
	run "$PODPLAY" -h
	[ "$status" -eq 0 ]
	assert_equal "$output" "$full"
	run "$PODPLAY" help
	[ "$status" -eq 0 ]
	assert_equal "$output" "$full"
}

@test "podplay with no command prints the help on stderr and exits 125" {
	run --separate-stderr "$PODPLAY"
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "Usage: podplay COMMAND [options]"
}

@test "--help on every group lists its commands and exits 0" {
	for group in $GROUPS_WITH_COMMANDS; do
		run --separate-stderr "$PODPLAY" "$group" --help
		[ "$status" -eq 0 ] || { echo "podplay $group --help exited $status" >&2; return 1; }
		[ -z "$stderr" ]
		assert_contains "$output" "Usage: podplay $group COMMAND [options]"
		assert_contains "$output" "Run 'podplay $group COMMAND --help' for more on a command."
		assert_contains "$output" "--log-level LEVEL"
		n=$(printf '%s\n' "$output" | help_commands | wc -l)
		[ "$n" -ge 1 ] || { echo "podplay $group --help lists no command" >&2; return 1; }
	done
}

@test "the kube group lists validate, play, down and generate" {
	run "$PODPLAY" kube --help
	[ "$status" -eq 0 ]
	listed=$(printf '%s\n' "$output" | help_commands | tr '\n' ' ')
	assert_equal "$listed" "validate play down generate "
}

@test "a group without a command prints its help on stderr and exits 125" {
	for group in $GROUPS_WITH_COMMANDS; do
		run --separate-stderr "$PODPLAY" "$group"
		[ "$status" -eq 125 ] || { echo "podplay $group exited $status" >&2; return 1; }
		[ -z "$output" ]
		assert_contains "$stderr" "Usage: podplay $group COMMAND [options]"
	done
}

# Walks the whole tree from the root help: each command's help names the command as it is typed.
@test "--help on every command exits 0 and its usage line names the full command" {
	failures=""
	for cmd in $ROOT_COMMANDS; do
		subs=""
		case " $GROUPS_WITH_COMMANDS " in
		*" $cmd "*) subs=$("$PODPLAY" "$cmd" --help | help_commands) ;;
		esac
		if [ -z "$subs" ]; then
			names="$cmd"
		else
			names=$(for s in $subs; do echo "$cmd/$s"; done)
		fi
		for name in $names; do
			words=$(echo "$name" | tr '/' ' ')
			# shellcheck disable=SC2086
			run --separate-stderr "$PODPLAY" $words --help
			if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
				failures="$failures
podplay $words --help: exit $status, stderr: $stderr"
				continue
			fi
			case "$output" in
			*"Usage: podplay $words "* | *"Usage: podplay $words"$'\n'*) ;;
			*) failures="$failures
podplay $words --help: usage line is '$(printf '%s\n' "$output" | grep '^Usage:')', not 'Usage: podplay $words ...'" ;;
			esac
			assert_contains "$output" "Global options:"
		done
	done
	[ -z "$failures" ] || { echo "$failures" >&2; return 1; }
}

@test "kube validate --help shows its usage, options and exit statuses" {
	run --separate-stderr "$PODPLAY" kube validate --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	for opt in "--format FORMAT" "-R, --recursive" "-q, --quiet" "-v, --verbose" "--log-level LEVEL"; do
		assert_contains "$output" "$opt"
	done
	assert_contains "$output" "Exit status: 0 when every document is valid"
	assert_contains "$output" "Usage: podplay kube validate [options] FILE|DIR|- ..."
}

@test "version --help shows 'podplay version' in its usage line" {
	run --separate-stderr "$PODPLAY" version --help
	[ "$status" -eq 0 ]
	assert_contains "$output" "--format FORMAT"
	assert_contains "$output" "Usage: podplay version [--format json]"
}

@test "--help wins over other arguments" {
	run "$PODPLAY" kube validate --help --format json
	[ "$status" -eq 0 ]
	assert_contains "$output" "Check Kubernetes YAML against the schema"
	run "$PODPLAY" kube play --help no-such-file.yaml
	[ "$status" -eq 0 ]
	assert_contains "$output" "Create and start pods from Kubernetes YAML"
	run "$PODPLAY" kube generate --help no-such-pod
	[ "$status" -eq 0 ]
	assert_contains "$output" "Write Kubernetes YAML from pods, volumes or a play"
	run "$PODPLAY" system reset --help
	[ "$status" -eq 0 ]
	assert_contains "$output" "This command is not built yet"
}

# --- version ---------------------------------------------------------------------------------------------------

@test "version prints podplay's version, the Kubernetes schema and the libraries" {
	run --separate-stderr "$PODPLAY" version
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" =~ ^podplay\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	assert_equal "${lines[1]}" "Kubernetes schema: 1.36"
	[[ "${lines[2]}" =~ ^libyaml:\ [0-9] ]]
	[[ "${lines[3]}" =~ ^jansson:\ [0-9] ]]
}

@test "version --format json is valid JSON with the same facts as the text" {
	run --separate-stderr "$PODPLAY" version --format json
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s' "$output" | assert_json
	json=$output
	run "$PODPLAY" version
	text_version=${lines[0]#podplay version }
	got=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert set(d) >= {"version", "kubernetesSchema", "libyaml", "jansson"}, sorted(d)
assert all(isinstance(d[k], str) and d[k] for k in ("version", "kubernetesSchema", "libyaml", "jansson"))
print(d["version"], d["kubernetesSchema"])')
	assert_equal "$got" "$text_version 1.36"
}

@test "version --format text is the default text" {
	run "$PODPLAY" version
	text=$output
	run "$PODPLAY" version --format text
	[ "$status" -eq 0 ]
	assert_equal "$output" "$text"
}

@test "version with an unknown format exits 125, names it and the command's help" {
	run --separate-stderr "$PODPLAY" version --format yaml
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" 'unknown format "yaml": use text or json'
	assert_contains "$stderr" "Run 'podplay version --help' for usage."
}

@test "version with an argument exits 125" {
	run --separate-stderr "$PODPLAY" version extra
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "version takes no arguments"
}

# --- unknown and unbuilt commands ------------------------------------------------------------------------------

@test "an unknown command exits 125 with a did-you-mean on stderr" {
	run --separate-stderr "$PODPLAY" kbue
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_equal "$stderr" 'podplay: unknown command "kbue" for "podplay"; did you mean "kube"?'

	run --separate-stderr "$PODPLAY" verison
	[ "$status" -eq 125 ]
	assert_contains "$stderr" 'did you mean "version"?'
}

@test "an unknown subcommand exits 125 with a did-you-mean naming the group" {
	run --separate-stderr "$PODPLAY" kube valdate x.yaml
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_equal "$stderr" 'podplay: unknown command "valdate" for "podplay kube"; did you mean "validate"?'

	run --separate-stderr "$PODPLAY" pod lss
	[ "$status" -eq 125 ]
	assert_equal "$stderr" 'podplay: unknown command "lss" for "podplay pod"; did you mean "ls"?'
}

@test "an unknown word far from every command exits 125 and points to --help" {
	run --separate-stderr "$PODPLAY" zzzzzzzz
	[ "$status" -eq 125 ]
	assert_contains "$stderr" 'unknown command "zzzzzzzz"'
	refute_contains "$stderr" "did you mean"
}

@test "kube play of a missing file, and exec of a missing container, exit 125 naming what is missing" {
	r=(--root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run")
	run --separate-stderr "$PODPLAY" "${r[@]}" kube play x.yaml
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "open \`x.yaml\`: No such file or directory"

	run --separate-stderr "$PODPLAY" "${r[@]}" pod ls -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	run --separate-stderr "$PODPLAY" "${r[@]}" exec ctr true
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "no container \`ctr\`"
}

@test "every command the help marks 'not built yet' exits 125 and says so" {
	cmds=$("$PODPLAY" --help | awk '/not built yet/ { print $1 }')
	for group in $GROUPS_WITH_COMMANDS; do
		for sub in $("$PODPLAY" "$group" --help | awk '/^  [a-z].*not built yet/ { print $1 }'); do
			cmds="$cmds $group/$sub"
		done
	done
	[ -n "$cmds" ]
	for name in $cmds; do
		words=$(echo "$name" | tr '/' ' ')
		# shellcheck disable=SC2086
		run --separate-stderr "$PODPLAY" $words arg
		[ "$status" -eq 125 ] || { echo "podplay $words exited $status" >&2; return 1; }
		[ -z "$output" ]
		assert_contains "$stderr" "\"podplay $words\" is not built yet"
	done
}

@test "'play kube' is Podman's older name for 'kube play'" {
	r=(--root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run")
	run --separate-stderr "$PODPLAY" "${r[@]}" play kube x.yaml
	[ "$status" -eq 125 ]
	old=$stderr
	run --separate-stderr "$PODPLAY" "${r[@]}" kube play x.yaml
	[ "$status" -eq 125 ]
	assert_equal "$stderr" "$old"
}

# --- global options --------------------------------------------------------------------------------------------

@test "--root, --runroot and --log-level are accepted before the command" {
	run "$PODPLAY" version
	plain=$output
	run --separate-stderr "$PODPLAY" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
		--log-level debug version
	[ "$status" -eq 0 ]
	assert_equal "$output" "$plain"

	run "$PODPLAY" --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" --log-level debug \
		kube validate manifests/web.yaml
	[ "$status" -eq 0 ]
	assert_contains "$output" "3 objects in 1 file: valid"
}

@test "--root, --runroot and --log-level are accepted after the command" {
	run "$PODPLAY" version
	plain=$output
	run --separate-stderr "$PODPLAY" version --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
		--log-level debug
	[ "$status" -eq 0 ]
	assert_equal "$output" "$plain"

	run "$PODPLAY" kube validate --root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run" \
		--log-level debug manifests/web.yaml
	[ "$status" -eq 0 ]
	assert_contains "$output" "3 objects in 1 file: valid"
}

@test "global options are accepted after the files, as Podman accepts them" {
	run --separate-stderr "$PODPLAY" kube validate manifests/web.yaml --log-level debug \
		--root "$BATS_TEST_TMPDIR/root" --runroot "$BATS_TEST_TMPDIR/run"
	refute_contains "$stderr" "open \`--log-level\`"
	[ "$status" -eq 0 ]
	assert_contains "$output" "3 objects in 1 file: valid"
}

@test "global options are accepted between a group and its command" {
	run --separate-stderr "$PODPLAY" kube --log-level debug --root "$BATS_TEST_TMPDIR/root" validate manifests/web.yaml
	refute_contains "$stderr" 'unknown command "--log-level"'
	[ "$status" -eq 0 ]
	assert_contains "$output" "3 objects in 1 file: valid"
}

@test "--option=value is accepted like --option value" {
	run "$PODPLAY" --log-level=debug --root="$BATS_TEST_TMPDIR/root" version
	[ "$status" -eq 0 ]
	assert_contains "$output" "podplay version"
}

@test "every documented log level is accepted" {
	for level in error warning info debug; do
		run "$PODPLAY" --log-level "$level" version
		[ "$status" -eq 0 ] || { echo "--log-level $level exited $status" >&2; return 1; }
	done
}

@test "a bad --log-level exits 125 before or after the command and lists the levels" {
	run --separate-stderr "$PODPLAY" --log-level bogus version
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_equal "$stderr" 'podplay: unknown log level "bogus": use error, warning, info or debug'

	run --separate-stderr "$PODPLAY" version --log-level bogus
	[ "$status" -eq 125 ]
	assert_contains "$stderr" 'unknown log level "bogus"'

	run --separate-stderr "$PODPLAY" kube validate --log-level verbose manifests/web.yaml
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" 'unknown log level "verbose"'

	run --separate-stderr "$PODPLAY" --log-level DEBUG version
	[ "$status" -eq 125 ]
}

@test "a global option without its value exits 125 and names it" {
	for opt in --root --runroot --log-level; do
		run --separate-stderr "$PODPLAY" "$opt"
		[ "$status" -eq 125 ] || { echo "podplay $opt exited $status" >&2; return 1; }
		assert_contains "$stderr" "missing value for option '$opt'"
	done
}

@test "an unknown global option exits 125 and names it" {
	run --separate-stderr "$PODPLAY" --version
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "unknown option '--version'"
}

@test "kube validate's own errors exit 125 and point to its help" {
	run --separate-stderr "$PODPLAY" kube validate
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "kube validate needs a file, a directory or - (standard input)"
	assert_contains "$stderr" "Run 'podplay kube validate --help' for usage."

	run --separate-stderr "$PODPLAY" kube validate --format xml manifests/web.yaml
	[ "$status" -eq 125 ]
	assert_contains "$stderr" 'unknown format "xml": use text or json'

	run --separate-stderr "$PODPLAY" kube validate --bogus manifests/web.yaml
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "unknown option '--bogus'"
}

@test "commands started at once on a new storage root all open its state database" {
	for i in $(seq 10); do
		r=$BATS_TEST_TMPDIR/race$i
		for j in 1 2 3 4; do
			"$PODPLAY" --root "$r" --runroot "$r/run" ps >/dev/null 2>"$r.err$j" &
		done
		wait
		for j in 1 2 3 4; do
			assert_equal "$(cat "$r.err$j")" ""
		done
	done
}
