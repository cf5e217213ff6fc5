#!/usr/bin/env bash
# Landlock refusals in `moat run --report` (authoring.md "Why a run failed"):
# read from the kernel's audit records (Landlock ABI 7), each distinct one
# once with its count and the statement that decided; a granted access is
# not listed; another sandbox's refusals at the same time are not this
# run's; and where they cannot be seen, the last line says why (auditing
# off, no CAP_AUDIT_READ as uid 65534, Landlock ABI < 7). Auditing is turned
# on only for this test and restored to what it was when the test ends.
source "$(dirname "$0")/lib.sh"

switch=$MOAT_BUILD_DIR/tests/programs/audit_switch
tries=$MOAT_BUILD_DIR/tests/programs/landlock_tries

[[ $(id -u) -eq 0 ]] || skip "turning kernel auditing on for the test needs root"
require_landlock_abi 7 "Landlock audit records"
previous=$("$switch" get)
case $? in
0) ;;
2) skip "this kernel has no audit support (no NETLINK_AUDIT)" ;;
*) skip "cannot ask whether kernel auditing is on: $previous" ;;
esac
restore_audit() {
	if [[ $previous == 1 ]]; then "$switch" on; else "$switch" off; fi
	rm -rf "$scratch"
}
trap restore_audit EXIT
# A signal ends the test through its EXIT trap, so auditing is restored then too.
trap 'exit 1' INT TERM HUP
choose_users

mkdir "$scratch/out"
chmod 777 "$scratch/out"
touch "$scratch/denied" "$scratch/foreign"
chmod 666 "$scratch/denied" "$scratch/foreign"
policy_text="[filesystem]
read /
exec /usr ?/lib ?/lib64 ?/bin $MOAT_BUILD_DIR/tests/programs
write $scratch/out
[network]
connect tcp 1"
printf 'moat 1\n[syscalls]\ndefault allow\nkill @default-deny\n%s\n' "$policy_text" >"$scratch/p.policy"
printf 'moat 1\n[process]\ndie-with-parent no\n[syscalls]\ndefault allow\nkill @default-deny\n%s\n' \
	"$policy_text" >"$scratch/loose.policy"
chmod 644 "$scratch"/*.policy
policy=$scratch/p.policy
write_line="moat: refused: write-file $scratch/denied by $policy:5:1 ([filesystem]): Landlock, 2 times; grant: [filesystem] allow write-file $scratch/denied"
connect_line="moat: refused: connect tcp 9 by $policy:10:1 (connect tcp 1): Landlock, 1 time; grant: [network] connect tcp 9"
one_round=("$tries" "$scratch/denied" "$scratch/out/granted" 9 1 0)

# Auditing off: nothing to read, and the last line says so and how to turn it on.
"$switch" off || fail "cannot turn auditing off"
run "$MOAT" run --report -p "$policy" -- "${one_round[@]}"
expect_status 0 "auditing off: the program runs"
expect_stdout_contains "write $scratch/denied: EACCES" "auditing off: Landlock still refuses"
expect_stderr_contains "Landlock refusals are not visible: kernel auditing is off (\`auditctl -e 1\` turns it on)" \
	"auditing off: the report says why and how"
[[ "$stderr" != *"Landlock, "* ]] || fail "auditing off: a Landlock line: $stderr"

"$switch" on || fail "cannot turn auditing on"
[[ $("$switch" get) == 1 ]] || fail "auditing did not turn on"

# Root: each distinct refusal once, with its count and deciding statement.
for layout in init no-init; do
	[[ $layout == init ]] && used=$policy || used=$scratch/loose.policy
	run "$MOAT" run --report -p "$used" -- "${one_round[@]}"
	expect_status 0 "the program runs ($layout)"
	expect_stdout_contains "write $scratch/out/granted: ok" "the granted write succeeds ($layout)"
	expect_stdout_contains "connect 9: EACCES" "Landlock refuses the connect ($layout)"
	line=${write_line//"$policy:5:1"/"$used:$([[ $layout == init ]] && echo 5 || echo 7):1"}
	expect_stderr_contains "$line" "the refused write, twice, once ($layout)"
	line=${connect_line//"$policy:10:1"/"$used:$([[ $layout == init ]] && echo 10 || echo 12):1"}
	expect_stderr_contains "$line" "the refused connect ($layout)"
	[[ "$stderr" != *"$scratch/out"* ]] || fail "a granted write is reported ($layout): $stderr"
	[[ $(grep -c "$scratch/denied" <<<"$stderr") -eq 1 ]] ||
		fail "the refused write is not on one line ($layout): $stderr"
	expect_stderr_contains "moat: report: 0 distinct errno refusals, 2 distinct Landlock refusals" \
		"the last line counts them ($layout)"
done

# Without --report, or with --quiet, no such line (the control is the run above).
run "$MOAT" run -p "$policy" -- "${one_round[@]}"
[[ "$stderr" != *"refused"* && "$stderr" != *"report:"* ]] || fail "without --report: $stderr"
run "$MOAT" run --report --quiet -p "$policy" -- "${one_round[@]}"
[[ -z "$stderr" ]] || fail "--quiet printed something: $stderr"

# A kernel said to have Landlock ABI 6 logs nothing after execve.
run "$MOAT" run --report --landlock-abi 6 -p "$policy" -- "${one_round[@]}"
expect_stderr_contains "Landlock refusals are not visible: the kernel logs them from Landlock ABI 7 on" \
	"--landlock-abi 6: the report says why"
[[ "$stderr" != *"Landlock, "* ]] || fail "--landlock-abi 6: a Landlock line: $stderr"

# Another sandbox refusing while this run goes on, started after it (so this
# run's reader sees that sandbox's domain record): its refusals are its own
# report's, and this run's are this run's.
"$MOAT" run --report -p "$policy" -- "$tries" "$scratch/denied" "$scratch/out/granted" 9 4 100 \
	>"$scratch/test.out" 2>"$scratch/test.err" &
tested=$!
wait_until 5 grep -q "denied: EACCES" "$scratch/test.out" || fail "the run under test did not start"
run "$MOAT" run --report -p "$policy" -- "$tries" "$scratch/foreign" "$scratch/out/other" 9 10 10
expect_stderr_contains "moat: refused: write-file $scratch/foreign by $policy:5:1 ([filesystem]): Landlock, 20 times" \
	"control: the other sandbox's report has its own refusals"
[[ "$stderr" != *"$scratch/denied"* ]] || fail "the other sandbox's report has the tested run's: $stderr"
wait "$tested"
grep -qF "write-file $scratch/denied by $policy:5:1 ([filesystem]): Landlock, 8 times" "$scratch/test.err" ||
	fail "the run under test lacks its own refusals: $(cat "$scratch/test.err")"
grep -q foreign "$scratch/test.err" &&
	fail "another sandbox's refusals are in this report: $(cat "$scratch/test.err")"

# uid 65534 cannot read audit records; the last line says why.
if [[ " ${users[*]} " == *" nobody "* ]]; then
	run as nobody "$MOAT" run --report -p "$policy" -- "${one_round[@]}"
	expect_status 0 "uid 65534: the program runs"
	expect_stdout_contains "write $scratch/denied: EACCES" "uid 65534: Landlock refuses"
	expect_stderr_contains "Landlock refusals are not visible: reading audit records needs CAP_AUDIT_READ (run moat as root)" \
		"uid 65534: the report says why"
	[[ "$stderr" != *"Landlock, "* ]] || fail "uid 65534: a Landlock line: $stderr"
fi

finish
