# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Shell pieces for the guest scripts of the test VM (sourced, never run):
# staging the vxpath plugin where EAL accepts it, the namespace half of the
# exception-path scene (a netns behind a veth pair whose root end belongs to
# net_af_packet), and an interactive dpdk-testpmd driven through a FIFO,
# one command at a time, each answered before the next is sent.
#
# The caller defines say() and setup_fail() (message; exit 2), sets WORK to
# a private scratch directory, and calls scene_cleanup from its EXIT trap.
# Nothing here forks while testpmd forwards except where said: under TCG a
# fork is slow and the vCPUs are busy.
#
# Functions (results in global variables, named in each description):
#   scene_args NAME KEYS ARGS... --KEY VALUE and --KEY=VALUE for each
#                                word of KEYS into the variable named
#                                KEY in capitals, - as _ (--build-dir:
#                                BUILD_DIR), or VAR for a word KEY:VAR;
#                                a word KEY! is a flag (--KEY sets it
#                                to 1); -h/--help: the caller's usage(),
#                                exit 0; anything else: exit 2
#   scene_begin NAME RESULTS TOOL...
#                                say() and setup_fail() of scene NAME
#                                (setup_fail records verdict=setup, exit
#                                2); RES=$OUT/RESULTS emptied,
#                                verdict=pass; root, /dev/vhost-net and
#                                each TOOL checked; WORK a new directory
#   tap_exists, tap_flag FLAG, tap_mtu, tap_mac, tap_addr ADDR PLEN
#                                the link $TAP (in the namespace of
#                                $IPNS, ip's "-n NS", when set) as
#                                `ip -j` shows it: yes/no for its
#                                existence, a flag (UP, ...), an address;
#                                the MTU and MAC address printed
#   delta PHASE KEY...           R[PHASE_KEY] = C1[KEY] - C0[KEY] for
#                                the caller's associative arrays R, C0
#                                (counters before) and C1 (after); na
#                                where either is not a number
#   route_counters ARRAY         for the routed scenes (tso-lro.sh,
#                                uso.sh): into the caller's associative
#                                ARRAY, tap_S and fwd_S for each S of
#                                $IF_STATS (/sys/class/net/$TAP and
#                                $FWD_HOST statistics/), and root_K,
#                                ns_K, srv_K for each counter nstat
#                                prints of $NSTAT_KEYS (in the root
#                                namespace, through the caller's nsx
#                                and srvx)
#   scene_report LINE...         the end of the scenes that keep their
#                                results in R (coalesce.sh, tso-lro.sh,
#                                uso.sh): print the last 10 lines of
#                                $WORK/dmesg-hits when R[dmesg_lines] is
#                                set and not 0, and the verdict
#                                ($VERDICT, each of FAILS), write the
#                                LINEs, R sorted as key=value, FAILS as
#                                fail= and the verdict to $RESULTS; exit
#                                0 for pass, 1 for fail
#   scene_trap                   on exit (INT, TERM: status 130): the
#                                caller's scene_atexit when defined, the
#                                processes whose pids the variables named
#                                in SCENE_PIDS hold killed and reaped,
#                                scene_cleanup, each link of SCENE_LINKS
#                                deleted, each FROM:TO of SCENE_KEEP
#                                copied (logs out of WORK), WORK and the
#                                EAL files of PREFIX removed; the exit
#                                status kept
#   res KEY VALUE [WANT]         a key=value line into $RES; with WANT, a
#                                mismatch says FAIL and sets verdict=fail
#   check KEY COMMAND...         res KEY yes|no (COMMAND's status), want yes
#   scene_stage_plugin FILE      copy FILE under /run/vxpath; STAGED=path
#   scene_netns NS HOST NSIF CIDR [HOST_CIDR]
#                                netns NS, veth HOST <-> NSIF (in NS),
#                                CIDR on NSIF; HOST gets HOST_CIDR, or no
#                                address and no ARP at all
#   tp_start LOG CMD...          start CMD (testpmd -i) reading the FIFO,
#                                output appended to LOG; TP_PID
#   tp_cmd SEC COMMAND           one command; TP_OUT its output, XS its
#                                "name: number" lines (show port xstats)
#   tp_quit SEC                  quit, then SIGTERM/SIGKILL if need be
#   nap SEC                      sleep without forking
#   TP_PROMPT_RE                 testpmd's prompt, also when cut by lines
#                                that other threads print (below)
#   reap SEC PID...              wait for each PID (a tcp_xfer.py server,
#                                whose clients are done) at most SEC
#                                seconds, then kill it; 1 if one was
#                                killed or failed

STAGED=
TP_PID=
TP_BUF=

