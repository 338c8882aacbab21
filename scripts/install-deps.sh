#!/bin/sh
# Installs the Debian packages podplay needs to build, test and benchmark; quiet and quick when all are there.
set -eu

PKGS="make build-essential pkg-config clang llvm libclang-rt-14-dev
libyaml-dev libjansson-dev libcmocka-dev libarchive-dev libssl-dev libcurl4-openssl-dev libsqlite3-dev libseccomp-dev
libmnl-dev libnftables-dev nftables iproute2
bats python3 python3-yaml python3-jsonschema python3-grpcio
hyperfine time zstd busybox-static skopeo runc
docker-registry apache2-utils curl openssl ca-certificates procps uidmap passwd slirp4netns
fuse-overlayfs zsh bash-completion man-db"

# A minimal Debian has none of make, ps (procps) or a CA bundle (ca-certificates, which pull needs for registries).
# runc runs podplay's bundles in the tests, python3-grpcio serves probes.bats' gRPC health checks; Podman is only the yardstick of bench/: `--bench` adds it.
if [ "${1:-}" = --bench ]; then
	PKGS="$PKGS podman catatonit netavark aardvark-dns"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
