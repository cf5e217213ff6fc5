#!/usr/bin/env bash
# [namespaces] and [mounts] through `moat run`: what the program sees from
# inside (pid, hostname, interfaces, capabilities, the files of the new
# root), read-only binds, the ways back to the host's root, and the init of
# the PID namespace (signals, orphans, exit status, death with moat). Every
# check runs as root and as uid 65534, next to a positive control without
# the rule. Escape attempts run only inside the sandbox (or, for a positive
# control, in a plain process of the test).
source "$(dirname "$0")/lib.sh"
choose_users

probe=$MOAT_BUILD_DIR/tests/programs/isolate_probe
[[ -x $probe ]] || skip "$probe is not built"
programs=$(dirname "$probe")
# The command prefix that runs as USER.
prefix_for() { # user: sets $prefix
	prefix=()
	[[ $1 == nobody ]] && prefix=("${unprivileged[@]}")
}


uid_of() { # user
	if [[ $1 == nobody ]]; then echo 65534; else id -u; fi
}

policy() { # name, text: writes $scratch/NAME.policy
	printf 'moat 1\n%s\n' "$2" >"$scratch/$1.policy"
	chmod 644 "$scratch/$1.policy"
}

# A root that runs dynamically linked programs: /usr, the top-level
# directories (links on a merged-/usr system), the probe, /proc and /dev.
system_tree=$'[mounts]\nbind /usr'
for directory in bin sbin lib lib32 lib64; do
	if [[ -L /$directory ]]; then
		system_tree+=$'\n'"symlink $(readlink "/$directory") /$directory"
	elif [[ -d /$directory ]]; then
		system_tree+=$'\n'"bind /$directory"
	fi
done
system_tree+=$'\n'"bind $programs"$'\nproc /proc\ndev /dev'
expected_root=$( (
	for directory in usr bin sbin lib lib32 lib64; do
		[[ -e /$directory ]] && echo "$directory"
	done
	echo proc dev "$(cut -d/ -f2 <<<"$programs")" | tr ' ' '\n'
) | sort -u | tr '\n' ' ')
expected_root="root ${expected_root% }"

policy all "[namespaces]
unshare all
hostname sandbox
$system_tree"
policy all-root "[namespaces]
unshare all
uid 0
gid 0
$system_tree"
# die-with-parent yes (the default) puts every sandbox in a PID namespace of
# its own: `none` opts out, so that nothing of the host is hidden.
policy none '[process]
cwd /
die-with-parent no'
policy pid-only '[process]
cwd /'

line() { # prefix: the line of $stdout that starts with it
	grep -m1 "^$1" <<<"$stdout"
}

