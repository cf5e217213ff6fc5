#!/usr/bin/env bash
# [network] egress (docs/network.md): with `egress` lines, TCP connects and
# UDP datagrams to anything unlisted fail with EPERM, and raw, ICMP, other
# inet and packet sockets cannot be created. Every refusal has its positive
# control: the same attempt in a sandbox without the egress lines does not
# get EPERM. Addresses are loopback ones (127.0.0.1 listed, 127.0.0.2 not),
# the port one that nothing listens on, chosen by the kernel; "allowed"
# means the same answer as without the rules (ECONNREFUSED for TCP).
# Also: the sandbox cannot move out of its cgroup; the cgroup is gone when
# the sandbox ends, and after moat is SIGKILLed it is removed by the next
# run; uid 65534 gets 125 naming the feature (strict) or a report
# (best-effort); bad `egress` lines are located errors at `moat check`.
source "$(dirname "$0")/lib.sh"

probe=$MOAT_BUILD_DIR/tests/programs/egress_probe
[[ -x $probe ]] || skip "$probe is not built"

# ---- bad input: located errors at `moat check`, for anyone -------------
bad_line() { # line, column, fragment
	printf 'moat 1\n[network]\n%s\n' "$1" >"$scratch/bad.policy"
	run "$MOAT" check "$scratch/bad.policy"
	expect_status 1 "moat check '$1'"
	expect_stderr_contains "bad.policy:3:$2: error: " "moat check '$1'"
	expect_stderr_contains "$3" "moat check '$1'"
}
bad_line "egress 10.0.0.300 tcp 80" 8 "'10.0.0.300' is not an IPv4 or IPv6 address"
bad_line "egress fe80::1::2 tcp 80" 8 "is not an IPv4 or IPv6 address"
bad_line "egress 10.0.0.0/x tcp 80" 8 "'/x' is not a prefix length"
bad_line "egress 10.0.0.0/33 tcp 80" 8 "prefix /33 is longer than an IPv4 address (32 bits)"
bad_line "egress ::1/129 udp 53" 8 "prefix /129 is longer than an IPv6 address (128 bits)"
bad_line "egress 10.1.2.3/8 tcp 80" 8 "has address bits set past the /8 prefix"
bad_line "egress ::ffff:10.1.2.3 tcp 80" 8 "is an IPv4-mapped IPv6 address"
bad_line "egress 10.1.2.3 tcp 0" 21 "'0' is not a port (1..65535)"
bad_line "egress 10.1.2.3 tcp 65536" 21 "'65536' is not a port (1..65535)"
bad_line "egress 10.1.2.3 udp 90-80" 21 "port range '90-80' ends before it starts"
bad_line "egress 10.1.2.3 icmp 1" 17 "unknown protocol 'icmp' (tcp or udp)"
printf 'moat 1\n[process]\ncapabilities keep CAP_NET_ADMIN\n[network]\negress ::1 tcp 1\n' >"$scratch/bad.policy"
run "$MOAT" check "$scratch/bad.policy"
expect_status 1 "moat check: egress with CAP_NET_ADMIN kept"
expect_stderr_contains "bad.policy:3:1: error: \`capabilities keep CAP_NET_ADMIN\` would let the sandbox" \
	"moat check: egress with CAP_NET_ADMIN kept"
printf 'moat 1\n[network]\negress 10.0.0.0/8 tcp 80 udp 53\negress ::1 tcp 5432\n' >"$scratch/good.policy"
run "$MOAT" check "$scratch/good.policy"
expect_status 0 "moat check of valid egress lines"

