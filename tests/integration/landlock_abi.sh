#!/usr/bin/env bash
# The kernels people run (docs/landlock.md, "Older kernels"): with
# --landlock-abi 1 to 7, every shipped policy runs a program of its own
# under compat strict; strict refuses only what a statement cannot enforce
# as written (a scope or a tcp line that nothing else holds, a named right);
# each seccomp closure of a right the simulated kernel lacks refuses its
# attack, and each statement held by a namespace or the filter stops its
# attack, beside the control where the closure or namespace is absent and
# the same attack works.
source "$(dirname "$0")/lib.sh"

require_landlock_abi 7 "simulating every Landlock ABI from 1 to 7"
shipped=$MOAT_SOURCE_DIR/policies
holes=$MOAT_BUILD_DIR/tests/programs/abi_holes
export MOAT_POLICY_PATH=$shipped
choose_users

policy() { # name, text: writes $scratch/NAME.policy
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
}
policy best-effort 'compat best-effort'

data=$scratch/data
mkdir -p "$data"
seq 1 200 >"$data/numbers.txt"
chmod -R a+rX "$data"

# ---- every shipped policy on every ABI ---------------------------------------
# A program each, doing a small real job; program policies include
# program-base, whose [network] has `none` tcp lines (ABI 4) and scopes (ABI
# 6): below those the filter (no socket) and the PID namespace hold them, so
# they run under compat strict. shell grants the optional right ioctl-dev?
# on /dev/tty, which strict gives up below ABI 5 instead of refusing.
declare -A jobs=(
	[system]="/usr/bin/ls /usr"
	[confined]="/usr/bin/ls /usr"
	[bzip2]="/usr/bin/bzip2 -c $data/numbers.txt"
	[cc]="/usr/bin/cc --version"
	[convert]="/usr/bin/convert -version"
	[curl]="/usr/bin/curl --version"
	[file]="/usr/bin/file $data/numbers.txt"
	[git]="/usr/bin/git --version"
	[gpgv]="/usr/bin/gpgv --version"
	[gzip]="/usr/bin/gzip -c $data/numbers.txt"
	[jq]="/usr/bin/jq -n 1+1"
	[lua]="/usr/bin/lua -e print(1)"
	[make]="/usr/bin/make --version"
	[node]="/usr/bin/node -e 1"
	[openssl]="/usr/bin/openssl version"
	[pdftotext]="/usr/bin/pdftotext -v"
	[perl]="/usr/bin/perl -e 1"
	[python3]="/usr/bin/python3 -c pass"
	[rsync]="/usr/bin/rsync --version"
	[shell]="/usr/bin/bash -c echo"
	[sqlite3]="/usr/bin/sqlite3 :memory: select(1)"
	[tar]="/usr/bin/tar --version"
	[unzip]="/usr/bin/unzip -v"
	[xmllint]="/usr/bin/xmllint --version"
	[xz]="/usr/bin/xz -c $data/numbers.txt"
	[zstd]="/usr/bin/zstd -c $data/numbers.txt"
)
for policy_file in "$shipped"/*.policy; do
	name=$(basename "$policy_file" .policy)
	case $name in
	# Not for moat run with a program: stdio allows no execve (moat_enter),
	# program-base is the base of the others, no-network is a layer.
	stdio | program-base | no-network) continue ;;
	esac
	[[ -n ${jobs[$name]:-} ]] || {
		fail "shipped policy $name has no job in this test"
		continue
	}
	read -r -a job <<<"${jobs[$name]}"
	if [[ ! -x ${job[0]} ]]; then
		skip_check "policy $name on every ABI: ${job[0]} is not installed"
		continue
	fi
	for abi in 1 2 3 4 5 6 7; do
		run "$MOAT" run --landlock-abi "$abi" -p "$name" --read "$data" -- "${job[@]}"
		expect_status 0 "-p $name under compat strict on Landlock ABI $abi"
	done
done

# shell.policy's `ioctl-dev?`: given up below ABI 5, and the report says so.
# Control: the same policy with the right named without `?` is refused there.
grep -q 'ioctl-dev? ?/dev/tty' "$shipped/shell.policy" || fail "shell.policy grants ioctl-dev? on /dev/tty"
sed 's|ioctl-dev? ?/dev/tty|ioctl-dev ?/dev/tty|' "$shipped/shell.policy" >"$scratch/shell-named.policy"
cp "$shipped/program-base.policy" "$scratch/" # included by its relative path
for abi in 1 2 3 4 5 6 7; do
	run "$MOAT" run --report --landlock-abi "$abi" -p shell -- /usr/bin/bash -c echo
	expect_status 0 "-p shell under compat strict on ABI $abi"
	run "$MOAT" run --landlock-abi "$abi" -p "$scratch/shell-named.policy" -- /usr/bin/bash -c echo
	if [[ $abi -lt 5 ]]; then
		expect_status 125 "compat strict refuses shell.policy with a named ioctl-dev on ABI $abi"
		expect_stderr_contains "ioctl-dev needs Landlock ABI 5" "the refusal on ABI $abi names ioctl-dev"
		run "$MOAT" run --report --landlock-abi "$abi" -p shell -- /usr/bin/bash -c echo
		expect_stderr_contains "optional right ioctl-dev dropped: needs Landlock ABI 5, the kernel has ABI $abi; not granted on /dev/tty" \
			"the report on ABI $abi says ioctl-dev? is given up"
		expect_stderr_contains "closed by seccomp: ioctl-dev (Landlock ABI 5)" "ioctl closed for -p shell on ABI $abi"
	else
		expect_status 0 "shell.policy with a named ioctl-dev on ABI $abi"
		run "$MOAT" run --report --landlock-abi "$abi" -p shell -- /usr/bin/bash -c echo
		[[ $stderr != *"optional right"* ]] || fail "ABI $abi gives up no optional right: $stderr"
	fi
done

# ---- the report says what each ABI gets --------------------------------------
for abi in 1 2 3 4 5 6 7; do
	run "$MOAT" run --report --landlock-abi "$abi" -p system -- /usr/bin/true
	expect_status 0 "moat run --report -p system on ABI $abi"
	expect_stderr_contains "enforced by Landlock: [filesystem]: Landlock ABI $abi enforces" "the report on ABI $abi"
	if [[ $abi -lt 3 ]]; then
		expect_stderr_contains "closed by seccomp: truncate (Landlock ABI 3)" "truncate closed on ABI $abi"
	fi
	if [[ $abi -lt 5 ]]; then
		expect_stderr_contains "closed by seccomp: ioctl-dev (Landlock ABI 5)" "ioctl-dev closed on ABI $abi"
	else
		[[ $stderr != *"closed by seccomp"* ]] || fail "ABI $abi closes nothing: $stderr"
	fi
	[[ $stderr != *"open on this kernel"* ]] || fail "-p system leaves nothing open on ABI $abi: $stderr"
	# A program policy: what holds its [network] statements below ABI 4 and 6.
	run "$MOAT" run --report --landlock-abi "$abi" -p jq -- /usr/bin/jq -n 1
	expect_status 0 "moat run --report -p jq on ABI $abi"
	if [[ $abi -lt 4 ]]; then
		expect_stderr_contains "held without Landlock: connect tcp none, bind tcp none (Landlock ABI 4): held by the seccomp filter (socket refused)" \
			"the tcp lines held on ABI $abi"
	fi
	if [[ $abi -lt 6 ]]; then
		expect_stderr_contains "held without Landlock: scope signal (Landlock ABI 6): held by the PID namespace" \
			"scope signal held on ABI $abi"
		expect_stderr_contains "held without Landlock: scope abstract-unix (Landlock ABI 6): held by the seccomp filter (socket refused)" \
			"scope abstract-unix held on ABI $abi"
	else
		[[ $stderr != *"held without Landlock"* ]] || fail "ABI $abi holds nothing without Landlock: $stderr"
	fi
	[[ $stderr != *"open on this kernel"* ]] || fail "-p jq leaves nothing open on ABI $abi: $stderr"
	[[ $stderr != *"no denial reports"* ]] || fail "-p jq keeps its reports on ABI $abi: $stderr"
	run "$MOAT" features --landlock-abi "$abi"
	expect_stdout_contains "landlock: abi $abi" "moat features --landlock-abi $abi"
	if [[ $abi -lt 6 ]]; then
		expect_stdout_contains "held by the PID namespace" "moat features --landlock-abi $abi: scope signal"
	fi
done
run "$MOAT" compile --landlock-abi 2 "$shipped/system.policy"
expect_stdout_contains "compat: no Landlock truncate before ABI 3" "moat compile names the truncate closure"
run "$MOAT" eval --landlock-abi 2 "$shipped/system.policy" truncate
expect_stdout "errno EACCES by moat (compat: no Landlock truncate before ABI 3 (no rule grants truncate))" \
	"moat eval names the closure that decided"
run "$MOAT" eval --landlock-abi 3 "$shipped/system.policy" truncate
expect_action allow "moat eval on ABI 3: the policy's own rule decides"
run "$MOAT" compile --landlock-abi 7 "$shipped/system.policy"
[[ $stdout != *"compat:"* ]] || fail "ABI 7 needs no closure: $stdout"

# ---- strict still refuses what a statement names -----------------------------
policy named-truncate '[filesystem]
allow read-file,truncate /etc/hostname'
run "$MOAT" run --landlock-abi 2 -p system -p "$scratch/named-truncate.policy" -- /usr/bin/true
expect_status 125 "a named truncate on ABI 2"
expect_stderr_contains "truncate needs Landlock ABI 3" "the refusal names truncate"

# ---- the closures, each beside its control -----------------------------------
# The attacks run the test program, which the policy must let run.
grants=(--exec "$holes" --exec "$(dirname "$holes")")
policy allow-ioctl '[syscalls]
allow ioctl'
policy named-ioctl '[filesystem]
allow read-file,ioctl-dev /dev/urandom'
policy optional-ioctl '[filesystem]
allow read-file,ioctl-dev? /dev/urandom'
policy tcp-none '[syscalls]
allow socket bind listen getsockname connect
[network]
connect tcp none
bind tcp none'
policy connect-none '[syscalls]
allow socket bind listen getsockname connect
[network]
connect tcp none'
policy tcp-port '[network]
connect tcp 443'
policy unix-sockets '[syscalls]
default allow
kill @default-deny
[network]
scope abstract-unix'
policy own-net '[namespaces]
unshare net'
policy scope-unix '[network]
scope abstract-unix'
policy scope-signal '[syscalls]
default allow
kill @default-deny
[network]
scope signal'
policy no-die '[process]
die-with-parent no'
policy broker "include \"$shipped/system.policy\"
[syscalls]
notify openat if arg2 & O_ACCMODE == O_RDONLY
[broker]
open read /usr
open read /etc
open read $data"
mkdir -p "$scratch/out"
chmod 777 "$scratch/out"

victim() { # a file granted for reading only, its content to prove it intact
	echo precious >"$scratch/victim"
	chmod 666 "$scratch/victim"
}

for user in "${users[@]}"; do
	# truncate(2) of a file granted only for reading: the hole before ABI 3.
	for attack in truncate open-trunc; do
		victim
		run as "$user" "$MOAT" run --landlock-abi 2 -p system "${grants[@]}" --read "$scratch/victim" \
			-- "$holes" "$attack" "$scratch/victim"
		expect_stdout "EACCES" "$user: $attack on ABI 2 is refused by the closure"
		[[ -s $scratch/victim ]] || fail "$user: $attack on ABI 2 emptied the read-only file"
		# Control: with a write grant elsewhere there is no closure, and ABI 2 lets it through.
		victim
		run as "$user" "$MOAT" run --landlock-abi 2 -p system "${grants[@]}" --read "$scratch/victim" \
			--write "$scratch/out" -- "$holes" "$attack" "$scratch/victim"
		expect_stdout "done" "$user: $attack on ABI 2 without the closure works (the hole)"
		[[ ! -s $scratch/victim ]] || fail "$user: the control $attack did not empty the file"
		expect_stderr_contains "open on this kernel" "$user: the report says truncate stays open"
		# And ABI 3 closes it with Landlock.
		victim
		run as "$user" "$MOAT" run --landlock-abi 3 -p system "${grants[@]}" --read "$scratch/victim" \
			--write "$scratch/out" -- "$holes" "$attack" "$scratch/victim"
		expect_stdout "EACCES" "$user: $attack on ABI 3 is refused by Landlock"
	done

	# An ioctl on a device file the policy grants without ioctl-dev: the hole before ABI 5.
	run as "$user" "$MOAT" run --landlock-abi 4 -p system -p "$scratch/allow-ioctl.policy" "${grants[@]}" \
		-- "$holes" ioctl-dev
	expect_stdout "EACCES" "$user: a device ioctl on ABI 4 is refused by the closure"
	run as "$user" "$MOAT" run --landlock-abi 7 -p system -p "$scratch/allow-ioctl.policy" "${grants[@]}" \
		-- "$holes" ioctl-dev
	expect_stdout "EACCES" "$user: a device ioctl on ABI 7 is refused by Landlock"
	# Control: where a rule names ioctl-dev there is no closure: best-effort on ABI 4 lets it through.
	run as "$user" "$MOAT" run --landlock-abi 4 -p system -p "$scratch/allow-ioctl.policy" \
		-p "$scratch/named-ioctl.policy" -p "$scratch/best-effort.policy" "${grants[@]}" -- "$holes" ioctl-dev
	expect_stdout "done" "$user: the device ioctl without the closure works (the hole)"
	# An optional ioctl-dev? is granted where the kernel has it, given up and closed below ABI 5.
	run as "$user" "$MOAT" run --landlock-abi 7 -p system -p "$scratch/allow-ioctl.policy" \
		-p "$scratch/optional-ioctl.policy" "${grants[@]}" -- "$holes" ioctl-dev
	expect_stdout "done" "$user: ioctl-dev? on ABI 7 grants the device ioctl"
	run as "$user" "$MOAT" run --landlock-abi 4 -p system -p "$scratch/allow-ioctl.policy" \
		-p "$scratch/optional-ioctl.policy" "${grants[@]}" -- "$holes" ioctl-dev
	expect_stdout "EACCES" "$user: ioctl-dev? on ABI 4 is given up: the closure refuses the device ioctl"

	# TCP where [network] allows none: the hole before ABI 4 (compat best-effort).
	run as "$user" "$MOAT" run --landlock-abi 3 -p system -p "$scratch/tcp-none.policy" \
		-p "$scratch/best-effort.policy" "${grants[@]}" -- "$holes" tcp
	expect_stdout "EACCES" "$user: TCP on ABI 3 is refused by the closure"
	run as "$user" "$MOAT" run --landlock-abi 7 -p system -p "$scratch/tcp-none.policy" "${grants[@]}" \
		-- "$holes" tcp
	expect_stdout "EACCES" "$user: TCP on ABI 7 is refused by Landlock"
	# Control: bind allowed, so no closure; ABI 3 lets the connect through.
	run as "$user" "$MOAT" run --landlock-abi 3 -p system -p "$scratch/connect-none.policy" \
		-p "$scratch/best-effort.policy" "${grants[@]}" -- "$holes" tcp
	expect_stdout "done" "$user: TCP on ABI 3 without the closure works (the hole)"
	# Under compat strict the closure holds `none`: the run goes ahead, the attack fails.
	run as "$user" "$MOAT" run --landlock-abi 3 -p system -p "$scratch/tcp-none.policy" "${grants[@]}" \
		-- "$holes" tcp
	expect_stdout "EACCES" "$user: compat strict on ABI 3: TCP refused by the closure that holds 'none'"
	# A port list cannot hold below ABI 4: strict refuses it.
	run as "$user" "$MOAT" run --landlock-abi 3 -p system -p "$scratch/tcp-none.policy" \
		-p "$scratch/tcp-port.policy" "${grants[@]}" -- "$holes" tcp
	expect_status 125 "$user: compat strict refuses a tcp port list on ABI 3"
	expect_stderr_contains "connect tcp needs Landlock ABI 4" "$user: the refusal names the port list"

	# ---- statements held without Landlock, each beside its hole ---------------
	listen_name=moat-abi-$$-$user
	"$holes" listen "$listen_name" 20 >"$scratch/listener" &
	listener=$!
	wait_until 5 test -s "$scratch/listener" || fail "the abstract listener did not start"
	# scope abstract-unix with unix sockets allowed: strict refuses it on ABI 5 ...
	run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/unix-sockets.policy" -- "$holes" abstract "$listen_name"
	expect_status 125 "$user: compat strict refuses scope abstract-unix that nothing holds on ABI 5"
	expect_stderr_contains "scope abstract-unix needs Landlock ABI 6" "$user: the refusal names the scope"
	# ... runs in a network namespace of its own, where the host's name is out of reach ...
	run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/unix-sockets.policy" -p "$scratch/own-net.policy" \
		-- "$holes" abstract "$listen_name"
	expect_stdout "ECONNREFUSED" "$user: ABI 5, own network namespace: the host's abstract socket is out of reach"
	# ... and the hole is real: best-effort without it connects.
	run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/unix-sockets.policy" -p "$scratch/best-effort.policy" \
		-- "$holes" abstract "$listen_name"
	expect_stdout "done" "$user: ABI 5, best-effort, no network namespace: the abstract socket is reached (the hole)"
	run as "$user" "$MOAT" run --landlock-abi 6 -p "$scratch/unix-sockets.policy" -- "$holes" abstract "$listen_name"
	expect_stdout "EPERM" "$user: ABI 6: Landlock's scope refuses the connect"
	# A unix datagram pair sends to any address: the closure refuses the pair where a scope needs it.
	run as "$user" "$MOAT" run --landlock-abi 5 -p system -p "$scratch/scope-unix.policy" "${grants[@]}" \
		-- "$holes" abstract-pair "$listen_name"
	expect_stdout "EACCES" "$user: ABI 5: a datagram pair refused where scope abstract-unix needs it"
	run as "$user" "$MOAT" run --landlock-abi 5 -p system "${grants[@]}" -- "$holes" abstract-pair "$listen_name"
	expect_stdout "done" "$user: ABI 5 without the scope: the pair reaches the host's socket (the hole)"
	kill "$listener"
	wait "$listener" 2>/dev/null

	# scope signal: a process of the same user outside the sandbox, by number and through /proc.
	for attack in signal pidfd-signal; do
		# Not through `as`, whose subshell would be the process signalled.
		if [[ $user == nobody ]]; then "${unprivileged[@]}" sleep 30 & else sleep 30 & fi
		target=$!
		run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/scope-signal.policy" -- "$holes" "$attack" "$target"
		expect_status 1 "$user: ABI 5: $attack fails in the sandbox's PID namespace"
		kill -0 "$target" 2>/dev/null || fail "$user: $attack on ABI 5 reached the process outside"
		run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/scope-signal.policy" -p "$scratch/no-die.policy" \
			-- "$holes" "$attack" "$target"
		expect_status 125 "$user: compat strict refuses scope signal without a PID namespace on ABI 5"
		# The control: no PID namespace, best-effort: the signal reaches it.
		run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/scope-signal.policy" -p "$scratch/no-die.policy" \
			-p "$scratch/best-effort.policy" -- "$holes" "$attack" "$target"
		expect_stdout "done" "$user: ABI 5 without a PID namespace: $attack works (the hole)"
		wait "$target" 2>/dev/null
		kill "$target" 2>/dev/null && fail "$user: the control $attack did not end the process"
	done

	# A supervisor (`notify`) below ABI 6: safe in the PID namespace, refused without it.
	run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/broker.policy" -- /usr/bin/head -c 3 "$data/numbers.txt"
	expect_status 0 "$user: ABI 5, strict: a notify policy runs in the sandbox's PID namespace"
	expect_stdout "1
2" "$user: ABI 5: the brokered open worked"
	run as "$user" "$MOAT" run --landlock-abi 5 -p "$scratch/broker.policy" -p "$scratch/no-die.policy" \
		-- /usr/bin/head -c 3 "$data/numbers.txt"
	expect_status 125 "$user: ABI 5, strict, no PID namespace: a notify policy is refused"
	expect_stderr_contains "not protected from the sandbox's signals" "$user: the refusal says why"

	# Denial reports stay on below ABI 6 in the PID namespace: the kill is reported.
	run as "$user" "$MOAT" run --landlock-abi 5 -p system -- /usr/bin/python3 -c 'import os; os.kill(os.getpid(), 0)'
	expect_status 159 "$user: ABI 5: the filter kills kill(2)"
	expect_stderr_contains "moat: killed: kill(" "$user: ABI 5: the kill is reported"
done

finish
