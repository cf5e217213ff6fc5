#!/usr/bin/env bash
# Builds the Debian packages (libmoat1, libmoat-dev, moat) with
# `dpkg-buildpackage -us -uc -b` from a clean copy of the tree, checks them
# with lintian, compares debian/libmoat1.symbols with what the library
# exports, unpacks them into a scratch root and runs what their users run:
# `moat features`, policies found by name, the bash and zsh completions, and
# examples/check_policy.c built out of the tree against the packaged library
# with pkg-config and with find_package(moat). Nothing is installed on the
# machine. After a change to the exported API, scripts/update-symbols.sh
# rewrites the symbols file.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fail() {
	echo "moat: deb check: $*" >&2
	exit 1
}

work=$(mktemp -d /tmp/moat-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
project_version=$(sed -n 's/^project(moat VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ ${version%%-*} == "$project_version" ]] ||
	fail "debian/changelog says $version, CMakeLists.txt $project_version"

# The files of the checkout (committed or not, never ignored ones), without
# its build trees, so the packages hold exactly what a clean clone builds.
source=$work/moat-$version
mkdir "$source"
git ls-files -z --cached --others --exclude-standard |
	tar -C "$root" --null --files-from=- --ignore-failed-read -cf - | tar -C "$source" -xf -

echo "building the packages (log: dpkg-buildpackage.log in the scratch directory)"
if ! (cd "$source" && DEB_BUILD_OPTIONS="parallel=$(nproc) noautodbgsym" \
	dpkg-buildpackage -us -uc -b >"$work/dpkg-buildpackage.log" 2>&1); then
	tail -n 40 "$work/dpkg-buildpackage.log" >&2
	fail "dpkg-buildpackage failed"
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
for package in libmoat1 libmoat-dev moat; do
	[[ -e "$work/${package}_${version}_$arch.deb" ]] || fail "no $package .deb was built"
done

# Lintian: warnings and errors fail; what is accepted is in
# debian/*.lintian-overrides, each with its reason.
lintian --fail-on error,warning --tag-display-limit 0 "$work/moat_${version}_$arch.changes" ||
	fail "lintian found problems (fix them, or override with a reason)"

dpkg-deb -x "$work/libmoat1_${version}_$arch.deb" "$work/root-libmoat1"

# What each package holds: the library alone in libmoat1, under the
# multiarch directory.
contents() { dpkg-deb -c "$work/${1}_${version}_$arch.deb" | awk '{print $6}' | sed 's|^\./|/|'; }
expect_file() { # package, path
	contents "$1" | grep -qx -- "$2" || fail "$1 lacks $2"
}
expect_file libmoat1 "/usr/lib/$multiarch/libmoat.so.1"
soname=$(objdump -p "$work/root-libmoat1/usr/lib/$multiarch/libmoat.so.1" | awk '$1 == "SONAME" {print $2}')
[[ $soname == libmoat.so.1 ]] || fail "libmoat1 holds a library whose soname is '$soname'"
! contents libmoat1 | grep -E '\.(h|a|pc)$|/bin/|/share/man/' ||
	fail "libmoat1 holds more than the shared library"
for path in /usr/include/moat.h "/usr/lib/$multiarch/libmoat.a" "/usr/lib/$multiarch/libmoat.so" \
	"/usr/lib/$multiarch/pkgconfig/moat.pc" "/usr/lib/$multiarch/cmake/moat/moatConfig.cmake" \
	/usr/share/man/man3/moat_spawn.3.gz; do
	expect_file libmoat-dev "$path"
done
for path in /usr/bin/moat /usr/share/moat/policies/system.policy /usr/share/man/man1/moat.1.gz \
	/usr/share/bash-completion/completions/moat /usr/share/zsh/vendor-completions/_moat; do
	expect_file moat "$path"
done
if [[ -e docs/man/moat.policy.5 ]]; then
	expect_file moat /usr/share/man/man5/moat.policy.5.gz
fi

scratch=$work/root
for package in libmoat1 libmoat-dev moat; do
	dpkg-deb -x "$work/${package}_${version}_$arch.deb" "$scratch"
done
libdir=$scratch/usr/lib/$multiarch

# The symbols file lists exactly what the library exports: the public moat_*
# functions and the version node, as dpkg-gensymbols names them.
exported=$(nm -D --defined-only "$libdir/libmoat.so.1" |
	awk '$2 == "A" {print $3 "@" $3; next} {sub("@@", "@", $3); print $3}' | sort)
listed=$(sed -n 's/^ \([^ ]*\) .*/\1/p' debian/libmoat1.symbols | sort)
if [[ "$exported" != "$listed" ]]; then
	diff <(echo "$listed") <(echo "$exported") >&2 || true
	fail "debian/libmoat1.symbols differs from the exports (< listed, > exported); after an API change run scripts/update-symbols.sh"
fi
! grep -v '^MOAT_0@MOAT_0$' <<<"$exported" | grep -v '^moat_[a-z0-9_]*@MOAT_0$' ||
	fail "libmoat.so.1 exports symbols outside the public moat_* API"

# The command runs from the package and finds the packaged policies by name.
"$scratch/usr/bin/moat" features | grep -q '^landlock' || fail "moat features from the package"
MOAT_POLICY_PATH=$scratch/usr/share/moat/policies "$scratch/usr/bin/moat" check system python3 ||
	fail "the packaged policies are not found by name"
# Without MOAT_POLICY_PATH the command looks in /usr/share/moat/policies: in a
# chroot of the scratch root (the command is static) that is the packaged one.
if [[ $(id -u) -eq 0 ]]; then
	chroot "$scratch" /usr/bin/moat check stdio no-network ||
		fail "the packaged command does not find /usr/share/moat/policies by itself"
	# Control: a name that is nowhere is looked for there, and fails.
	! chroot "$scratch" /usr/bin/moat check nonesuch 2>"$work/nonesuch" ||
		fail "a policy name that is nowhere was accepted"
	grep -q "/usr/share/moat/policies" "$work/nonesuch" ||
		fail "the packaged command does not search /usr/share/moat/policies: $(cat "$work/nonesuch")"
fi
grep -qx "_moat_installed_policies='/usr/share/moat/policies'" \
	"$scratch/usr/share/bash-completion/completions/moat" ||
	fail "the packaged completion does not name /usr/share/moat/policies"
bash -c 'source "$1" && complete -p moat' _ "$scratch/usr/share/bash-completion/completions/moat" \
	>/dev/null || fail "the packaged completion does not load"
# The zsh one, where Debian's zsh looks (vendor-completions), driven through
# zsh's completion system with the packaged command on PATH.
zsh_completion=$scratch/usr/share/zsh/vendor-completions/_moat
grep -qx "_moat_installed_policies='/usr/share/moat/policies'" "$zsh_completion" ||
	fail "the packaged zsh completion does not name /usr/share/moat/policies"
offered=$(PATH=$scratch/usr/bin:$PATH MOAT_POLICY_PATH='' timeout 60 zsh \
	tests/integration/zsh_complete.zsh "$zsh_completion" \
	"_moat_installed_policies=$scratch/usr/share/moat/policies" "moat eval syst" \
	"moat eval system socketp")
[[ $offered == $'== moat eval syst\nsystem\n== moat eval system socketp\nsocketpair' ]] ||
	fail "the packaged zsh completion offered: $offered"

# An out-of-tree program against the packaged library: pkg-config with the
# scratch root as its sysroot, then find_package(moat).
export PKG_CONFIG_SYSROOT_DIR=$scratch
export PKG_CONFIG_LIBDIR=$libdir/pkgconfig:/usr/lib/$multiarch/pkgconfig:/usr/share/pkgconfig
flags=$(pkg-config --cflags --libs moat)
[[ $flags == *"-I$scratch/usr/include"* && $flags == *"-L$libdir"* ]] ||
	fail "pkg-config flags do not point into the package: $flags"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
# shellcheck disable=SC2086 # the flags are words
cc -Wall -Wextra -Werror examples/check_policy.c $flags -o "$work/check_policy"
LD_LIBRARY_PATH=$libdir ldd "$work/check_policy" | grep -q "libmoat.so.1 => $libdir/libmoat.so.1" ||
	fail "the consumer does not load the packaged libmoat.so.1"
LD_LIBRARY_PATH=$libdir "$work/check_policy" tests/data/spec/parser.policy ||
	fail "the consumer built with pkg-config"
if LD_LIBRARY_PATH=$libdir "$work/check_policy" tests/data/spec/conflict.policy 2>/dev/null; then
	fail "the consumer accepted an invalid policy"
fi
cmake -S tests/package -B "$work/consumer" -DCMAKE_PREFIX_PATH="$scratch/usr" \
	-DEXAMPLE_SOURCE="$root/examples/check_policy.c" >/dev/null
cmake --build "$work/consumer" >/dev/null
LD_LIBRARY_PATH=$libdir "$work/consumer/check_policy" tests/data/spec/parser.policy ||
	fail "the consumer built with find_package(moat)"
"$work/consumer/check_policy_static" tests/data/spec/parser.policy ||
	fail "the static consumer built with find_package(moat)"
echo "deb check passed: $(cd "$work" && ls ./*.deb | sed 's|^\./||' | tr '\n' ' ')"
