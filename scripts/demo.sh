#!/usr/bin/env bash
# The main job: builds moat and shows what it does on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${MOAT_BUILD_ROOT:-build}/demo

scripts/install-deps.sh
cmake -S . -B "$build" -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
moat=$build/tools/moat/moat

echo "\$ moat check policies/*.policy"
"$moat" check policies/*.policy && echo "every shipped policy is valid"