# ---- what the program sees -------------------------------------------------
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- "$probe" pid ids hostname \
		interfaces caps root namespaces read /etc/passwd
	expect_status 0 "unshare all ($user)"
	[[ $(line pid) =~ ^pid\ ([0-9]+)\ ppid\ 1$ ]] && ((BASH_REMATCH[1] <= 3)) ||
		fail "unshare all ($user): the program is not a small pid under init: $(line pid)"
	[[ $(line uid) == "uid $(uid_of "$user") gid $(uid_of "$user")" ]] ||
		fail "unshare all ($user): the caller's ids by default: $(line uid)"
	[[ $(line hostname) == "hostname sandbox" ]] || fail "hostname ($user): $(line hostname)"
	[[ $(grep -c '^interface' <<<"$stdout") -eq 1 && $(line interface) == "interface lo up" ]] ||
		fail "unshare net ($user): interfaces are: $(grep '^interface' <<<"$stdout")"
	[[ $(line caps) == "caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000" ]] ||
		fail "no capabilities after set-up ($user): $(line caps)"
	[[ $(line root) == "$expected_root" ]] ||
		fail "only the bound files ($user): '$(line root)', expected '$expected_root'"
	[[ $(line read) == "read /etc/passwd ENOENT" ]] ||
		fail "a host file that is not bound ($user): $(line read)"
	for ns in user mnt pid net ipc uts cgroup time; do
		[[ -e /proc/self/ns/$ns ]] || continue
		[[ $(line "ns $ns ") != "ns $ns $(readlink /proc/self/ns/$ns)" ]] ||
			fail "unshare all ($user): the $ns namespace is the caller's"
	done

	# Positive control: no [namespaces], the host is all there.
	run as "$user" "$MOAT" run -p "$scratch/none.policy" -- "$probe" pid hostname interfaces \
		read /etc/passwd namespaces
	expect_status 0 "no namespaces ($user)"
	[[ $(line pid) =~ ^pid\ ([0-9]+) ]] && ((BASH_REMATCH[1] > 3)) ||
		fail "positive control ($user): the host's pids: $(line pid)"
	[[ $(line hostname) == "hostname $(hostname)" ]] ||
		fail "positive control ($user): the host's name: $(line hostname)"
	[[ $(grep -c '^interface' <<<"$stdout") -eq $(ls /sys/class/net | wc -l) ]] ||
		fail "positive control ($user): the host's interfaces: $stdout"
	[[ $(line read) == "read /etc/passwd ok" ]] || fail "positive control ($user): $(line read)"
	[[ $(line "ns net ") == "ns net $(readlink /proc/self/ns/net)" ]] ||
		fail "positive control ($user): the host's network namespace: $(line 'ns net ')"
	# With die-with-parent: a PID namespace under init, and the host's everything else.
	run as "$user" "$MOAT" run -p "$scratch/pid-only.policy" -- "$probe" pid hostname namespaces
	expect_status 0 "die-with-parent without [namespaces] ($user)"
	[[ $(line pid) == "pid 2 ppid 1" ]] ||
		fail "die-with-parent ($user): the program runs under moat's init: $(line pid)"
	[[ $(line hostname) == "hostname $(hostname)" && $(line "ns net ") == "ns net $(readlink /proc/self/ns/net)" ]] ||
		fail "die-with-parent ($user): only the PID namespace is new: $stdout"

	# uid 0 / gid 0 map the caller to root inside, still without capabilities.
	run as "$user" "$MOAT" run -p "$scratch/all-root.policy" -- "$probe" ids caps
	expect_status 0 "uid 0 ($user)"
	[[ $(line uid) == "uid 0 gid 0" ]] || fail "uid 0 gid 0 ($user): $(line uid)"
	[[ $(line caps) == "caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000" ]] ||
		fail "root inside has no capabilities ($user): $(line caps)"
done

# An unprivileged caller gets the user namespace without asking; root does not.
policy net-only '[namespaces]
unshare net'
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/net-only.policy" -- "$probe" interfaces namespaces
	expect_status 0 "unshare net alone ($user)"
	[[ $(grep -c '^interface' <<<"$stdout") -eq 1 ]] || fail "unshare net alone ($user): $stdout"
	own_user=$(as "$user" readlink /proc/self/ns/user)
	if [[ $user == nobody || $(id -u) -ne 0 ]]; then
		[[ $(line "ns user ") != "ns user $own_user" ]] ||
			fail "unprivileged: a user namespace is added"
	else
		[[ $(line "ns user ") == "ns user $own_user" ]] || fail "root: no user namespace added"
	fi
done

