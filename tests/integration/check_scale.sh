#!/usr/bin/env bash
# Large policies: `moat check` and `moat compile` finish and give the right
# verdict. Each run has a 20 s watchdog: a hang guard, not a timing test
# (docs/performance.md has the numbers). The two first shapes took 91 s and
# 29 s when reachability compared every pair of comparisons and rules.
source "$(dirname "$0")/lib.sh"

header=$'moat 1\n[syscalls]\ndefault errno EPERM'

# joined SEPARATOR FORMAT FIRST LAST: FORMAT (with %d) for each number, joined.
joined() {
	seq -f "$2" "$3" "$4" | awk -v sep="$1" '{ printf "%s%s", (NR > 1 ? sep : ""), $0 }'
}

# watched DESCRIPTION COMMAND...: run, failing when the watchdog fires.
watched() {
	local description=$1
	shift
	run timeout 20 "$@"
	[[ $status -ne 124 ]] || fail "$description: still running after 20 s"
}

# The issue's first input: 5,000 `!=` in one conjunction, on all of @stdio.
notequal=$scratch/notequal.policy
{
	echo "$header"
	echo "errno EPERM @stdio if $(joined ' && ' 'arg0 != %g' 1 5000)"
} >"$notequal"
watched "check 5,000 != on @stdio" "$MOAT" check "$notequal"
expect_status 0 "check 5,000 != on @stdio"
[[ -z "$stderr" ]] || fail "check 5,000 != on @stdio printed: $stderr"
watched "compile 5,000 != on @stdio" "$MOAT" compile "$notequal"
expect_status 0 "compile 5,000 != on @stdio"

# The same conjunction with a contradiction at its end, and its control.
contradiction=$scratch/contradiction.policy
{
	echo "$header"
	echo "allow ioctl if $(joined ' && ' 'arg1 != %g' 1 5000) && arg1 == 2500"
} >"$contradiction"
watched "check a contradiction after 5,000 !=" "$MOAT" check "$contradiction"
expect_status 1 "check a contradiction after 5,000 !="
expect_stderr_contains "$contradiction:4:7: error: the condition of this rule for ioctl can never hold" \
	"contradiction after 5,000 !="
sed -i 's/arg1 == 2500$/arg1 == 5001/' "$contradiction"
watched "check 5,000 != and one ==" "$MOAT" check "$contradiction"
expect_status 1 "check 5,000 != and a value they allow"
# It can apply, so the only error left is the filter's size (check compiles).
expect_stderr_contains "error: the [syscalls] section needs more than the kernel's limit" \
	"5,000 != and a value they allow do not fit the filter"
[[ "$stderr" != *"never"* ]] || fail "5,000 != and a value they allow: $stderr"

# The issue's second input: 16,000 rules for one syscall.
equal=$scratch/equal.policy
{
	echo "$header"
	seq -f 'allow ioctl if arg1 == %g' 1 16000
} >"$equal"
# check compiles the filter too, so it refuses what compile refuses (issue 13).
watched "check 16,000 ioctl rules" "$MOAT" check "$equal"
expect_status 1 "check 16,000 ioctl rules"
expect_stderr_contains "needs more than the kernel's limit of 4096 BPF instructions" \
	"check 16,000 ioctl rules"
watched "compile 16,000 ioctl rules" "$MOAT" compile "$equal"
expect_status 1 "compile 16,000 ioctl rules"
expect_stderr_contains "needs more than the kernel's limit of 4096 BPF instructions" \
	"compile 16,000 ioctl rules"

# After them, a repeat (a warning) and a rule an earlier one decides (an error).
{
	echo 'allow ioctl if arg1 == 16000'
	echo 'errno EPERM ioctl if arg1 == 7'
} >>"$equal"
watched "check 16,000 rules and two more" "$MOAT" check "$equal"
expect_status 1 "check 16,000 rules and two more"
expect_stderr_contains "$equal:16004:7: warning: repeated rule for ioctl" "repeat of rule 16,000"
expect_stderr_contains "$equal:16003:7: note: first rule here" "first of the repeated rule"
expect_stderr_contains "$equal:16005:13: error: this rule for ioctl can never apply" \
	"rule decided by rule 7"
expect_stderr_contains "$equal:10:7: note: earlier rules for ioctl decide every case it covers" \
	"cause of the unreachable rule"

