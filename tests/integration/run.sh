#!/usr/bin/env bash
# `moat run` end to end: exit codes, the layers of issue 4 through the
# command, as root and as an unprivileged user. Every refusal has a positive
# control: the same action without the rule succeeds.
source "$(dirname "$0")/lib.sh"


# Programs need the system to run: the shipped policy plus what each test adds.
system=$MOAT_SOURCE_DIR/policies/system.policy
require_landlock_abi 1 "the shipped system.policy ([filesystem])"
syscalls_for_shells=$scratch/shells.policy
cat >"$syscalls_for_shells" <<'EOF'
moat 1
[syscalls]
default kill
allow @stdio @rpath @prot_exec @exec @proc @wpath @cpath
EOF

policy() { # name, text: writes $scratch/NAME.policy
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}

as_root_and_unprivileged() { # description, expected status, moat run arguments...
	local description=$1 expected=$2
	shift 2
	run "$MOAT" run "$@"
	expect_status "$expected" "$description (root)"
	root_stdout=$stdout
	run "${unprivileged[@]}" "$MOAT" run "$@"
	expect_status "$expected" "$description (uid 65534)"
}

# ---- exit codes ----------------------------------------------------------
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -- sh -c 'exit 3'
expect_status 3 "the program's own status"
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -- sh -c 'kill -TERM $$'
expect_status 143 "killed by SIGTERM is 128+15"
policy deny-getppid '[syscalls]
kill getppid'
run "$MOAT" run -p "$system" -p "$scratch/deny-getppid.policy" -- /usr/bin/python3 -c 'import os; os.getppid()'
expect_status 159 "a seccomp kill is 128+SIGSYS"
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -- /usr/bin/python3 -c 'import os; os.getppid()'
expect_status 0 "positive control: getppid without the rule"
run "$MOAT" run -p "$MOAT_TEST_DATA/spec/conflict.policy" -- true
expect_status 125 "a bad policy is moat's failure"
expect_stderr_contains "conflict.policy:5:" "the policy error is printed"
run "$MOAT" run -p "$system" -- /nonexistent/program
expect_status 127 "a program that does not exist"
run "$MOAT" run -p "$system" -- no-such-program-anywhere
expect_status 127 "a program not in PATH"
printf '#!/bin/sh\necho hi\n' >"$scratch/not-executable"
chmod 644 "$scratch/not-executable"
run "$MOAT" run -p "$system" -- "$scratch/not-executable"
expect_status 126 "a program that is not executable"
run "$MOAT" run -p "$system" -- /usr
expect_status 126 "a directory"
run "$MOAT" run
expect_status 125 "no arguments"
policy no-exec '[syscalls]
allow @stdio
kill execve'
run "$MOAT" run -p "$scratch/no-exec.policy" -- /bin/true
expect_status 125 "a policy that forbids execve"
expect_stderr_contains "does not allow execve" "the reason is given"

# ---- policies merge in order, and names find shipped policies --------------
run env MOAT_POLICY_PATH="$MOAT_SOURCE_DIR/policies" "$MOAT" run -p system -- true
expect_status 0 "-p NAME finds a policy in MOAT_POLICY_PATH"

# ---- a later policy wins, even over a file an earlier one included ----------
# Issue 9, finding 7: confined includes no-network, and app, built on
# confined, opens the greeter's port. no-network named after app (with -p
# or include) must close it again; named before, app refines it.
greeter=$MOAT_BUILD_DIR/tests/programs/tcp_greeter
"$greeter" "$scratch/greeter-port" &
greeter_pid=$!
for _ in $(seq 50); do [[ -s $scratch/greeter-port ]] && break; sleep 0.1; done
port=$(cat "$scratch/greeter-port")
shipped=$MOAT_SOURCE_DIR/policies
policy app "include \"$shipped/confined.policy\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc
[network]
connect tcp $port"
policy app-then-no-network "include \"app.policy\"
include \"$shipped/no-network.policy\""
policy no-network-then-app "include \"$shipped/no-network.policy\"
include \"app.policy\""
client="exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3"
greeting() { # expected (hello or refused), description, moat run arguments...
	local expected=$1 description=$2 user
	shift 2
	for user in root "uid 65534"; do
		local as=()
		[[ $user == root ]] || as=("${unprivileged[@]}")
		run "${as[@]}" "$MOAT" run "$@" -- bash -c "$client"
		if [[ $expected == hello ]]; then
			expect_stdout "hello" "$description ($user)"
		else
			[[ $stdout != hello ]] || fail "$description ($user): the server answered"
			expect_stderr_contains "Permission denied" "$description ($user): refused"
		fi
	done
}
if "$MOAT" features | grep -q '^  network: .*tcp connect'; then
	greeting hello "positive control: app alone reaches 127.0.0.1:$port" -p "$scratch/app.policy"
	greeting refused "-p app -p no-network" -p "$scratch/app.policy" -p "$shipped/no-network.policy"
	greeting refused "include app then no-network" -p "$scratch/app-then-no-network.policy"
	greeting hello "-p no-network -p app: app refines no-network" \
		-p "$shipped/no-network.policy" -p "$scratch/app.policy"
	greeting hello "include no-network then app" -p "$scratch/no-network-then-app.policy"
