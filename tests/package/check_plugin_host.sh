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
source "$(dirname "${BASH_SOURCE[0]}")/plugin_host_checks.sh"
run_plugin_host plugin_host "$plugins" so "$host"
expect_common_reasons
expect hang "timed out after"
expect network "killed by the filter: socket(AF_INET, SOCK_STREAM, 0) by plugin_host.policy:"
exit $failures
