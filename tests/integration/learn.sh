#!/bin/bash
# moat learn (authoring.md, "Learning a policy from a run"): a learned policy
# passes `moat check`, reproduces the run's output and status under
# `moat run`, and refuses a variant that does something new: another
# directory (Landlock), another syscall (the filter: 159), another port.
# Every variant is first run bare, where it works: the positive control
# that the refusal comes from the learned policy. As root and as uid 65534.
source "$(dirname "$0")/lib.sh"

greeter=$MOAT_BUILD_DIR/tests/programs/tcp_greeter
[[ -x $greeter ]] || skip "$greeter is not built"
holes=$MOAT_BUILD_DIR/tests/programs/abi_holes
[[ -x $holes ]] || skip "$holes is not built"
# The system's python, which uid 65534 can run too (not a shim under /root).
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3) || skip "python3 is not installed"
[[ $(landlock_abi) -ge 4 ]] || skip "no Landlock ABI 4: a learned [filesystem] and [network] cannot be enforced"
choose_users

# learned USER NAME STATUS CMD...: learns CMD in the current directory into
# NAME.policy (CMD must end with STATUS), checks the policy, and runs CMD
# under it: same stdout, same status.
learned() {
	local user=$1 name=$2 expected=$3
	shift 3
	run as "$user" "$MOAT" learn -o "$name.policy" -- "$@"
	local learn_status=$status learn_stdout=$stdout
	expect_status "$expected" "$user $name: moat learn"
	[[ -s $name.policy ]] || fail "$user $name: no policy written ($stderr)"
	[[ $(head -1 "$name.policy") == "moat 1" ]] || fail "$user $name: OUT does not start with moat 1"
	run "$MOAT" check "$name.policy"
	expect_status 0 "$user $name: moat check of the learned policy"
	run as "$user" "$MOAT" run -p "$name.policy" -- "$@"
	expect_status "$learn_status" "$user $name: moat run under the learned policy"
	expect_stdout "$learn_stdout" "$user $name: same output under the learned policy"
}

# refused USER NAME DESCRIPTION CMD...: CMD works bare (the control), not under NAME.policy.
refused() {
	local user=$1 name=$2 what=$3
	shift 3
	run as "$user" "$@"
	expect_status 0 "$user $name, control: $what works bare"
	run as "$user" "$MOAT" run -p "$name.policy" -- "$@"
	[[ $status -ne 0 ]] || fail "$user $name: $what is not refused under the learned policy"
	last_status=$status
}

for user in "${users[@]}"; do
	home=$scratch/$user
	mkdir -p "$home/app" "$home/elsewhere"
	echo "app data" >"$home/app/data.txt"
	echo "elsewhere data" >"$home/elsewhere/data.txt"
	chmod -R a+rwX "$home"
	cd "$home/app" || exit 1

	# A shell pipeline: three programs, one directory listed.
	learned "$user" pipeline 0 sh -c 'ls /usr/bin | sort | head -3'
	[[ $stdout ]] || fail "$user pipeline: no output"
	grep -q '^exec .*/usr/bin/sort' pipeline.policy || fail "$user pipeline: sort not granted exec"
	refused "$user" pipeline "listing another directory" sh -c 'ls /usr/sbin | sort | head -3 | grep -q .'

	# Python reading a file and printing it.
	learned "$user" python 0 "$python" -c 'print(open("data.txt").read().strip())'
	expect_stdout "app data" "$user python: the learned run printed the file"
	refused "$user" python "a file in another directory" \
		"$python" -c 'print(open("../elsewhere/data.txt").read().strip())'
	refused "$user" python "another syscall" "$python" -c 'import socket; socket.socket()'
	[[ $last_status -eq 159 ]] || fail "$user python: a new socket() ended with $last_status, not 159"

	# A TCP client of a listener outside, on an ephemeral port; another listener as the variant.
	as "$user" "$greeter" "$home/port1" &
	greeter1=$!
	as "$user" "$greeter" "$home/port2" &
	greeter2=$!
	for _ in $(seq 50); do [[ -s $home/port1 && -s $home/port2 ]] && break; sleep 0.1; done
	port1=$(cat "$home/port1") port2=$(cat "$home/port2")
	client='import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); print(s.recv(16).decode().strip())'
	learned "$user" tcp 0 "$python" -c "$client" "$port1"
	expect_stdout "hello" "$user tcp: the learned run talked to the listener"
	grep -qx "connect tcp $port1" tcp.policy || fail "$user tcp: no 'connect tcp $port1' line"
	refused "$user" tcp "another port" "$python" -c "$client" "$port2"
	kill "$greeter1" "$greeter2" 2>/dev/null
	wait "$greeter1" "$greeter2" 2>/dev/null

	# Writing a file in a scratch directory; the variant writes one elsewhere.
	mkdir -p out && chmod a+rwX out
	write='echo written >"$1/result.txt" && cat "$1/result.txt"'
	learned "$user" write 0 sh -c "$write" sh out
	rm -f out/result.txt
	run as "$user" "$MOAT" run -p write.policy -- sh -c "$write" sh out
	expect_stdout "written" "$user write: the file is made again under the learned policy"
	refused "$user" write "writing in another directory" sh -c "$write" sh ../elsewhere

	# A device ioctl (RNDGETENTCNT on /dev/urandom): the grant is the optional
	# `ioctl-dev?`, so the learned policy runs under compat strict below ABI 5
	# too, where the right is given up and the seccomp closure refuses the
	# device ioctl. Control: with plain `ioctl-dev`, strict refuses to run there.
	run as "$user" "$MOAT" learn -o device.policy -- "$holes" ioctl-dev
	expect_status 0 "$user device: moat learn"
	expect_stdout "done" "$user device: the ioctl worked under moat learn"
	grep -qx 'allow ioctl-dev? /dev/urandom' device.policy ||
		fail "$user device: no 'allow ioctl-dev? /dev/urandom' line: $(cat device.policy)"
	grep -q 'ioctl-dev ' device.policy && fail "$user device: a plain ioctl-dev was written"
	run "$MOAT" check device.policy
	expect_status 0 "$user device: moat check of the learned policy"
	if [[ $(landlock_abi) -ge 5 ]]; then
		run as "$user" "$MOAT" run -p device.policy -- "$holes" ioctl-dev
		expect_stdout "done" "$user device: ioctl-dev? grants the ioctl on a kernel with ioctl-dev"
	fi
	run as "$user" "$MOAT" run --landlock-abi 4 -p device.policy -- "$holes" ioctl-dev
	expect_stdout "EACCES" "$user device: on ABI 4 strict runs it, ioctl-dev? given up, the closure refuses"
	sed 's|ioctl-dev?|ioctl-dev|' device.policy >device-named.policy
	run "$MOAT" check device-named.policy
	expect_status 0 "$user device control: plain ioctl-dev passes moat check"
	run as "$user" "$MOAT" run --landlock-abi 4 -p device-named.policy -- "$holes" ioctl-dev
	expect_status 125 "$user device control: compat strict refuses plain ioctl-dev on ABI 4"
	expect_stderr_contains "ioctl-dev needs Landlock ABI 5" "$user device control: the refusal names ioctl-dev"

	# The program's own status, and a signal's, are learn's and run's.
	learned "$user" status 3 sh -c 'echo before; exit 3'
	learned "$user" signal 143 sh -c 'kill -TERM $$'
	ls -A | grep -q '^\.[a-z]*\.policy\.' && fail "$user: a temporary file was left behind"
