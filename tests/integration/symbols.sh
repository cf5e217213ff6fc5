#!/usr/bin/env bash
# The libraries offer exactly the public API: the functions include/moat.h
# declares MOAT_API, the committed list lib/libmoat.symbols (so that a
# function that disappears is noticed), what libmoat.so exports and what
# libmoat.a defines globally are one and the same list. The control: the
# internal archive the tests link does show internal functions, so the
# comparison can see one.
source "$(dirname "$0")/lib.sh"
: "${MOAT_BUILD_DIR:?} ${MOAT_SOURCE_DIR:?}"

# Every `MOAT_API TYPE NAME(` in the header, declarations spanning lines included.
tr '\n' ' ' <"$MOAT_SOURCE_DIR/include/moat.h" |
	grep -oE 'MOAT_API [^;(]*\(' | grep -oE 'moat_[a-z0-9_]+ *\($' | tr -d ' (' |
	sort >"$scratch/header"
sort "$MOAT_SOURCE_DIR/lib/libmoat.symbols" >"$scratch/committed"
nm -D --defined-only "$MOAT_BUILD_DIR/lib/libmoat.so" | awk '$3 != "MOAT_0" {sub(/@.*/, "", $3); print $3}' |
	sort >"$scratch/shared"
nm -g --defined-only "$MOAT_BUILD_DIR/lib/libmoat.a" | awk 'NF == 3 {print $3}' | sort >"$scratch/static"
nm -g --defined-only "$MOAT_BUILD_DIR/lib/libmoat_internal.a" | awk 'NF == 3 {print $3}' |
	sort -u >"$scratch/internal"

[[ $(wc -l <"$scratch/header") -ge 40 ]] || fail "found only $(wc -l <"$scratch/header") MOAT_API functions in moat.h"
for list in committed shared static; do
	diff -u "$scratch/header" "$scratch/$list" >"$scratch/diff" ||
		fail "the MOAT_API functions of moat.h (-) and $list (+) differ: $(cat "$scratch/diff")"
done
# Control: the internal archive defines moat_memory_read_raw, which the installed ones hide.
grep -qx moat_memory_read_raw "$scratch/internal" ||
	fail "control: the internal archive does not define moat_memory_read_raw"
diff -q "$scratch/header" "$scratch/internal" >/dev/null &&
	fail "control: the comparison does not see the internal archive's extra functions"
grep -qx moat_memory_read_raw "$scratch/static" && fail "libmoat.a defines moat_memory_read_raw"

finish
