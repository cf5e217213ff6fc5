#!/usr/bin/env bash
# Denial reports of `moat run` (authoring.md "Why a run failed"): the kill
# line names the call, its arguments as constants and the statement that
# decided; the status stays 159; --quiet prints nothing; --report lists
# errno refusals with counts. As root and as uid 65534, with the PID
# namespace every die-with-parent sandbox gets and with `unshare pid`.
source "$(dirname "$0")/lib.sh"

unprivileged=(setpriv --reuid 65534 --regid 65534 --clear-groups)
guard=$MOAT_BUILD_DIR/tests/programs/sigsys_guard
system=$MOAT_SOURCE_DIR/policies/system.policy

# expect_filters COUNT POLICY MESSAGE: the sandbox's program runs under COUNT
# seccomp filters. /proc shows the count from Linux 5.9 on; without it the
# check is skipped, loudly.
expect_filters() {
	if ! grep -q '^Seccomp_filters:' /proc/self/status; then
		skip_check "$3: this kernel's /proc/PID/status has no Seccomp_filters line"
		return
	fi
	# Bounded: a hand-off call sent to the supervisor once hung here.
	run "${as[@]}" timeout 60 "$MOAT" run -p "$2" -- /usr/bin/grep Seccomp_filters /proc/self/status
	expect_stdout "Seccomp_filters:	$1" "$3"
}

policy() { # name, text: writes $scratch/NAME.policy
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}

# Two rules could decide socket: the kill for AF_INET, the errno for the rest.
policy two-rules '[syscalls]
default allow
kill socket if arg0 == AF_INET
errno EACCES socket
kill @default-deny'
policy two-rules-pid '[namespaces]
unshare pid
[syscalls]
default allow
kill socket if arg0 == AF_INET
errno EACCES socket
kill @default-deny'
policy explicit '[syscalls]
default allow
kill socket
kill @default-deny'
policy allowed '[syscalls]
default allow'
policy loose '[process]
die-with-parent no
[syscalls]
default allow
kill socket
kill @default-deny'
# sendmsg carries the listener to moat: killed, the hand-off needs two filters.
policy sendmsg-killed '[syscalls]
default allow
kill socket sendmsg
kill @default-deny'
# system.policy kills sendmsg (its default); with sendmsg allowed as @inet allows
# it, without TCP Fast Open, the hand-off's sendmsg (MSG_NOSIGNAL) is allowed:
# one filter. Allowed only without flags, or on its descriptor, two.
for rule in 'fast-open:arg2 & MSG_FASTOPEN == 0' 'no-flags:arg2 == 0' 'descriptor:arg0 > 2'; do
	policy "system-${rule%%:*}" "include \"$system\"
[syscalls]
allow sendmsg if ${rule#*:}
[filesystem]
read /proc"
done
kill_rule="$scratch/two-rules.policy:4:1 (kill socket if arg0 == AF_INET)"
# Two kills could decide socket: kill-thread for AF_INET, kill for the rest.
policy thread-rule '[syscalls]
default allow
kill-thread socket if arg0 == AF_INET
kill socket
kill @default-deny'
thread_rule="$scratch/thread-rule.policy:4:1 (kill-thread socket if arg0 == AF_INET)"
threaded_socket='import os, socket, threading, time
def make(): socket.socket(socket.AF_INET, socket.SOCK_STREAM)
threading.Thread(target=make, daemon=True).start()
time.sleep(1)
print("outlived", flush=True)
os._exit(0)'

for who in root unprivileged; do
	as=()
	[[ $who == unprivileged ]] && as=("${unprivileged[@]}")

	for p in two-rules two-rules-pid; do
		run "${as[@]}" "$MOAT" run -p "$scratch/$p.policy" -- "$guard" none
		expect_status 159 "$p: a killed socket is 159 ($who)"
		expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM, 0) by $scratch/$p.policy:" \
			"$p: the kill line names the call with its constants ($who)"
		expect_stderr_contains "(kill socket if arg0 == AF_INET)" \
			"$p: the kill rule decided, not the errno rule ($who)"
		[[ "$stdout" != *"socket ran"* ]] || fail "$p: the killed socket ran ($who)"
		[[ $(grep -c '^moat: killed:' <<<"$stderr") -eq 1 ]] || fail "$p: one kill line ($who): $stderr"
	done
	run "${as[@]}" "$MOAT" run -p "$scratch/two-rules.policy" -- "$guard" none
	expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM, 0) by $kill_rule" \
		"the kill rule's location ($who)"

	# Positive control: AF_UNIX falls to the errno rule and is not killed.
	run "${as[@]}" "$MOAT" run -p "$scratch/two-rules.policy" -- \
		/usr/bin/python3 -c 'import socket
