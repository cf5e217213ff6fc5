#!/usr/bin/env bash
# inotify against Landlock: a directory the [filesystem] rules do not grant
# cannot be opened from the sandbox, but Landlock does not check
# inotify_add_watch. @rpath therefore holds no inotify: under `allow @rpath`
# a watch is refused (a seccomp kill here), and the shipped system policy
# answers ENOSYS. The positive control allows @watch and shows the sandbox
# learning of a file created, opened and written where it cannot look. As
# root and as uid 65534.
source "$(dirname "$0")/lib.sh"

probe=$MOAT_BUILD_DIR/tests/programs/watch_probe
[[ -x $probe ]] || skip "$probe is not built"
programs=$(dirname "$probe")
system=$MOAT_SOURCE_DIR/policies/system.policy
users=(root)
"${unprivileged[@]}" test -x "$probe" && users+=(nobody) ||
	echo "note: uid 65534 cannot reach $probe; root only" >&2

hidden=$scratch/hidden
mkdir "$hidden"
chmod 755 "$hidden"

# The system policy's [filesystem], which grants nothing under $scratch.
filesystem=$(sed -n '/^\[filesystem\]/,$p' "$system")
policy() { # name, syscall rules: writes $scratch/NAME.policy
	printf 'moat 1\n[syscalls]\ndefault kill\n%s\nkill @default-deny\n%s\nexec %s\n' \
		"$2" "$filesystem" "$programs" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}
policy rpath "allow @stdio @rpath @prot_exec @exec"
policy watch "allow @stdio @rpath @prot_exec @exec @watch"
printf 'moat 1\ninclude "%s"\n[filesystem]\nexec %s\n' "$system" "$programs" \
	>"$scratch/system.policy"
chmod 644 "$scratch/system.policy"

prefix_for() { # user: sets $prefix
	prefix=()
	[[ $1 == nobody ]] && prefix=("${unprivileged[@]}")
}

# watch USER POLICY: runs the probe on $hidden; once it is watching, creates,
# opens and writes $hidden/key from outside. Sets $status and $stdout.
watch() {
	local out=$scratch/watch.out pid
	prefix_for "$1"
	rm -f "$hidden/key" "$out"
	"${prefix[@]}" "$MOAT" run -p "$scratch/$2.policy" -- "$probe" "$hidden" 2 \
		>"$out" 2>"$scratch/stderr" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^ready$' "$out" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if grep -q '^ready$' "$out"; then
		echo "private key" >"$hidden/key"
	fi
	wait "$pid"
	status=$?
	stdout=$(cat "$out")
	stderr=$(cat "$scratch/stderr")
}

for user in "${users[@]}"; do
	watch "$user" rpath
	expect_status 159 "@rpath: inotify is killed ($user)"
	expect_stdout_contains "open DIR: EACCES" "Landlock keeps the directory closed ($user)"
	[[ $stdout != *event* ]] || fail "@rpath: no event reaches the sandbox ($user): $stdout"

	watch "$user" system
	expect_status 1 "system policy: the watch fails ($user)"
	expect_stdout_contains "watch: ENOSYS" "system policy: inotify answers ENOSYS ($user)"

	# Positive control: with @watch, the sandbox sees what it may not open.
	watch "$user" watch
	expect_status 0 "@watch: the probe ran ($user)"
	expect_stdout_contains "open DIR: EACCES" "@watch: the directory is still closed ($user)"
	expect_stdout_contains "event create key" "@watch: Landlock lets the watch see a create ($user)"
	expect_stdout_contains "event modify key" "@watch: and a write ($user)"
done

finish