done
# A program whose setsid'd grandchild would outlive it: nothing it started
# outlives `moat learn` (its PID namespace dies with it). The grandchild is
# found by a marker in its argv[0]; the program waits until it runs.
leaver='import os, sys
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, b"x")
        os.execv("/bin/sleep", [sys.argv[1], "30"])
    os._exit(0)
os.close(w)
os.read(r, 1)
print("started")'
for user in "${users[@]}"; do
	cd "$scratch/$user/app" || exit 1
	marker=moat-learn-leftover-$$-$user
	# Positive control: run bare, the grandchild outlives the program.
	run as "$user" "$python" -c "$leaver" "$marker"
	expect_stdout "started" "$user leftover control: the program ran"
	leftover=$(pgrep -f "^$marker") || fail "$user leftover control: the setsid grandchild did not outlive the bare run"
	[[ -z $leftover ]] || kill -KILL $leftover
	run as "$user" "$MOAT" learn -o leftover.policy -- "$python" -c "$leaver" "$marker"
	expect_status 0 "$user leftover: moat learn"
	expect_stdout "started" "$user leftover: the program ran under moat learn"
	if leftover=$(pgrep -f "^$marker"); then
		kill -KILL $leftover
		fail "$user leftover: a process the program started outlived moat learn"
	fi
done

cd "$scratch" || exit 1

# Bad input. A missing program: 127, and an existing OUT stays as it was.
echo "old contents" >"$scratch/kept.policy"
run "$MOAT" learn -o "$scratch/kept.policy" -- /nonexistent/program
expect_status 127 "a missing program"
[[ $(cat "$scratch/kept.policy") == "old contents" ]] || fail "a failed learn changed OUT"
ls -A "$scratch" | grep -q '^\.kept\.policy\.' && fail "a failed learn left its temporary file"

# An unwritable -o: 125 before anything runs.
run "$MOAT" learn -o /nonexistent/dir/x.policy -- sh -c "touch '$scratch/ran'"
expect_status 125 "an unwritable -o"
[[ -e $scratch/ran ]] && fail "the program ran although -o could not be written"
# Control: with a writable -o the same program does run.
run "$MOAT" learn -o "$scratch/ran.policy" -- sh -c "touch '$scratch/ran'"
expect_status 0 "a writable -o"
[[ -e $scratch/ran ]] || fail "control: the program did not run with a writable -o"

# A usage error is moat's failure.
run "$MOAT" learn -- true
expect_status 125 "learn without -o"

# With a BASE: included, and what it allows is left out.
cat >"$scratch/base.policy" <<'POLICY'
moat 1
[syscalls]
allow read write close
[filesystem]
read /usr/lib/x86_64-linux-gnu /usr/lib /lib
POLICY
cd "$scratch/${users[0]}/app" || exit 1
run "$MOAT" learn -o based.policy -p "$scratch/base.policy" -- sh -c 'ls /usr/bin | sort | head -3'
expect_status 0 "learn with a base"
grep -qx "include \"$scratch/base.policy\"" based.policy || fail "the base is not included"
grep -q '^allow.* read ' based.policy && fail "read, which the base allows, was added again"
grep -q '^read .*/usr/lib/x86_64-linux-gnu' based.policy && fail "a path the base grants was added again"
grep -q '^allow .*execve' based.policy || fail "control: execve, which the base lacks, is missing"
run "$MOAT" check based.policy
expect_status 0 "moat check of a policy learned with a base"
run "$MOAT" run -p based.policy -- sh -c 'ls /usr/bin | sort | head -3'
expect_status 0 "a policy learned with a base reproduces the run"
finish