# ---- uid 65534: no privilege for cgroup BPF programs --------------------
printf 'moat 1\n[network]\negress 127.0.0.1 tcp 1\n' >"$scratch/strict.policy"
printf 'moat 1\ncompat best-effort\n[network]\negress 127.0.0.1 tcp 1\n' >"$scratch/best.policy"
if [[ $(id -u) -eq 0 ]]; then
	run "${unprivileged[@]}" "$MOAT" features
	expect_stdout_contains "network egress rules: no (" "moat features as uid 65534"
	run "${unprivileged[@]}" "$MOAT" run -p "$scratch/strict.policy" -- /bin/true
	expect_status 125 "compat strict as uid 65534"
	expect_stderr_contains "strict.policy:3:1: error: the system cannot enforce this policy (compat strict): [network] egress needs cgroup BPF programs" \
		"compat strict as uid 65534"
	run "${unprivileged[@]}" "$MOAT" run -p "$scratch/best.policy" -- /bin/echo ran
	expect_status 0 "compat best-effort as uid 65534"
	expect_stdout "ran" "compat best-effort as uid 65534"
	expect_stderr_contains "compat best-effort: [network] egress dropped" "compat best-effort as uid 65534"
fi

run "$MOAT" features
if [[ $stdout != *"network egress rules: yes"* ]]; then
	[[ $(id -u) -ne 0 ]] || fail "moat features as root: no egress rules: $stdout"
	skip "egress rules cannot be enforced here: ${stdout##*network egress rules: }"
fi

# ---- as root: every way out, with its control ----------------------------
port=$("$probe" free-port)
[[ $port -gt 2 && $port -lt 65534 ]] || skip "no usable free port ($port)"
printf 'moat 1\n[process]\ncapabilities keep CAP_NET_RAW\n' >"$scratch/without.policy"
cat >"$scratch/with.policy" <<EOF
moat 1
[process]
capabilities keep CAP_NET_RAW
[network]
egress 127.0.0.1 tcp $port udp $port
egress 127.0.0.4 tcp $((port - 1))-$((port + 1))
egress 127.0.1.0/24 tcp $port
egress ::1 tcp $port
EOF

# attempt POLICY ARGS...: the probe's answer in the sandbox, in $stdout.
attempt() {
	local policy=$1
	shift
	run "$MOAT" run -p "$scratch/$policy.policy" -- "$probe" "$@"
	[[ $status -eq 0 ]] || fail "$policy: probe $*: exit status $status ($stderr)"
}

refused() { # probe arguments: EPERM with the rules, something else without
	attempt without "$@"
	[[ $stdout != *EPERM* ]] || fail "control: probe $* got EPERM without egress lines"
	attempt with "$@"
	expect_stdout EPERM "probe $* with egress lines"
}

allowed() { # probe arguments: the same answer with the rules as without
	local control
	attempt without "$@"
	control=$stdout
	attempt with "$@"
	expect_stdout "$control" "probe $* with egress lines (listed)"
}

allowed tcp 127.0.0.1 "$port"
refused tcp 127.0.0.2 "$port"
refused tcp 127.0.0.1 "$((port + 1))"
refused tcp 127.0.0.1 "$((port - 1))"
# Range edges: PORT-1 and PORT+1 are in, PORT-2 and PORT+2 are out.
allowed tcp 127.0.0.4 "$((port - 1))"
allowed tcp 127.0.0.4 "$((port + 1))"
refused tcp 127.0.0.4 "$((port - 2))"
refused tcp 127.0.0.4 "$((port + 2))"
# Prefix: 127.0.1.0/24 holds 127.0.1.77, not 127.0.2.1.
allowed tcp 127.0.1.77 "$port"
refused tcp 127.0.2.1 "$port"
# UDP: sendto, connect, an address with sa_family AF_UNSPEC (which UDP
# takes as AF_INET), and an explicit address on a connected socket.
allowed udp 127.0.0.1 "$port"
refused udp 127.0.0.2 "$port"
refused udp-connect 127.0.0.2 "$port"
refused udp-unspec 127.0.0.2 "$port"
attempt with udp-connected 127.0.0.1 127.0.0.2 "$port"
expect_stdout $'ok\nok\nEPERM' "connected UDP socket: sendto an unlisted address"
attempt without udp-connected 127.0.0.1 127.0.0.2 "$port"
[[ $stdout == $'ok\nok\n'* && $stdout != *EPERM ]] ||
	fail "control: connected UDP socket without egress lines: $stdout"
