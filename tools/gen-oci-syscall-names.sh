#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Generates lib/import/other_syscalls.c: the names of the syscalls that
# libseccomp knows on some architecture, for `moat import` to tell a name an
# OCI profile may list for another architecture (skipped, as runc skips it)
# from a misspelt one (an error).
#
#   tools/gen-oci-syscall-names.sh [OUTPUT]  (default: lib/import/other_syscalls.c)
#
# Reads every architecture's table of the installed libseccomp through a small
# program; needs a C compiler, pkg-config and libseccomp headers. The names
# are rows of one char array as wide as the longest name and its NUL, not
# pointers, so that the table needs no relocation at start-up and stays
# read-only.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
output=${1:-$root/lib/import/other_syscalls.c}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/dump.c" <<'PROGRAM'
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	static const char *const arches[] = {
	        "x86", "x86_64", "x32", "arm", "aarch64", "mips", "mipsel", "mips64",
	        "mipsel64", "mips64n32", "mipsel64n32", "parisc", "parisc64", "ppc",
	        "ppc64", "ppc64le", "s390", "s390x", "riscv64",
	};
	const struct scmp_version *version = seccomp_version();

	printf("version %u.%u.%u\n", version->major, version->minor, version->micro);
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		uint32_t arch = seccomp_arch_resolve_name(arches[a]);

		if (!arch)
			continue;
		/* Ordinary numbers (mips n32 reach 6999), ARM's private ones, x32's. */
		static const int ranges[][2] = {
		        {0, 8000}, {0xf0000, 0xf0100}, {0x40000000, 0x40000400}};

		for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
			for (int number = ranges[r][0]; number < ranges[r][1]; number++) {
				char *name = seccomp_syscall_resolve_num_arch(arch, number);

				if (name)
					printf("%s\n", name);
				free(name);
			}
		}
	}
	return 0;
}
PROGRAM
cc -o "$work/dump" "$work/dump.c" $(pkg-config --cflags --libs libseccomp)
"$work/dump" >"$work/names"
version=$(sed -n 's/^version //p' "$work/names")
grep -v '^version ' "$work/names" | LC_ALL=C sort -u >"$work/sorted"
name_size=$(awk '{ if (length($0) > longest) longest = length($0) } END { print longest + 1 }' \
	"$work/sorted")
{
	cat <<HEADER
// SPDX-License-Identifier: MIT
/*
 * The syscall names libseccomp $version knows on any architecture. Generated
 * by tools/gen-oci-syscall-names.sh: do not edit, run it again.
 */
#include "import/other_syscalls.h"

#include <stdlib.h>
#include <string.h>

/* Sorted in strcmp() order for bsearch(); as wide as the longest name and its NUL. */
static const char names[][$name_size] = {
HEADER
	sed 's/.*/\t"&",/' "$work/sorted"
	cat <<'FOOTER'
};

static int compare_name(const void *key, const void *entry)
{
	return strcmp(key, entry);
}

bool moat_import_syscall_exists_elsewhere(const char *name)
{
	return bsearch(name, names, sizeof(names) / sizeof(names[0]), sizeof(names[0]),
	               compare_name) != NULL;
}
FOOTER
} >"$output"
if command -v clang-format >/dev/null; then
	clang-format -i "$output"
fi
