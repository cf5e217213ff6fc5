#!/usr/bin/env bash
# The shipped program policies (docs/policies.md), each proven by running
# its real program on a real task that must give the right output, and by
# refusals that must happen, each beside its positive control: the same
# access with the grant succeeds. A policy whose program is not installed
# is skipped with a SKIP line, and the test then ends as skipped (77), never
# as passed. Programs are named by absolute path: PATH may hold wrappers.
source "$(dirname "$0")/lib.sh"

require_landlock_abi 6 "the program policies (scope abstract-unix signal)"
shipped=$MOAT_SOURCE_DIR/policies
tests=$MOAT_SOURCE_DIR/tests/policies
data=$MOAT_TEST_DATA/policies
export MOAT_POLICY_PATH=$shipped
choose_users
skipped_policies=()
proven_policies=()

# installed POLICY PROGRAM...: true when every PROGRAM is there; else says SKIP.
installed() {
	local policy=$1 program
	shift
	for program in "$@"; do
		if [[ ! -x $program ]]; then
			echo "SKIP: policy $policy: $program is not installed (scripts/install-deps.sh installs it)" >&2
			skipped_policies+=("$policy")
			return 1
		fi
	done
}

# with_nobody: uid 65534 runs checks here (choose_users, lib.sh).
with_nobody() { [[ " ${users[*]} " == *" nobody "* ]]; }

# sandboxed [--user] POLICY ARGS...: moat run -p POLICY ARGS, as this user or uid 65534.
sandboxed() {
	local as=()
	if [[ $1 == --user ]]; then
		as=("${unprivileged[@]}")
		shift
	fi
	run "${as[@]}" "$MOAT" run -p "$@"
}

expect_ok() { # description, expected stdout
	expect_status 0 "$1"
	expect_stdout "$2" "$1: output"
}

expect_refused() { # description: the program ran and failed, not killed, not moat's error
	[[ $status -ne 0 && $status -ne 159 && $status -ne 125 ]] ||
		fail "$1: exit status $status, expected the program's own failure (stderr: $stderr)"
}

