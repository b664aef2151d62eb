/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Device arguments (devargs) of a vxpath port. The names, meanings and
 * defaults are those of DPDK's virtio_user PMD, so that vxpath is a drop-in:
 *
 *   path=       back-end: a vhost-user Unix socket or /dev/vhost-net
 *   mac=        port MAC address (default: random, locally administered)
 *   cq=         0|1, control virtqueue (default 0)
 *   queue_size= descriptors of a ring when the application asks for
 *               none (nb_desc 0), power of two (default 256)
 *   queues=     queue pairs (default 1)
 *   iface=      TAP interface name with vhost-net (default "tap%d");
 *               refused with a vhost-user socket
 *   server=     0|1, vhost-user server mode (default 0: client)
 *   mrg_rxbuf=  0|1, VIRTIO_NET_F_MRG_RXBUF (default 1)
 *   in_order=   0|1, VIRTIO_F_IN_ORDER (default 1)
 *   packed_vq=  0|1, VIRTIO_F_RING_PACKED (default 0)
 *   speed=      link speed in Mbps reported by the port (default: unknown)
 *   vectorized= 0|1, ask for vector Rx/Tx paths (default 0); vxpath has
 *               one scalar datapath: accepted, logged, changes nothing
 *
 * and vxpath's own additions:
 *
 *   event_idx=  0|1, negotiate VIRTIO_RING_F_EVENT_IDX when offered
 *               (default 1)
 *   reconnect=  milliseconds, vhost-user client mode only: after the
 *               back-end went away, try to connect again every that many
 *               ms in the background and replay the device state once a
 *               back-end answers (default 0: off, upstream's behaviour)
 *
 * and the TAP's configuration, vhost-kernel only (refused with a vhost-user
 * socket, like iface=; applied by vhost_kernel.c through rtnl.c):
 *
 *   ipv4=       A.B.C.D/LEN, an IPv4 address of the TAP (LEN 1 to 32)
 *   ipv6=       ADDR/LEN, an IPv6 address of the TAP (LEN 1 to 128)
 *   gateway4=   A.B.C.D, default IPv4 route via it on the TAP; within
 *               ipv4='s prefix, which it needs
 *   gateway6=   ADDR, default IPv6 route via it on the TAP; link-local
 *               (fe80::/10), or within ipv6='s prefix
 *   tap_up=     0|1, vxpath sets the TAP up and its carrier on at port
 *               start, and off and down at port stop (default 1 when one
 *               of the four above is given, else 0: the operator's, as
 *               upstream)
 *   netns=      NAME (/run/netns/NAME, as `ip netns add` makes it) or an
 *               absolute path (/proc/PID/ns/net): the network namespace
 *               the TAP is created in, where all of the above applies
 *               (default: the process's own)
 *   bridge=     IFNAME, a bridge (in the TAP's namespace) that the TAP is
 *               enslaved to at port start and released from at stop
 *               (default: none)
 *   metric=     0 to 4294967295, the metric (priority) of the default
 *               routes of gateway4= and gateway6= (default 0, which IPv6
 *               makes 1024), so that they can be added beside an existing
 *               default route of another metric; needs a gateway
 *   tap_attach= 0|1, 1: attach to the existing TAP iface= names (made
 *               with `ip tuntap add`, multi_queue for queues > 1) instead
 *               of creating one, and leave it in place at close
 *               (default 0); needs iface=NAME, not a template
 *   vhost_worker= auto|kthread|task, the kernel thread that serves each
 *               vhost-net fd (vhost_worker.h): a kthread, or a vhost_task
 *               in the application's thread group, where the kernel can
 *               choose (Linux 6.17+); kthread or task on a kernel that
 *               cannot choose is refused (default auto: vxpath's choice
 *               where the kernel can choose, the kernel's elsewhere)
 *   tx_coalesce= 0|1, 1: the Tx burst merges the TCP segments of one
 *               flow into one GSO frame for the kernel (rte_gro, then a
 *               virtio-net header GSO_TCPV4/TCPV6: coalesce.h)
 *               (default 0); refused at probe when the device does not
 *               offer VIRTIO_NET_F_CSUM, HOST_TSO4 and HOST_TSO6 or the
 *               TAP does not take TUN_F_CSUM, TSO4 and TSO6
 */
#ifndef VXPATH_DEVARGS_H
#define VXPATH_DEVARGS_H

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#define VXPATH_ARG_PATH       "path"
#define VXPATH_ARG_MAC        "mac"
#define VXPATH_ARG_CQ         "cq"
#define VXPATH_ARG_QUEUE_SIZE "queue_size"
#define VXPATH_ARG_QUEUES     "queues"
#define VXPATH_ARG_IFACE      "iface"
#define VXPATH_ARG_SERVER     "server"
#define VXPATH_ARG_MRG_RXBUF  "mrg_rxbuf"
#define VXPATH_ARG_IN_ORDER   "in_order"
#define VXPATH_ARG_PACKED_VQ  "packed_vq"
#define VXPATH_ARG_SPEED      "speed"
#define VXPATH_ARG_VECTORIZED "vectorized"
#define VXPATH_ARG_EVENT_IDX  "event_idx"
#define VXPATH_ARG_RECONNECT  "reconnect"
#define VXPATH_ARG_IPV4       "ipv4"
#define VXPATH_ARG_IPV6       "ipv6"
#define VXPATH_ARG_GATEWAY4   "gateway4"
#define VXPATH_ARG_GATEWAY6   "gateway6"
#define VXPATH_ARG_TAP_UP     "tap_up"
#define VXPATH_ARG_NETNS      "netns"
#define VXPATH_ARG_BRIDGE     "bridge"
#define VXPATH_ARG_METRIC     "metric"
#define VXPATH_ARG_TAP_ATTACH "tap_attach"
#define VXPATH_ARG_VHOST_WORKER "vhost_worker"
#define VXPATH_ARG_TX_COALESCE "tx_coalesce"

/** Default and limits of queue_size, in descriptors (virtio 1.2, 2.7). */
#define VXPATH_DEFAULT_QUEUE_SIZE 256
#define VXPATH_MIN_QUEUE_SIZE     64
#define VXPATH_MAX_QUEUE_SIZE     32768
/** Upper bound of queues= (queue pairs), as virtio-net's max_virtqueue_pairs. */
#define VXPATH_MAX_QUEUE_PAIRS    128
/** Default link speed (speed=): unknown, as upstream reports it. */
#define VXPATH_DEFAULT_SPEED      RTE_ETH_SPEED_NUM_UNKNOWN
/** Largest reconnect= interval, milliseconds (ten minutes). */
#define VXPATH_MAX_RECONNECT_MS   600000

/** tap_up= not given: 1 if an address or gateway is, else 0. */
#define VXPATH_TAP_UP_AUTO        2

/**
 * An IP address of a devarg (ipv4=, ipv6=, gateway4=, gateway6=), in
 * network byte order. All zero when the devarg was not given.
 */
struct vxpath_ipaddr {
	uint8_t family;      /**< AF_INET or AF_INET6; 0: not given */
	uint8_t prefixlen;   /**< bits; 0 for a gateway */
	uint8_t addr[16];    /**< 4 bytes used for AF_INET */
};

/** Room for "ADDR/LEN" of any struct vxpath_ipaddr, with its NUL. */
#define VXPATH_IPADDR_STRLEN (INET6_ADDRSTRLEN + 4)

/** Parsed devargs of one port; filled by vxpath_devargs_parse(). */
struct vxpath_devargs {
	char path[PATH_MAX];        /**< back-end path; never empty once parsed */
	char iface[IFNAMSIZ];       /**< TAP name or template; "" = "tap%d" */
	struct rte_ether_addr mac;  /**< valid when mac_given */
	bool mac_given;             /**< mac= was given */
	uint32_t queues;            /**< queue pairs, >= 1 */
	uint32_t cq;                /**< 1: control virtqueue wanted */
	uint32_t queue_size;        /**< descriptors per virtqueue */
	uint32_t server;            /**< 1: vhost-user server mode */
	uint32_t mrg_rxbuf;         /**< 1: negotiate VIRTIO_NET_F_MRG_RXBUF */
	uint32_t in_order;          /**< 1: negotiate VIRTIO_F_IN_ORDER when offered */
	uint32_t packed_vq;         /**< 1: negotiate VIRTIO_F_RING_PACKED */
	uint32_t speed;             /**< link speed, Mbps, or RTE_ETH_SPEED_NUM_UNKNOWN */
	uint32_t vectorized;        /**< 1: vector paths wanted (none yet) */
	uint32_t event_idx;         /**< 1: negotiate VIRTIO_RING_F_EVENT_IDX */
	uint32_t reconnect;         /**< ms between client reconnection
				     * attempts; 0: no reconnection */
	struct vxpath_ipaddr ipv4;  /**< ipv4=, with its prefix length */
	struct vxpath_ipaddr ipv6;  /**< ipv6=, with its prefix length */
	struct vxpath_ipaddr gateway4; /**< gateway4= */
	struct vxpath_ipaddr gateway6; /**< gateway6= */
	uint32_t tap_up;            /**< 0, 1, or VXPATH_TAP_UP_AUTO when
				     * not given: vxpath_devargs_tap_up() */
	char netns[PATH_MAX];       /**< netns= as given (a name, or a path
				     * beginning with '/'); "": none */
	char bridge[IFNAMSIZ];      /**< bridge= interface name; "": none */
	uint32_t metric;            /**< metric= of the default routes */
	bool metric_given;          /**< metric= was given */
	uint32_t tap_attach;        /**< 1: attach to the existing TAP
				     * iface=, never create it */
	uint32_t vhost_worker;      /**< enum vxpath_vhost_worker */
	uint32_t tx_coalesce;       /**< 1: merge TCP segments into GSO
				     * frames on Tx (coalesce.h) */
};

/**
 * Every devarg, once: X(key, value syntax for dpdk-pmdinfo.py, field of
 * struct vxpath_devargs, parser, min, max). The parser is a function of
 * devargs.c (parse_range: a decimal number in [min, max] into the
 * uint32_t field); min and max are used by parse_range and
 * parse_queue_size only. Both the parser's table (devargs.c) and
 * VXPATH_PARAM_STRING are made from this list.
 */
#define VXPATH_DEVARGS(X) \
	X(VXPATH_ARG_PATH, "<path>", path, parse_path, 0, 0) \
	X(VXPATH_ARG_MAC, "<mac addr>", mac, parse_mac, 0, 0) \
	X(VXPATH_ARG_CQ, "<0|1>", cq, parse_range, 0, 1) \
	X(VXPATH_ARG_QUEUE_SIZE, "<int>", queue_size, parse_queue_size, \
	  VXPATH_MIN_QUEUE_SIZE, VXPATH_MAX_QUEUE_SIZE) \
	X(VXPATH_ARG_QUEUES, "<int>", queues, parse_range, 1, \
	  VXPATH_MAX_QUEUE_PAIRS) \
	X(VXPATH_ARG_IFACE, "<string>", iface, parse_iface, 0, 0) \
	X(VXPATH_ARG_SERVER, "<0|1>", server, parse_range, 0, 1) \
	X(VXPATH_ARG_MRG_RXBUF, "<0|1>", mrg_rxbuf, parse_range, 0, 1) \
	X(VXPATH_ARG_IN_ORDER, "<0|1>", in_order, parse_range, 0, 1) \
	X(VXPATH_ARG_PACKED_VQ, "<0|1>", packed_vq, parse_range, 0, 1) \
	X(VXPATH_ARG_SPEED, "<int>", speed, parse_speed, 0, 0) \
	X(VXPATH_ARG_VECTORIZED, "<0|1>", vectorized, parse_range, 0, 1) \
	X(VXPATH_ARG_EVENT_IDX, "<0|1>", event_idx, parse_range, 0, 1) \
	X(VXPATH_ARG_RECONNECT, "<ms>", reconnect, parse_range, 0, \
	  VXPATH_MAX_RECONNECT_MS) \
	X(VXPATH_ARG_IPV4, "<a.b.c.d/len>", ipv4, parse_ipv4, 0, 0) \
	X(VXPATH_ARG_IPV6, "<addr/len>", ipv6, parse_ipv6, 0, 0) \
	X(VXPATH_ARG_GATEWAY4, "<a.b.c.d>", gateway4, parse_gateway4, 0, 0) \
	X(VXPATH_ARG_GATEWAY6, "<addr>", gateway6, parse_gateway6, 0, 0) \
	X(VXPATH_ARG_TAP_UP, "<0|1>", tap_up, parse_range, 0, 1) \
	X(VXPATH_ARG_NETNS, "<name|path>", netns, parse_netns, 0, 0) \
	X(VXPATH_ARG_BRIDGE, "<ifname>", bridge, parse_iface, 0, 0) \
	X(VXPATH_ARG_METRIC, "<0..4294967295>", metric, parse_metric, 0, \
	  UINT32_MAX) \
	X(VXPATH_ARG_TAP_ATTACH, "<0|1>", tap_attach, parse_range, 0, 1) \
	X(VXPATH_ARG_VHOST_WORKER, "<auto|kthread|task>", vhost_worker, \
	  parse_vhost_worker, 0, 0) \
	X(VXPATH_ARG_TX_COALESCE, "<0|1>", tx_coalesce, parse_range, 0, 1)

/* One "key=<syntax> " of VXPATH_PARAM_STRING. */
#define VXPATH_DEVARG_PARAM(key, syntax, field, parse, min, max) \
	key "=" syntax " "

/** The devargs string registered with RTE_PMD_REGISTER_PARAM_STRING. */
#define VXPATH_PARAM_STRING VXPATH_DEVARGS(VXPATH_DEVARG_PARAM)

/**
 * Parse a devargs string into @da, applying upstream's defaults first.
 * @name: device name, used in log lines only.
 * @args: the string after the device name ("path=...,queues=1"); may be NULL.
 * @da:   filled on success; unspecified on failure.
 *
 * Every failure logs one line naming the devarg at fault.
 * Return: 0 on success; -EINVAL for an unknown key, a key given twice or
 * without a value, a malformed or out-of-range value (numbers are strict
 * decimal; queue_size a power of two; mac a unicast address; speed one that
 * rte_eth_speed_bitflag() knows; iface 1 to IFNAMSIZ-1 characters without
 * '/', ':' or blanks, nor "." or ".."; ipv4= and ipv6= an address in
 * inet_pton()'s form, then '/' and a prefix length of 1 to 32 or 128, and
 * like gateway4= and gateway6= neither unspecified, loopback, multicast
 * nor 255.255.255.255; netns= a name of 1 to NAME_MAX characters without
 * '/', nor "." or "..", or a path beginning with '/' shorter than
 * PATH_MAX; bridge= like iface=, without '%'; vhost_worker= one of auto,
 * kthread, task), or a missing path.
 */
int vxpath_devargs_parse(const char *name, const char *args,
			 struct vxpath_devargs *da);

/**
 * Refuse devargs whose values are valid but not implemented by this build,
 * or valid alone but not together (logs one line naming the devarg).
 * vectorized=1 is accepted with one INFO line: vxpath has one scalar
 * datapath (doc/guides/howto/performance.rst says why).
 * Return: 0 if supported; -ENOTSUP for a value not implemented; -EINVAL
 * for queues above 1 without cq=1 (multi-queue is driven through the
 * control virtqueue, as upstream's driver requires) or for reconnect=
 * above 0 with server=1 (a server takes new back-ends anyway); for
 * gateway4= without ipv4= or outside its prefix, gateway6= neither
 * link-local nor within ipv6='s prefix, a gateway with tap_up=0 (a
 * route needs the TAP up), metric= without gateway4= nor gateway6=, or
 * tap_attach=1 without iface= or with a template (a '%') in it.
 */
int vxpath_devargs_check_supported(const char *name,
				   const struct vxpath_devargs *da);

/**
 * Refuse the TAP's devargs (tap_attach=1, iface=, ipv4=, ipv6=, gateway4=,
 * gateway6=, tap_up=, netns=, bridge=, metric=, tx_coalesce=1) and
 * vhost-net's (vhost_worker= other than auto) for a back-end that has
 * no TAP: @backend, as the log line names it ("the vhost-user socket
 * /run/x.sock", "the vDPA device /dev/vhost-vdpa-0").
 * Logs one line naming the first such devarg given.
 * Return: 0 if none is given; -EINVAL otherwise.
 */
int vxpath_devargs_check_no_tap(const char *name,
				const struct vxpath_devargs *da,
				const char *backend);

/** Whether vxpath sets the TAP up at start (tap_up=, or its default). */
bool vxpath_devargs_tap_up(const struct vxpath_devargs *da);

/**
 * Format @a as "ADDR/LEN" (an address with a prefix) or "ADDR" (a gateway)
 * into @buf of VXPATH_IPADDR_STRLEN bytes, for log lines.
 * Return: @buf ("" for an address not given).
 */
const char *vxpath_ipaddr_format(const struct vxpath_ipaddr *a, char *buf);

#endif /* VXPATH_DEVARGS_H */
