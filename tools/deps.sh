#!/bin/bash
# Install the host packages xenc needs (kernel build, QEMU guest, and the
# host tools the 9p-root guest borrows: ping, socat, nc, iperf3, ...;
# python3-yaml for the kernel tree's ynl netlink tool).
# Idempotent: a single dpkg-query when everything is already installed.
set -euo pipefail

pkgs=(
	linux-source-6.12 linux-headers-amd64 qemu-system-x86 busybox-static
	iproute2 ethtool iperf3 sparse dkms gnuplot-nox iputils-ping socat
	netcat-openbsd bc flex bison libelf-dev libssl-dev cpio kmod python3
	clang libclang-rt-14-dev gcc make xz-utils jq libbpf-dev python3-yaml
)

# One dpkg-query for all; it exits 1 (and skips the row) for packages it
# has never seen, and "deinstall"/half-installed rows must count as missing.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null |
	awk '$2" "$3" "$4 == "install ok installed" { print $1 }' || true)
missing=()
for p in "${pkgs[@]}"; do
	grep -qxF "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing: ${missing[*]}" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update
# Install the full list, not just the missing ones: apt treats present
# packages as no-ops and this keeps the command identical everywhere.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}"
