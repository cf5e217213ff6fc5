#!/usr/bin/env bash
# Policy paths a run can redirect for the next one (issue 9, finding 1),
# through `moat run` with a new root, where Landlock opens its rule paths in
# the child once the new root is in place, and bind sources are opened in
# the parent. Run 1 replaces a granted directory with a symlink to `/` from
# inside the sandbox; run 2 must refuse the rule, at its line. Positive
# control: the same symlink where the policy lets the sandbox write nothing
# (so no sandbox can have planted it) is followed, and the rule then reaches
# a file no rule grants. As root, and as uid 65534 in a user namespace.
source "$(dirname "$0")/lib.sh"
choose_users


# A root that runs dynamically linked programs, as tests/integration/isolate.sh builds it.
system_tree=$'bind /usr'
system_rules=$'exec /usr'
for directory in bin sbin lib lib32 lib64; do
	if [[ -L /$directory ]]; then
		system_tree+=$'\n'"symlink $(readlink "/$directory") /$directory"
		system_rules+=$'\n'"read /$directory"
	elif [[ -d /$directory ]]; then
		system_tree+=$'\n'"bind /$directory"
		system_rules+=$'\n'"exec /$directory"
	fi
done

policy() { # name, writable (yes/no): writes $scratch/NAME.policy
	local write=
	[[ $2 == yes ]] && write="write /w"
	printf 'moat 1\n[namespaces]\nunshare all\n[mounts]\n%s\nproc /proc\ndev /dev\n' \
		"$system_tree" >"$scratch/$1.policy"
	printf 'bind %s /w rw\nbind %s /secret\n[filesystem]\n%s\nread /w/ref\n%s\n' \
		"$scratch/w" "$scratch/secret" "$system_rules" "$write" >>"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}
rule_line() { # policy name: the line of `read /w/ref`
	grep -n '^read /w/ref$' "$scratch/$1.policy" | cut -d: -f1
}

reset_tree() { # user: the tree of run 1, owned by USER
	rm -rf "$scratch/w" "$scratch/secret"
	mkdir -p "$scratch/w/ref" "$scratch/secret"
	echo secret >"$scratch/secret/key.txt"
	chmod -R a+rX "$scratch/w" "$scratch/secret"
	[[ $1 == nobody ]] && chown -R 65534:65534 "$scratch/w"
	true
}

policy writable yes
policy read-only no
for user in "${users[@]}"; do
	reset_tree "$user"
	# Before the swap: the rule holds, the secret is out of reach.
	run as "$user" "$MOAT" run -p "$scratch/writable.policy" -- cat /secret/key.txt
	[[ $status -ne 0 && $stdout != secret ]] || fail "$user: the secret is readable before the swap"
	# Run 1: the sandbox replaces the granted directory with a symlink to its root.
	run as "$user" "$MOAT" run -p "$scratch/writable.policy" -- sh -c 'rmdir /w/ref && ln -s / /w/ref'
	expect_status 0 "$user: run 1 swaps /w/ref"
	[[ $(readlink "$scratch/w/ref") == / ]] || fail "$user: run 1 left no symlink"
	# Run 2: refused at the rule's line.
	run as "$user" "$MOAT" run -p "$scratch/writable.policy" -- cat /secret/key.txt
	expect_status 125 "$user: run 2 is refused"
	expect_stderr_contains "writable.policy:$(rule_line writable):" "$user: at the rule"
	expect_stderr_contains "goes through the symlink /w/ref" "$user: naming the symlink"
	[[ $stdout != secret ]] || fail "$user: run 2 read the secret"
	if [[ $user == root ]]; then
		# Positive control: where no sandbox may write, the link is followed and widens the rule.
		run "$MOAT" run -p "$scratch/read-only.policy" -- cat /secret/key.txt
		expect_status 0 "positive control: a trusted link is followed"
		expect_stdout secret "positive control: the rule through / reaches the secret"
	else
		# In a user namespace the directory is not root's: refused whatever the policy.
		run as "$user" "$MOAT" run -p "$scratch/read-only.policy" -- cat /secret/key.txt
		expect_status 125 "$user: a link in a directory of its own is refused"
		expect_stderr_contains "not owned by root" "$user: and says why"
	fi
	# A bind source through the same link, opened in the parent: refused at its line.
	printf 'moat 1\n[namespaces]\nunshare all\n[mounts]\n%s\nbind %s /w rw\nbind %s /ref\n' \
		"$system_tree" "$scratch/w" "$scratch/w/ref" >"$scratch/bind.policy"
	chmod 644 "$scratch/bind.policy"
	run as "$user" "$MOAT" run -p "$scratch/bind.policy" -- ls /ref
	expect_status 125 "$user: the bind source is refused"
	expect_stderr_contains "bind.policy:$(grep -c '' "$scratch/bind.policy"):" "$user: at its line"
	expect_stderr_contains "bind source" "$user: naming the bind source"
	[[ $(realpath "$scratch/w/ref") == / ]] || fail "positive control: realpath leads to /"
done
finish