# ---- read-only binds ---------------------------------------------------------
mkdir -p "$scratch/data"
echo content >"$scratch/data/file"
chmod 777 "$scratch/data"
chmod 666 "$scratch/data/file"
policy ro "[namespaces]
unshare all
uid 0
$system_tree
bind $scratch/data /data
bind $scratch/data/file /file"
policy rw "[namespaces]
unshare all
uid 0
$system_tree
bind $scratch/data /data rw
bind $scratch/data/file /file rw"
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/ro.policy" -- "$probe" write /data/new write /file \
		read /data/file
	[[ $(line "write /data/new") == "write /data/new EROFS" ]] ||
		fail "a read-only bind refuses root inside ($user): $(line 'write /data/new')"
	[[ $(line "write /file") == "write /file EROFS" ]] ||
		fail "a read-only file bind ($user): $(line 'write /file')"
	[[ $(line "read") == "read /data/file ok" ]] || fail "a read-only bind reads ($user)"
	[[ ! -e $scratch/data/new ]] || fail "the read-only bind let a file through ($user)"
	run as "$user" "$MOAT" run -p "$scratch/rw.policy" -- "$probe" write /data/new write /file
	[[ $(line "write /data/new") == "write /data/new ok" && -e $scratch/data/new ]] ||
		fail "positive control: a rw bind takes writes ($user): $stdout"
	[[ $(line "write /file") == "write /file ok" ]] || fail "positive control: rw file ($user)"
	rm -f "$scratch/data/new"
done

# A mount below the source is read-only too (root: mounting needs it). The
# tmpfs lives in a mount namespace of its own, gone with the command.
if [[ $(id -u) -eq 0 ]]; then
	mkdir -p "$scratch/data/sub"
	chmod 777 "$scratch/data/sub"
	for mode in ro rw; do
		run unshare --mount --propagation private sh -c \
			'mount -t tmpfs -o mode=777 sub "$1" && exec "$2" run -p "$3" -- "$4" write /data/sub/new' \
			sh "$scratch/data/sub" "$MOAT" "$scratch/$mode.policy" "$probe"
		expected=$([[ $mode == ro ]] && echo EROFS || echo ok)
		[[ $(line write) == "write /data/sub/new $expected" ]] ||
			fail "a mount below a $mode bind: '$(line write)', expected $expected ($stderr)"
	done
fi

# ---- no way back to the host's root ----------------------------------------
echo marker >"$scratch/marker"
chmod 644 "$scratch/marker"
policy keep-fds "[namespaces]
unshare all
$system_tree
[process]
close-fds no"
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/all-root.policy" -- "$probe" escape "$scratch/marker" 3</
	expect_status 0 "escape attempts ($user)"
	for route in proc1 dotdot; do
		[[ $(line "escape $route") =~ ^escape\ $route\ E ]] ||
			fail "escape through $route ($user): $(line "escape $route")"
	done
	[[ $(line "escape fd") == "escape fd none" ]] || fail "a leftover fd ($user): $stdout"
	# Positive control: a descriptor of the host's root left open does lead out.
	run as "$user" "$MOAT" run -p "$scratch/keep-fds.policy" -- "$probe" escape "$scratch/marker" 3</
	[[ $(line "escape fd") == "escape fd 3 ok" ]] ||
		fail "positive control: an inherited fd of / leads out ($user): $stdout"
done
# Positive control: outside a sandbox every route reaches the file (the
# probe is pid 1 of a PID namespace here, whose root is the host's).
if [[ $(id -u) -eq 0 ]]; then
	run unshare --pid --fork --mount-proc "$probe" escape "$scratch/marker" 3</
	[[ $(line "escape proc1") == "escape proc1 ok" && $(line "escape dotdot") == "escape dotdot ok" ]] ||
		fail "positive control: the routes work outside a sandbox: $stdout"
fi