# 120 x 120 rules on two arguments, then one that they decide.
pairs=$scratch/pairs.policy
{
	echo "$header"
	for first in $(seq 1 120); do
		seq -f "allow ioctl if arg0 == $first && arg1 == %g" 1 120
	done
	echo 'kill ioctl if arg1 == 60 && arg0 == 99 && arg2 == 1'
} >"$pairs"
watched "check 14,400 pair rules" "$MOAT" check "$pairs"
expect_status 1 "check 14,400 pair rules"
expect_stderr_contains "$pairs:14404:6: error: this rule for ioctl can never apply" \
	"rule decided by a pair rule"
expect_stderr_contains "$pairs:$((3 + 98 * 120 + 60)):7: note: earlier rules" "the pair rule"

# One rule with 20,000 cases, then one case again.
disjunction=$scratch/disjunction.policy
{
	echo "$header"
	echo "allow ioctl if $(joined ' || ' 'arg1 == %g' 1 20000)"
	echo 'errno EPERM ioctl if arg1 == 5000'
} >"$disjunction"
watched "check a 20,000-case rule" "$MOAT" check "$disjunction"
expect_status 1 "check a 20,000-case rule"
expect_stderr_contains "$disjunction:5:13: error: this rule for ioctl can never apply" \
	"a case of the 20,000"

# A set of 20,000 values.
set=$scratch/set.policy
{
	echo "$header"
	echo "allow ioctl if arg1 in {$(joined ', ' '%g' 1 20000)}"
} >"$set"
watched "check a 20,000-value set" "$MOAT" check "$set"
expect_status 1 "check a 20,000-value set"
expect_stderr_contains "$set:4:7: error: the [syscalls] section needs more than the kernel's limit" \
	"a 20,000-value set does not fit the filter"

# Many rules on a large group: under the limit of rules they are checked
# (and refused by the filter's size), past it the error names the rule that
# passes 100,000 rules (@stdio has more than 100 members).
groups=$scratch/groups.policy
{
	echo "$header"
	seq -f 'allow @stdio if arg0 == %g' 1 600
} >"$groups"
watched "check 600 rules on @stdio" "$MOAT" check "$groups"
expect_status 1 "check 600 rules on @stdio"
expect_stderr_contains "error: the [syscalls] section needs more than the kernel's limit" \
	"600 rules on @stdio do not fit the filter"
seq -f 'allow @stdio if arg0 == %g' 601 2000 >>"$groups"
watched "check 2,000 rules on @stdio" "$MOAT" check "$groups"
expect_status 1 "check 2,000 rules on @stdio"
[[ "$stderr" =~ $groups:[0-9]+:7:\ error:\ the\ policy\ has\ more\ than\ 100000\ syscall\ rules ]] ||
	fail "2,000 rules on @stdio: no located limit error: $stderr"
[[ $(grep -c ': error: ' "$scratch/stderr") -eq 1 ]] || fail "the limit is reported once: $stderr"

# A condition too long to repeat for every member of a group.
long=$scratch/long.policy
{
	echo "$header"
	echo "errno EPERM @stdio if $(joined ' && ' 'arg0 != %g' 1 50000)"
} >"$long"
watched "check 50,000 != on @stdio" "$MOAT" check "$long"
expect_status 1 "check 50,000 != on @stdio"
expect_stderr_contains "$long:4:13: error: the policy's conditions have more than 2000000 comparisons" \
	"50,000 != on @stdio"
# The same condition on one syscall is within the limits.
sed -i 's/@stdio/ioctl/' "$long"
watched "check 50,000 != on ioctl" "$MOAT" check "$long"
expect_status 0 "check 50,000 != on ioctl"

# ---- one file's size: a policy just under 1 MiB is read, one over it is not --
big=$scratch/big.policy
{
	echo 'moat 1'
	echo '[syscalls]'
	echo 'default kill'
	yes "# $(printf '%097d' 0)" | head -n 10000 # 10,000 lines of 100 bytes
} >"$big"
watched "check a policy just under 1 MiB" "$MOAT" check "$big"
expect_status 0 "a policy just under 1 MiB is read"
yes "# $(printf '%097d' 0)" | head -n 500 >>"$big" # 50,000 bytes more
watched "check a policy over 1 MiB" "$MOAT" check "$big"
expect_status 1 "a policy over 1 MiB is refused"
expect_stderr_contains "File too large" "the refusal says why"
printf 'moat 1\ninclude "big.policy"\n' >"$scratch/includes-big.policy"
watched "check an include of a policy over 1 MiB" "$MOAT" check "$scratch/includes-big.policy"
expect_status 1 "an included policy over 1 MiB is refused"
expect_stderr_contains "includes-big.policy:2:" "at the include that names it"

finish
