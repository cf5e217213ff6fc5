#!/usr/bin/env bash
# The zsh completion (completions/_moat.in, as CMake configures it), driven
# through zsh's own completion system by zsh_complete.zsh, with the cases of
# completion.sh for bash: subcommands and options from the command's --help,
# policy names from MOAT_POLICY_PATH and the installed policies directory,
# syscall names from `moat syscalls` after `moat eval POLICY`, files and
# programs otherwise.
source "$(dirname "$0")/lib.sh"
script=$MOAT_BUILD_DIR/completions/_moat
harness=$MOAT_SOURCE_DIR/tests/integration/zsh_complete.zsh
[[ -r $script ]] || { fail "$script was not configured"; finish; }
command -v zsh >/dev/null || skip "zsh is not installed (scripts/install-deps.sh installs it)"
zsh -n "$script" || fail "zsh -n finds errors in $script"

# The command is `moat` on PATH, as a user types it; an empty working directory.
mkdir -p "$scratch/bin" "$scratch/cwd"
ln -s "$MOAT" "$scratch/bin/moat"
PATH=$scratch/bin:$PATH
cd "$scratch/cwd" || exit 1
touch data.txt app.policy

# complete SCRIPT CODE LINE...: fills `offered`, LINE -> its matches, one a line.
declare -A offered
complete() {
	local line="" match output
	output=$(timeout 120 zsh "$harness" "$@") || {
		fail "zsh did not complete ${*:3}"
		return
	}
	offered=()
	while IFS= read -r match; do
		if [[ $match == "== "* ]]; then
			line=${match#== }
			offered[$line]=""
		else
			offered[$line]+="$match"$'\n'
		fi
	done <<<"$output"
}

# The checks, on what `complete` filled in.
check_completion() { # line, expected (one a line)
	local got=${offered[$1]-unasked}
	got=${got%$'\n'}
	[[ $got == "$2" ]] || fail "zsh: '$1<TAB>' offered [$(tr '\n' ' ' <<<"$got")], expected [$(tr '\n' ' ' <<<"$2")]"
}

check_offered() { # line, word it must offer
	grep -qx -- "$2" <<<"${offered[$1]-}" || fail "zsh: '$1<TAB>' does not offer $2"
}

check_not_offered() { # line, word it must not offer
	[[ -v "offered[$1]" ]] || fail "zsh: '$1' was not completed"
	! grep -qx -- "$2" <<<"${offered[$1]}" || fail "zsh: '$1<TAB>' offers $2"
}

# The cases shared with bash (completion_cases.sh): their lines are collected
# first, then completed in one zsh, then checked.
source "$MOAT_SOURCE_DIR/tests/integration/completion_cases.sh"
lines=()
expect_completion() { lines+=("$1"); }
expect_offered() { lines+=("$1"); }
expect_not_offered() { lines+=("$1"); }
completion_cases
complete "$script" "" "${lines[@]}"
expect_completion() { check_completion "$@"; }
expect_offered() { check_offered "$@"; }
expect_not_offered() { check_not_offered "$@"; }
completion_cases

# The names come from the search path, in order: MOAT_POLICY_PATH (each of
# its directories), then the installed policies directory, which CMake wrote
# into the script. Control: with neither holding `system`, it is not offered.
grep -q "^_moat_installed_policies='/.*/moat/policies'$" "$script" ||
	fail "the script does not name the installed policies directory"
mkdir -p "$scratch/first" "$scratch/second" "$scratch/installed" "$scratch/empty"
touch "$scratch/first/alpha.policy" "$scratch/second/alpine.policy" "$scratch/installed/altar.policy"
installed="_moat_installed_policies=$scratch/installed"
MOAT_POLICY_PATH=$scratch/first:$scratch/second complete "$script" "$installed" "moat run -p al"
expect_completion "moat run -p al" $'alpha\nalpine\naltar'
MOAT_POLICY_PATH=$scratch/empty complete "$script" "$installed" "moat run -p al" "moat run -p sys"
expect_completion "moat run -p al" "altar"
expect_completion "moat run -p sys" ""

# Control: the syscall names are `moat syscalls`'s; a script that asks for
# another list offers none, so the checks above see what the script does.
sed 's/ syscalls 2>/ no-such-list 2>/' "$script" >"$scratch/_moat"
grep -q "no-such-list" "$scratch/_moat" || fail "the control script was not made"
complete "$scratch/_moat" "" "moat eval system soc"
expect_completion "moat eval system soc" ""

finish
