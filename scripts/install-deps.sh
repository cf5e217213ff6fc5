#!/usr/bin/env bash
# Installs the Debian packages moat needs to build and test, when they are
# missing. Runs apt-get as root (directly, or through sudo).
set -euo pipefail

packages=(
	build-essential cmake pkg-config clang clang-format
	libseccomp-dev libcmocka-dev
	# [network] egress: cgroup BPF programs built with clang -target bpf, loaded with libbpf.
	libbpf-dev libelf-dev zlib1g-dev linux-libc-dev
	util-linux iproute2 tzdata
	# The programs whose shipped policies tests/integration/policies.sh proves.
	python3 perl nodejs jq sqlite3 gzip xz-utils zstd bzip2 tar unzip zip bash dash
	coreutils grep sed gawk findutils git curl openssl file imagemagick poppler-utils
	libxml2-utils gcc make lua5.4 gpgv rsync
	# /usr/bin/time: the CPU time of the long fuzzing runs (scripts/fuzz-long.sh).
	time
	# scripts/cross.sh: cross-builds for aarch64 and riscv64, run under qemu-user.
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
	qemu-user-static
	# scripts/cross.sh runs the kernel-independent unit tests for aarch64 under
	# qemu: arm64 cmocka and libseccomp from Debian's multiarch archive (riscv64
	# has none in Debian 12). The arm64 architecture is added below.
	libcmocka-dev:arm64 libseccomp-dev:arm64
	# moat export/import --format oci read and write JSON with json-c (docs/oci.md).
	libjson-c-dev
	# The default seccomp profile of Podman and CRI-O (/usr/share/containers/seccomp.json):
	# scripts/oci.sh imports it and compares the result with libseccomp's reading.
	golang-github-containers-common
	# scripts/check-deb.sh builds the Debian packages and checks them with lintian.
	dpkg-dev debhelper lintian fakeroot
	# tests/integration/completion.sh drives the zsh completion (completions/_moat.in) in zsh.
	zsh
)
# Benchmarks compare against these; `scripts/install-deps.sh --bench` adds them.
if [[ "${1:-}" == "--bench" ]]; then
	packages+=(bubblewrap hyperfine)
	# bench/plot.py draws the figures of docs/performance.md.
	packages+=(python3-matplotlib)
fi

missing=()
for package in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$package")
	fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "moat: installing ${missing[*]}" >&2
run_as_root=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || {
		echo "moat: missing packages (${missing[*]}); install them as root" >&2
		exit 1
	}
	run_as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# The :arm64 packages need the architecture known to dpkg, and its package
# lists: apt-get update follows when the first install fails.
if [[ " ${missing[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	"${run_as_root[@]}" dpkg --add-architecture arm64
fi
if ! "${run_as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
	"${run_as_root[@]}" apt-get update
	"${run_as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
