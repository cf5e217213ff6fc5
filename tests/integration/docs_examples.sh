#!/usr/bin/env bash
# Every policy example of the documentation passes `moat check`: the fenced
# blocks of docs/*.md and README.md and the .EX/.EE (or .nf/.fi) blocks of
# docs/man/* that start with `moat 1`, and the fragments fenced ```policy
# (or ```policy-error), which get `moat 1` and, under a heading such as
# `## [network]`, that section's header. An example of an error holds a line
# `# error: MESSAGE`: it must fail, with MESSAGE in what check prints.
# The examples see a home with out/ and data/, and the shipped policies.
source "$(dirname "$0")/lib.sh"

examples=$scratch/examples
mkdir -p "$examples" "$scratch/home/out" "$scratch/home/data"

python3 - "$MOAT_SOURCE_DIR" "$examples" <<'PYTHON'
import glob, os, re, sys

source, out = sys.argv[1], sys.argv[2]
manifest = open(os.path.join(out, "manifest"), "w")

def unescape_roff(line):
    for roff, text in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\&", ""), ("\\(ti", "~")):
        line = line.replace(roff, text)
    return line.replace("\\e", "\\")

def emit(path, line, lines, forced, section=None):
    body = [l for l in lines]
    first = next((l.strip() for l in body if l.strip()), "")
    if not first.startswith("moat 1"):
        if not forced:
            return
        if section and not first.startswith("["):
            body = [section] + body
        body = ["moat 1"] + body
    expected = ""
    for l in body:
        m = re.match(r"\s*# error: (.*\S)", l)
        if m:
            expected = m.group(1)
    name = "%s-%d.policy" % (os.path.relpath(path, source).replace("/", "_"), line)
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(body) + "\n")
    manifest.write("%s\t%s:%d\t%s\n" % (name, os.path.relpath(path, source), line, expected))

def markdown(path):
    block, start, info, section = None, 0, "", None
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        fence = re.match(r"^\s*```(\S*)", line)
        heading = re.match(r"^#+ (\[[a-z]+\])", line)
        if heading and block is None:
            section = heading.group(1)
        elif re.match(r"^#+ ", line) and block is None:
            section = None
        if fence and block is None:
            block, start, info = [], number + 1, fence.group(1)
        elif fence:
            emit(path, start, block, info in ("policy", "policy-error"), section)
            block = None
        elif block is not None:
            block.append(line)

def man(path):
    block, start = None, 0
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line in (".EX", ".nf") and block is None:
            block, start = [], number + 1
        elif line in (".EE", ".fi") and block is not None:
            emit(path, start, [unescape_roff(l) for l in block if not l.startswith(".")], False)
            block = None
        elif block is not None:
            block.append(line)

for path in sorted(glob.glob(os.path.join(source, "docs", "*.md"))) + [os.path.join(source, "README.md")]:
    markdown(path)
for path in sorted(glob.glob(os.path.join(source, "docs", "man", "*"))):
    man(path)
PYTHON

count=0 errors=0
while IFS=$'\t' read -r name place expected; do
	count=$((count + 1))
	run env HOME="$scratch/home" MOAT_POLICY_PATH="$MOAT_SOURCE_DIR/policies" \
		sh -c 'cd "$1" && exec "$2" check "$3"' sh "$examples" "$MOAT" "$examples/$name"
	if [[ -z "$expected" ]]; then
		[[ $status -eq 0 ]] || fail "$place: the example fails moat check: $stderr"
	else
		errors=$((errors + 1))
		[[ $status -eq 1 ]] || fail "$place: the error example passes moat check (status $status)"
		[[ "$stderr" == *"$expected"* ]] ||
			fail "$place: moat check printed '$stderr', not the documented '$expected'"
	fi
done <"$examples/manifest"
printf '%d examples checked, %d of them errors\n' "$count" "$errors"
# The extractor found the examples at all: the language guide alone has both kinds.
[[ $count -ge 10 ]] || fail "only $count policy examples found in the documentation"
grep -q '^docs_policy-language.md' "$examples/manifest" || fail "no example from docs/policy-language.md"
[[ $errors -ge 1 ]] || fail "no example of an error found"
finish
