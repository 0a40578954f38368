#!/bin/bash
# Usage: check-config.sh <.config> <fragment>...
# merge_config.sh only warns when Kconfig drops a requested value (unmet
# dependency, non-visible symbol); this fails loudly instead, listing every
# fragment line that did not survive into the final .config.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 <.config> <fragment>..." >&2; exit 2; }
cfg=$1; shift
bad=0
for frag in "$@"; do
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			sym=${BASH_REMATCH[1]}
			# grep -x: exact line, so =m does not satisfy a requested =y
			if ! grep -qxF -- "$line" "$cfg"; then
				got=$(grep -E "^(# )?${sym}[= ]" "$cfg" || echo "absent")
				echo "DROPPED: $line  (got: $got)  [$(basename "$frag")]" >&2
				bad=1
			fi
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			if grep -qE "^$sym=" "$cfg"; then
				echo "FORCED ON: $line  (got: $(grep -E "^$sym=" "$cfg"))  [$(basename "$frag")]" >&2
				bad=1
			fi
		fi
	done <"$frag"
done
if [ $bad -ne 0 ]; then
	echo "check-config: requested options missing from $cfg; fix the fragments" >&2
	exit 1
fi
