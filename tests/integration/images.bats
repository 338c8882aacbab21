#!/usr/bin/env bats
# `podplay load`, `images`, `image inspect`, `rmi` and `system df` on the offline test images of fixtures/images,
# each test in a store of its own.

load helpers

# The images are built once for the file; they are read only.
setup_file() {
	python3 "$REPO_ROOT/fixtures/images/build.py" "$BATS_FILE_TMPDIR/images" >/dev/null
}

setup() {
	: "${PODPLAY:?set PODPLAY to the podplay binary (an absolute path)}"
	cd "$REPO_ROOT"
	if [ "$(id -u)" != 0 ]; then
		skip "unpacking layers keeps owners and makes device nodes: needs root"
	fi
	IMAGES=$BATS_FILE_TMPDIR/images
	ROOT=$BATS_TEST_TMPDIR/root
	RUNROOT=$BATS_TEST_TMPDIR/run
}

teardown() {
	rm -rf "${BATS_TEST_TMPDIR:?}/root" "${BATS_TEST_TMPDIR:?}/run"
}

pp() {
	"$PODPLAY" --root "$ROOT" --runroot "$RUNROOT" "$@"
}

# The directories of an image's unpacked layers, lowest first, in the order `image inspect` gives its diff_ids.
layer_dirs() {
	pp image inspect "$1" | python3 -c '
import json, sys
for d in json.load(sys.stdin)[0]["RootFS"]["Layers"]:
    assert d.startswith("sha256:"), d
    print(sys.argv[1] + "/layers/" + d[7:])
' "$ROOT"
}

# Fails unless the merged layers of image $1 list exactly as fixture tree $2 (busybox or layered).
assert_tree() {
	local dirs
	dirs=$(layer_dirs "$1")
	[ -n "$dirs" ]
	# shellcheck disable=SC2086
	run -0 diff -u "$IMAGES/expected/$2.tree" <(python3 fixtures/images/tree.py --overlay $dirs)
}

# A field of the first object `image inspect $1` prints: `inspect_field busybox Id`.
inspect_field() {
	pp image inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$2"
}

# The names of all images, sorted, one a line.
all_names() {
	pp images --format json | python3 -c '
import json, sys
print("\n".join(sorted(n for i in json.load(sys.stdin) for n in i["Names"])))'
}

count_blobs() {
	find "$ROOT/blobs/sha256" -type f | wc -l
}

count_layers() {
	find "$ROOT/layers" -mindepth 1 -maxdepth 1 | wc -l
}

