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

expect_completion() { # line, expected (one a line)
	local got=${offered[$1]-unasked}
	got=${got%$'\n'}
	[[ $got == "$2" ]] || fail "zsh: '$1<TAB>' offered [$(tr '\n' ' ' <<<"$got")], expected [$(tr '\n' ' ' <<<"$2")]"
}

expect_offered() { # line, word it must offer
	grep -qx -- "$2" <<<"${offered[$1]-}" || fail "zsh: '$1<TAB>' does not offer $2"
}

expect_not_offered() { # line, word it must not offer
	[[ -v "offered[$1]" ]] || fail "zsh: '$1' was not completed"
	! grep -qx -- "$2" <<<"${offered[$1]}" || fail "zsh: '$1<TAB>' offers $2"
}

lines=("moat c" "moat sy" "moat " "moat run --ti" "moat run --" "moat learn -"
	"moat compile system --fo" "moat compile system --format " "moat export --format "
	"moat check --" "moat run -p sys" "moat run -p system -p no-" "moat check pyth"
	"moat eval syst" "moat learn -o out.policy -p sys" "moat export --format oci sys"
	"moat eval system soc" "moat eval --landlock-abi 3 system soc" "moat eval --arch aa"
	"moat eval --arch x86_64 system socketp" "moat eval system zzz" "moat eval system socket "
	"moat run -p system --read da" "moat check ap" "moat import da"
	"moat run -p system -- bas" "moat run -p system bas" "moat run -p system cat --t")
complete "$script" "" "${lines[@]}"

# Subcommands, as `moat --help` lists them.
expect_completion "moat c" $'check\ncompile'
expect_completion "moat sy" "syscalls"
for command in run check compile eval learn test features syscalls export import --help \
	--version; do
	expect_offered "moat " "$command"
done

# Options of each subcommand, from its --help; values of --format by subcommand.
expect_completion "moat run --ti" "--timeout"
expect_offered "moat run --" "--landlock-abi"
expect_offered "moat learn -" "--output"
expect_completion "moat compile system --fo" "--format"
expect_completion "moat compile system --format " $'bpf\ntext'
expect_completion "moat export --format " $'docker\noci'
expect_not_offered "moat check --" "--timeout"

# Policy names from the search path, after -p and where a POLICY goes.
expect_completion "moat run -p sys" "system"
expect_completion "moat run -p system -p no-" "no-network"
expect_completion "moat check pyth" "python3"
expect_completion "moat eval syst" "system"
expect_completion "moat learn -o out.policy -p sys" "system"
expect_completion "moat export --format oci sys" "system"

# Syscall names after `moat eval POLICY`, also past its options.
expect_completion "moat eval system soc" $'socket\nsocketpair'
expect_completion "moat eval --landlock-abi 3 system soc" $'socket\nsocketpair'
expect_completion "moat eval --arch aa" "aarch64"
expect_completion "moat eval --arch x86_64 system socketp" "socketpair"
expect_completion "moat eval system zzz" ""
expect_completion "moat eval system socket " ""

# Files after a path option, as a policy file and as a profile to import.
expect_completion "moat run -p system --read da" "data.txt"
expect_completion "moat check ap" "app.policy"
expect_completion "moat import da" "data.txt"

# The program of `moat run`, then its arguments: no more moat options there.
expect_offered "moat run -p system -- bas" "bash"
expect_offered "moat run -p system bas" "bash"
expect_not_offered "moat run -p system cat --t" "--timeout"

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