# ---- absent sources, failing mounts, a program outside the new root ---------
policy absent "[namespaces]
unshare all
$system_tree
bind /nonexistent/source /x"
run "$MOAT" run -p "$scratch/absent.policy" -- "$probe" pid
expect_status 125 "an absent bind source"
expect_stderr_contains "absent.policy:" "the absent source is located"
policy optional "[namespaces]
unshare all
$system_tree
bind ?/nonexistent/source /x"
run "$MOAT" run -p "$scratch/optional.policy" -- "$probe" root
expect_status 0 "an absent ?source is skipped"
[[ $(line root) == "$expected_root" ]] || fail "the skipped ?source left no trace: $(line root)"
policy failing "[namespaces]
unshare all
$system_tree
tmpfs /usr/no-such-directory"
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/failing.policy" -- "$probe" pid
	expect_status 125 "a mount that fails inside ($user)"
	expect_stderr_contains "tmpfs /usr/no-such-directory" "the failing mount is named ($user)"
	expect_stderr_contains "Read-only file system" "with the reason ($user)"
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- "$MOAT" --version
	expect_status 127 "a program that is not in the new root ($user)"
	expect_stderr_contains "new root" "the message says where it was looked for ($user)"
done

# ---- a program whose interpreter the new root lacks: the interpreter is named --
# execve answers ENOENT for a missing ELF interpreter or `#!` line as for a
# missing program; the message names the file that is really missing. The
# control: the same program in a root that has its interpreter runs.
policy no_lib "[namespaces]
unshare all
[mounts]
bind /usr
bind $scratch
proc /proc"
interpreter=$(readelf -l /usr/bin/true 2>/dev/null | sed -n 's/.*interpreter: \(.*\)]/\1/p')
printf '#!/nonexistent/interpreter\n' >"$scratch/script"
chmod 755 "$scratch/script"
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/no_lib.policy" -- /usr/bin/true
	expect_status 127 "a program whose ELF interpreter is not in the new root ($user)"
	expect_stderr_contains "its interpreter ${interpreter:-/lib}" "the ELF interpreter is named ($user)"
	run as "$user" "$MOAT" run -p "$scratch/no_lib.policy" -- "$scratch/script"
	expect_status 127 "a script whose #! interpreter is not in the new root ($user)"
	expect_stderr_contains "its interpreter /nonexistent/interpreter" "the #! interpreter is named ($user)"
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- /usr/bin/true
	expect_status 0 "control: with its interpreter in the new root, the program runs ($user)"
done

# ---- symlinks planted in a bind source do not lead mounts out of the new root --
# As root, moat makes mount points below a user's writable bind; a symlink
# the user left there (or a sandbox of an earlier run) must not turn
# `tmpfs /data/cache/tmp` into a directory made on the host.
if [[ $(id -u) -eq 0 ]]; then
	mkdir -p "$scratch/userdir" "$scratch/victim"
	chown 65534:65534 "$scratch/userdir"
	ln -s "../../oldroot$scratch/victim" "$scratch/userdir/cache"
	ln -s "../../oldroot$scratch/victim" "$scratch/userdir/conf"
	policy planted "[namespaces]
unshare mount pid ipc uts net
$system_tree
bind $scratch/userdir /data rw
tmpfs /data/cache/tmp
bind /etc/hostname /data/conf/hostname"
	run "$MOAT" run -p "$scratch/planted.policy" -- "$probe" pid
	expect_status 125 "a mount point behind a planted symlink is refused"
	expect_stderr_contains "Too many levels of symbolic links" "with the reason"
	[[ -z $(ls -A "$scratch/victim") ]] || fail "a planted symlink made files outside the new root: $(ls -A "$scratch/victim")"
	# Control: without the planted links the same policy builds its root.
	rm "$scratch/userdir/cache" "$scratch/userdir/conf"
	run "$MOAT" run -p "$scratch/planted.policy" -- "$probe" pid
	expect_status 0 "the same mounts without planted links"
fi

# ---- Landlock rules name the files of the new root ----------------------------
# Their [filesystem] rules ask for ioctl-dev, which compat strict refuses
# below Landlock ABI 5.
if [[ $(landlock_abi) -lt 5 ]]; then
	skip_check "Landlock rules in the new root: Landlock ABI $(landlock_abi) has no ioctl-dev"
else
	policy landlock-inside "[namespaces]
unshare all
$system_tree
tmpfs /scratch
[filesystem]
exec /usr
write /scratch"
	policy landlock-inside-denied "[namespaces]