try: socket.socket(socket.AF_UNIX)
except PermissionError: print("refused")'
	expect_status 0 "an AF_UNIX socket is refused, not killed ($who)"
	expect_stdout "refused" "an AF_UNIX socket gets the errno ($who)"
	[[ "$stderr" != *"moat: killed"* ]] || fail "no kill line for a refusal ($who): $stderr"

	# `default kill` names the default statement.
	run "${as[@]}" "$MOAT" run -p "$system" -- /usr/bin/python3 -c 'import socket; socket.socket()'
	expect_status 159 "default kill is 159 ($who)"
	expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) by $system:7:1 (default kill)" \
		"default kill is reported at the default statement ($who)"

	# A program that catches, blocks or ignores SIGSYS still dies and the call does not run.
	for mode in catch block ignore; do
		run "${as[@]}" "$MOAT" run -p "$scratch/explicit.policy" -- "$guard" "$mode"
		expect_status 159 "a program that $mode-es SIGSYS is killed, status 159 ($who)"
		[[ "$stdout" != *"socket"* ]] || fail "the call returned to a program that $mode-es SIGSYS ($who): $stdout"
		expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM, 0) by $scratch/explicit.policy:4:1 (kill socket)" \
			"the kill line for a program that $mode-es SIGSYS ($who)"
		# Positive control: allowed, the same program makes the call.
		run "${as[@]}" "$MOAT" run -p "$scratch/allowed.policy" -- "$guard" "$mode"
		expect_stdout "socket ran" "the call runs where the policy allows it ($mode, $who)"
	done

	# kill-thread in a process of one thread is the kernel's process kill, reported.
	for mode in none catch; do
		run "${as[@]}" "$MOAT" run -p "$scratch/thread-rule.policy" -- "$guard" "$mode"
		expect_status 159 "kill-thread ($mode): 159 ($who)"
		expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM, 0) by $thread_rule" \
			"kill-thread ($mode): the kill-thread rule is named ($who)"
		[[ "$stdout" != *"socket"* ]] || fail "kill-thread ($mode): the call returned ($who): $stdout"
	done
	# Positive control: the other socket falls to the kill rule, which is named instead.
	run "${as[@]}" "$MOAT" run -p "$scratch/thread-rule.policy" -- \
		/usr/bin/python3 -c 'import socket; socket.socket(socket.AF_UNIX)'
	expect_stderr_contains "by $scratch/thread-rule.policy:5:1 (kill socket)" \
		"the kill rule, not the kill-thread rule, for AF_UNIX ($who)"
	# The kernel alone (--quiet) ends a one-thread process the same way.
	run "${as[@]}" "$MOAT" run --quiet -p "$scratch/thread-rule.policy" -- "$guard" none
	expect_status 159 "kill-thread under --quiet: the kernel's kill is 159 too ($who)"
	# Several threads: the supervisor ends the whole process; the kernel would end one thread.
	run "${as[@]}" "$MOAT" run -p "$scratch/thread-rule.policy" -- /usr/bin/python3 -c "$threaded_socket"
	expect_status 159 "kill-thread with several threads ends the process ($who)"
	expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) by $thread_rule" \
		"kill-thread with several threads is reported ($who)"
	run "${as[@]}" "$MOAT" run --quiet -p "$scratch/thread-rule.policy" -- /usr/bin/python3 -c "$threaded_socket"
	expect_stdout "outlived" "--quiet: the kernel ends only the thread ($who)"

	# --quiet: the same kill, no line.
	run "${as[@]}" "$MOAT" run --quiet -p "$scratch/two-rules.policy" -- "$guard" none
	expect_status 159 "--quiet keeps the status ($who)"
	[[ -z "$stderr" ]] || fail "--quiet printed something ($who): $stderr"

	# --report: errno refusals, each once with a count.
	run "${as[@]}" "$MOAT" run --report -p "$scratch/two-rules.policy" -- \
		/usr/bin/python3 -c 'import socket
