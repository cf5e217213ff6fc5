#!/usr/bin/env bash
# The supervisor through `moat run`: opens and connects that [broker] grants
# and refuses, the hand-off's own checks, namespaces with a supervisor, and
# what happens when the supervisor dies. Each refusal has a positive control.
source "$(dirname "$0")/lib.sh"

greeter=$MOAT_BUILD_DIR/tests/programs/tcp_greeter
[[ -x $greeter ]] || skip "$greeter is not built"
unprivileged=(setpriv --reuid 65534 --regid 65534 --clear-groups)
system=$MOAT_SOURCE_DIR/policies/system.policy

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

# Namespaces and a supervisor, unprivileged: the sandbox writes its own maps.
policy broker-namespaces "include \"$scratch/broker.policy\"
[namespaces]
unshare user pid net ipc uts"
run "${unprivileged[@]}" "$MOAT" run -p "$scratch/broker-namespaces.policy" \
	-- cat "$scratch/granted/data"
expect_status 0 "a supervised sandbox in its own namespaces (uid 65534)"
expect_stdout "granted data" "the grant works in namespaces"

# connect: the supervisor connects the sandbox's socket to the granted address.
"$greeter" "$scratch/port" &
greeter_pid=$!
for _ in $(seq 50); do [[ -s $scratch/port ]] && break; sleep 0.1; done
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
# TCP Fast Open connects from sendto, where neither Landlock's port rules nor
# the connect broker look: the groups grant sendto only without it.
fast_open=$MOAT_BUILD_DIR/tests/programs/fast_open
policy fast-open "include \"$system\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc
[filesystem]
exec $(dirname "$fast_open")
[network]
connect tcp 1"
run "$MOAT" run -p "$scratch/fast-open.policy" -- "$fast_open" "$port"
expect_status 159 "TCP Fast Open to a port [network] does not list is killed"
[[ $stdout != connected ]] || fail "TCP Fast Open reached a port that [network] does not list"
policy fast-open-allowed "include \"$scratch/fast-open.policy\"
[syscalls]
allow sendto"
run "$MOAT" run -p "$scratch/fast-open-allowed.policy" -- "$fast_open" "$port"
expect_stdout "connected" "positive control: with sendto allowed outright, Fast Open gets past Landlock"

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
sleep 0.5
sandbox=$(pgrep -P "$moat_pid" | head -n 1)
kill -KILL "$moat_pid"
wait "$moat_pid" 2>/dev/null
sleep 0.3
# Dead means gone or a zombie waiting for whoever adopted it.
state=$(ps -o stat= -p "$sandbox" 2>/dev/null)
if [[ -n "$sandbox" && -n "$state" && $state != Z* ]]; then
	fail "the sandbox outlived its supervisor (state $state)"
	kill -KILL "$sandbox"
fi
[[ -n "$sandbox" ]] || fail "the sandbox was not found under moat"

finish
