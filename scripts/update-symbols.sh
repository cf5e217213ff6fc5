#!/usr/bin/env bash
# Rewrites debian/libmoat1.symbols from what libmoat.so exports, after a
# change to the public API (include/moat.h, lib/libmoat.symbols): a symbol
# already listed keeps the version that introduced it, a new one gets the
# version of debian/changelog. Builds only the shared library, in BUILD
# (default: build, configured there if it is not yet).
#   scripts/update-symbols.sh [BUILD]
# scripts/check-deb.sh fails until the file and the packaged library agree.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [[ ! -e $build/CMakeCache.txt ]]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target moat_shared -j "$(nproc)" >/dev/null
library=$(realpath "$build/lib/libmoat.so")
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
dpkg-gensymbols -plibmoat1 -v"$version" -e"$library" -Odebian/libmoat1.symbols
echo "wrote debian/libmoat1.symbols: $(grep -c '^ ' debian/libmoat1.symbols) symbols of $library"