else
	echo "SKIP: later includes over [network]: Landlock here cannot restrict TCP connect (ABI < 4)"
fi
kill "$greeter_pid" 2>/dev/null
wait "$greeter_pid" 2>/dev/null

# ---- Landlock through the command -------------------------------------------
echo secret >"$scratch/secret"
chmod 644 "$scratch/secret"
as_root_and_unprivileged "reading outside the allowed paths" 1 \
	-p "$system" -- cat "$scratch/secret"
run "$MOAT" run -p "$syscalls_for_shells" -- cat "$scratch/secret"
expect_status 0 "positive control: no [filesystem], the file is readable"
expect_stdout "secret" "positive control reads the file"
mkdir -p "$scratch/out" && chmod 777 "$scratch/out"
as_root_and_unprivileged "writing outside the allowed paths" 2 \
	-p "$system" -p "$syscalls_for_shells" -- sh -c "echo x > $scratch/escape"
[[ ! -e "$scratch/escape" ]] || fail "a file was written outside the allowed paths"
policy write-out "[filesystem]
write $scratch/out"
as_root_and_unprivileged "writing inside a write rule" 0 \
	-p "$system" -p "$syscalls_for_shells" -p "$scratch/write-out.policy" \
	-- sh -c "echo x > \$(mktemp $scratch/out/file.XXXXXX)"

# ---- descriptors, environment, limits, capabilities ------------------------
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -- sh -c 'cat <&5' 5<"$scratch/secret"
expect_status 2 "an inherited descriptor is closed"
policy keep-fds '[filesystem]
read /tmp
[process]
close-fds no'
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -p "$scratch/keep-fds.policy" \
	-- sh -c 'cat <&5' 5<"$scratch/secret"
expect_stdout "secret" "positive control: close-fds no passes the descriptor"

policy env-clear '[process]
env clear
env set ONLY=this'
run env SECRET_TOKEN=hunter2 "$MOAT" run -p "$system" -p "$scratch/env-clear.policy" -- /usr/bin/env
expect_stdout "ONLY=this" "env clear leaves only env set"
run env SECRET_TOKEN=hunter2 "$MOAT" run -p "$system" -- /usr/bin/env
expect_stdout_contains "SECRET_TOKEN=hunter2" "positive control: the environment is inherited"

policy limits '[limits]
nofile 17
fsize 1M
as 512M'
as_root_and_unprivileged "limits are applied" 0 \
	-p "$system" -p "$syscalls_for_shells" -p "$scratch/limits.policy" \
	-- sh -c 'ulimit -n; ulimit -Hn; ulimit -f; ulimit -v; ulimit -c'
expect_stdout $'17\n17\n2048\n524288\n0' "limits seen inside"
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -- sh -c 'ulimit -n'
[[ "$stdout" != 17 ]] || fail "positive control: without [limits] nofile is not 17"

policy proc '[filesystem]
read /proc'
run "$MOAT" run -p "$system" -p "$scratch/proc.policy" -- grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status
expect_stdout $'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000' \
	"root keeps no capability"
run grep -E '^CapEff' /proc/self/status
[[ "$stdout" != *0000000000000000 ]] || fail "positive control: root outside has capabilities"

# ---- no controlling terminal -------------------------------------------------
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -- sh -c 'exec 3</dev/tty'
[[ $status -ne 0 ]] || fail "the sandbox reached a controlling terminal"