# Each policy's `moat test` file pins its decisions.
for policy_file in "$shipped"/*.policy; do
	name=$(basename "$policy_file" .policy)
	case $name in confined | no-network | stdio | system | program-base) continue ;; esac
	[[ -f $tests/$name.test ]] || fail "policy $name has no test file $tests/$name.test"
	grep -q "^test_$name()" "$0" || fail "policy $name has no real-program test here"
done
run "$MOAT" test "$tests"/*.test
expect_status 0 "moat test tests/policies/*.test"
[[ $stdout == *" passed, 0 failed" ]] || fail "the policy test files: $stdout"

# Data the programs work on: readable by uid 65534, writable where a test writes.
work=$scratch/work
mkdir -p "$work/in" "$work/out" "$work/nobody"
chmod 755 "$work" "$work/in"
chmod 777 "$work/out" "$work/nobody"
echo secret >"$scratch/secret.txt"
seq 1 5000 >"$work/in/numbers"
chmod -R a+rX "$work/in" "$scratch/secret.txt"

# A compressor round trip: compress a copy, decompress it, compare; as both users.
compressor_round_trip() { # policy, program, suffix
	local policy=$1 program=$2 suffix=$3 user dir
	for user in "${users[@]}"; do
		local as=()
		[[ $user != nobody ]] || as=(--user)
		dir=$work/$([[ $user != nobody ]] && echo out || echo nobody)/$policy
		mkdir -p "$dir" && cp "$work/in/numbers" "$dir/numbers" && chmod -R 777 "$dir"
		sandboxed "${as[@]}" "$policy" --write "$dir" -- "$program" -f "$dir/numbers"
		expect_status 0 "$policy compresses ($user)"
		[[ -s $dir/numbers.$suffix ]] || fail "$policy: no $dir/numbers.$suffix ($user)"
		rm -f "$dir/numbers"
		sandboxed "${as[@]}" "$policy" --write "$dir" -- "$program" -d -f "$dir/numbers.$suffix"
		expect_status 0 "$policy decompresses ($user)"
		cmp -s "$dir/numbers" "$work/in/numbers" || fail "$policy: the round trip changed the data ($user)"
	done
	# Refused: writing beside a file the user did not grant for writing.
	sandboxed "$policy" --read "$work/in" -- "$program" -k "$work/in/numbers"
	expect_refused "$policy: compressing into a directory granted only for reading"
	[[ ! -e $work/in/numbers.$suffix ]] || fail "$policy wrote outside its grants"
	# Streams need no grant at all.
	run bash -c "'$MOAT' run -p $policy -- $program -c <'$work/in/numbers' |
		'$MOAT' run -p $policy -- $program -dc | cmp -s - '$work/in/numbers'"
	expect_status 0 "$policy through pipes"
}

test_gzip() { installed gzip /usr/bin/gzip && compressor_round_trip gzip /usr/bin/gzip gz; }
test_xz() { installed xz /usr/bin/xz && compressor_round_trip xz /usr/bin/xz xz; }
test_zstd() { installed zstd /usr/bin/zstd && compressor_round_trip zstd /usr/bin/zstd zst; }
test_bzip2() { installed bzip2 /usr/bin/bzip2 && compressor_round_trip bzip2 /usr/bin/bzip2 bz2; }

test_jq() {
	installed jq /usr/bin/jq || return
	echo '{"name":"moat","items":[1,2,39]}' >"$work/in/data.json"
	chmod 644 "$work/in/data.json"
	sandboxed jq --read "$work/in/data.json" -- /usr/bin/jq -r '"\(.name) \(.items|add)"' "$work/in/data.json"
	expect_ok "jq parses JSON" "moat 42"
	run env -u MOAT_POLICY_PATH "$MOAT" run -p "$shipped/jq.policy" -- /usr/bin/jq -n 6*7
	expect_ok "a program policy named by its path finds program-base beside it" "42"
	if with_nobody; then
		sandboxed --user jq --read "$work/in/data.json" -- /usr/bin/jq -c .items "$work/in/data.json"
		expect_ok "jq parses JSON (uid 65534)" "[1,2,39]"
	fi
	# Refused: a file outside the grants; the control reads it with the grant.
	sandboxed jq --read "$work/in/data.json" -- /usr/bin/jq -R . "$scratch/secret.txt"
	expect_refused "jq reads a file outside its grants"
	[[ $stdout != *secret* ]] || fail "jq read the secret"
	sandboxed jq --read "$scratch/secret.txt" -- /usr/bin/jq -R . "$scratch/secret.txt"
	expect_ok "positive control: jq reads the granted file" '"secret"'
}

test_sqlite3() {
	installed sqlite3 /usr/bin/sqlite3 || return
	local db=$work/out/app.db
	sandboxed sqlite3 --write "$work/out" -- /usr/bin/sqlite3 "$db" \
		"create table t(x); insert into t values (1),(2),(39); select sum(x) from t;"
	expect_ok "sqlite3 creates a database and queries it" "42"
	sandboxed sqlite3 --read "$db" -- /usr/bin/sqlite3 -readonly "$db" "select count(*) from t;"
	expect_ok "sqlite3 reads a database granted for reading" "3"
	sandboxed sqlite3 --read "$db" -- /usr/bin/sqlite3 "$db" "insert into t values (4);"
	expect_refused "sqlite3 writes a database granted only for reading"
}

test_python3() {
	installed python3 /usr/bin/python3 || return
	printf 'import json, sys\nprint(sum(json.load(open(sys.argv[1]))["items"]))\n' >"$work/in/sum.py"
	echo '{"items":[1,2,39]}' >"$work/in/items.json"
	chmod 644 "$work/in/sum.py" "$work/in/items.json"
	sandboxed python3 --read "$work/in" -- /usr/bin/python3 "$work/in/sum.py" "$work/in/items.json"
	expect_ok "python3 runs a script" "42"
	if with_nobody; then
		sandboxed --user python3 --read "$work/in" -- /usr/bin/python3 "$work/in/sum.py" "$work/in/items.json"
		expect_ok "python3 runs a script (uid 65534)" "42"
	fi
	# Refused: starting a program the policy does not name; control: python3 itself.
	local spawn='import subprocess, sys
try:
    print(subprocess.run([sys.argv[1], "-c", "print(7)"], capture_output=True, text=True).stdout.strip())
except PermissionError:
    print("refused")'
	sandboxed python3 -- /usr/bin/python3 -c "$spawn" /usr/bin/perl
	expect_ok "python3 starts perl, which its policy does not name" "refused"
	sandboxed python3 -- /usr/bin/python3 -c "$spawn" /usr/bin/python3
	expect_ok "positive control: python3 starts python3" "7"
	# Refused: a TCP connection, with no socket at all; control: outside moat.
	local connect='import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).close(); print("connected")
except PermissionError:
    print("refused")'
	sandboxed python3 -- /usr/bin/python3 -c "$connect" "$http_port"
	expect_ok "python3 connects to a TCP port" "refused"
	run /usr/bin/python3 -c "$connect" "$http_port"
	expect_ok "positive control: the same connect outside moat" "connected"
	# Refused: writing outside the grants.
	sandboxed python3 -- /usr/bin/python3 -c "open('$work/out/py-wrote', 'w')"
	expect_refused "python3 writes outside its grants"
	[[ ! -e $work/out/py-wrote ]] || fail "python3 wrote outside its grants"
}

test_perl() {
	installed perl /usr/bin/perl || return
	printf 'use strict; use List::Util qw(sum); print sum(@ARGV), "\\n";\n' >"$work/in/sum.pl"
	chmod 644 "$work/in/sum.pl"
	sandboxed perl --read "$work/in/sum.pl" -- /usr/bin/perl "$work/in/sum.pl" 1 2 39
	expect_ok "perl runs a script with a module" "42"
	sandboxed perl -- /usr/bin/perl -e 'open(my $f, "<", $ARGV[0]) or print "refused\n"' "$scratch/secret.txt"
	expect_ok "perl reads outside its grants" "refused"
}

test_node() {
	installed node /usr/bin/node || return
	echo 'console.log(JSON.parse(require("fs").readFileSync(process.argv[2])).items.reduce((a, b) => a + b))' \
		>"$work/in/sum.js"
	echo '{"items":[1,2,39]}' >"$work/in/node.json"
	chmod 644 "$work/in/sum.js" "$work/in/node.json"
	sandboxed node --read "$work/in" -- /usr/bin/node "$work/in/sum.js" "$work/in/node.json"
	expect_ok "node runs a script" "42"
	sandboxed node -- /usr/bin/node -e \
		'try { require("child_process").execFileSync("/usr/bin/dash", ["-c", "echo ran"]); console.log("ran") } catch (e) { console.log(e.code) }'
	expect_ok "node starts a shell, which its policy does not name" "EACCES"
}

test_lua() {
	installed lua /usr/bin/lua5.4 || return
	printf 'local s = 0\nfor line in io.lines(arg[1]) do s = s + tonumber(line) end\nprint(s)\n' >"$work/in/sum.lua"
	printf '1\n2\n39\n' >"$work/in/lua.txt"
	chmod 644 "$work/in/sum.lua" "$work/in/lua.txt"
	sandboxed lua --read "$work/in" -- /usr/bin/lua5.4 "$work/in/sum.lua" "$work/in/lua.txt"
	expect_ok "lua runs a script" "42"
	echo 'print(io.open(arg[1]) and "read" or "refused")' >"$work/in/open.lua"
	chmod 644 "$work/in/open.lua"
	sandboxed lua --read "$work/in/open.lua" -- /usr/bin/lua5.4 "$work/in/open.lua" "$scratch/secret.txt"
	expect_ok "lua reads outside its grants" "refused"
	sandboxed lua --read "$work/in/open.lua" --read "$scratch/secret.txt" \
		-- /usr/bin/lua5.4 "$work/in/open.lua" "$scratch/secret.txt"
	expect_ok "positive control: lua reads a granted file" "read"
	sandboxed lua -- /usr/bin/lua5.4 -e 'print(os.execute("echo ran") and "ran" or "refused")'
	[[ $status -eq 159 ]] || fail "lua starts a process: expected the seccomp kill, got $status"
	sandboxed lua -p shell -- /usr/bin/lua5.4 -e 'print(os.execute("echo ran") and "ran" or "refused")'
	expect_ok "positive control: lua with the shell policy starts a shell" "ran
ran"
}

test_shell() {
	installed shell /usr/bin/bash /usr/bin/dash /usr/bin/find /usr/bin/awk || return
	mkdir -p "$work/in/tree/sub"
	printf 'b\na\n' >"$work/in/tree/one"
	printf 'c\n' >"$work/in/tree/sub/two"
	chmod -R a+rX "$work/in/tree"
	local script='find "$1" -type f | sort | xargs cat | sort | tr a-z A-Z | sed "s/^/x/" |
		awk "{ s = s \$0 } END { print s }" | grep A'
	local shell
	for shell in /usr/bin/bash /usr/bin/dash; do
		sandboxed shell --read "$work/in/tree" -- "$shell" -c "$script" sh "$work/in/tree"
		expect_ok "shell: $shell with find, sort, tr, sed, awk, grep" "xAxBxC"
	done
	if with_nobody; then
		sandboxed --user shell --read "$work/in/tree" --write "$work/nobody" \
			-- /usr/bin/bash -c 'ls "$1" > "$2/listing" && wc -l < "$2/listing"' sh "$work/in/tree" "$work/nobody"
		expect_ok "shell lists and writes where granted (uid 65534)" "2"
	fi
	sandboxed shell -- /usr/bin/bash -c "echo x > '$work/out/shell-wrote'"
	expect_refused "shell writes outside its grants"
	sandboxed shell -- /usr/bin/bash -c '/usr/bin/python3 -c "print(1)"'
	[[ $status -eq 126 ]] || fail "shell starts python3, which its policy does not name: status $status"
	sandboxed shell -- /usr/bin/bash -c '/usr/bin/ls -d /usr'
	expect_ok "positive control: shell starts ls" "/usr"
}

test_git() {
	installed git /usr/bin/git || return
	local repo=$work/in/repo commit=(-c user.name=moat -c user.email=moat@moat.invalid commit -q --allow-empty)
	git init -q "$repo" && git -C "$repo" "${commit[@]}" -m first && git -C "$repo" "${commit[@]}" -m second
	chmod -R a+rX "$repo"
	sandboxed git --read "$repo" -- /usr/bin/git -C "$repo" log --format=%s
	expect_ok "git logs a granted repository" "second
first"
	if with_nobody; then
		cp -a "$repo" "$work/nobody/repo" && chown -R 65534:65534 "$work/nobody/repo"
		sandboxed --user git --read "$work/nobody/repo" -- /usr/bin/git -C "$work/nobody/repo" rev-list --count HEAD
		expect_ok "git counts commits (uid 65534)" "2"
	fi
	sandboxed git -- /usr/bin/git -C "$repo" log --format=%s
	expect_refused "git on a repository that is not granted"
	sandboxed git --read "$repo" -- /usr/bin/git -C "$repo" "${commit[@]}" -m third
	expect_refused "git commits to a repository granted for reading"
}

test_curl() {
	installed curl /usr/bin/curl || return
	echo "served by python" >"$http_root/hello.txt"
	local url=http://127.0.0.1:$http_port/hello.txt
	sandboxed curl --connect "tcp:$http_port" -- /usr/bin/curl -sS "$url"
	expect_ok "curl fetches from a granted port" "served by python"
	if with_nobody; then
		sandboxed --user curl --connect "tcp:$http_port" -- /usr/bin/curl -sS "$url"
		expect_ok "curl fetches from a granted port (uid 65534)" "served by python"
	fi
	sandboxed curl -- /usr/bin/curl -sS "$url"
	expect_refused "curl connects to a port that is not granted"
	[[ $stdout != *"served"* ]] || fail "curl reached a port that is not granted"
	sandboxed curl --connect "tcp:$http_port" -- /usr/bin/curl -sS -o "$work/out/fetched" "$url"
	expect_refused "curl saves a file outside its grants"
	sandboxed curl --connect "tcp:$http_port" --write "$work/out" -- /usr/bin/curl -sS -o "$work/out/fetched" "$url"
	expect_status 0 "positive control: curl saves where granted"
}

test_openssl() {
	installed openssl /usr/bin/openssl || return
	sandboxed openssl --read "$work/in/numbers" -- /usr/bin/openssl dgst -sha256 -r "$work/in/numbers"
	expect_ok "openssl digests a file" "$(sha256sum "$work/in/numbers" | cut -d' ' -f1) *$work/in/numbers"
	sandboxed openssl -- /usr/bin/openssl dgst -sha256 "$scratch/secret.txt"
	expect_refused "openssl reads outside its grants"
}

test_file() {
	installed file /usr/bin/file || return
	sandboxed file --read "$data/hello.pdf" -- /usr/bin/file -b "$data/hello.pdf"
	expect_status 0 "file names a file's type"
	[[ $stdout == "PDF document"* ]] || fail "file: '$stdout', expected a PDF document"
}

test_convert() {
	installed convert /usr/bin/convert || return
	/usr/bin/convert -size 4x3 xc:red "$work/in/red.png" && chmod 644 "$work/in/red.png"
	sandboxed convert --read "$work/in/red.png" --write "$work/out" \
		-- /usr/bin/convert "$work/in/red.png" -resize 8x6 "$work/out/red.gif"
	expect_status 0 "convert converts an image"
	run /usr/bin/identify -format '%m %wx%h' "$work/out/red.gif"
	expect_stdout "GIF 8x6" "convert: the converted image"
	sandboxed convert --read "$work/in/red.png" -- /usr/bin/convert "$work/in/red.png" "$work/out/red2.gif"
	expect_refused "convert writes outside its grants"
}

test_pdftotext() {
	installed pdftotext /usr/bin/pdftotext || return
	sandboxed pdftotext --read "$data/hello.pdf" -- /usr/bin/pdftotext "$data/hello.pdf" -
	expect_status 0 "pdftotext extracts text"
	[[ $stdout == "Hello from moat"* ]] || fail "pdftotext: '$stdout'"
}

test_xmllint() {
	installed xmllint /usr/bin/xmllint || return
	echo '<books><book><title>A</title></book><book><title>B</title></book></books>' >"$work/in/books.xml"
	chmod 644 "$work/in/books.xml"
	sandboxed xmllint --read "$work/in/books.xml" -- /usr/bin/xmllint --xpath 'string(//book[2]/title)' "$work/in/books.xml"
	expect_ok "xmllint queries XML" "B"
}

test_cc() {
	installed cc /usr/bin/gcc || return
	local dir=$work/out/cc
	mkdir -p "$dir"
	printf '#include <stdio.h>\nint main(void) { printf("%%d\\n", 6 * 7); return 0; }\n' >"$dir/hello.c"
	run env -C "$dir" "$MOAT" run -p cc --write "$dir" -- /usr/bin/gcc -O1 -o hello hello.c
	expect_status 0 "cc compiles and links a C program"
	run "$dir/hello"
	expect_ok "the compiled program runs" "42"
	run env -C "$dir" "$MOAT" run -p cc --read "$dir" -- /usr/bin/gcc -o hello2 hello.c
	expect_refused "cc writes outside its grants"
}

test_make() {
	installed make /usr/bin/make /usr/bin/gcc || return
	local dir=$work/out/make
	mkdir -p "$dir"
	printf 'int main(void) { return 42; }\n' >"$dir/answer.c"
	printf 'answer: answer.c\n\tgcc -o $@ $<\nnote.txt:\n\techo built > $@\ncopy.txt: note.txt\n\tcat note.txt > $@\n' \
		>"$dir/Makefile"
	sandboxed make --write "$dir" -- /usr/bin/make -s -C "$dir" note.txt
	expect_status 0 "make runs a recipe in /bin/sh"
	[[ $(cat "$dir/note.txt" 2>/dev/null) == built ]] || fail "make: note.txt was not built"
	sandboxed make -p cc --write "$dir" -- /usr/bin/make -s -C "$dir" answer
	expect_status 0 "make with cc builds a C program"
	run "$dir/answer"
	expect_status 42 "the program make built runs"
	sandboxed make --write "$dir" -- /usr/bin/make -s -C "$dir" copy.txt
	expect_refused "make starts cat, which its policy does not name"
	sandboxed make -p shell --write "$dir" -- /usr/bin/make -s -C "$dir" copy.txt
	expect_status 0 "positive control: make with shell starts cat"
}

test_gpgv() {
	installed gpgv /usr/bin/gpgv || return
	sandboxed gpgv --read "$data" -- /usr/bin/gpgv --keyring "$data/keyring.gpg" \
		"$data/signed.txt.sig" "$data/signed.txt"
	expect_status 0 "gpgv checks a good signature"
	expect_stderr_contains "Good signature" "gpgv: the verdict"
	printf 'changed\n' >"$work/in/changed.txt" && chmod 644 "$work/in/changed.txt"
	sandboxed gpgv --read "$data" --read "$work/in/changed.txt" -- /usr/bin/gpgv \
		--keyring "$data/keyring.gpg" "$data/signed.txt.sig" "$work/in/changed.txt"
	expect_refused "gpgv rejects a bad signature"
	expect_stderr_contains "BAD signature" "gpgv: the bad verdict"
}

test_tar() {
	installed tar /usr/bin/tar /usr/bin/gzip || return
	local dir=$work/out/tar
	mkdir -p "$dir/extracted"
	sandboxed tar --read "$work/in" --write "$dir" -- /usr/bin/tar -czf "$dir/in.tar.gz" -C "$work/in" numbers
	expect_status 0 "tar creates a gzip archive"
	sandboxed tar --write "$dir" -- /usr/bin/tar -xzf "$dir/in.tar.gz" -C "$dir/extracted"
	expect_status 0 "tar extracts it"
	cmp -s "$dir/extracted/numbers" "$work/in/numbers" || fail "tar: the extracted file differs"
	sandboxed tar --read "$dir" -- /usr/bin/tar -xzf "$dir/in.tar.gz" -C "$work/in"
	expect_refused "tar extracts outside its grants"
}

test_unzip() {
	installed unzip /usr/bin/unzip /usr/bin/zip || return
	local dir=$work/out/unzip
	mkdir -p "$dir/x"
	(cd "$work/in" && /usr/bin/zip -q "$dir/in.zip" numbers)
	sandboxed unzip --read "$dir/in.zip" --write "$dir/x" -- /usr/bin/unzip -q "$dir/in.zip" -d "$dir/x"
	expect_status 0 "unzip extracts an archive"
	cmp -s "$dir/x/numbers" "$work/in/numbers" || fail "unzip: the extracted file differs"
	sandboxed unzip --read "$dir/in.zip" -- /usr/bin/unzip -q -o "$dir/in.zip" -d "$dir/x"
	expect_refused "unzip extracts outside its grants"
}

test_rsync() {
	installed rsync /usr/bin/rsync || return
	local dir=$work/out/rsync
	mkdir -p "$dir"
	sandboxed rsync --read "$work/in" --write "$dir" -- /usr/bin/rsync -a "$work/in/" "$dir/copy/"
	expect_status 0 "rsync copies a directory"
	cmp -s "$dir/copy/numbers" "$work/in/numbers" || fail "rsync: the copy differs"
	sandboxed rsync --read "$work/in" -- /usr/bin/rsync -a "$work/in/" "$dir/copy2/"
	expect_refused "rsync copies outside its grants"
	[[ ! -e $dir/copy2/numbers ]] || fail "rsync wrote outside its grants"
}

# A local HTTP server for curl (and a port for python3 to be refused), on a
# port the kernel picks.
http_root=$scratch/http
mkdir -p "$http_root"
http_port=
if [[ -x /usr/bin/python3 ]]; then
	/usr/bin/python3 -c '
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()' "$scratch/http-port" "$http_root" 2>/dev/null &
	http_pid=$!
	trap 'kill "$http_pid" 2>/dev/null; rm -rf "$scratch"' EXIT
	wait_until 10 test -s "$scratch/http-port" || fail "the HTTP server did not start"
	http_port=$(cat "$scratch/http-port")
fi

for policy in gzip xz zstd bzip2 jq sqlite3 python3 perl node lua shell git curl openssl file \
	convert pdftotext xmllint cc make gpgv tar unzip rsync; do
	if [[ $policy == curl && -z $http_port ]]; then
		echo "SKIP: policy curl: no python3 for the local HTTP server" >&2
		skipped_policies+=(curl)
		continue
	fi
	before=$failures
	"test_$policy"
	[[ " ${skipped_policies[*]} " == *" $policy "* || $failures -ne $before ]] || proven_policies+=("$policy")
done

echo "proven by their programs: ${proven_policies[*]}"
if [[ $failures -eq 0 && ${#skipped_policies[@]} -gt 0 ]]; then
	echo "SKIP: not proven, their programs are missing: ${skipped_policies[*]}" >&2
	exit 77
fi
finish