for i in range(3):
    try: socket.socket(socket.AF_UNIX)
    except PermissionError: pass
print("done")'
	expect_status 0 "--report: the program runs on ($who)"
	expect_stdout "done" "--report: refusals answered with the errno ($who)"
	expect_stderr_contains "moat: refused: socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) by $scratch/two-rules.policy:5:1 (errno EACCES socket): errno EACCES, 3 times" \
		"--report lists the refusal once with its count ($who)"
	# Seen or not (landlock_report.sh checks which, with auditing on and off).
	expect_stderr_contains "Landlock refusal" "--report accounts for Landlock's refusals ($who)"
	run "${as[@]}" "$MOAT" run -p "$scratch/two-rules.policy" -- /usr/bin/python3 -c 'import socket
try: socket.socket(socket.AF_UNIX)
except PermissionError: pass'
	[[ "$stderr" != *"refused"* ]] || fail "without --report no refusal lines ($who): $stderr"

	# A policy that allows the hand-off's calls outright gets one filter, not two
	# (docs/supervisor.md); the control, which kills sendmsg, keeps two. Both report.
	expect_filters 1 "$scratch/two-rules.policy" "reports with one filter when the hand-off is allowed ($who)"
	expect_filters 2 "$scratch/sendmsg-killed.policy" "two filters when the policy kills sendmsg ($who)"
	run "${as[@]}" "$MOAT" run -p "$scratch/sendmsg-killed.policy" -- "$guard" none
	expect_status 159 "two filters: a killed socket is 159 ($who)"
	expect_stderr_contains "moat: killed: socket(AF_INET, SOCK_STREAM, 0) by $scratch/sendmsg-killed.policy:4:1 (kill socket sendmsg)" \
		"two filters: the kill is reported ($who)"

	expect_filters 1 "$scratch/system-fast-open.policy" "one filter for sendmsg allowed without Fast Open ($who)"
	for p in no-flags descriptor; do
		expect_filters 2 "$scratch/system-$p.policy" "two filters for sendmsg allowed on $p ($who)"
		# Bounded: a hand-off call sent to the supervisor once hung here.
		run "${as[@]}" timeout 60 "$MOAT" run --report -p "$scratch/system-$p.policy" -- /usr/bin/true
		expect_status 0 "two filters, sendmsg allowed on $p: the program runs with reports ($who)"
		expect_stderr_contains "moat: report: 0 distinct errno refusals" \
			"two filters, sendmsg allowed on $p: the report is made ($who)"
	done

	# A sandbox that does not die with moat keeps the kernel's kill, and says so.
	run "${as[@]}" "$MOAT" run -p "$scratch/loose.policy" -- "$guard" none
	expect_status 159 "die-with-parent no: still 159 ($who)"
	expect_stderr_contains "no report: this sandbox does not die with moat" \
		"die-with-parent no: no report, and why ($who)"
	[[ "$stderr" != *"moat: killed:"* ]] || fail "die-with-parent no: no kill line ($who)"
	run "${as[@]}" "$MOAT" run -p "$scratch/loose.policy" -- "$guard" catch
	expect_status 159 "die-with-parent no: the kernel's kill ignores a handler ($who)"
done

finish
