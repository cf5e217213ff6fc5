#!/usr/bin/env zsh
# zsh_complete.zsh SCRIPT CODE LINE...: what zsh's own completion system
# offers at the end of each LINE, as "== LINE" and then the matches, one a
# line, sorted. An interactive zsh on a pseudo-terminal (zsh/zpty) runs
# compinit, sources the completion function SCRIPT and runs CODE; then each
# LINE is typed with a TAB. Its compadd is wrapped to print the matches each
# call adds (after zsh's own matching against the word), and the TAB widget
# prints an end mark, so the whole of zsh's machinery runs: _main_complete,
# _wanted, _files, _normal. Exit 2 when the shell does not answer.
emulate -L zsh
zmodload zsh/zpty || exit 2
local script=${1:A} code=$2 line output rcdir
shift 2
rcdir=$(mktemp -d /tmp/moat-zsh.XXXXXX)
trap 'zpty -d capture 2>/dev/null; rm -rf $rcdir' EXIT
# The marks are computed, so that the echo of what is typed never holds them.
cat >$rcdir/.zshrc <<SETUP
PS1= PROMPT= RPROMPT=
autoload -Uz compinit && compinit -u -D
source ${(q)script}
$code
compadd() {
	# Calls that only ask (-O, -A, -D) are zsh's own bookkeeping.
	if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "\$@"
		return
	fi
	local -a matches
	builtin compadd -O matches "\$@"
	print -rl -- '<match>'\$^matches
}
_moat_test_complete() {
	_main_complete
	print -r -- "<end\$((6 * 7))>"
}
zle -C moat-test-complete complete-word _moat_test_complete
bindkey -e
bindkey '^I' moat-test-complete
print \$((6 * 7))ready
SETUP
zpty capture "ZDOTDIR=${(q)rcdir} zsh -d -i"
zpty -r capture output '*42ready*' || exit 2
for line in "$@"; do
	zpty -n -w capture "$line"$'\t'
	zpty -r capture output '*<end42>*' || exit 2
	print -r -- "== $line"
	print -r -- $output | tr -d '\r' | grep -ao '<match>.*' | sed 's/^<match>//' | sort -u
	# Ctrl-U: an empty line for the next one.
	zpty -n -w capture $'\C-u'
done