# ---- the sandbox cannot reach its parent ---------------------------------------
# A policy with only [syscalls] still gets moat's Landlock boundary: no
# /proc/PPID/mem for writing (the start of planting code in `moat run`), and
# no signal out. Positive control: the same program outside moat reaches its
# parent, a shell of the same user.
reach=$MOAT_BUILD_DIR/tests/programs/reach_parent
policy syscalls-only '[syscalls]
default kill
allow @stdio @rpath @wpath @prot_exec @exec @proc
kill @default-deny'
# Yama (kernel.yama.ptrace_scope 1 and up) refuses a child its parent's
# memory whoever confines it; the signal needs Landlock's signal scope (ABI 6).
ptrace_scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
for attempt in mem signal; do
	if [[ $attempt == signal && $(landlock_abi) -lt 6 ]]; then
		skip_check "a sandbox signalling moat run: Landlock ABI $(landlock_abi) has no signal scope"
		continue
	fi
	run "${unprivileged[@]}" "$MOAT" run -p "$scratch/syscalls-only.policy" -- "$reach" "$attempt"
	expect_stdout "refused" "a sandbox reaching moat run ($attempt, uid 65534)"
	run "${unprivileged[@]}" sh -c "'$reach' $attempt; exit 0"
	if [[ $attempt == mem && $stdout == refused && $ptrace_scope -ge 1 ]]; then
		skip_check "positive control for /proc/PPID/mem: kernel.yama.ptrace_scope is" \
			"$ptrace_scope, which refuses it outside moat too"
		continue
	fi
	expect_stdout "open" "positive control: outside moat the parent is reachable ($attempt)"
done