# Fails unless the store holds no image, no blob, no layer and nothing in tmp/.
assert_store_empty() {
	run -0 pp images -q
	assert_equal "$output" ""
	assert_equal "$(count_blobs)" 0
	assert_equal "$(count_layers)" 0
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

# Everything beside the store (ROOT and RUNROOT) in the test's directory and in the fixtures, with sizes, modes
# and times; bats' own files for `run --separate-stderr` left out.
outside_root() {
	{
		find "$BATS_TEST_TMPDIR" -mindepth 1 \( -path "$ROOT" -o -path "$RUNROOT" -o -name 'separate-stderr-*' \) -prune \
			-o -printf '%p %y %s %m %T@\n'
		find "$IMAGES" -printf '%p %y %s %m %T@\n'
	} | sort
}

# Loads the bad image $1 (an input for `load -i`) and checks it is refused with exit 125, the input named in the
# message, the cause $2, and nothing left in the store or outside it.
assert_refused() {
	local input=$1 cause=$2 shadow
	for f in /etc/evil-dotdot /tmp/evil-absolute /tmp/evil-symlink "$BATS_TEST_TMPDIR/etc"; do
		[ ! -e "$f" ] || { echo "$f exists before the test: cannot tell what the load wrote" >&2; return 1; }
	done
	mkdir -p "$ROOT" "$RUNROOT"
	outside_root >"$BATS_FILE_TMPDIR/outside-before.$$"
	shadow=$(stat -c '%i %h %s %Y %a' /etc/shadow)
	run -125 --separate-stderr pp load -i "$input"
	assert_contains "$stderr" "$input"
	assert_contains "$stderr" "$cause"
	assert_equal "$output" ""
	assert_store_empty
	# The targets the evil layers aim at: two levels above an unpack root (which is inside ROOT), and the host.
	for f in "$ROOT/etc" "$ROOT/tmp/etc" /etc/evil-dotdot /tmp/evil-absolute /tmp/evil-symlink; do
		[ ! -e "$f" ] || { echo "the load wrote $f" >&2; return 1; }
	done
	assert_equal "$(stat -c '%i %h %s %Y %a' /etc/shadow)" "$shadow"
	assert_equal "$(find "$ROOT" -samefile /etc/shadow)" ""
	# Nothing beside the store changed, the fixtures included.
	outside_root >"$BATS_FILE_TMPDIR/outside-after.$$"
	run -0 diff -u "$BATS_FILE_TMPDIR/outside-before.$$" "$BATS_FILE_TMPDIR/outside-after.$$"
	rm -f "$BATS_FILE_TMPDIR/outside-before.$$" "$BATS_FILE_TMPDIR/outside-after.$$"
}

@test "load: an OCI layout directory tagged latest is named localhost/<dir>:latest" {
	run -0 pp load -i "$IMAGES/busybox"
	assert_equal "$output" "Loaded image: localhost/busybox:latest"
	run -0 pp images
	[ "${#lines[@]}" -eq 2 ]
	assert_contains "${lines[0]}" "REPOSITORY"
	[[ "${lines[1]}" =~ ^localhost/busybox\ +latest\ +[0-9a-f]{12}\ + ]]
	assert_equal "$(all_names)" "localhost/busybox:latest"
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "load: oci:DIR:latest loads that tag of the layout" {
	run -0 pp load -i "oci:$IMAGES/busybox:latest"
	assert_equal "$output" "Loaded image: localhost/busybox:latest"
	assert_equal "$(all_names)" "localhost/busybox:latest"
}

@test "load: oci:DIR:TAG with a tag the layout lacks fails and loads nothing" {
	run -125 --separate-stderr pp load -i "oci:$IMAGES/busybox:nosuchtag"
	assert_contains "$stderr" "nosuchtag"
	assert_store_empty
}

@test "load: an oci-archive gives the same image as its layout" {
	pp load -i "$IMAGES/busybox" >/dev/null
	id=$(inspect_field localhost/busybox:latest Id)
	rm -rf "$ROOT"
	run -0 pp load -i "$IMAGES/busybox.oci.tar"
	[[ "$output" =~ ^Loaded\ image:\ (.+)$ ]]
	name=${BASH_REMATCH[1]}
	assert_equal "$(all_names)" "$name"
	assert_equal "$(inspect_field "$name" Id)" "$id"
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "load: a docker-archive is named by its RepoTags and has the layout's image id" {
	pp load -i "$IMAGES/busybox" >/dev/null
	id=$(inspect_field localhost/busybox:latest Id)
	rm -rf "$ROOT"
	run -0 pp load -i "$IMAGES/busybox.docker.tar"
	assert_equal "$output" "Loaded image: localhost/podplay-test/busybox:latest"
	assert_equal "$(all_names)" "localhost/podplay-test/busybox:latest"
	assert_equal "$(inspect_field localhost/podplay-test/busybox:latest Id)" "$id"
	run -0 pp images
	[[ "${lines[1]}" =~ ^localhost/podplay-test/busybox\ +latest\ +${id:0:12}\ + ]]
	assert_tree localhost/podplay-test/busybox busybox
}

@test "load: archives on standard input (oci-archive and docker-archive)" {
	run -0 pp load <"$IMAGES/busybox.oci.tar"
	[[ "$output" =~ ^Loaded\ image:\ (.+)$ ]]
	first=${BASH_REMATCH[1]}
	run -0 pp load <"$IMAGES/busybox.docker.tar"
	assert_equal "$output" "Loaded image: localhost/podplay-test/busybox:latest"
	assert_equal "$(all_names)" "$(printf '%s\n' "$first" localhost/podplay-test/busybox:latest | sort)"
	assert_tree localhost/podplay-test/busybox:latest busybox
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "images: --format json parses and -q prints the 12-hex ids" {
	pp load -i "$IMAGES/busybox" >/dev/null
	pp load -i "$IMAGES/layered" >/dev/null
	run -0 pp images --format json
	assert_json <<<"$output"
	ids=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
for i in d:
    assert isinstance(i["Names"], list) and isinstance(i["Size"], int) and i["Size"] > 0, i
print("\n".join(sorted(i["Id"][:12] for i in d)))' <<<"$output")
	run -0 pp images -q
	[ "${#lines[@]}" -eq 2 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^[0-9a-f]{12}$ ]]
	done
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort)" "$ids"
	assert_equal "$(all_names)" "$(printf '%s\n' localhost/busybox:latest localhost/layered:latest)"
}

@test "image inspect: RootFS lists the diff_ids of the config, in order, each unpacked under layers/" {
	pp load -i "$IMAGES/layered" >/dev/null
	run -0 pp image inspect layered
	assert_json <<<"$output"
	cfg_hex=$(python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["Id"])' <<<"$output")
	expected=$(python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["rootfs"]["diff_ids"]))' \
		"$IMAGES/layered/blobs/sha256/$cfg_hex")
	got=$(python3 -c '
import json, sys
o = json.load(sys.stdin)[0]
assert o["RootFS"]["Type"] == "layers", o["RootFS"]
assert o["Os"] == "linux", o["Os"]
print("\n".join(o["RootFS"]["Layers"]))' <<<"$output")
	assert_equal "$got" "$expected"
	[ "$(wc -l <<<"$got")" -eq 4 ]
	for d in $(layer_dirs layered); do
		[ -d "$d" ]
	done
}

@test "image inspect: an unknown image fails with 125 and names it" {
	run -125 --separate-stderr pp image inspect nosuchimage
	assert_contains "$stderr" "nosuchimage"
}

@test "unpack: busybox's layer equals the expected tree" {
	pp load -i "$IMAGES/busybox" >/dev/null
	assert_tree busybox busybox
}

@test "unpack: layered's four layers (gzip, zstd, plain tar) merge to the expected tree" {
	pp load -i "$IMAGES/layered" >/dev/null
	assert_tree layered layered
	# The overlay form itself: a whiteout device, an opaque directory, an xattr, a device, a hard link.
	mapfile -t dirs < <(layer_dirs layered)
	run -0 stat -c '%F %t,%T' "${dirs[2]}/data/a"
	assert_equal "$output" "character special file 0,0"
	run -0 python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' \
		"${dirs[2]}/data/dir" trusted.overlay.opaque
	assert_equal "$output" "y"
	run -0 python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' \
		"${dirs[1]}/data/xattr" user.test
	assert_equal "$output" "hello"
	run -0 stat -c '%F %t,%T %a %u:%g' "${dirs[1]}/data/null"
	assert_equal "$output" "character special file 1,3 666 0:0"
	assert_equal "$(stat -c %i "${dirs[1]}/data/hard")" "$(stat -c %i "${dirs[1]}/data/b")"
	run -0 stat -c '%a %u:%g' "${dirs[1]}/data/b"
	assert_equal "$output" "640 1000:1000"
}

@test "load: a multi-arch index picks linux/amd64 (the host's platform)" {
	case "$(uname -m)" in
	x86_64) arch=amd64 ;;
	*) skip "the index's amd64 manifest is the host's only on x86_64 (this is $(uname -m))" ;;
	esac
	run -0 pp load -i "$IMAGES/multiarch"
	assert_equal "$output" "Loaded image: localhost/multiarch:latest"
	want=$(python3 -c '
import json, os, sys
b = sys.argv[1] + "/blobs/sha256/"
top = json.load(open(sys.argv[1] + "/index.json"))["manifests"][0]["digest"]
for m in json.load(open(b + top[7:]))["manifests"]:
    if m["platform"]["os"] == "linux" and m["platform"]["architecture"] == sys.argv[2]:
        print(m["digest"])' "$IMAGES/multiarch" "$arch")
	[ -n "$want" ]
	assert_equal "$(inspect_field multiarch Digest)" "$want"
	assert_equal "$(inspect_field multiarch Architecture)" "$arch"
	assert_equal "$(inspect_field multiarch Os)" linux
	assert_tree multiarch busybox
}

@test "load: loading the same image again changes nothing and keeps both of its names" {
	pp load -i "$IMAGES/busybox" >/dev/null
	pp load -i "$IMAGES/busybox.docker.tar" >/dev/null
	names=$(all_names)
	assert_equal "$names" "$(printf '%s\n' localhost/busybox:latest localhost/podplay-test/busybox:latest)"
	run -0 pp images -q
	[ "${#lines[@]}" -eq 1 ]
	store=$(find "$ROOT/blobs" "$ROOT/layers" | sort)
	run -0 pp load -i "$IMAGES/busybox"
	assert_equal "$output" "Loaded image: localhost/busybox:latest"
	run -0 pp load -i "$IMAGES/busybox.docker.tar"
	assert_equal "$(all_names)" "$names"
	assert_equal "$(find "$ROOT/blobs" "$ROOT/layers" | sort)" "$store"
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "rmi: one of two names untags that name only" {
	pp load -i "$IMAGES/busybox" >/dev/null
	pp load -i "$IMAGES/busybox.docker.tar" >/dev/null
	blobs=$(count_blobs)
	run -0 pp rmi localhost/podplay-test/busybox:latest
	assert_contains "$output" "Untagged: localhost/podplay-test/busybox:latest"
	refute_contains "$output" "Deleted"
	assert_equal "$(all_names)" "localhost/busybox:latest"
	assert_equal "$(count_blobs)" "$blobs"
	assert_equal "$(count_layers)" 1
}

@test "rmi: a short name untags the name it stands for (busybox is localhost/busybox:latest), not another" {
	pp load -i "$IMAGES/busybox" >/dev/null
	pp load -i "$IMAGES/busybox.docker.tar" >/dev/null
	run -0 pp rmi busybox
	assert_equal "$output" "Untagged: localhost/busybox:latest"
	assert_equal "$(all_names)" "localhost/podplay-test/busybox:latest"
}

@test "rmi -f: removes the image with all its names, and its blobs and layers once no image uses them" {
	pp load -i "$IMAGES/busybox" >/dev/null
	assert_equal "$(count_blobs)" 3
	assert_equal "$(count_layers)" 1
	pp load -i "$IMAGES/busybox.docker.tar" >/dev/null
	pp load -i "$IMAGES/layered" >/dev/null
	# layered shares busybox's layer: it stays while layered is there.
	run -0 pp rmi -f localhost/busybox:latest
	assert_contains "$output" "Deleted: "
	assert_equal "$(all_names)" "localhost/layered:latest"
	assert_equal "$(count_blobs)" 6
	assert_equal "$(count_layers)" 4
	assert_tree layered layered
	run -0 pp rmi -f layered
	assert_store_empty
	run -125 --separate-stderr pp rmi layered
	assert_contains "$stderr" "layered"
}

@test "system df: counts the images" {
	run -0 pp system df
	[[ "${lines[1]}" =~ ^Images\ +0\  ]]
	pp load -i "$IMAGES/busybox" >/dev/null
	pp load -i "$IMAGES/layered" >/dev/null
	run -0 pp system df
	assert_contains "${lines[0]}" "TYPE"
	[[ "${lines[1]}" =~ ^Images\ +2\  ]]
	run -0 pp system df --format json
	assert_json <<<"$output"
	run -0 python3 -c '
import json, sys
d = {r["Type"]: r for r in json.load(sys.stdin)}
print(d["Images"]["Total"], d["Images"]["Size"] > 1000000)' <<<"$output"
	assert_equal "$output" "2 True"
}

@test "load: two loads of different images at once both succeed and both are listed" {
	pp load -i "$IMAGES/layered" >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
	a=$!
	pp load -i "$IMAGES/busybox.docker.tar" >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
	b=$!
	wait "$a" || { cat "$BATS_TEST_TMPDIR/a.out" >&2; return 1; }
	wait "$b" || { cat "$BATS_TEST_TMPDIR/b.out" >&2; return 1; }
	assert_equal "$(all_names)" "$(printf '%s\n' localhost/layered:latest localhost/podplay-test/busybox:latest)"
	assert_tree layered layered
	assert_tree localhost/podplay-test/busybox busybox
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
}

@test "refused: a layer entry with .. (evil-dotdot)" {
	assert_refused "$IMAGES/evil-dotdot" 'refusing a path with `..`'
}

@test "refused: a layer entry with an absolute name (evil-absolute)" {
	assert_refused "$IMAGES/evil-absolute" "refusing an absolute path"
}

@test "refused: a layer entry through a symlink it planted (evil-symlink)" {
	assert_refused "$IMAGES/evil-symlink" "refusing a path through a symlink"
}

@test "refused: a hard link to ../../etc/shadow (evil-hardlink)" {
	assert_refused "$IMAGES/evil-hardlink" 'refusing a path with `..`'
}

@test "refused: a hard link to /etc/shadow (evil-hardlink-absolute)" {
	assert_refused "$IMAGES/evil-hardlink-absolute" "refusing an absolute path"
}

@test "refused: a layer blob whose content has another digest (bad-digest)" {
	assert_refused "$IMAGES/bad-digest" "its content has digest"
}

@test "refused: a truncated layer blob (truncated)" {
	assert_refused "$IMAGES/truncated" "truncated"
}

@test "refused: a manifest of an unknown media type (unknown-mediatype)" {
	assert_refused "$IMAGES/unknown-mediatype" "unknown media type"
}

@test "refused: every bad image packed as an oci-archive too" {
	while read -r bad cause; do
		tar -C "$IMAGES/$bad" -cf "$BATS_TEST_TMPDIR/$bad.tar" .
		assert_refused "$BATS_TEST_TMPDIR/$bad.tar" "$cause"
		rm -f "$BATS_TEST_TMPDIR/$bad.tar"
	done <<'EOF'
evil-dotdot refusing a path with `..`
evil-absolute refusing an absolute path
evil-symlink refusing a path through a symlink
evil-hardlink refusing a path with `..`
evil-hardlink-absolute refusing an absolute path
bad-digest its content has digest
truncated truncated
unknown-mediatype unknown media type
EOF
}

@test "refused: a failed load leaves the images already in the store whole" {
	pp load -i "$IMAGES/busybox" >/dev/null
	store=$(find "$ROOT/blobs" "$ROOT/layers" -printf '%p %y %s\n' | sort)
	for bad in evil-symlink bad-digest truncated; do
		run -125 pp load -i "$IMAGES/$bad"
	done
	assert_equal "$(all_names)" "localhost/busybox:latest"
	assert_equal "$(find "$ROOT/blobs" "$ROOT/layers" -printf '%p %y %s\n' | sort)" "$store"
	assert_equal "$(find "$ROOT/tmp" -mindepth 1 | wc -l)" 0
	assert_tree busybox busybox
}
