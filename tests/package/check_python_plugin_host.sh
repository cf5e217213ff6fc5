#!/usr/bin/env bash
# check_python_plugin_host.sh PYTHON HOST.py PLUGIN_DIRECTORY: runs
# examples/python/plugin_host.py on every plugin of examples/python/plugins/
# and checks the reason it gives for each, as check_plugin_host.sh does for
# the C host. The positive control is the well-behaved plugin, whose result
# comes back; every other one must be stopped for its own reason while the
# host goes on. The deadline is 8 s, so that the spinning plugin reaches its
# 1 s CPU limit first even on a loaded machine. The package and library come
# from the caller's environment (PYTHONPATH, MOAT_LIBRARY, or the installed
# package's own).
# Used by tests/python/plugin_host.sh and scripts/check-install.sh.
set -u
python=${1:?usage: check_python_plugin_host.sh PYTHON HOST.py PLUGIN_DIRECTORY}
host=${2:?usage: check_python_plugin_host.sh PYTHON HOST.py PLUGIN_DIRECTORY}
plugins=${3:?usage: check_python_plugin_host.sh PYTHON HOST.py PLUGIN_DIRECTORY}
failures=0
output=$("$python" "$host" --timeout 8 "$plugins"/good.py "$plugins"/crash.py \
	"$plugins"/spin.py "$plugins"/hang.py "$plugins"/hog.py "$plugins"/files.py \
	"$plugins"/network.py 2>&1)
status=$?
echo "$output"
[[ $status -eq 0 ]] || { echo "FAIL: plugin_host.py exited $status" >&2; failures=1; }

expect() { # plugin, fragment of its line
	local line
	line=$(grep -F "$plugins/$1.py: " <<<"$output")
	[[ $line == *"$2"* ]] || { echo "FAIL: $1: '$line' lacks '$2'" >&2; failures=1; }
}
expect good "ok: hello, moat"
expect crash "crashed: signal SEGV"
expect spin "killed at the cpu limit"
expect hang "timed out after 8000 ms"
expect hog "killed at the as limit"
expect files "failed with 13: open /etc/passwd: Permission denied"
expect network "killed by the filter: socket(AF_INET, SOCK_STREAM"
exit $failures
