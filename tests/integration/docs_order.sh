#!/usr/bin/env bash
# The set-up order of docs/sandbox.md and docs/process.md is the order of
# `program_steps` in lib/spawn.c: each step of the code is found in each
# table's numbered rows, in the same order.
source "$(dirname "$0")/lib.sh"

check_order() { # source tree; prints what disagrees
	python3 - "$1" <<'PYTHON'
import re, sys

source = sys.argv[1]
# How each step of the code is named in the tables' first column.
names = {
    "signals": r"signals", "session": r"session", "identity": r"identity", "parent death": r"parent|die with parent",
    "cwd": r"cwd|working directory", "no_new_privs": r"no_new_privs", "egress": r"egress",
    "landlock": r"Landlock", "descriptor map": r"close descriptors",
    "boundary": r"boundary", "descriptors": r"close descriptors", "limits": r"limits",
    "capabilities": r"capabilities", "seccomp": r"seccomp",
}
code = open(source + "/lib/spawn.c").read()
table = re.search(r"program_steps\[\] = \{(.*?)\};", code, re.S).group(1)
steps = re.findall(r'\{"([^"]+)", \w+\}', table)
assert len(steps) >= 10, steps
failed = False
for doc in ("docs/sandbox.md", "docs/process.md"):
    rows = [m.group(1) for m in re.finditer(r"^\| (\d+\.[^|]*)\|", open(source + "/" + doc).read(), re.M)]
    where = []
    for step in steps:
        if step not in names:
            print("%s: lib/spawn.c has a step '%s' the test does not know" % (doc, step))
            failed = True
            continue
        found = [i for i, row in enumerate(rows) if re.search(names[step], row)]
        if not found:
            print("%s: no row for the step '%s'" % (doc, step))
            failed = True
        else:
            where.append((found[0], step))
    # Steps may share a row; a row never comes before the row of an earlier step.
    if [i for i, _ in where] != sorted(i for i, _ in where):
        print("%s: the steps are in the order %s, lib/spawn.c has %s" % (doc, [s for _, s in sorted(where)], steps))
        failed = True
print("steps:", ", ".join(steps))
sys.exit(1 if failed else 0)
PYTHON
}

run check_order "$MOAT_SOURCE_DIR"
printf '%s\n' "$stdout" "$stderr"
expect_status 0 "the set-up order tables agree with lib/spawn.c"

# The control: process.md with no_new_privs moved after the capabilities,
# where the table had it before issue 13, is caught.
mkdir -p "$scratch/tree/docs" "$scratch/tree/lib"
cp "$MOAT_SOURCE_DIR/lib/spawn.c" "$scratch/tree/lib/"
cp "$MOAT_SOURCE_DIR/docs/sandbox.md" "$scratch/tree/docs/"
awk '/^\| 6\. no_new_privs/ { held = $0; next } { print } /^\| 11\. capabilities/ { print held }' \
	"$MOAT_SOURCE_DIR/docs/process.md" >"$scratch/tree/docs/process.md"
run check_order "$scratch/tree"
expect_status 1 "a table out of order is caught"
expect_stdout_contains "docs/process.md: the steps are in the order" "the control names the table"
finish
