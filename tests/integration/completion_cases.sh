# shellcheck shell=bash
# The completion cases that bash and zsh must both answer the same, sourced
# by completion.sh and completion_zsh.sh. Each shell's script defines
# expect_completion LINE EXPECTED, expect_offered LINE WORD and
# expect_not_offered LINE WORD, then calls completion_cases; the zsh script
# first calls it with functions that only collect the lines, since its
# harness completes them all in one zsh.
completion_cases() {
	local command

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

	# Files (data.txt and app.policy in the working directory) after a path
	# option, as a policy file and as a profile to import.
	expect_completion "moat run -p system --read da" "data.txt"
	expect_completion "moat check ap" "app.policy"
	expect_completion "moat import da" "data.txt"

	# The program of `moat run`, then its arguments: no more moat options there.
	expect_offered "moat run -p system -- bas" "bash"
	expect_offered "moat run -p system bas" "bash"
	expect_not_offered "moat run -p system cat --t" "--timeout"
}
