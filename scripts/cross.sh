#!/usr/bin/env bash
# Cross-builds libmoat and the command for aarch64 and riscv64 and runs what
# needs no kernel feature under qemu-user: the policy front end, the code
# generator and the BPF interpreter, through the cross-built command.
#
#   scripts/cross.sh NATIVE_BUILD [CROSS_BUILD_ROOT]
#
# NATIVE_BUILD is a native build directory (its tools/moat/moat is the
# reference); the cross builds go to CROSS_BUILD_ROOT/ARCH (default
# NATIVE_BUILD/../cross). Installs nothing: scripts/install-deps.sh brings
# the cross compilers, their C libraries and qemu-user-static.
#
# The checks, for each architecture:
#   - every shipped policy passes `moat check`;
#   - the emulated command compiles every shipped policy, for each of the
#     three architectures, to the very listing (every instruction) the
#     native command prints with the same --arch: the filter does not depend
#     on the machine that builds it;
#   - every `syscall` line of tests/policies/*.test, evaluated by the
#     emulated command on its own architecture (one `moat test` run), gets
#     the answer the native command gives with --arch: the interpreter and
#     the code generator agree across hosts;
#   - tests/integration/arch.sh passes with the emulated command.
# The cmocka unit tests stay native: Debian 12 ships no riscv64 packages
# (so no cmocka or libseccomp for it), and the checks above reach the same
# code through the command.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
native_build=$(cd "${1:?usage: scripts/cross.sh NATIVE_BUILD [CROSS_BUILD_ROOT]}" && pwd)
cross_root=${2:-$native_build/../cross}
native=$native_build/tools/moat/moat
jobs=$(nproc)
failures=0
work=$(mktemp -d /tmp/moat-cross.XXXXXX)
trap 'rm -rf "$work"' EXIT
export MOAT_POLICY_PATH=$root/policies

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

for tool in aarch64-linux-gnu-gcc riscv64-linux-gnu-gcc qemu-aarch64-static \
	qemu-riscv64-static; do
	command -v "$tool" >/dev/null || {
		echo "cross: $tool is missing; run scripts/install-deps.sh" >&2
		exit 1
	}
done
[[ -x "$native" ]] || {
	echo "cross: no native command at $native" >&2
	exit 1
}

build_for() { # arch
	local arch=$1
	cmake -S "$root" -B "$cross_root/$arch" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-$arch.cmake" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOAT_WERROR=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
	cmake --build "$cross_root/$arch" -j "$jobs" >"$work/build-$arch.log" ||
		{
			cat "$work/build-$arch.log" >&2
			return 1
		}
}

# A command that runs the emulated moat, for scripts that expect a program.
make_wrapper() { # arch
	local arch=$1 wrapper=$work/moat-$arch
	printf '#!/bin/sh\nexec qemu-%s-static -L /usr/%s-linux-gnu %q "$@"\n' \
		"$arch" "$arch" "$cross_root/$arch/tools/moat/moat" >"$wrapper"
	chmod 755 "$wrapper"
	echo "$wrapper"
}

# The native listings of every shipped policy for every architecture, once.
native_listings() {
	local policy target
	mkdir -p "$work/native"
	for policy in "$root"/policies/*.policy; do
		for target in x86_64 aarch64 riscv64; do
			"$native" compile --arch "$target" "$policy" \
				>"$work/native/$(basename "$policy").$target" 2>/dev/null || true
		done
	done
}

check_policies() { # arch, emulated command
	local arch=$1 emulated=$2 policy name target
	"$emulated" check "$root"/policies/*.policy 2>"$work/check.err" ||
		fail "$arch: moat check of the shipped policies: $(cat "$work/check.err")"
	for policy in "$root"/policies/*.policy; do
		name=$(basename "$policy")
		for target in x86_64 aarch64 riscv64; do
			"$emulated" compile --arch "$target" "$policy" >"$work/emulated.txt" 2>/dev/null || true
			cmp -s "$work/native/$name.$target" "$work/emulated.txt" ||
				fail "$arch: $name for $target compiles differently than on $(uname -m)"
		done
	done
}

# A `moat test` file per tests/policies/*.test whose `syscall` lines expect
# what the native command's `eval --arch ARCH` answers; lines naming a
# syscall ARCH lacks are left out. One emulated `moat test` runs them all.
write_expectations() { # arch, directory
	local arch=$1 directory=$2 test_file policy line answer count=0
	local -a words
	mkdir -p "$directory"
	for test_file in "$root"/tests/policies/*.test; do
		policy=$(sed -n 's/^policy "\(.*\)"$/\1/p' "$test_file" | head -n 1)
		policy=$(cd "$(dirname "$test_file")" && realpath "$policy")
		{
			echo "moat-test 1"
			echo "policy \"$policy\""
			while read -r line; do
				read -r -a words <<<"${line%%->*}"
				answer=$("$native" eval --arch "$arch" "$policy" "${words[@]:1}" 2>/dev/null) ||
					continue
				echo "${line%%->*}-> ${answer%% by *}"
				count=$((count + 1))
			done < <(grep '^syscall ' "$test_file")
		} >"$directory/$(basename "$test_file")"
	done
	echo "$count"
}

check_evaluations() { # arch, emulated command
	local arch=$1 emulated=$2 count
	count=$(write_expectations "$arch" "$work/expect-$arch")
	[[ $count -gt 200 ]] || fail "$arch: only $count syscall expectations written"
	"$emulated" test "$work/expect-$arch"/*.test >"$work/test.out" 2>&1 ||
		fail "$arch: the emulated interpreter disagrees: $(grep -v '^ok' "$work/test.out" | head -20)"
	echo "cross: $arch: $count evaluations agree with the native command's --arch $arch"
}

native_listings
for arch in aarch64 riscv64; do
	echo "cross: building for $arch"
	build_for "$arch"
	emulated=$(make_wrapper "$arch")
	printf 'moat 1\n[syscalls]\ndefault allow\n' >"$work/allow.policy"
	header=$("$emulated" compile "$work/allow.policy" 2>/dev/null | head -n 1)
	[[ "$header" == "; moat seccomp filter for $arch: "* ]] ||
		fail "$arch: the emulated command builds for '$header', not for $arch"
	check_policies "$arch" "$emulated"
	check_evaluations "$arch" "$emulated"
	MOAT=$emulated MOAT_TEST_DATA=$root/tests/data bash "$root/tests/integration/arch.sh" ||
		fail "$arch: tests/integration/arch.sh"
done

if [[ $failures -gt 0 ]]; then
	echo "cross: $failures check(s) failed" >&2
	exit 1
fi
echo "cross: every check passed"
