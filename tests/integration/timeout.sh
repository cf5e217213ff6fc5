#!/usr/bin/env bash
# moat run --timeout SECONDS (docs/cli.md contract): after that long the
# whole sandbox is killed and moat exits 124, as timeout(1) does; a program
# that ends in time keeps its own status. The program under test
# (tests/programs/stubborn) ignores SIGTERM and leaves a setsid grandchild
# behind: with and without a PID namespace (die-with-parent no), as root
# and as uid 65534, nothing of it is left afterwards.
# Positive control: outside moat, SIGTERM leaves both the program and its
# grandchild running, so a timeout that only sent SIGTERM to the program's
# process would leave them.
source "$(dirname "$0")/lib.sh"

stubborn=$MOAT_BUILD_DIR/tests/programs/stubborn
[[ -x $stubborn ]] || skip "$stubborn is not built"
marker_prefix=moat-timeout-$$-

kill_marked_at_exit "$marker_prefix"

policy() { # name, text
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}
base="include \"$MOAT_SOURCE_DIR/policies/system.policy\"
[filesystem]
exec $(dirname "$stubborn")
[syscalls]
allow @proc"
policy init "$base"
policy no_init "$base
[process]
die-with-parent no"

choose_users
case_number=0
for user in "${users[@]}"; do
	for name in init no_init; do
		case_number=$((case_number + 1))
		marker=$marker_prefix$case_number
		started=$SECONDS
		run as "$user" "$MOAT" run --timeout 1 -p "$scratch/$name.policy" -- \
			"$stubborn" stay "$marker"
		expect_status 124 "a program that ignores SIGTERM runs past --timeout ($user, $name)"
		expect_stdout ready "the grandchild had started before the timeout ($user, $name)"
		expect_stderr_contains "timed out" "moat says why it ended ($user, $name)"
		((SECONDS - started <= 10)) ||
			fail "--timeout 1 took $((SECONDS - started)) s ($user, $name)"
		left=$(marked "$marker" none | wc -l)
		[[ $left -eq 0 ]] || fail "$left processes outlived --timeout ($user, $name)"
		kill_marked "$marker"

		# In time: the program's own status, not 124.
		case_number=$((case_number + 1))
		run as "$user" "$MOAT" run --timeout 30 -p "$scratch/$name.policy" -- \
			"$stubborn" exit "$marker_prefix$case_number"
		expect_status 0 "a program that ends before its timeout ($user, $name)"
		kill_marked "$marker_prefix$case_number"
	done
done

run "$MOAT" run --timeout 0.2 -p "$scratch/init.policy" -- /bin/false
expect_status 1 "a fractional timeout: the program's own failure is still its own"
run "$MOAT" run --timeout soon -p "$scratch/init.policy" -- /bin/true
expect_status 125 "--timeout needs a number"
run "$MOAT" run --timeout -3 -p "$scratch/init.policy" -- /bin/true
expect_status 125 "--timeout needs a positive number"

# Positive control: SIGTERM alone leaves the program and its grandchild running.
marker=${marker_prefix}control
"$stubborn" stay "$marker" >"$scratch/control.out" &
control=$!
for _ in $(seq 500); do
	grep -q ready "$scratch/control.out" && break
	sleep 0.01
done
kill -TERM "$control"
sleep 0.3
left=$(marked "$marker" none | wc -l)
[[ $left -eq 2 ]] || fail "positive control: after SIGTERM, $left of 2 processes still run"
kill_marked "$marker"
wait "$control" 2>/dev/null

((failures == 0)) || exit 1
echo "timeout: all checks passed"