unshare all
$system_tree
tmpfs /scratch
[filesystem]
exec /usr"
	for user in "${users[@]}"; do
		run as "$user" "$MOAT" run -p "$scratch/landlock-inside.policy" \
			-- /bin/sh -c 'echo inside > /scratch/file && cat /scratch/file'
		expect_status 0 "a write rule on a tmpfs of the new root ($user)"
		expect_stdout "inside" "the tmpfs of the new root is writable through its rule ($user)"
		run as "$user" "$MOAT" run -p "$scratch/landlock-inside-denied.policy" \
			-- /bin/sh -c 'echo inside > /scratch/file'
		expect_status 2 "without the write rule the tmpfs is refused ($user)"
	done
	policy landlock-missing "[namespaces]
unshare all
$system_tree
[filesystem]
exec /usr
read /only-on-the-host-root"
	run "$MOAT" run -p "$scratch/landlock-missing.policy" -- /bin/true
	expect_status 125 "a [filesystem] path absent from the new root"
	expect_stderr_contains "landlock-missing.policy:16:" "the absent path is located"
fi

# ---- /dev/shm is bounded -----------------------------------------------------
# Memory written to /dev/shm counts against no rlimit of the writer (here
# `as 256M`, which dd never comes near): without a size the tmpfs would take
# half the host's memory. 12M into an 8M shm fails with ENOSPC; the positive
# control lets the same write through a 32M shm. The default is 64M.
for size in 8M 32M default; do
	option=" shm=$size"
	[[ $size == default ]] && option=""
	policy "shm-$size" "[namespaces]
unshare all
${system_tree/dev \/dev/dev /dev$option}
[limits]
as 256M"
done
for user in "${users[@]}"; do
	fill=(dd if=/dev/zero of=/dev/shm/fill bs=1M count=12 status=none)
	run as "$user" "$MOAT" run -p "$scratch/shm-8M.policy" -- "${fill[@]}"
	expect_status 1 "12M into an 8M /dev/shm ($user)"
	expect_stderr_contains "No space left on device" "an 8M /dev/shm is full ($user)"
	run as "$user" "$MOAT" run -p "$scratch/shm-32M.policy" -- "${fill[@]}"
	expect_status 0 "positive control: 12M into a 32M /dev/shm ($user)"
	run as "$user" "$MOAT" run -p "$scratch/shm-default.policy" -- stat -f -c '%b %S' /dev/shm
	expect_status 0 "stat of the default /dev/shm ($user)"
	read -r blocks block_size <<<"$stdout"
	(( ${blocks:-0} * ${block_size:-0} == 64 << 20 )) ||
		fail "the default /dev/shm holds 64M ($user): $stdout"
done

# ---- init: exit status, signals, orphans, death with moat -------------------
for user in "${users[@]}"; do
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- /bin/sh -c 'exit 7'
	expect_status 7 "the program's status through init ($user)"
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- "$probe" raise 15
	expect_status 143 "a program ended by SIGTERM through init ($user)"
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- "$probe" raise 9
	expect_status 137 "a program ended by SIGKILL through init ($user)"
	run as "$user" "$MOAT" run -p "$scratch/all.policy" -- "$probe" orphan
	[[ $(line orphan) == "orphan reaped" ]] || fail "init reaps orphans ($user): $stdout"
done
# Positive control: a pid 1 that is not an init leaves the orphan a zombie.
if [[ $(id -u) -eq 0 ]]; then
	run unshare --pid --fork --mount-proc "$probe" orphan
	[[ $(line orphan) == "orphan zombie" ]] || fail "positive control: no init, a zombie: $stdout"
fi

