#!/usr/bin/env bash
# The bash completion (completions/moat.bash.in, as CMake configures it):
# subcommands and options from the command's --help, policy names from
# MOAT_POLICY_PATH and the installed policies directory, syscall names from
# `moat syscalls` after `moat eval POLICY`, files and programs otherwise.
source "$(dirname "$0")/lib.sh"
script=$MOAT_BUILD_DIR/completions/moat
[[ -r $script ]] || { fail "$script was not configured"; finish; }

# `moat syscalls`, the list the completion reads: name and number, by number.
run "$MOAT" syscalls
expect_status 0 "moat syscalls"
[[ $(wc -l <<<"$stdout") -gt 300 ]] || fail "moat syscalls listed $(wc -l <<<"$stdout") calls"
grep -qx "socket [0-9]*" <<<"$stdout" || fail "moat syscalls lacks socket"
sort -n -k2 -c <<<"$stdout" 2>/dev/null || fail "moat syscalls is not in the order of the numbers"
if grep -qv '^[a-z0-9_]* [0-9]*$' <<<"$stdout"; then fail "moat syscalls: a line is not NAME NUMBER"; fi
for name in $(shuf -n 20 --random-source=<(yes) <<<"$stdout" | cut -d' ' -f1); do
	"$MOAT" eval "$MOAT_SOURCE_DIR/policies/system.policy" "$name" >/dev/null 2>&1 ||
		fail "moat eval does not take the listed name $name"
done
run "$MOAT" syscalls extra
expect_status 2 "moat syscalls with an argument"

# The command is `moat` on PATH, as a user types it; an empty working directory.
mkdir -p "$scratch/bin" "$scratch/cwd"
ln -s "$MOAT" "$scratch/bin/moat"
PATH=$scratch/bin:$PATH
cd "$scratch/cwd" || exit 1
source "$script"

# completions_at LINE: what bash offers at the end of LINE, one a line, sorted.
completions_at() {
	local -a COMP_WORDS COMPREPLY
	local COMP_CWORD COMP_LINE=$1 COMP_POINT=${#1}
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_moat
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}

expect_completion() { # line, expected (one a line)
	local got
	got=$(completions_at "$1")
	[[ $got == "$2" ]] || fail "'$1<TAB>' offered [$(tr '\n' ' ' <<<"$got")], expected [$(tr '\n' ' ' <<<"$2")]"
}

expect_offered() { # line, word it must offer
	grep -qx -- "$2" <<<"$(completions_at "$1")" || fail "'$1<TAB>' does not offer $2"
}

expect_not_offered() { # line, word it must not offer
	! grep -qx -- "$2" <<<"$(completions_at "$1")" || fail "'$1<TAB>' offers $2"
}

touch "$scratch/cwd/data.txt" "$scratch/cwd/app.policy"
source "$MOAT_SOURCE_DIR/tests/integration/completion_cases.sh"
completion_cases
# bash only: a program's arguments complete as files.
expect_completion "moat run -p system cat da" "data.txt"

# The names come from the search path, in order: MOAT_POLICY_PATH (each of
# its directories), then the installed policies directory, which CMake wrote
# into the script. Control: with neither holding `system`, it is not offered.
grep -q "^_moat_installed_policies='/.*/moat/policies'$" "$script" ||
	fail "the script does not name the installed policies directory"
mkdir -p "$scratch/first" "$scratch/second" "$scratch/installed" "$scratch/empty"
touch "$scratch/first/alpha.policy" "$scratch/second/alpine.policy" "$scratch/installed/altar.policy"
_moat_installed_policies=$scratch/installed
MOAT_POLICY_PATH=$scratch/first:$scratch/second
expect_completion "moat run -p al" $'alpha\nalpine\naltar'
MOAT_POLICY_PATH=$scratch/empty
expect_completion "moat run -p al" "altar"
expect_completion "moat run -p sys" ""

finish
