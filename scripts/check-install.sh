#!/usr/bin/env bash
# Installs a build into a staging prefix and checks what a user gets: the
# files, the exported symbols, pkg-config and find_package(moat).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:?usage: check-install.sh BUILD_DIRECTORY}")
stage=$build/stage
rm -rf "$stage" "$build/package-check"
cmake --install "$build" --prefix "$stage" >/dev/null

fail() { echo "moat: install check: $*" >&2; exit 1; }
libdir=$(find "$stage" -name libmoat.so -printf '%h\n' | head -n 1)
[[ -n "$libdir" ]] || fail "libmoat.so is not installed"
for file in "$libdir/libmoat.a" "$stage/include/moat.h" "$libdir/pkgconfig/moat.pc" \
	"$libdir/cmake/moat/moatConfig.cmake" "$stage/bin/moat" "$stage/share/man/man1/moat.1" \
	"$stage/share/bash-completion/completions/moat" "$stage/share/zsh/site-functions/_moat"; do
	[[ -e "$file" ]] || fail "$file is missing"
done
# The completions offer the policies of the prefix the build was configured for.
for file in "$stage/share/bash-completion/completions/moat" "$stage/share/zsh/site-functions/_moat"; do
	grep -qx "_moat_installed_policies='/.*/share/moat/policies'" "$file" ||
		fail "$file does not name the installed policies directory"
done
zsh -n "$stage/share/zsh/site-functions/_moat" || fail "the installed zsh completion does not parse"
ls "$stage"/share/moat/policies/*.policy >/dev/null 2>&1 || fail "no policies installed"
# The program policies are installed and found by name (docs/policies.md).
for name in program-base python3 perl node jq sqlite3 gzip xz zstd bzip2 tar unzip shell git \
	curl openssl file convert pdftotext xmllint cc make lua gpgv rsync; do
	(cd / && MOAT_POLICY_PATH="$stage/share/moat/policies" "$stage/bin/moat" check "$name") ||
		fail "the installed policy $name is not found by name, or invalid"
done

# Only the public API leaves the libraries: exactly lib/libmoat.symbols.
nm -D --defined-only "$libdir/libmoat.so" | awk '$3 != "MOAT_0" {sub(/@.*/, "", $3); print $3}' |
	sort >"$build/exported.shared"
nm -g --defined-only "$libdir/libmoat.a" | awk 'NF == 3 {print $3}' | sort >"$build/exported.static"
for list in shared static; do
	diff -u <(sort lib/libmoat.symbols) "$build/exported.$list" ||
		fail "the installed $list library does not export exactly lib/libmoat.symbols"
done
echo "libmoat.so and libmoat.a export the $(wc -l <lib/libmoat.symbols) public functions and nothing else"

# The ABI: a consumer built against this version's installed header runs
# against the installed libraries, shared and static (tests/abi/).
cc -std=c17 -Wall -Wextra -Werror -I"$stage/include" tests/abi/consumer.c -L"$libdir" -lmoat \
	-o "$build/abi_consumer"
LD_LIBRARY_PATH=$libdir "$build/abi_consumer" || fail "the ABI consumer fails against libmoat.so"
# libmoat.a needs libbpf's archives too ([network] egress), as moat.pc's Requires.private says.
cc -std=c17 -Wall -Wextra -Werror -I"$stage/include" tests/abi/consumer.c "$libdir/libmoat.a" \
	$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --define-prefix --static --libs-only-l moat |
		sed 's/-lmoat//') -o "$build/abi_consumer_static"
"$build/abi_consumer_static" || fail "the ABI consumer fails against libmoat.a"
echo "the ABI consumer runs against the installed libraries"

# The policy language's reference page, moat.policy(5).
[[ -e "$stage/share/man/man5/moat.policy.5" ]] || fail "moat.policy.5 is not installed"

# The installed command exports and imports seccomp profiles (docs/oci.md).
(cd / && MOAT_POLICY_PATH="$stage/share/moat/policies" "$stage/bin/moat" export --format oci \
	stdio >"$build/stdio.json") || fail "the installed moat cannot export a profile"
"$stage/bin/moat" import "$build/stdio.json" >/dev/null || fail "the installed moat cannot import"
[[ -e "$stage/share/doc/moat/oci.md" ]] || fail "docs/oci.md is not installed"
[[ -e "$stage/share/man/man1/moat.1" ]] && grep -q "moat import" "$stage/share/man/man1/moat.1" ||
	fail "moat(1) does not document import"


# Every exported function has a man page (or an alias of one), installed.
for symbol in $(nm -D --defined-only "$libdir/libmoat.so" | awk '$2 == "T" && $3 ~ /^moat_/ {print $3}'); do
	[[ -e "$stage/share/man/man3/${symbol%%@*}.3" ]] || fail "no man page for ${symbol%%@*}"
done

# Every installed man page names an exported function (or is an alias of one), so
# a page does not outlive the function it documents.
for page in "$stage"/share/man/man3/moat_*.3; do
	name=$(basename "$page" .3)
	nm -D --defined-only "$libdir/libmoat.so" | awk '{print $3}' | sed 's/@.*//' |
		grep -qx "$name" || fail "man page $name.3 documents no exported function"
done

# pkg-config, relocated to the staging prefix.
export PKG_CONFIG_PATH=$libdir/pkgconfig
flags=$(pkg-config --define-prefix --cflags --libs moat)
cc -Wall -Wextra -Werror examples/check_policy.c $flags -o "$build/check_policy_pkgconfig"
# A static link needs json-c, which the .pc names as a private requirement.
pkg-config --define-prefix --static --libs moat | grep -q -- -ljson-c ||
	fail "pkg-config --static --libs moat lacks json-c"