only_child() { # pid: prints its one child's pid, nothing when it has none or several
	local children
	read -ra children <"/proc/$1/task/$1/children" 2>/dev/null
	[[ ${#children[@]} -eq 1 ]] && echo "${children[0]}"
}

# Starts `moat run` in the background as USER; sets $moat_pid, $init_pid and
# $program_pid once the program printed "ready".
start_sandbox() { # user, output file, moat run arguments...
	local output=$2
	prefix_for "$1"
	shift 2
	: >"$output" # before the background job starts: no "ready" left from an earlier run
	"${prefix[@]}" "$MOAT" run "$@" >"$output" 2>&1 &
	moat_pid=$!
	# Killed before it is ready, a sandbox dies of its unfinished set-up: a
	# check of what happens to a running one would then test nothing.
	wait_until 30 grep -q ready "$output" ||
		fail "the sandbox did not print ready within 30 s: $(cat "$output")"
	init_pid=$(only_child "$moat_pid")
	program_pid=$(only_child "$init_pid")
	[[ -n $init_pid && -n $program_pid ]] || fail "the sandbox did not start: $(cat "$output")"
}

alive() { # pid: runs (a zombie has ended)
	local state
	state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [[ -n $state && $state != Z ]]
}

gone() { # pid: true once it has ended (waits up to 2 s)
	for _ in $(seq 200); do
		alive "$1" || return 0
		sleep 0.01
	done
	return 1
}

mounts_before=$(wc -l </proc/self/mountinfo)
for user in "${users[@]}"; do
	# Sent to moat run, which passes it to init, which passes it to the program.
	start_sandbox "$user" "$scratch/signal.out" -p "$scratch/all.policy" -- "$probe" wait-signal
	[[ $(wc -l </proc/self/mountinfo) -eq $mounts_before ]] ||
		fail "the sandbox's mounts showed outside ($user)"
	kill -TERM "$moat_pid"
	wait "$moat_pid"
	status=$?
	[[ $status -eq 0 && $(cat "$scratch/signal.out") == *"signal 15"* ]] ||
		fail "SIGTERM to moat reaches the program ($user): $status $(cat "$scratch/signal.out")"
	# Sent to init itself, from outside.
	start_sandbox "$user" "$scratch/signal.out" -p "$scratch/all.policy" -- "$probe" wait-signal
	kill -HUP "$init_pid"
	wait "$moat_pid"
	[[ $(cat "$scratch/signal.out") == *"signal 1"* ]] ||
		fail "init forwards SIGHUP ($user): $(cat "$scratch/signal.out")"
	# Positive control: a program without a handler ends by the forwarded signal.
	start_sandbox "$user" "$scratch/signal.out" -p "$scratch/all.policy" -- "$probe" sleep
	kill -TERM "$moat_pid"
	wait "$moat_pid"
	status=$?
	[[ $status -eq 143 ]] || fail "SIGTERM forwarded to a program without a handler: $status"

	# moat dies: init and the program die with it.
	start_sandbox "$user" "$scratch/death.out" -p "$scratch/all.policy" -- "$probe" sleep
	{
		kill -KILL "$moat_pid"
		wait "$moat_pid"
	} 2>/dev/null
	gone "$init_pid" && gone "$program_pid" ||
		fail "init and the program outlived moat ($user)"
	kill -KILL "$init_pid" "$program_pid" 2>/dev/null # leave nothing behind, whatever happened
done
# Positive control: with die-with-parent no, the sandbox outlives moat.
policy survive "[namespaces]
unshare all
$system_tree
[process]
die-with-parent no"
start_sandbox "${users[0]}" "$scratch/death.out" -p "$scratch/survive.policy" -- "$probe" sleep
{
	kill -KILL "$moat_pid"
	wait "$moat_pid"
} 2>/dev/null
sleep 0.2 # a window for a death that must not come: nothing to wait for
alive "$init_pid" || fail "positive control: without die-with-parent, init lives on"
kill -KILL "$init_pid" 2>/dev/null
gone "$program_pid" || fail "killing init ends the whole PID namespace"

finish
