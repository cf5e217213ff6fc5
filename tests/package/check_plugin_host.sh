#!/usr/bin/env bash
# check_plugin_host.sh HOST PLUGIN_DIRECTORY: runs examples/plugin_host on
# every plugin of examples/plugins/ and checks the reason it gives for
# each. The positive control is the well-behaved plugin, whose result comes
# back; every other one must be stopped for its own reason while the host
# goes on. Used by tests/integration/plugin_host.sh (build tree) and
# scripts/check-install.sh (installed library, pkg-config and find_package).
set -u
host=${1:?usage: check_plugin_host.sh HOST PLUGIN_DIRECTORY}
plugins=${2:?usage: check_plugin_host.sh HOST PLUGIN_DIRECTORY}
failures=0
output=$("$host" "$plugins"/good.so "$plugins"/crash.so "$plugins"/spin.so \
	"$plugins"/hang.so "$plugins"/hog.so "$plugins"/files.so "$plugins"/network.so 2>&1)
status=$?
echo "$output"
[[ $status -eq 0 ]] || { echo "FAIL: plugin_host exited $status" >&2; failures=1; }

expect() { # plugin, fragment of its line
	local line
	line=$(grep -F "$plugins/$1.so: " <<<"$output")
	[[ $line == *"$2"* ]] || { echo "FAIL: $1: '$line' lacks '$2'" >&2; failures=1; }
}
expect good "ok: hello, moat"
expect crash "crashed: signal SEGV"
expect spin "killed at the cpu limit"
expect hang "timed out after"
expect hog "killed at the as limit"
expect files "failed with 13: open /etc/passwd: Permission denied"
expect network "killed by the filter: socket(AF_INET, SOCK_STREAM, 0) by plugin_host.policy:"
exit $failures
