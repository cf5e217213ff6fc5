#!/usr/bin/env bash
# The supervisor through `moat run`: opens and connects that [broker] grants
# and refuses, the hand-off's own checks, namespaces with a supervisor, and
# what happens when the supervisor dies. Each refusal has a positive control.
source "$(dirname "$0")/lib.sh"

greeter=$MOAT_BUILD_DIR/tests/programs/tcp_greeter
[[ -x $greeter ]] || skip "$greeter is not built"
system=$MOAT_SOURCE_DIR/policies/system.policy
require_landlock_abi 4 "the TCP Fast Open checks ([network] connect tcp PORT)"

mkdir -p "$scratch/granted"
echo "granted data" >"$scratch/granted/data"
echo "secret" >"$scratch/secret"
chmod 644 "$scratch/granted/data" "$scratch/secret"

policy() { # name, text: writes $scratch/NAME.policy
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}

# Every read-only open goes to the supervisor; the system files are granted
# so that programs start, and one directory of the test's.
policy broker "include \"$system\"
[syscalls]
notify openat if arg2 & O_ACCMODE == O_RDONLY
[broker]
open read /usr
open read /etc
open read $scratch/granted"

for who in root nobody; do
	prefix=()
	[[ $who == nobody ]] && prefix=("${unprivileged[@]}")
	run "${prefix[@]}" "$MOAT" run -p "$scratch/broker.policy" -- cat "$scratch/granted/data"
	expect_status 0 "a granted open ($who)"
	expect_stdout "granted data" "the granted file's content ($who)"
	run "${prefix[@]}" "$MOAT" run -p "$scratch/broker.policy" -- cat "$scratch/secret"
	expect_status 1 "an open outside the grant ($who)"
	expect_stderr_contains "Permission denied" "refused with EACCES ($who)"
	run "${prefix[@]}" "$MOAT" run -p "$scratch/broker.policy" -- cat "$scratch/granted/../secret"
	expect_status 1 "'..' out of the grant ($who)"
done
run "$MOAT" run -p "$system" -- cat "$scratch/secret"
expect_status 1 "positive control: the system policy alone does not reach the secret either"
policy plain "include \"$system\"
[filesystem]
read $scratch"
run "$MOAT" run -p "$scratch/plain.policy" -- cat "$scratch/secret"
expect_status 0 "positive control: a read rule reaches the secret"

# A symlink in the grant that points outside is not followed out of it.
ln -s "$scratch/secret" "$scratch/granted/link"
run "$MOAT" run -p "$scratch/broker.policy" -- cat "$scratch/granted/link"
expect_status 1 "a symlink out of the grant"

# The hand-off's own calls cannot be routed to the supervisor.
policy notify-execve "include \"$system\"
[syscalls]
notify execve"
run "$MOAT" run -p "$scratch/notify-execve.policy" -- true
expect_status 125 "notify execve is refused"
expect_stderr_contains "execve" "the refusal names execve"
policy notify-sendmsg "include \"$system\"
[syscalls]
notify sendmsg"
run "$MOAT" run -p "$scratch/notify-sendmsg.policy" -- true
expect_status 125 "notify sendmsg, which hands the listener over, is refused"
expect_stderr_contains "notify-sendmsg.policy:4:" "the refusal is located"

# A failed exec is reported with write after the notify rules are in force:
# `notify write` is refused at its rule, and a policy that sends every other
# call to the supervisor still gets the failed exec back promptly (127); a
# call of moat's own missing from the hand-off list would hang it (SIGKILL
# after 20 s, as `moat run` blocks the signals timeout sends first).
policy notify-write "include \"$system\"
[syscalls]
notify write"
run timeout -s KILL 20 "$MOAT" run -p "$scratch/notify-write.policy" -- /nonexistent/program
expect_status 125 "notify write is refused"
expect_stderr_contains "notify-write.policy:4:8: error: \`notify\` cannot apply to write" \
	"the refusal of notify write is located"
policy notify-all-else "[syscalls]
default notify
allow sendmsg close prctl seccomp execve write exit_group"
for who in root unprivileged; do
	prefix=()
	[[ $who == unprivileged ]] && prefix=("${unprivileged[@]}")
	run timeout -s KILL 20 "${prefix[@]}" "$MOAT" run -p "$scratch/notify-all-else.policy" \
		-- /nonexistent/program
	expect_status 127 "a failed exec under default notify comes back ($who)"
	expect_stderr_contains "cannot execute /nonexistent/program" "the exec failure is told ($who)"
