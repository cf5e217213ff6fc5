#!/usr/bin/env bash
# Cross-builds libmoat and the command for aarch64 and riscv64 and runs what
# needs no kernel feature under qemu-user: the policy front end, the code
# generator and the BPF interpreter, through the cross-built command, and
# for aarch64 the cmocka unit tests of the same parts.
#
# Debian 12 has no libbpf or json-c for riscv64 (no riscv64 port at all), so
# both cross builds leave out [network] egress and OCI profiles
# (-DMOAT_EGRESS=OFF -DMOAT_OCI=OFF: their functions return -EOPNOTSUPP and
# say so); scripts/check-without-libraries.sh checks what such a libmoat
# does, natively.
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
#     on the machine that builds it (both with --as-written: the rules that
#     close what the running kernel's Landlock lacks depend on that kernel,
#     and under qemu-user the emulated command sees no Landlock at all);
#   - every `syscall` line of tests/policies/*.test, evaluated by the
#     emulated command on its own architecture (one `moat test` run), gets
#     the answer the native command gives with --arch: the interpreter and
#     the code generator agree across hosts;
#   - tests/integration/arch.sh passes with the emulated command;
#   - aarch64 only: the unit tests that need no kernel feature (the front
#     end, the property test of the code generator and interpreter, the
#     fuzz corpus replays; emulated_unit_tests below) pass under
#     qemu-aarch64, linked with
#     Debian's arm64 cmocka and libseccomp (multiarch, install-deps.sh).
#     riscv64 has no such packages in Debian 12: the checks above reach the
#     same code through the command there.
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
for library in cmocka libseccomp; do
	[[ -e /usr/lib/aarch64-linux-gnu/pkgconfig/$library.pc ]] || {
		echo "cross: $library for arm64 is missing; run scripts/install-deps.sh" >&2
		exit 1
	}
done
[[ -x "$native" ]] || {
	echo "cross: no native command at $native" >&2
	exit 1
}

# The unit tests that need no kernel feature and assume no x86_64 host, run
# under qemu for aarch64: the front end, the groups, the interpreter (against
# the IR evaluator in the property test) and the fuzz corpus replays.
# test_seccomp_interpreter and test_groups install filters in children where
# they can: qemu-user cannot (seccomp(2) fails with ENOSYS), and those parts
# say so and skip. Left out: test_syscalls, test_seccomp_codegen,
# test_seccomp_listing and test_seccomp_libseccomp expect x86_64 numbers and
# listings.
emulated_unit_tests=(test_policy_syntax test_policy_resolve test_constants test_arch
	test_decide test_groups test_seccomp_property test_seccomp_interpreter replay_policy_load
	replay_codegen replay_broker_decode)

# The C library the emulated programs load: for aarch64 Debian's multiarch
# libc6:arm64 (the arm64 cmocka and libseccomp need it), whose loader matches
# the libc.so.6 the host's ld.so.cache names; libc6-arm64-cross's loader with
# that libc.so.6 differ in version, and a fork()ed child loops forever in
# glibc. Debian 12 has no riscv64 multiarch libc: the cross one is whole.
qemu_prefix() { # arch
	if [[ $1 == aarch64 ]]; then
		echo /
	else
		echo "/usr/$1-linux-gnu"
	fi
}

build_for() { # arch
	local arch=$1 log=$work/build-$arch.log
	local -a options=(-DMOAT_BUILD_TESTS=OFF) targets=(all)
	if [[ $arch == aarch64 ]]; then
		options=(-DMOAT_BUILD_TESTS=ON)
		targets=(moat moat_shared moat_static "${emulated_unit_tests[@]}")
	fi
	cmake -S "$root" -B "$cross_root/$arch" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-$arch.cmake" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOAT_WERROR=ON -DMOAT_PYTHON=OFF \
		-DMOAT_EGRESS=OFF -DMOAT_OCI=OFF "${options[@]}" >"$log" 2>&1 &&
		cmake --build "$cross_root/$arch" -j "$jobs" --target "${targets[@]}" >>"$log" 2>&1 ||
		{
			cat "$log" >&2
			return 1
		}
}

check_unit_tests() { # arch
	local arch=$1 pattern
	pattern="^unit/($(
		IFS='|'
		echo "${emulated_unit_tests[*]}"
	))\$"
	ctest --test-dir "$cross_root/$arch" -R "$pattern" -j "$jobs" --timeout 300 --output-on-failure \
		>"$work/ctest-$arch.log" 2>&1 ||
		fail "$arch: unit tests under qemu: $(tail -n 40 "$work/ctest-$arch.log")"
	grep -q "100% tests passed, 0 tests failed out of ${#emulated_unit_tests[@]}\$" \
		"$work/ctest-$arch.log" ||
		fail "$arch: not all ${#emulated_unit_tests[@]} unit tests ran: $(tail -n 5 "$work/ctest-$arch.log")"
	echo "cross: $arch: ${#emulated_unit_tests[@]} unit test programs pass under qemu"
}

# A command that runs the emulated moat, for scripts that expect a program.
make_wrapper() { # arch
	local arch=$1 wrapper=$work/moat-$arch
	printf '#!/bin/sh\nexec qemu-%s-static -L %q %q "$@"\n' \
		"$arch" "$(qemu_prefix "$arch")" "$cross_root/$arch/tools/moat/moat" >"$wrapper"
	chmod 755 "$wrapper"
	echo "$wrapper"
}

# The native listings of every shipped policy for every architecture, once.
native_listings() {
	local policy target
	mkdir -p "$work/native"
	for policy in "$root"/policies/*.policy; do
		for target in x86_64 aarch64 riscv64; do
			"$native" compile --as-written --arch "$target" "$policy" \
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
			"$emulated" compile --as-written --arch "$target" "$policy" >"$work/emulated.txt" \
				2>/dev/null || true
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
	MOAT=$emulated MOAT_TEST_DATA=$root/tests/data MOAT_SOURCE_DIR=$root bash "$root/tests/integration/arch.sh" ||
		fail "$arch: tests/integration/arch.sh"
	if [[ $arch == aarch64 ]]; then
		check_unit_tests "$arch"
	fi
done

echo "cross: a native libmoat without libbpf and json-c"
"$root/scripts/check-without-libraries.sh" "$native_build" "$cross_root/without-libraries" ||
	fail "scripts/check-without-libraries.sh"

if [[ $failures -gt 0 ]]; then
	echo "cross: $failures check(s) failed" >&2
	exit 1
fi
echo "cross: every check passed"