# ---- what the program leaves running ends with it ---------------------------
# Two processes left behind (a background child, and one in a session of its
# own whose parent exited) count themselves in a file; the shell exits once
# both did. They sleep for a time no other process uses, so the test finds
# them by their command line: inside the sandbox's PID namespace their own
# pids are not the host's.
policy background "[filesystem]
write $scratch/out"
counted=$scratch/out/started
marker="29.$(printf '%05d' $((RANDOM % 100000)))"
leaver="echo started >> $counted; exec sleep $marker"
leave="sh -c '$leaver' & (setsid sh -c '$leaver' &)
for _ in \$(seq 1000); do [ \$(cat $counted 2>/dev/null | wc -l) -ge 2 ] && exit 0; sleep 0.01; done; exit 1"
left_behind() { pgrep -f "^sleep $marker\$"; }
none_left() { ! left_behind >/dev/null; }
run sh -c "$leave"
expect_status 0 "positive control: outside moat both background processes start"
mapfile -t left < <(left_behind)
[[ ${#left[@]} -eq 2 ]] || fail "positive control: outside moat both background processes live on: ${left[*]}"
kill -KILL "${left[@]}" 2>/dev/null
wait_until 5 none_left || fail "the control's background processes did not end"
rm -f "$counted"
run "$MOAT" run -p "$system" -p "$syscalls_for_shells" -p "$scratch/background.policy" -- sh -c "$leave"
expect_status 0 "a program that leaves processes behind"
[[ $(wc -l <"$counted") -eq 2 ]] || fail "the sandbox's background processes did not start: $(cat "$counted")"
if ! wait_until 5 none_left; then
	fail "a process the sandbox left behind outlived moat run: $(left_behind | tr '\n' ' ')"
	left_behind | xargs -r kill -KILL
fi

# ---- grants on the command line: --read --write --exec --connect -------------
# Each grant is shown to work, and the same run without it is refused.
mkdir -p "$scratch/granted" "$scratch/granted-out" "$scratch/granted-bin"
echo granted-secret >"$scratch/granted/secret"
printf '#!/bin/sh\necho ran\n' >"$scratch/granted-bin/tool"
chmod 755 "$scratch/granted-bin/tool"
chmod 644 "$scratch/granted/secret"
chmod 777 "$scratch/granted-out"
as_root_and_unprivileged "--read grants reading" 0 \
	-p "$system" --read "$scratch/granted" -- cat "$scratch/granted/secret"
expect_stdout "granted-secret" "--read: the file's text"
as_root_and_unprivileged "positive control: without --read the file is refused" 1 \
	-p "$system" -- cat "$scratch/granted/secret"
as_root_and_unprivileged "--write grants writing" 0 \
	-p "$system" -p "$syscalls_for_shells" --write "$scratch/granted-out" \
	-- sh -c "echo x > \$(mktemp $scratch/granted-out/file.XXXXXX)"
as_root_and_unprivileged "positive control: without --write writing is refused" 2 \
	-p "$system" -p "$syscalls_for_shells" \
	-- sh -c "echo x > \$(mktemp -u $scratch/granted-out/file.XXXXXX)"
run env -C "$scratch" "$MOAT" run -p "$system" --read granted -- cat granted/secret
expect_stdout "granted-secret" "--read takes a path relative to the working directory"
as_root_and_unprivileged "--exec grants starting a program" 0 \
	-p "$system" --exec "$scratch/granted-bin" -- "$scratch/granted-bin/tool"
expect_stdout "ran" "--exec: the program ran"
as_root_and_unprivileged "positive control: without --exec the program is refused" 126 \
	-p "$system" -- "$scratch/granted-bin/tool"
if "$MOAT" features | grep -q '^  network: .*tcp connect'; then
	"$greeter" "$scratch/grant-port" &
	greeter_pid=$!
	wait_until 5 test -s "$scratch/grant-port" || fail "the greeter did not start"
	port=$(cat "$scratch/grant-port")
	client="exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3"
	policy tcp-client "include \"$shipped/confined.policy\"
[syscalls]
allow socket if arg0 == AF_INET
allow @inet @proc"
	greeting hello "--connect tcp:PORT grants the port" \
		-p "$scratch/tcp-client.policy" --connect "tcp:$port"
	greeting refused "positive control: without --connect the port is refused" \
		-p "$scratch/tcp-client.policy"
	kill "$greeter_pid" 2>/dev/null
	wait "$greeter_pid" 2>/dev/null
else
	echo "SKIP: --connect: Landlock here cannot restrict TCP connect (ABI < 4)"
fi
bad_grant() { # description, fragment of the error, grant arguments...
	local description=$1 fragment=$2
	shift 2
	run "$MOAT" run -p "$system" "$@" -- touch "$scratch/granted-out/ran"
	expect_status 125 "$description"
	expect_stderr_contains "$fragment" "$description: the reason"
	[[ ! -e $scratch/granted-out/ran ]] || fail "$description: the program ran"
}
bad_grant "--connect without tcp:" "tcp:PORT" --connect 80
bad_grant "--connect tcp:0" "from 1 to 65535" --connect tcp:0
bad_grant "--connect tcp:70000" "from 1 to 65535" --connect tcp:70000
bad_grant "--connect tcp:80x" "from 1 to 65535" --connect tcp:80x
bad_grant "--read of a path that does not exist" "<moat run grants>:4:6: error:" \
	--read "$scratch/granted" --read /nonexistent/moat
bad_grant "--read ''" "not a path moat can grant" --read ''
bad_grant "--write with \${" "not a path moat can grant" --write '/tmp/${HOME}'
run "$MOAT" run -p "$system" --exec
expect_status 125 "--exec without a value"
expect_stderr_contains "--exec needs a value" "--exec without a value: the reason"
run "$MOAT" run --help
expect_stdout_contains "--connect tcp:PORT" "moat run --help shows the grants"

# ---- system.policy: metadata changes are errors, touch works where granted ---
# Issue 11: touch was killed on utimensat(fd, NULL, NULL) under system.
run "$MOAT" run -p "$system" --write "$scratch/granted-out" -- touch "$scratch/granted-out/touched"
expect_status 0 "touch in a --write directory (root)"
run "${unprivileged[@]}" "$MOAT" run -p "$system" --write "$scratch/granted-out" \
	-- touch "$scratch/granted-out/touched-65534"
expect_status 0 "touch in a --write directory (uid 65534)"
[[ -e $scratch/granted-out/touched && -e $scratch/granted-out/touched-65534 ]] ||
	fail "touch did not create the files"
as_root_and_unprivileged "positive control: touch outside the grants is refused, not killed" 1 \
	-p "$system" -- touch "$scratch/granted-out/untouched"
as_root_and_unprivileged "chmod is refused with an error, not killed" 1 \
	-p "$system" --write "$scratch/granted-out" -- chmod 600 "$scratch/granted-out/touched"
expect_stderr_contains "Operation not permitted" "chmod under system: EPERM"
as_root_and_unprivileged "touch -d (chosen times) is refused with an error" 1 \
	-p "$system" --write "$scratch/granted-out" -- touch -d 2020-01-01 "$scratch/granted-out/touched"

# ---- an unknown policy name lists the nearest ---------------------------------
for typo in "systm:'system'" "no-net:'no-network'" "CONFINED:'confined'"; do
	run env MOAT_POLICY_PATH="$shipped" "$MOAT" run -p "${typo%%:*}" -- true
	expect_status 125 "-p ${typo%%:*}"
	expect_stderr_contains "did you mean ${typo#*:}" "-p ${typo%%:*} suggests ${typo#*:}"
done
run env MOAT_POLICY_PATH="$shipped" "$MOAT" run -p zzzzzzzz -- true
[[ $stderr != *"did you mean"* ]] || fail "a name near nothing suggests nothing: $stderr"

# ---- compat with a faked older kernel ----------------------------------------
policy network '[network]
connect tcp 443'
run "$MOAT" run --landlock-abi 3 -p "$system" -p "$scratch/network.policy" -- true
expect_status 125 "compat strict refuses what Landlock ABI 3 cannot enforce"
expect_stderr_contains "ABI 4" "the refusal names the missing ABI"
policy best-effort 'compat best-effort'
run "$MOAT" run --landlock-abi 3 -p "$system" -p "$scratch/network.policy" \
	-p "$scratch/best-effort.policy" -- true
expect_status 0 "compat best-effort runs"
expect_stderr_contains "warning:" "best-effort reports what it dropped"

finish
