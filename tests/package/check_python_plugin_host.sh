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
source "$(dirname "${BASH_SOURCE[0]}")/plugin_host_checks.sh"
run_plugin_host plugin_host.py "$plugins" py "$python" "$host" --timeout 8
expect_common_reasons
expect hang "timed out after 8000 ms"
expect network "killed by the filter: socket(AF_INET, SOCK_STREAM"
exit $failures
