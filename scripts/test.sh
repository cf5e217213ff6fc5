#!/usr/bin/env bash
# Builds moat and runs every test: gcc and clang builds with -Werror, the
# whole suite in a private mount+uts+ipc namespace, the unit tests again
# under AddressSanitizer and UndefinedBehaviorSanitizer, the fuzz targets
# for a minute each (scripts/fuzz.sh), cross builds for aarch64 and riscv64
# checked under qemu-user with a native libmoat built without libbpf and
# json-c (scripts/cross.sh), the install and packaging check, the Debian
# packages, and the formatting check.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${MOAT_BUILD_ROOT:-$root/build}
jobs=$(nproc)
umask 022 # uid 65534 runs part of the suite: it must read what the build makes

# As root, part of the suite runs as uid 65534, which must reach the tree and
# its build. A checkout it cannot reach (one made in `mktemp -d`, or under a
# private home) is tested from a world-readable copy of its files instead;
# nothing in the checkout changes.
reachable_by_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- test -x "$root" -a -r "$root/scripts"
}
if [[ $(id -u) -eq 0 && -z ${MOAT_BUILD_ROOT:-} ]] && ! reachable_by_nobody; then
	stage=$(mktemp -d /tmp/moat-test-tree.XXXXXX)
	trap 'rm -rf "$stage"' EXIT
	{ git ls-files -z --cached --others --exclude-standard && printf '.git\0'; } |
		tar -C "$root" --null --files-from=- --ignore-failed-read -cf - | tar -C "$stage" -xf -
	chmod -R a+rX "$stage"
	printf 'uid 65534 cannot reach %s: testing a copy in %s\n' "$root" "$stage"
	status=0
	"$stage/scripts/test.sh" || status=$?
	exit "$status"
fi

scripts/install-deps.sh

step() { printf '\n==== %s\n' "$*"; }

configure_and_build() { # directory, then cmake arguments
	local directory=$1
	shift
	cmake -S "$root" -B "$directory" -DMOAT_WERROR=ON "$@" >/dev/null
	cmake --build "$directory" -j "$jobs"
}

# Escape tests must not reach the machine if a sandbox fails: run the suite
# where mounts and the hostname are private to it.
isolated() {
	if [[ $(id -u) -eq 0 ]]; then
		unshare --mount --uts --ipc --propagation private -- "$@"
	else
		unshare --user --map-root-user --mount --uts --ipc --propagation private -- "$@"
	fi
}

step "gcc build"
CC=gcc configure_and_build "$build/gcc" -DCMAKE_BUILD_TYPE=RelWithDebInfo
step "all tests (gcc build)"
isolated ctest --test-dir "$build/gcc" --output-on-failure -j "$jobs"
# A skipped test passed nothing: name each one, with its reason, where CI shows it.
skipped=$(grep -hE '^SKIP: |^\[  SKIPPED \] [a-z_]+$' "$build/gcc/Testing/Temporary/LastTest.log" | sort -u || true)
if [[ -n "$skipped" ]]; then
	printf '\nskipped, not passed:\n%s\n' "$skipped"
fi

step "clang build"
CC=clang configure_and_build "$build/clang" -DCMAKE_BUILD_TYPE=RelWithDebInfo
step "unit tests (clang build)"
isolated ctest --test-dir "$build/clang" --output-on-failure -j "$jobs" -L unit

step "AddressSanitizer + UndefinedBehaviorSanitizer build"
CC=clang configure_and_build "$build/sanitize" -DCMAKE_BUILD_TYPE=Debug \
	-DMOAT_SANITIZE=address,undefined
step "unit tests under the sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	isolated ctest --test-dir "$build/sanitize" --output-on-failure -j "$jobs" -L unit

step "fuzzing: each libFuzzer target for 60 s under the sanitizers"
scripts/fuzz.sh "$build"
step "cross builds for aarch64 and riscv64 under qemu-user; a libmoat without libbpf and json-c"
scripts/cross.sh "$build/gcc" "$build/cross"

step "install and packaging"
scripts/check-install.sh "$build/gcc"
step "Debian packages"
scripts/check-deb.sh

step "formatting"
scripts/check-format.sh

printf '\nmoat: every test passed\n'