done

# Namespaces and a supervisor, unprivileged: the sandbox writes its own maps.
policy broker-namespaces "include \"$scratch/broker.policy\"
[namespaces]
unshare user pid net ipc uts"
if "${unprivileged[@]}" unshare --user true 2>/dev/null; then
	run "${unprivileged[@]}" "$MOAT" run -p "$scratch/broker-namespaces.policy" \
		-- cat "$scratch/granted/data"
	expect_status 0 "a supervised sandbox in its own namespaces (uid 65534)"
	expect_stdout "granted data" "the grant works in namespaces"
else
	skip_check "a supervised sandbox in its own namespaces: uid 65534 cannot create a user namespace here"
fi

# connect: the supervisor connects the sandbox's socket to the granted address.
"$greeter" "$scratch/port" &
greeter_pid=$!
port_written() { [[ -s $scratch/port ]]; }
wait_until 10 port_written || {
	fail "the test server did not write its port"
	finish
}
port=$(cat "$scratch/port")
policy connect "include \"$system\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc
notify connect
[broker]
connect tcp 127.0.0.1:$port"
client="exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3"
run "$MOAT" run -p "$scratch/connect.policy" -- bash -c "$client"
expect_status 0 "a granted connect"
expect_stdout "hello" "the granted server answered"
policy connect-other "include \"$system\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc
notify connect
[broker]
connect tcp 127.0.0.1:1"
run "$MOAT" run -p "$scratch/connect-other.policy" -- bash -c "$client"
expect_status 1 "a connect the broker does not grant"
expect_stderr_contains "Permission denied" "refused with EACCES"
policy connect-free "include \"$system\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc"
run "$MOAT" run -p "$scratch/connect-free.policy" -- bash -c "$client"
expect_stdout "hello" "positive control: connect allowed outright reaches the server"
# TCP Fast Open connects from sendto, where the connect broker does not look
# and where Landlock's port rules do not look on every kernel: the groups
# grant sendto only without it.
fast_open=$MOAT_BUILD_DIR/tests/programs/fast_open
policy fast-open "include \"$system\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc
[filesystem]
exec $(dirname "$fast_open")
[network]
connect tcp 1"
for who in root nobody; do
	prefix=()
	[[ $who == nobody ]] && prefix=("${unprivileged[@]}")
	run "${prefix[@]}" "$MOAT" run -p "$scratch/fast-open.policy" -- "$fast_open" "$port"
	expect_status 159 "TCP Fast Open to a port [network] does not list is killed ($who)"
	[[ $stdout != connected ]] || fail "TCP Fast Open reached a port that [network] does not list ($who)"
done
# The positive control needs a kernel where Fast Open works and Landlock does
# not check it. Probe both in sandboxes without the seccomp rule: one whose
# [network] lists the port (Fast Open is on here: net.ipv4.tcp_fastopen has
# the client bit, and the sandbox lets it through), then the control itself.
policy fast-open-listed "include \"$system\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc
allow sendto
[filesystem]
exec $(dirname "$fast_open")
[network]
connect tcp $port"
run "$MOAT" run -p "$scratch/fast-open-listed.policy" -- "$fast_open" "$port"
fast_open_here=$stdout
policy fast-open-allowed "include \"$scratch/fast-open.policy\"
[syscalls]
allow sendto"
run "$MOAT" run -p "$scratch/fast-open-allowed.policy" -- "$fast_open" "$port"
if [[ $fast_open_here == "refused: sendto: Operation not supported" ]]; then
	skip_check "positive control for Fast Open past Landlock: Fast Open is off here" \
		"(net.ipv4.tcp_fastopen is $(cat /proc/sys/net/ipv4/tcp_fastopen 2>/dev/null || echo unknown))"
elif [[ $fast_open_here != connected ]]; then
	fail "Fast Open to a port [network] lists, sendto allowed: $fast_open_here"
elif [[ $stdout == "refused: sendto: Permission denied" ]]; then
	skip_check "positive control for Fast Open past Landlock: this kernel's Landlock" \
		"refuses Fast Open to a port [network] does not list (kernel $(uname -r))"
else
	expect_stdout "connected" "positive control: with sendto allowed outright, Fast Open gets past Landlock"
fi