# testpmd's prompt as a bash regex ([[ $text =~ $TP_PROMPT_RE ]], no fork).
# Its command line writes "testpmd> " one character at a time, while the
# EAL interrupt thread prints events ("Port 0: link state change event")
# and drivers log, each line in one write: such a line can land between
# two characters of the prompt. Between each two, any number of whole
# lines is allowed; the prompt's next character then starts a line.
TP_PROMPT_RE=
tp_prompt_re_init() {
	local nl=$'\n' lines c
	lines="([^$nl]*$nl)*"
	TP_PROMPT_RE=
	for c in t e s t p m d '>'; do
		TP_PROMPT_RE+="$c$lines"
	done
	TP_PROMPT_RE+='[ ]'
}
tp_prompt_re_init
TP_OUT=
declare -A XS=()
SCENE_NS=()
SCENE_VETH=()

# res KEY VALUE [WANT]: record; with WANT, a mismatch fails the verdict.
scene_args() {
	local name=$1 spec=$2 k v w var flag have
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		-h|--help)
			declare -F usage >/dev/null && usage
			exit 0 ;;
		--*=*) k=${1%%=*} v=${1#*=} have=1; shift ;;
		--*) k=$1 v= have=0; shift ;;
		*) echo "$name: unknown argument $1" >&2; exit 2 ;;
		esac
		k=${k#--}
		var= flag=0
		[[ $k =~ ^[a-z][a-z0-9-]*$ ]] || spec=
		for w in $spec; do
			case $w in
			"$k") var=${k//-/_} var=${var^^} ;;
			"$k:"*) var=${w#*:} ;;
			"$k!") var=${k//-/_} var=${var^^} flag=1 ;;
			esac
		done
		if [ -z "$var" ]; then
			echo "$name: unknown argument --$k" >&2
			exit 2
		fi
		if [ $flag = 1 ]; then
			if [ $have = 1 ]; then
				echo "$name: --$k takes no value" >&2
				exit 2
			fi
			v=1
		elif [ $have = 0 ]; then
			if [ $# -eq 0 ]; then
				echo "$name: --$k needs a value" >&2
				exit 2
			fi
			v=$1
			shift
		fi
		printf -v "$var" '%s' "$v"
	done
}

scene_begin() {
	SCENE_NAME=$1
	say() { echo "$SCENE_NAME: [${SECONDS}s] $*"; }
	setup_fail() {
		say "set-up failed: $*"
		echo "verdict=setup" >>"$RES"
		exit 2
	}
	mkdir -p "$OUT" || exit 2
	RES=$OUT/$2
	: >"$RES"
	verdict=pass
	shift 2
	[ "$(id -u)" = 0 ] || setup_fail "must run as root"
	[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net"
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || setup_fail "missing tool: $t"
	done
	WORK=$(mktemp -d "/tmp/$SCENE_NAME.XXXXXX") || setup_fail "mktemp"
}

res() {
	echo "$1=$2" >>"$RES"
	if [ $# -ge 3 ] && [ "$2" != "$3" ]; then
		say "FAIL $1=$2, want $3"
		verdict=fail
	fi
}

# check KEY CONDITION...: record yes/no; no fails the verdict.
check() {
	local k=$1
	shift
	if "$@"; then res "$k" yes yes; else res "$k" no yes; fi
}

# scene_stage_plugin FILE: EAL refuses a plugin under a world-writable
# directory (/tmp), so the plugin goes into a private, root-owned 0755
# directory under /run/vxpath, removed by scene_cleanup.
scene_stage_plugin() {
	local d
	[ -f "$1" ] || setup_fail "no plugin at $1 (meson setup build && ninja -C build)"
	install -d -m 0755 /run/vxpath || setup_fail "cannot create /run/vxpath"
	for d in /run /run/vxpath; do
		[ -z "$(find "$d" -maxdepth 0 -perm -0002)" ] ||
			setup_fail "$d is world-writable; EAL would refuse a plugin staged there"
	done
	STAGED=$(mktemp -d /run/vxpath/stage.XXXXXX) || setup_fail "mktemp under /run/vxpath"
	chmod 0755 "$STAGED"
	install -m 0644 "$1" "$STAGED/librte_net_vxpath.so" ||
		setup_fail "cannot stage $1"
	STAGED=$STAGED/librte_net_vxpath.so
}

# scene_netns NS HOST NSIF CIDR [HOST_CIDR]: a namespace and its veth
# pair. Without HOST_CIDR, HOST is a wire for a DPDK port: the root
# namespace must not answer for its own addresses there (the kernel
# answers ARP for any local address on any interface), so HOST gets no
# address, no ARP, no IPv6, and every frame goes through the DPDK port.
scene_netns() {
	local ns=$1 host=$2 nsif=$3 cidr=$4 host_cidr=${5:-}
	ip netns del "$ns" 2>/dev/null
	ip link del "$host" 2>/dev/null
	SCENE_NS+=("$ns")
	SCENE_VETH+=("$host")
	ip netns add "$ns" || setup_fail "ip netns add $ns"
	ip link add "$host" type veth peer name "$nsif" || setup_fail "veth pair"
	ip link set "$nsif" netns "$ns" || setup_fail "move $nsif into $ns"
	sysctl -qw net.ipv6.conf."$host".disable_ipv6=1
	if [ -n "$host_cidr" ]; then
		ip addr add "$host_cidr" dev "$host" ||
			setup_fail "address on $host"
	else
		sysctl -qw net.ipv4.conf."$host".arp_ignore=8
		ip link set "$host" arp off
	fi
	ip link set "$host" up || setup_fail "$host up"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" ip addr add "$cidr" dev "$nsif" ||
		setup_fail "address on $nsif"
	ip netns exec "$ns" ip link set "$nsif" up || setup_fail "$nsif up"
}

# nap SEC: sleep without a process (fd 5 is a FIFO nobody writes to).
nap() { read -r -t "$1" -u 5 _; }

# A tcp_xfer.py server waits for its connections without a limit: once its
# clients have ended, give it SEC seconds to finish, then end it.
reap() {
	local n=$(($1 * 5)) pid rc=0
	shift
	for pid in "$@"; do
		while [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.2
			n=$((n - 1))
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null
			rc=1
		fi
		wait "$pid" 2>/dev/null || rc=1
	done
	return $rc
}

tp_alive() { [ -n "$TP_PID" ] && kill -0 "$TP_PID" 2>/dev/null; }

# tp_start LOG CMD...: testpmd reads commands from a FIFO (fd 3); its
# output goes to LOG, which fd 4 reads back.
tp_start() {
	local log=$1
	shift
	[ -e "$WORK/nap" ] || { mkfifo "$WORK/nap" && exec 5<>"$WORK/nap"; } ||
		setup_fail "mkfifo"
	rm -f "$WORK/testpmd.cmd"
	mkfifo "$WORK/testpmd.cmd" || setup_fail "mkfifo"
	: >"$log"
	exec 3<>"$WORK/testpmd.cmd" 4<"$log"
	TP_BUF=
	stdbuf -oL -eL "$@" <"$WORK/testpmd.cmd" >>"$log" 2>&1 &
	TP_PID=$!
}

# tp_read: append what testpmd wrote since the last call to TP_BUF (a
# last line without a newline, such as the prompt, is taken as it is and
# the rest of it follows on the next call).
tp_read() {
	local line=
	while IFS= read -r -u 4 line 2>/dev/null; do
		TP_BUF+=$line$'\n'
		line=
	done
	TP_BUF+=$line
}

# tp_prompt SEC: wait (at most SEC seconds) for a prompt in TP_BUF.
tp_prompt() {
	local n=$(($1 * 10))
	while :; do
		tp_read
		[[ $TP_BUF =~ $TP_PROMPT_RE ]] && return 0
		n=$((n - 1))
		[ $n -gt 0 ] && tp_alive || return 1
		nap 0.1
	done
}

# tp_cmd SEC COMMAND: send one command, wait for the prompt that follows
# its output. Return 1 when no prompt came within SEC seconds.
tp_cmd() {
	local rc=0 line
	tp_read
	TP_BUF=
	printf '%s\n' "$2" >&3
	tp_prompt "$1" || rc=1
	TP_OUT=$TP_BUF
	TP_BUF=
	XS=()
	while IFS= read -r line; do
		[[ $line =~ ^\ *([A-Za-z0-9_]+):\ +([0-9]+)$ ]] &&
			XS[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	done <<<"$TP_OUT"
	return $rc
}

# tp_quit SEC: ask testpmd to quit; after SEC seconds SIGTERM, then
# SIGKILL. TP_RC is its exit status (empty if it had to be killed).
TP_RC=
tp_quit() {
	local n=$(($1 * 5))
	TP_RC=
	tp_alive && printf 'quit\n' >&3
	while tp_alive && [ $n -gt 0 ]; do
		nap 0.2
		n=$((n - 1))
	done
	if [ -n "$TP_PID" ] && ! tp_alive; then
		wait "$TP_PID"
		TP_RC=$?
	else
		tp_kill
	fi
	TP_PID=
	exec 3>&- 4<&- 2>/dev/null
}

tp_kill() {
	local n=50
	[ -n "$TP_PID" ] || return 0
	kill -TERM "$TP_PID" 2>/dev/null
	while kill -0 "$TP_PID" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	kill -KILL "$TP_PID" 2>/dev/null
	wait "$TP_PID" 2>/dev/null
	TP_PID=
}

# scene_cleanup: everything the functions above created.
tap_exists() {
	ip ${IPNS:-} link show dev "$TAP" >/dev/null 2>&1 && echo yes || echo no
}
tap_flag() {
	ip ${IPNS:-} -j link show dev "$TAP" 2>/dev/null |
		grep -q "\"$1\"" && echo yes || echo no
}
tap_mtu() {
	ip ${IPNS:-} -j link show dev "$TAP" 2>/dev/null |
		sed -n 's/.*"mtu":\([0-9]*\).*/\1/p'
}
tap_mac() {
	ip ${IPNS:-} -j link show dev "$TAP" 2>/dev/null |
		sed -n 's/.*"address":"\([^"]*\)".*/\1/p'
}
tap_addr() {
	ip ${IPNS:-} -j addr show dev "$TAP" 2>/dev/null |
		grep -q "\"local\":\"$1\",\"prefixlen\":$2" && echo yes || echo no
}

delta() {
	local ph=$1 k
	shift
	for k in "$@"; do
		if [[ ${C1[$k]:-} =~ ^[0-9]+$ && ${C0[$k]:-} =~ ^[0-9]+$ ]]; then
			R[${ph}_$k]=$((C1[$k] - C0[$k]))
		else
			R[${ph}_$k]=na
		fi
	done
}

route_counters() {
	local -n rc_a=$1
	local s v k val
	for s in $IF_STATS; do
		read -r v </sys/class/net/$TAP/statistics/$s || v=
		rc_a["tap_$s"]=$v
		read -r v </sys/class/net/$FWD_HOST/statistics/$s || v=
		rc_a["fwd_$s"]=$v
	done
	for s in root ns srv; do
		case $s in
		root) v=$(nstat -asz $NSTAT_KEYS 2>/dev/null) ;;
		ns) v=$(nsx nstat -asz $NSTAT_KEYS 2>/dev/null) ;;
		srv) v=$(srvx nstat -asz $NSTAT_KEYS 2>/dev/null) ;;
		esac
		while read -r k val _; do
			[[ $k =~ ^[A-Za-z0-9]+$ ]] && rc_a["${s}_$k"]=$val
		done <<<"$v"
	done
}

scene_report() {
	local k f
	if [ "${R[dmesg_lines]:-0}" != 0 ]; then
		sed 's/^/  | /' "$WORK/dmesg-hits" | tail -n 10
	fi
	if [ $VERDICT = pass ]; then
		echo "  verdict  PASS"
	else
		for f in "${FAILS[@]}"; do echo "  FAIL     $f"; done
		echo "  verdict  FAIL"
	fi
	{
		printf '%s\n' "$@"
		for k in $(printf '%s\n' "${!R[@]}" | sort); do
			echo "$k=${R[$k]}"
		done
		for f in "${FAILS[@]}"; do echo "fail=$f"; done
		echo "verdict=$VERDICT"
	} >"$RESULTS"
	say "results in $RESULTS"
	[ $VERDICT = pass ] && exit 0 || exit 1
}

SCENE_LINKS=()
SCENE_KEEP=()
SCENE_PIDS=()
scene_exit() {
	local rc=$? x
	trap - EXIT INT TERM
	declare -F scene_atexit >/dev/null && scene_atexit
	for x in "${SCENE_PIDS[@]}"; do
		[ -n "${!x:-}" ] || continue
		kill "${!x}" 2>/dev/null
		wait "${!x}" 2>/dev/null
	done
	scene_cleanup
	for x in "${SCENE_LINKS[@]}"; do
		ip link del "$x" 2>/dev/null
	done
	for x in "${SCENE_KEEP[@]}"; do
		cp "${x%%:*}" "${x#*:}" 2>/dev/null
	done
	rm -rf "$WORK" "/var/run/dpdk/${PREFIX:-}"
	[ -n "${PREFIX:-}" ] && rm -f /dev/hugepages/"${PREFIX}"map_* 2>/dev/null
	exit $rc
}

scene_trap() {
	trap scene_exit EXIT
	trap 'exit 130' INT TERM
}

scene_cleanup() {
	tp_kill
	exec 3>&- 4<&- 5<&- 2>/dev/null
	local x
	for x in "${SCENE_NS[@]}"; do
		ip netns del "$x" 2>/dev/null
	done
	for x in "${SCENE_VETH[@]}"; do
		ip link del "$x" 2>/dev/null
	done
	[ -n "$STAGED" ] && rm -rf "$(dirname "$STAGED")"
	SCENE_NS=()
	SCENE_VETH=()
	STAGED=''
}
