# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Sourced (bash) by config/get-sdk-headers.sh and devtools/setup.sh: where
# apt keeps its source lists, and whether one of them has a deb-src entry
# (needed by `apt-get source`, which fetches DPDK's driver SDK headers).

# apt_source_dirs: set APT_SRCLIST (the one-line-style list file) and
# APT_SRCPARTS (the directory of .list and deb822 .sources files) from apt's
# own configuration (APT_CONFIG may move them).
apt_source_dirs() {
	local SRCLIST=/etc/apt/sources.list SRCPARTS=/etc/apt/sources.list.d
	eval "$(apt-config shell SRCLIST Dir::Etc::sourcelist/f \
		SRCPARTS Dir::Etc::sourceparts/d 2>/dev/null)" || true
	APT_SRCLIST=$SRCLIST
	APT_SRCPARTS=${SRCPARTS%/}
}

# have_deb_src_entry: exit status 0 if some apt source list has a deb-src
# entry, in either format.
have_deb_src_entry() {
	local f
	apt_source_dirs
	for f in "$APT_SRCLIST" "$APT_SRCPARTS"/*.list; do
		[ -f "$f" ] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" &&
			return 0
	done
	for f in "$APT_SRCPARTS"/*.sources; do
		[ -f "$f" ] && grep -Eiq '^[[:space:]]*Types:.*deb-src' "$f" &&
			return 0
	done
	return 1
}