# The supervisor connects a socket of its own and puts it in the sandbox at
# the same descriptor number, with the same flags and options.
racer=$MOAT_BUILD_DIR/tests/programs/connect_race
"$racer" serve "$scratch/open.sock" open >"$scratch/open.out" &
open_server=$!
"$racer" serve "$scratch/full.sock" full >"$scratch/full.out" &
full_server=$!
for _ in $(seq 50); do
	[[ -s $scratch/open.out && -s $scratch/full.out ]] && break
	sleep 0.1
done
# Not on top of the system policy, which refuses unix sockets first.
policy connect-race "[syscalls]
default kill
allow socket if arg0 == AF_INET
allow socket if arg0 == AF_UNIX
allow @stdio @rpath @prot_exec @exec @inet @proc
notify connect
kill @default-deny
[filesystem]
read /usr /etc
exec /usr/bin /usr/lib ?/lib ?/lib64 $(dirname "$racer")
[broker]
connect tcp 127.0.0.1:$port
connect unix $scratch/open.sock
connect unix $scratch/full.sock"
for who in root nobody; do
	prefix=()
	[[ $who == nobody ]] && prefix=("${unprivileged[@]}")
	run "${prefix[@]}" "$MOAT" run -p "$scratch/connect-race.policy" \
		-- "$racer" check "$port" "$scratch/open.sock"
	expect_status 0 "brokered connects keep descriptor, flags and options ($who)"
	expect_stdout "ok" "every brokered connect checked ($who)"
	# A thread clears O_NONBLOCK on the sockets another connects to a full
	# server: the supervisor never waits, and `moat run` still ends on SIGTERM.
	"${prefix[@]}" "$MOAT" run -p "$scratch/connect-race.policy" \
		-- "$racer" race "$scratch/full.sock" 30 >"$scratch/race.out" 2>&1 &
	moat_pid=$!
	for _ in $(seq 100); do grep -q racing "$scratch/race.out" && break; sleep 0.1; done
	grep -q racing "$scratch/race.out" || fail "the race did not get going ($who): $(cat "$scratch/race.out")"
	sleep 1
	kill -TERM "$moat_pid"
	for _ in $(seq 50); do kill -0 "$moat_pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$moat_pid" 2>/dev/null; then
		fail "moat run ignored SIGTERM during the connect race ($who)"
		kill -KILL "$moat_pid"
	fi
	wait "$moat_pid"
	status=$?
	[[ $status -eq 143 ]] || fail "SIGTERM ended the raced sandbox with $status, expected 143 ($who)"
done
run "$MOAT" run -p "$scratch/connect-race.policy" -- "$racer" race "$scratch/full.sock" 3
expect_status 0 "every raced connect to the full server failed with EAGAIN ($stdout)"
expect_stdout_contains " connects, 0 not EAGAIN" "the racer counted its connects"
kill "$open_server" "$full_server" 2>/dev/null
wait "$open_server" "$full_server" 2>/dev/null
kill "$greeter_pid" 2>/dev/null
wait "$greeter_pid" 2>/dev/null

# When the supervisor dies, the sandbox dies with it (die-with-parent).
policy waiting "include \"$scratch/broker.policy\"
[syscalls]
allow @proc"
"$MOAT" run -p "$scratch/waiting.policy" -- sleep 30 &
moat_pid=$!
# The sandbox runs the program under moat's init (die-with-parent gives it a
# PID namespace), a grandchild of moat: wait for that state.
sandbox_started() {
	local init
	for init in $(pgrep -P "$moat_pid"); do
		sandbox=$(pgrep -P "$init" -x sleep | head -n 1)
		[[ -n $sandbox ]] && return 0
	done
	return 1
}
# Dead means gone or a zombie waiting for whoever adopted it.
sandbox_dead() {
	local state
	state=$(ps -o stat= -p "$sandbox" 2>/dev/null)
	[[ -z $state || $state == Z* ]]
}
sandbox=
if wait_until 10 sandbox_started; then
	kill -KILL "$moat_pid"
	wait "$moat_pid" 2>/dev/null
	if ! wait_until 5 sandbox_dead; then
		fail "the sandbox outlived its supervisor (state $(ps -o stat= -p "$sandbox"))"
		kill -KILL "$sandbox"
	fi
else
	fail "the sandbox did not start under moat within 10 s"
	kill -KILL "$moat_pid"
	wait "$moat_pid" 2>/dev/null
fi

finish
