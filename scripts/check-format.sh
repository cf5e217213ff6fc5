#!/usr/bin/env bash
# Fails when a C file is not formatted with the project's .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h')
unformatted=()
for file in "${files[@]}"; do
	[[ -f "$file" ]] || continue
	clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if [[ ${#unformatted[@]} -gt 0 ]]; then
	echo "moat: not clang-formatted (run clang-format -i): ${unformatted[*]}" >&2
	exit 1
fi
echo "all ${#files[@]} C files are formatted"
