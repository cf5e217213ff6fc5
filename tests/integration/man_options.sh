#!/usr/bin/env bash
# moat(1) cannot fall behind the command: every subcommand `moat --help`
# lists has its own entry in the page, and every option a `--help` prints is
# named there. Positive control: a copy of the page with one option or one
# subcommand taken out is caught.
source "$(dirname "$0")/lib.sh"
page=$MOAT_SOURCE_DIR/docs/man/moat.1

# The subcommands, from the "commands:" list of `moat --help`.
subcommands() {
	"$MOAT" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The options a help text names: -x or --long-name, not inside a word
# (kill-thread) nor an arrow (->).
options_in() {
	grep -oE '(^|[^A-Za-z0-9_-])(--[a-z][a-z-]*[a-z]|-[a-z])([^A-Za-z0-9_-]|$)' |
		grep -oE '(--[a-z][a-z-]*[a-z]|-[a-z])' | sort -u
}

# The page as text: troff's \- is a plain hyphen.
page_text() { # page file
	sed 's/\\-/-/g' "$1"
}

# Prints one line per subcommand or option the page lacks.
missing_from() { # page file
	local text command option
	text=$(page_text "$1")
	# Top-level options: moat --help, --version and their short forms.
	for option in $("$MOAT" --help | options_in); do
		grep -qE -- "(^|[^A-Za-z0-9_-])$option([^A-Za-z0-9_-]|$)" <<<"$text" ||
			echo "moat $option"
	done
	for command in $(subcommands); do
		# Each subcommand has a synopsis line and a tagged paragraph of its own.
		grep -qE "^\.B moat $command( |\$)" <<<"$text" || echo "moat $command (synopsis)"
		grep -qx "\.B $command" <<<"$text" || echo "moat $command (COMMANDS entry)"
		for option in $("$MOAT" "$command" --help | options_in); do
			grep -qE -- "(^|[^A-Za-z0-9_-])$option([^A-Za-z0-9_-]|$)" <<<"$text" ||
				echo "moat $command $option"
		done
	done
}

mapfile -t commands < <(subcommands)
[[ ${#commands[@]} -ge 8 ]] || fail "moat --help lists ${#commands[@]} subcommands: ${commands[*]}"
for expected in run check compile eval learn test features syscalls; do
	[[ " ${commands[*]} " == *" $expected "* ]] || fail "moat --help does not list $expected"
done
run "$MOAT" run --help
options=$(options_in <<<"$stdout")
for expected in -p --policy --read --write --exec --connect --landlock-abi --report --quiet \
	--timeout; do
	grep -qx -- "$expected" <<<"$options" || fail "the option extraction missed run $expected"
done

missing=$(missing_from "$page")
[[ -z "$missing" ]] || fail "moat(1) lacks: $(tr '\n' ',' <<<"$missing")"

# Positive controls: the page without --timeout, and without syscalls.
sed 's/\\-\\-timeout/--gone/g' "$page" >"$scratch/no-timeout.1"
grep -qx "moat run --timeout" <<<"$(missing_from "$scratch/no-timeout.1")" ||
	fail "a page without --timeout passed"
sed '/syscalls/d' "$page" >"$scratch/no-syscalls.1"
grep -q "moat syscalls (COMMANDS entry)" <<<"$(missing_from "$scratch/no-syscalls.1")" ||
	fail "a page without the syscalls subcommand passed"

finish
