#!/usr/bin/env bash
# run.sh USER TEST.py: runs one unittest file of the Python binding with the
# build tree's library (MOAT_LIBRARY) and package (PYTHONPATH), as root
# (USER root: the user ctest runs as) or as uid 65534 (USER nobody),
# skipped where uid 65534 cannot make the user namespace it needs.
source "$(dirname "$0")/../integration/lib.sh"
user=${1:?usage: run.sh root|nobody TEST.py}
test=${2:?usage: run.sh root|nobody TEST.py}
if [[ $user == nobody ]]; then
	choose_users
	[[ " ${users[*]} " == *" nobody "* ]] || skip "uid 65534 cannot run sandboxes here"
fi
export MOAT_TEST_USER=$user
cd "$scratch" && as "$user" "$MOAT_PYTHON3" "$test" -v
