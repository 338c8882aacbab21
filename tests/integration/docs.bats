#!/usr/bin/env bats
# Man pages and shell completion, made by podplay from its command table, and `make install` of both with the
# binaries: every page names every flag its command's parser takes, renders without a warning, and the scripts
# load in bash and zsh and complete names from a test's own state.

load helpers

load pods

# pods.bash's teardown, and the folder a test made outside its own (which an ordinary user cannot reach).
eval "pods_$(declare -f teardown)"
teardown() {
	if [ -n "${USER_DIR:-}" ]; then rm -rf "$USER_DIR"; fi
	pods_teardown
}

# The pages of the binary under test, made afresh.
make_pages() {
	MAN=$BATS_TEST_TMPDIR/man
	"$PODPLAY" man "$MAN"
}

# Completes the words given (the last one is the word completed) with the bash script; prints the candidates.
bash_complete() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _podplay
		printf "%s\n" "${COMPREPLY[@]}"' sh "$BATS_TEST_TMPDIR/podplay.bash" "$PODPLAY" "$@"
}

# The same with the zsh script: compadd (a builtin of zsh's completion widgets) prints what it is given.
zsh_complete() {
	zsh -fc 'compadd() { shift $(( ${@[(i)--]} )); print -rl -- "$@"; }; _files() { print "<files>"; }
		source "$1"; shift; words=("$@"); CURRENT=${#words}; _podplay' sh "$BATS_TEST_TMPDIR/_podplay" "$PODPLAY" "$@"
}

@test "every command has a man page that names every flag its parser takes, and renders without a warning" {
	make_pages
	run -0 "$PODPLAY" man --flags
	local flags=$output n=0 cmd list page text f
	while IFS=$'\t' read -r cmd list; do
		page="$MAN/podplay-${cmd// /-}.1"
		[ -f "$page" ] || { echo "no page for $cmd: $page" >&2; return 1; }
		text=$(sed 's/\\-/-/g' "$page")
		for f in $list; do
			grep -qE -- "(^|[^a-z-])$f([^a-z0-9-]|\$)" <<<"$text" || { echo "$page does not name $f" >&2; return 1; }
			n=$((n + 1))
		done
	done <<<"$flags"
	# A table of the commands' own flags, not an empty list that passes: kube play alone takes eight.
	[ "$n" -gt 100 ]
	assert_contains "$flags" $'kube play\t --format --start --replace --wait --watch --configmap --network --publish'
	# Each flag a page lists as an option is one its command takes (no page promises what the parser refuses).
	while IFS=$'\t' read -r cmd list; do
		page="$MAN/podplay-${cmd// /-}.1"
		for f in $(awk '/^\.SH OPTIONS/ { on = 1; next } /^\.SH/ { on = 0 } on && prev == ".TP" { print } { prev = $0 }' \
			"$page" | sed 's/\\-/-/g' | grep -oE -- '(^|[ ,])--?[a-z][a-z0-9-]*' | tr -d ' ,'); do
			case " $list " in *" $f "*) ;; *) echo "$page lists $f, which podplay $cmd does not take" >&2; return 1 ;; esac
		done
	done <<<"$flags"
	# Pages for the groups and podplay itself, which name their commands' pages.
	grep -q 'podplay-pod-ls' "$MAN/podplay-pod.1"
	grep -q 'podplay-kube' "$MAN/podplay.1"
	for page in "$MAN"/*.1; do
		run -0 groff -t -man -Tutf8 -ww -z "$page"
		assert_equal "$output" ""
	done
	# make runs `podplay man` as whoever builds: an ordinary user too.
	USER_DIR=$(mktemp -d /tmp/podplay-docs.XXXXXX)
	chmod 777 "$USER_DIR"
	cp "$PODPLAY" "$USER_DIR/podplay" # where the user reaches it, whatever folder the tree is in
	run -0 setpriv --reuid 65534 --regid 65534 --clear-groups env -i PATH=/usr/bin:/bin HOME="$USER_DIR" \
		"$USER_DIR/podplay" man "$USER_DIR/man"
	diff -r "$MAN" "$USER_DIR/man"
	run -0 env MANWIDTH=80 man -l "$MAN/podplay-kube-play.1"
	assert_contains "$output" "podplay-kube-play - Create and start pods from Kubernetes YAML"
	assert_contains "$output" "--publish"
	# --help prints the same text the page is made of.
	run -0 "$PODPLAY" pod rm --help
	assert_contains "$output" "-t, --time SECONDS"
	# A flag the command does not take is refused, not ignored: pod start has no -t, pod ls no --all.
	run -125 "$PODPLAY" pod start -t 3 x
	assert_contains "$output" "unknown option"
}

@test "bash completion: commands, flags, their values, and names of pods and containers from the state typed" {
	"$PODPLAY" completion bash -f "$BATS_TEST_TMPDIR/podplay.bash"
	"$PODPLAY" completion zsh -f "$BATS_TEST_TMPDIR/_podplay"
	run -0 bash_complete po
	assert_equal "$output" "pod"
	run -0 bash_complete pod ""
	assert_equal "$(echo $output)" "ls ps inspect create start stop rm logs stats"
	run -0 bash_complete pod ls --f
	assert_equal "$(echo $output)" "--format --filter"
	run -0 bash_complete kube play --format ""
	assert_equal "$(echo $output)" "json table"
	run -0 bash_complete --log-level=debug completion ""
	assert_equal "$(echo $output)" "bash zsh"
	# Names come from the state of the --root and --runroot typed.
	pp pod create --name held-for-completion >/dev/null
	pp run -d --name web localhost/busybox:latest sleep 100 >/dev/null
	run -0 bash_complete --root "$ROOT" --runroot "$RUNROOT" pod rm ""
	assert_equal "$(echo $output)" "held-for-completion web"
	run -0 bash_complete --root "$ROOT" --runroot "$RUNROOT" pod stop h
	assert_equal "$output" "held-for-completion"
	run -0 bash_complete --root "$ROOT" --runroot "$RUNROOT" exec w
	assert_equal "$output" "web-web"
	run -0 bash_complete --root "$ROOT" --runroot "$RUNROOT" run local
	assert_equal "$output" "localhost/busybox:latest"
	# Without them, another state: none of these.
	run -0 bash_complete --root "$BATS_TEST_TMPDIR/empty" --runroot "$BATS_TEST_TMPDIR/empty-run" pod rm ""
	assert_equal "$output" ""
	# With bash-completion loaded, as a login shell has it: IMAGE:TAG and --root=DIR are one word, not three.
	run -0 bash -c 'source /usr/share/bash-completion/bash_completion; source "$1"
		COMP_LINE="$2 --root=$3 --runroot=$4 run localhost/busybox:la"; COMP_POINT=${#COMP_LINE}
		COMP_WORDS=("$2" --root = "$3" --runroot = "$4" run localhost/busybox : la); COMP_CWORD=10; _podplay
		printf "%s\n" "${COMPREPLY[@]}"' sh "$BATS_TEST_TMPDIR/podplay.bash" "$PODPLAY" "$ROOT" "$RUNROOT"
	assert_equal "$output" "latest"
	# A name is offered as it is, never read as shell words: a podplay that lists names with $(...), backquotes and
	# globs (no name podplay takes has them; an image's is checked as a reference) runs nothing and expands nothing.
	cat >"$BATS_TEST_TMPDIR/lister" <<-'EOF'
		#!/bin/sh
		printf '%s\n' 'web-$(touch${IFS}pwned)' 'web-`touch pwned2`' 'web-*'
	EOF
	chmod +x "$BATS_TEST_TMPDIR/lister"
	run -0 bash -c 'cd "$2"; source "$1"; COMP_WORDS=("$2/lister" pod rm web); COMP_CWORD=3; _podplay
		printf "%s\n" "${COMPREPLY[@]}"' sh "$BATS_TEST_TMPDIR/podplay.bash" "$BATS_TEST_TMPDIR"
	assert_equal "$output" $'web-$(touch${IFS}pwned)\nweb-`touch pwned2`\nweb-*'
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ] && [ ! -e "$BATS_TEST_TMPDIR/pwned2" ]
	run -0 zsh -fc 'cd "$2"; compadd() { shift $(( ${@[(i)--]} )); print -rl -- "$@"; }; source "$1"
		words=("$2/lister" pod rm web); CURRENT=4; _podplay' sh "$BATS_TEST_TMPDIR/_podplay" "$BATS_TEST_TMPDIR"
	assert_equal "$output" $'web-$(touch${IFS}pwned)\nweb-`touch pwned2`\nweb-*'
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ] && [ ! -e "$BATS_TEST_TMPDIR/pwned2" ]
	# Files where a command takes them.
	run -0 bash_complete kube validate fixtures/manifests/go
	assert_equal "$output" "fixtures/manifests/good"
}

@test "zsh completion: loads with compinit, and completes the same from the state typed" {
	"$PODPLAY" completion zsh -f "$BATS_TEST_TMPDIR/_podplay"
	# Loaded as zsh loads completion functions: from a folder of $fpath, by compinit.
	run -0 zsh -fc 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$1/zcompdump"; print -r -- ${_comps[podplay]}' \
		sh "$BATS_TEST_TMPDIR"
	assert_equal "$output" "_podplay"
	run -0 zsh_complete pod ""
	assert_equal "$(echo $output)" "ls ps inspect create start stop rm logs stats"
	run -0 zsh_complete pod ls --format ""
	assert_equal "$(echo $output)" "json table"
	run -0 zsh_complete kube play ""
	assert_equal "$output" "<files>"
	pp pod create --name held-for-completion >/dev/null
	run -0 zsh_complete --root "$ROOT" --runroot "$RUNROOT" pod inspect ""
	assert_equal "$output" "held-for-completion"
	run -0 zsh_complete --root="$ROOT" --runroot="$RUNROOT" pod logs ""
	assert_equal "$output" "held-for-completion"
}

@test "make install DESTDIR=... PREFIX=...: binaries, man pages and completions, and podplay runs from there" {
	local build d
	build=$(dirname "$PODPLAY")
	d=$BATS_TEST_TMPDIR/dest
	# The binaries under test as they are (-o: not made again, whatever their sources' times): the pages and scripts
	# are made from them where missing.
	run -0 make -s -C "$REPO_ROOT" BUILD="$build" -o "$build/podplay" -o "$build/podplay-monitor" DESTDIR="$d" \
		PREFIX=/opt/pp install
	[ -x "$d/opt/pp/bin/podplay" ] && [ -x "$d/opt/pp/bin/podplay-monitor" ]
	[ -f "$d/opt/pp/share/man/man1/podplay-kube-play.1" ]
	[ "$(ls "$d/opt/pp/share/man/man1" | wc -l)" = "$(ls "$build/man" | wc -l)" ]
	run -0 env MANPATH="$d/opt/pp/share/man" man -w podplay-pod-ls
	assert_equal "$output" "$d/opt/pp/share/man/man1/podplay-pod-ls.1"
	# bash-completion finds the script where it looks for podplay's, under a data folder.
	run -0 bash -c 'source /usr/share/bash-completion/bash_completion; XDG_DATA_DIRS=$1 __load_completion podplay
		complete -p podplay' sh "$d/opt/pp/share"
	assert_equal "$output" "complete -F _podplay podplay"
	[ -f "$d/opt/pp/share/zsh/site-functions/_podplay" ]
	# The installed podplay runs, with the monitor beside it: a pod made and removed.
	local pp_bin="$d/opt/pp/bin/podplay"
	run -0 "$pp_bin" version
	assert_contains "$output" "podplay version"
	run -0 "$pp_bin" --root "$ROOT" --runroot "$RUNROOT" run -d --name inst localhost/busybox:latest sleep 100
	run -0 "$pp_bin" --root "$ROOT" --runroot "$RUNROOT" ps --format '{{.Names}} {{.State}}'
	assert_equal "$output" "inst-inst running"
	run -0 "$pp_bin" --root "$ROOT" --runroot "$RUNROOT" pod rm -f -t 0 inst
	run -0 make -s -C "$REPO_ROOT" BUILD="$build" -o "$build/podplay" -o "$build/podplay-monitor" DESTDIR="$d" \
		PREFIX=/opt/pp uninstall
	[ -z "$(find "$d" -type f)" ]
}
