#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Check MAINTAINERS against the tree: every file git tracks must be under an
# area (an "F:" line naming the file, or a directory that holds it), and
# every "F:" line must name something that exists. Prints one line per
# file or entry at fault.
#
# Usage: devtools/check-maintainers.sh        (from anywhere in the tree)
# Exit status: 0 all listed, 1 otherwise, 2 not a git tree.

set -u

top=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel) ||
	exit 2
cd "$top" || exit 2

mapfile -t entries < <(sed -n 's/^F:[[:space:]]*//p' MAINTAINERS)
bad=0
for e in "${entries[@]}"; do
	if [ ! -e "$e" ]; then
		echo "MAINTAINERS: F: $e names nothing in the tree"
		bad=1
	fi
done
while IFS= read -r f; do
	owned=0
	for e in "${entries[@]}"; do
		case $e in
		*/) [[ $f == "$e"* ]] && owned=1 ;;
		*) [ "$f" = "$e" ] && owned=1 ;;
		esac
		[ $owned = 1 ] && break
	done
	if [ $owned = 0 ]; then
		echo "MAINTAINERS: $f is in no area"
		bad=1
	fi
done < <(git ls-files)
[ $bad = 0 ] && echo "MAINTAINERS: all $(git ls-files | wc -l) files are in an area"
exit $bad