LD_LIBRARY_PATH=$libdir "$build/check_policy_pkgconfig" tests/data/spec/parser.policy

# The moat command from its sources, out of the tree, against the installed
# header and libraries only (it uses nothing but moat.h): dynamic, and static
# as the installed one is. Control: a file that includes an internal header
# does not build there, so the build cannot have found one.
command_build=$build/package-command
rm -rf "$command_build" && mkdir -p "$command_build"
printf '#include "syscalls/syscalls.h"\nint main(void) { return 0; }\n' >"$command_build/internal.c"
if cc -I"$stage/include" -Itools/moat -c "$command_build/internal.c" -o /dev/null 2>/dev/null; then
	fail "control: an internal header is found next to the installed moat.h"
fi
cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Itools/moat tools/moat/*.c $flags -o "$command_build/moat"
cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Itools/moat tools/moat/*.c -static-pie \
	$(pkg-config --define-prefix --static --cflags --libs moat) -o "$command_build/moat_static"
file "$command_build/moat_static" | grep -q 'static-pie linked' ||
	fail "the command built against libmoat.a is not static"
for command in "LD_LIBRARY_PATH=$libdir $command_build/moat" "$command_build/moat_static"; do
	(cd / && env MOAT_POLICY_PATH="$stage/share/moat/policies" $command check python3) ||
		fail "$command check python3"
	decision=$(env $command eval "$(pwd)/tests/data/spec/parser.policy" openat AT_FDCWD 0 O_RDONLY)
	[[ $decision == "allow by "* ]] || fail "$command eval openat: '$decision'"
	decision=$(env $command eval "$(pwd)/tests/data/spec/parser.policy" openat AT_FDCWD 0 O_WRONLY)
	[[ $decision == "errno EACCES by "* ]] || fail "$command eval openat O_WRONLY: '$decision'"
	decision=$(env $command eval --arch aarch64 "$(pwd)/tests/data/spec/parser.policy" ptrace)
	[[ $decision == "kill by "* ]] || fail "$command eval --arch aarch64 ptrace: '$decision'"
	env $command features | grep -q '^landlock: ' || fail "$command features"
done
echo "the moat command builds and runs against the installed libmoat alone"

# The plugin host example, out of the tree with pkg-config, run against its
# plugins (tests/package/check_plugin_host.sh checks every reason).
plugins=$build/package-plugins
rm -rf "$plugins" && mkdir -p "$plugins"
cc -Wall -Wextra -Werror examples/plugin_host.c $flags -o "$build/plugin_host_pkgconfig"
for source in examples/plugins/*.c; do
	cc -Wall -Wextra -Werror -shared -fPIC "$source" -o "$plugins/$(basename "$source" .c).so"
done
LD_LIBRARY_PATH=$libdir tests/package/check_plugin_host.sh "$build/plugin_host_pkgconfig" \
	"$plugins" >/dev/null || fail "the plugin host built with pkg-config"

# The Python package (docs/python.md), where CMake installed it, finds the
# installed library by itself (its _config.py): no MOAT_LIBRARY, no
# LD_LIBRARY_PATH. Its plugin host runs against its plugins.
python_dir=$stage/lib/python3/dist-packages
[[ -e $python_dir/moat/__init__.py && -e $python_dir/moat/_config.py &&
	-e $python_dir/moat/_soname.py ]] || fail "the Python package is not installed in $python_dir"
python=$(PATH=/usr/bin:$PATH command -v python3)
version=$(sed -n 's/^#define MOAT_VERSION_STRING "\(.*\)"/\1/p' include/moat.h)
# It loads the library by the soname the library declares.
soname=$(objdump -p "$libdir/libmoat.so" | awk '$1 == "SONAME" {print $2}')
(cd / && PYTHONPATH=$python_dir "$python" -c 'import moat, sys
sys.exit(moat.version() != sys.argv[1] or moat._lib._name != sys.argv[2])' \
	"$version" "$libdir/$soname") ||
	fail "the installed Python package does not load the installed library $libdir/$soname"
PYTHONPATH=$python_dir tests/package/check_python_plugin_host.sh "$python" \
	examples/python/plugin_host.py examples/python/plugins >/dev/null ||
	fail "the Python plugin host against the installed package"
echo "the installed Python package runs its plugin host against the installed library"

# find_package(moat) from a separate CMake project, shared and static.
cmake -S tests/package -B "$build/package-check" -DCMAKE_PREFIX_PATH="$stage" \
	-DEXAMPLE_SOURCE="$(pwd)/examples/check_policy.c" \
	-DPLUGIN_HOST_SOURCE="$(pwd)/examples/plugin_host.c" \
	-DPLUGIN_SOURCES="$(pwd)/examples/plugins" >/dev/null
cmake --build "$build/package-check" >/dev/null
LD_LIBRARY_PATH=$libdir "$build/package-check/check_policy" tests/data/spec/parser.policy
"$build/package-check/check_policy_static" tests/data/spec/parser.policy
LD_LIBRARY_PATH=$libdir tests/package/check_plugin_host.sh "$build/package-check/plugin_host" \
	"$build/package-check/plugins" >/dev/null || fail "the plugin host built with find_package"
if "$build/package-check/check_policy_static" tests/data/spec/conflict.policy 2>/dev/null; then
	fail "an invalid policy was accepted"
fi
echo "install check passed"
