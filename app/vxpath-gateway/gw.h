/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * vxpath-gateway's shared state: its ports (a NIC port and its kernel
 * twin each), the per-lcore counters, and the functions each file gives
 * the others (port.c, fwd.c, netlink.c, stats.c).
 */
#ifndef VXPATH_GW_H
#define VXPATH_GW_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include "classify.h"
#include "fib.h"
#include "rib.h"

#define GW_MAX_PORTS	8	/* NIC ports, each with a twin */
#define GW_MAX_WORKERS	8	/* forwarding lcores = queues per port */
#define GW_BURST	32	/* packets */

/*
 * struct gw_port - one NIC port and its twin.
 * @nic:	the NIC's ethdev port id
 * @twin:	the twin's ethdev port id (a vxpath or net_virtio_user port
 *		over /dev/vhost-net)
 * @twin_vdev:	the twin's vdev name (rte_eal_hotplug_add/remove)
 * @tap:	the twin's TAP name in the kernel
 * @ifindex:	the TAP's ifindex, 0 until known
 * @mac:	the NIC port's MAC, the TAP's too
 * @mtu:	the NIC port's MTU, bytes of L3
 * @link_up:	the NIC's link as last seen (the TAP's carrier follows it)
 * @nic_tso:	the NIC port cuts TCP frames itself (TCP_TSO, with IPv4 and
 *		TCP checksum offloads): kernel_tx.h
 * @nic_multi_seg: the NIC port sends chained mbufs (rte_gso's segments)
 */
struct gw_port {
	uint16_t nic;
	uint16_t twin;
	char twin_vdev[64];
	char tap[IFNAMSIZ];
	int ifindex;
	struct rte_ether_addr mac;
	uint16_t mtu;
	bool link_up;
	bool nic_tso;
	bool nic_multi_seg;
};

/* What one lcore counted on one port (packets). Written by that lcore
 * only; readers add the lcores up. */
struct gw_counters {
	uint64_t rx;			/* received from the NIC */
	uint64_t fwd;			/* forwarded on the fast path (by the
					 * ingress port) */
	uint64_t punt[GW_PUNT_MAX];	/* sent to the twin, by reason */
	uint64_t from_kernel;		/* from the twin, sent on the NIC:
					 * packets on the wire (a frame cut
					 * by the NIC's TSO or the gateway
					 * counted by its segments) */
	uint64_t kernel_gso_frames;	/* the kernel's TCP frames over the
					 * MTU, cut (kernel_tx.h) */
	uint64_t kernel_gso_segments;	/* the segments they were cut in */
	uint64_t drop[GW_DROP_MAX];	/* by reason */
} __rte_cache_aligned;

/* The gateway. */
struct gw {
	struct gw_port ports[GW_MAX_PORTS];
	uint16_t nb_ports;
	uint16_t nb_queues;		/* per port, = forwarding lcores */
	unsigned int worker_lcore[GW_MAX_WORKERS];
	struct gw_fib *fib;
	struct gw_rib *rib;		/* the netlink thread's only */
	struct rte_rcu_qsbr *qsbr;
	struct gw_counters cnt[GW_MAX_WORKERS][GW_MAX_PORTS];
	volatile bool quit;
};

extern struct gw gw;

/* The twins' devargs unless --twin-devargs says otherwise. */
#define GW_TWIN_DEVARGS "path=/dev/vhost-net,iface=%t,mac=%m,queues=%q," \
	"queue_size=%s"
/* The same with more than one queue pair: a virtio-net device switches
 * its queue pairs on through the control virtqueue (virtio 1.2 5.1.6.5.5),
 * which both virtio-user drivers make only with cq=1. */
#define GW_TWIN_DEVARGS_MQ GW_TWIN_DEVARGS ",cq=1"

/*
 * gw_twin_devargs() - expand @tmpl into @buf (@size bytes): %t the TAP
 * name @tap, %m the MAC @mac, %q @queues, %s @queue_size, %% a '%'.
 * Return: the length written; -EINVAL for another '%' escape or a
 * trailing '%'; -ENOSPC when @buf is too small.
 */
int gw_twin_devargs(char *buf, size_t size, const char *tmpl,
		    const char *tap, const char *mac, unsigned int queues,
		    unsigned int queue_size);

/* Options (main.c). */
struct gw_options {
	const char *twin_driver;	/* vdev driver name prefix */
	const char *twin_devargs;	/* devargs template: %t TAP name,
					 * %m MAC, %q queues, %s queue size;
					 * NULL: GW_TWIN_DEVARGS(_MQ) */
	const char *twin_args;		/* extra devargs for each twin */
	const char *tap_names[GW_MAX_PORTS];	/* NULL: dp<N> */
	unsigned int twin_queue_size;	/* descriptors */
};

/*
 * gw_ports_setup() - configure and start every NIC port found at start-up
 * and make its twin (rte_eal_hotplug_add of "<twin_driver><N>" with the
 * devargs of opt->twin_devargs, by default path=/dev/vhost-net,iface=,
 * mac=,queues=,queue_size=), with gw.nb_queues
 * queue pairs each, RSS on the NIC ports when more than one.
 *
 * Return: 0, or -1 after one log line naming the step that failed.
 */
int gw_ports_setup(const struct gw_options *opt);

/* gw_ports_close() - stop and close the ports, remove the twins. */
void gw_ports_close(void);

/*
 * gw_ports_follow_links() - the TAPs' carrier follows the NIC ports' link
 * (rte_eth_dev_set_link_up/down on the twin); called every 100 ms by the
 * main lcore.
 */
void gw_ports_follow_links(void);

/* gw_port_by_ifindex() - the port whose TAP has @ifindex, or -1. */
int gw_port_by_ifindex(int ifindex);

/* gw_worker() - the forwarding loop of one lcore (rte_eal_remote_launch);
 * @arg: its worker index, as a uintptr_t. Returns 0 at gw.quit. */
int gw_worker(void *arg);

/*
 * gw_netlink_start() - dump the kernel's links, addresses, neighbours and
 * main-table routes into gw.fib, bring the TAPs up, then follow their
 * changes on a thread of its own.
 *
 * Return: 0, or -1 after a log line.
 */
int gw_netlink_start(void);

/* gw_netlink_stop() - end that thread. */
void gw_netlink_stop(void);

/* gw_stats_init() - register the /vxpath_gw/ telemetry commands. */
int gw_stats_init(void);

/* gw_stats_summary() - print the per-port counters and the one-line
 * summary ("gateway: N transit packets on the fast path, ...") */
void gw_stats_summary(void);

/* gw_stats_sum() - @port's counters over all lcores into @out. */
void gw_stats_sum(uint16_t port, struct gw_counters *out);

#endif /* VXPATH_GW_H */
