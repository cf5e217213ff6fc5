# Sourced by check_plugin_host.sh and check_python_plugin_host.sh: runs a
# plugin host on every example plugin and checks the reason it gives for
# each. The positive control is the well-behaved plugin, whose result comes
# back; every other one must be stopped for its own reason while the host
# goes on. Each failed check prints FAIL and sets `failures` to 1.
failures=0
plugin_names=(good crash spin hang hog files network)

# Runs COMMAND with PLUGIN_DIRECTORY/NAME.EXTENSION of every plugin as its
# arguments, prints its output and checks that it exits 0.
run_plugin_host() { # host name, plugin directory, extension, command...
	local name=$1 name_of_plugin files=() status
	plugin_directory=$2
	plugin_extension=$3
	shift 3
	for name_of_plugin in "${plugin_names[@]}"; do
		files+=("$plugin_directory/$name_of_plugin.$plugin_extension")
	done
	plugin_output=$("$@" "${files[@]}" 2>&1)
	status=$?
	echo "$plugin_output"
	[[ $status -eq 0 ]] || { echo "FAIL: $name exited $status" >&2; failures=1; }
}

expect() { # plugin, fragment of its line
	local line
	line=$(grep -F "$plugin_directory/$1.$plugin_extension: " <<<"$plugin_output")
	[[ $line == *"$2"* ]] || { echo "FAIL: $1: '$line' lacks '$2'" >&2; failures=1; }
}

# The reasons every host gives in the same words.
expect_common_reasons() {
	expect good "ok: hello, moat"
	expect crash "crashed: signal SEGV"
	expect spin "killed at the cpu limit"
	expect hog "killed at the as limit"
	expect files "failed with 13: open /etc/passwd: Permission denied"
}