# connect(AF_UNSPEC) dissolves the association: nothing is sent after it.
allowed udp-disconnect 127.0.0.1 "$port"
# TCP Fast Open connects inside sendto.
attempt without fastopen 127.0.0.2 "$port"
if [[ $stdout == EOPNOTSUPP ]]; then
	skip_check "TCP Fast Open: the client side is off here (net.ipv4.tcp_fastopen)"
else
	refused fastopen 127.0.0.2 "$port"
	allowed fastopen 127.0.0.1 "$port"
fi
# Sockets that no address hook sees (CAP_NET_RAW kept, so that raw and
# packet sockets work in the controls).
refused socket raw
refused socket raw6
refused socket packet
refused socket inet-packet
refused socket udplite
attempt without socket icmp
if [[ $stdout == ok ]]; then
	refused socket icmp
else
	skip_check "ICMP datagram sockets: refused here without egress lines ($stdout; net.ipv4.ping_group_range)"
	attempt with socket icmp
	[[ $stdout == EPERM || $stdout == EACCES ]] || fail "ICMP socket with egress lines: $stdout"
fi
# IPv6, and IPv4-mapped IPv6 addresses, decided as IPv4.
attempt without tcp ::1 "$port"
if [[ $stdout == ECONNREFUSED ]]; then
	allowed tcp ::1 "$port"
	refused tcp ::1 "$((port + 1))"
	allowed tcp ::ffff:127.0.0.1 "$port"
	refused tcp ::ffff:127.0.0.2 "$port"
	refused udp ::ffff:127.0.0.2 "$port"
	refused udp ::1 "$port"
else
	skip_check "IPv6: ::1 does not answer here ($stdout)"
fi
# A uid-0 sandbox could move itself out of its cgroup without the fence.
attempt without cgroup-escape
expect_stdout ok "control: a uid-0 sandbox without egress lines writes cgroup.procs"
attempt with cgroup-escape
[[ $stdout != ok ]] || fail "a sandbox with egress lines moved itself out of its cgroup"

# ---- the cgroup goes when the sandbox ends, and after a crash ------------
cgroup2=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
leftovers() { # pid: the cgroups moat PID made, in either place it makes them
	ls -d "$cgroup2$own"/moat-egress-"$1"-* "$cgroup2"/moat-egress-"$1"-* 2>/dev/null | sort -u
}
"$MOAT" run -p "$scratch/with.policy" -- /bin/true &
moat_pid=$!
wait $moat_pid
[[ -z $(leftovers $moat_pid) ]] || fail "the sandbox's cgroup outlived it: $(leftovers $moat_pid)"

"$MOAT" run -p "$scratch/with.policy" -- /bin/sleep 60 &
moat_pid=$!
has_leftovers() { [[ -n $(leftovers "$1") ]]; }
wait_until 10 has_leftovers $moat_pid || fail "no cgroup appeared for moat $moat_pid"
cgroup=$(leftovers $moat_pid | head -1)
kill -KILL $moat_pid
wait $moat_pid 2>/dev/null
# die-with-parent ends the sandbox; its cgroup stays until the next run.
wait_until 10 grep -qx 'populated 0' "$cgroup/cgroup.events" ||
	fail "the sandbox did not end with moat"
[[ -d $cgroup ]] || fail "control: the cgroup of a SIGKILLed moat was gone before the next run"
run "$MOAT" run -p "$scratch/with.policy" -- /bin/true
expect_status 0 "the run after a crash"
[[ ! -d $cgroup ]] || fail "the next run did not remove $cgroup, left by a SIGKILLed moat"

finish
