#!/usr/bin/env bash
# examples/plugin_host, built in the tree, against its misbehaving plugins:
# each stopped for its own reason, the well-behaved one's result returned
# (tests/package/check_plugin_host.sh). As root and as uid 65534.
source "$(dirname "$0")/lib.sh"
host=$MOAT_EXAMPLES_DIR/plugin_host
[[ -x $host ]] || skip "the examples are not built"
choose_users
# uid 65534 must be able to read the plugins.
cp -r "$MOAT_EXAMPLES_DIR/plugins" "$scratch/plugins"
chmod -R a+rX "$scratch/plugins"
for user in "${users[@]}"; do
	run as "$user" bash "$MOAT_SOURCE_DIR/tests/package/check_plugin_host.sh" "$host" \
		"$scratch/plugins"
	expect_status 0 "every plugin stopped for its reason ($user): $stdout"
done
((failures == 0)) || exit 1
echo "plugin_host: all checks passed"
