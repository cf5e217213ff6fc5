#!/usr/bin/env bash
# die-with-parent through `moat run`: when moat is killed (SIGKILL), every
# process of the sandbox dies, even those that cleared their parent-death
# signal and left the session; when the program ends, nothing it started
# stays behind. As root and as uid 65534, with and without `unshare pid`.
# Positive controls: with `die-with-parent no` the chain outlives moat, and
# outside moat it outlives the program.
#
# The sandboxed program (tests/programs/fork_chain) clears its own
# PR_SET_PDEATHSIG and starts a chain of setsid+fork descendants. Each
# process carries a marker in its argv, by which the test finds them in the
# host's /proc whatever PID namespace they are in; every process of the
# chain ends on its own after 60 s, and the test kills whatever it finds
# marked at exit, so nothing is left running even when a check fails.
source "$(dirname "$0")/lib.sh"

chain=$MOAT_BUILD_DIR/tests/programs/fork_chain
[[ -x $chain ]] || skip "$chain is not built"
depth=40
marker_prefix=moat-parent-death-$$-

kill_marked_at_exit "$marker_prefix"

# Waits up to 5 s (by the clock: a scan of /proc takes time) until no
# process holds MARKER; true when none does.
none_left() { # marker, except
	local deadline=$((SECONDS + 5))
	while ((SECONDS <= deadline)); do
		[[ -z $(marked "$1" "$2") ]] && return 0
		sleep 0.05
	done
	return 1
}

users=(root)
if "${unprivileged[@]}" unshare --user --pid --fork true 2>/dev/null; then
	users+=(nobody)
else
	echo "note: uid 65534 cannot create user and PID namespaces here; root only" >&2
fi
prefix_for() { # user: sets $prefix
	prefix=()
	[[ $1 == nobody ]] && prefix=("${unprivileged[@]}")
}

policy() { # name, text: writes $scratch/NAME.policy
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}
base="include \"$MOAT_SOURCE_DIR/policies/system.policy\"
[filesystem]
exec $(dirname "$chain")
[syscalls]
allow @proc"
policy implicit "$base"
policy explicit "$base
[namespaces]
unshare pid"
policy survive "$base
[process]
die-with-parent no"

# The processes of a sandbox that runs the chain: the program and its
# descendants, and moat's init (a copy of moat run, marker included), which
# a sandbox with die-with-parent has.
with_init=$((depth + 2))
without_init=$((depth + 1))

# Starts the chain under `moat run` as USER; sets $moat_pid once the chain
# is complete, and checks that the sandbox has COUNT processes.
start_chain() { # user, marker, policy name, count
	local output=$scratch/chain.out
	prefix_for "$1"
	: >"$output"
	"${prefix[@]}" "$MOAT" run -p "$scratch/$3.policy" -- "$chain" "$depth" stay "$2" \
		>"$output" 2>&1 &
	moat_pid=$!
	for _ in $(seq 1000); do
		grep -q ready "$output" && break
		sleep 0.01
	done
	local count
	count=$(marked "$2" "$moat_pid" | wc -l)
	[[ $count -eq $4 ]] ||
		fail "the chain did not start ($1, $3): $count processes; $(cat "$output")"
}

kill_moat() {
	kill -KILL "$moat_pid"
	wait "$moat_pid" 2>/dev/null
}

case_number=0
for user in "${users[@]}"; do
	for name in implicit explicit; do
		case_number=$((case_number + 1))
		marker=$marker_prefix$case_number
		# moat run is killed: the whole chain dies with it.
		start_chain "$user" "$marker" "$name" "$with_init"
		kill_moat
		none_left "$marker" "$moat_pid" ||
			fail "$(marked "$marker" "$moat_pid" | wc -l) processes of the sandbox outlived a killed moat run ($user, $name)"
		kill_marked "$marker"

		# The program exits 0: nothing it started is left once moat run returns.
		case_number=$((case_number + 1))
		marker=$marker_prefix$case_number
		prefix_for "$user"
		run "${prefix[@]}" "$MOAT" run -p "$scratch/$name.policy" -- "$chain" "$depth" exit "$marker"
		expect_status 0 "the program that left the chain behind ($user, $name)"
		expect_stdout ready "the chain was complete before the program exited ($user, $name)"
		left=$(marked "$marker" none | wc -l)
		[[ $left -eq 0 ]] ||
			fail "$left background processes outlived the program's exit ($user, $name)"
		kill_marked "$marker"
	done

	# Positive control: with die-with-parent no, the chain outlives moat run.
	case_number=$((case_number + 1))
	marker=$marker_prefix$case_number
	start_chain "$user" "$marker" survive "$without_init"
	kill_moat
	sleep 0.3
	left=$(marked "$marker" "$moat_pid" | wc -l)
	[[ $left -eq $without_init ]] ||
		fail "positive control: without die-with-parent the chain lives on ($user): $left of $without_init"
	kill_marked "$marker"
	none_left "$marker" none || fail "the positive control's chain could not be killed ($user)"
done

# Positive control for a normal exit: outside moat, the chain outlives the program.
case_number=$((case_number + 1))
marker=$marker_prefix$case_number
run "$chain" "$depth" exit "$marker"
expect_stdout ready "the chain runs outside moat"
left=$(marked "$marker" none | wc -l)
[[ $left -eq $depth ]] ||
	fail "positive control: outside moat the chain outlives the program: $left of $depth"
kill_marked "$marker"

# What the program sees without `unshare pid`: its own pid in the namespace,
# and /proc/self still the process itself.
policy shell "$base"
run "$MOAT" run -p "$scratch/shell.policy" -- /bin/sh -c \
	'echo $$; readlink /proc/self >/dev/null && echo self-resolves'
expect_stdout $'2\nself-resolves' "the program is pid 2 under moat's init, /proc/self resolves"
policy shell-survive "$base
[process]
die-with-parent no"
run "$MOAT" run -p "$scratch/shell-survive.policy" -- /bin/sh -c 'echo $$'
[[ $stdout != 2 && $stdout -gt 2 ]] ||
	fail "positive control: without die-with-parent the program has a host pid: $stdout"

finish
