#!/usr/bin/env bash
# examples/python/plugin_host.py against the build tree's library, with its
# misbehaving plugins: each stopped for its own reason, the well-behaved
# one's result returned (tests/package/check_python_plugin_host.sh). As root
# and as uid 65534.
source "$(dirname "$0")/../integration/lib.sh"
choose_users
# uid 65534 must be able to read the plugins.
cp -r "$MOAT_SOURCE_DIR/examples/python/plugins" "$scratch/plugins"
chmod -R a+rX "$scratch/plugins"
for user in "${users[@]}"; do
	run as "$user" bash "$MOAT_SOURCE_DIR/tests/package/check_python_plugin_host.sh" \
		"$MOAT_PYTHON3" "$MOAT_SOURCE_DIR/examples/python/plugin_host.py" "$scratch/plugins"
	expect_status 0 "every plugin stopped for its reason ($user): $stdout $stderr"
done
finish
