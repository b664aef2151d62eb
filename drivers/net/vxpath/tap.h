/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The TAP interface behind vhost-kernel (linux/if_tun.h): the kernel end of
 * vxpath's exception path.
 */
#ifndef VXPATH_TAP_H
#define VXPATH_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "watch.h"

struct mnl_socket;

/**
 * Bytes of virtio-net header on each frame the TAP carries: the 12 bytes
 * of struct virtio_net_hdr_mrg_rxbuf, the only header VIRTIO_F_VERSION_1
 * (which vxpath requires) knows (virtio 1.2, 5.1.6); vhost-net passes it
 * through to the TAP unchanged (VHOST_NET_F_VIRTIO_NET_HDR clear).
 */
#define VXPATH_TAP_VNET_HDR_SIZE 12

/**
 * Create (or attach to) TAP interface @name with @nr_queues queues: each
 * queue is one file opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, and
 * IFF_MULTI_QUEUE when @nr_queues is above 1 (the first file names the
 * TAP, a template getting its number; the others attach to that name).
 * Each file gets a vnet header of VXPATH_TAP_VNET_HDR_SIZE bytes
 * (TUNSETVNETHDRSZ), little-endian headers where the kernel allows it and
 * no offloads (TUNSETOFFLOAD 0); a TAP made or found here (not @attach)
 * gets MAC address @mac. All queues are attached on return.
 * @name:   in: name or template ("tap%d"; "" means "tap%d"), out: the name
 *          the kernel gave; IFNAMSIZ bytes, NUL-terminated.
 * @mac:    set with SIOCSIFHWADDR unless @attach; not kept.
 * @attach: tap_attach=1: @name must be an existing TAP (persistent, made
 *          by `ip tuntap add`, or another process's multi-queue TAP);
 *          nothing is created, its MAC stays its own, and with one queue
 *          a multi-queue TAP is taken as well. Its failures are logged
 *          in one line naming the devarg, @who (the port) and the
 *          kernel's errno text.
 * @fds:    out, room for @nr_queues fds: queue i's in fds[i]; the caller
 *          owns them (closing them all removes a TAP this call created;
 *          a persistent one stays).
 *
 * Without @attach too, a TAP of that name that exists and is persistent
 * is attached to instead of created; it then outlives the fds.
 * Return: 0; on failure a negative errno, logged once, nothing left open:
 * -ENAMETOOLONG  @name has no NUL within IFNAMSIZ bytes;
 * -ENOENT        no /dev/net/tun (tun module not loaded);
 * -ENODEV        @attach and no interface @name;
 * -ENOTSUP       the tun driver has no IFF_VNET_HDR, or no IFF_MULTI_QUEUE
 *                for @nr_queues above 1;
 * -EPERM         no CAP_NET_ADMIN (or a persistent TAP of another user);
 * -EINVAL        @nr_queues 0, invalid name, an interface of that name
 *                exists and is not a TAP, or is a TAP that is not
 *                multi-queue (or is and @nr_queues is 1, without @attach);
 * -EBUSY         the TAP is already attached to another file;
 * -ENFILE        no free name for the template;
 * any other errno of open(), TUNSETIFF, TUNSETVNETHDRSZ, TUNSETVNETLE
 * (except EINVAL/ENOTTY, ignored), TUNSETOFFLOAD or SIOCSIFHWADDR.
 */
int vxpath_tap_open_mq(char name[IFNAMSIZ], const struct rte_ether_addr *mac,
		       unsigned int nr_queues, bool attach, const char *who,
		       int *fds);

/**
 * Attach (@attach) or detach the TAP queue of @fd (TUNSETQUEUE with
 * IFF_ATTACH_QUEUE or IFF_DETACH_QUEUE; multi-queue TAPs only). The kernel
 * steers frames only to attached queues; a detached fd stays open.
 * @ifname: the TAP's name, for the log line.
 * Return: 0; a negative errno (logged): -EINVAL if the TAP is not
 * multi-queue or the queue is already in that state.
 */
int vxpath_tap_set_queue(int fd, const char *ifname, bool attach);

/**
 * Set the MAC address of TAP @ifname (SIOCSIFHWADDR); a TAP takes it
 * while up.
 * Return: 0; a negative errno (logged).
 */
int vxpath_tap_set_mac(const char *ifname, const struct rte_ether_addr *mac);

/**
 * Set or clear IFF_PROMISC and IFF_ALLMULTI of TAP @ifname (read, change
 * those two, write back: SIOCGIFFLAGS, SIOCSIFFLAGS); `ip link show`
 * then lists PROMISC / ALLMULTI. Other flags are left as they are.
 * Return: 0; a negative errno (logged): -ENODEV if the TAP is gone, -EPERM
 * without CAP_NET_ADMIN.
 */
int vxpath_tap_set_rx_mode(const char *ifname, bool promisc, bool allmulti);

/**
 * Set the MTU of TAP @ifname (SIOCSIFMTU), in bytes of L3 payload; the
 * kernel then sends frames of at most @mtu + 14 bytes through the TAP.
 * Return: 0; a negative errno (logged): -EINVAL for an MTU the kernel
 * refuses, -EPERM without CAP_NET_ADMIN, -ENODEV if the TAP is gone.
 */
int vxpath_tap_set_mtu(const char *ifname, uint16_t mtu);

/**
 * Read the MTU of TAP @ifname (SIOCGIFMTU) into *@mtu, bytes of L3
 * payload: what the kernel has now, whoever set it (the port, or
 * `ip link set dev TAP mtu N`).
 * Return: 0; a negative errno (logged): -ENODEV if the TAP is gone, -EIO
 * for a negative value.
 */
int vxpath_tap_get_mtu(const char *ifname, uint32_t *mtu);

/**
 * Set the TAP's carrier on or off (TUNSETCARRIER, Linux 4.17): without
 * carrier the TAP is not running (no IFF_RUNNING, `ip link` says
 * NO-CARRIER) and the kernel sends nothing through it.
 * @fd: a queue of the TAP that is attached (queue 0 always is).
 * @ifname: the TAP's name, for the log line.
 * Return: 0; a negative errno (logged): -EINVAL or -ENOTTY where the tun
 * driver has no TUNSETCARRIER.
 */
int vxpath_tap_set_carrier(int fd, const char *ifname, bool on);

/**
 * Tell the TAP which offloads its reader (the driver, receiving) accepts
 * in the frames the kernel sends through it (TUNSETOFFLOAD): TUN_F_*
 * flags, from vxpath_tun_offload_flags() of the negotiated features.
 * Return: 0; a negative errno (logged): -EINVAL for flags the kernel does
 * not know.
 */
int vxpath_tap_set_offload(int fd, unsigned int flags);

/**
 * Whether the kernel takes TUN_F_* @flags on this TAP (tried, then cleared
 * again): how vxpath learns that the kernel has UDP segmentation offload
 * in tun (Linux 6.2 and later).
 */
bool vxpath_tap_accepts_offload(int fd, unsigned int flags);

/**
 * Which TUN_F_* flags the kernel takes on this TAP (TUNSETOFFLOAD tried
 * with each: TUN_F_CSUM, TSO4, TSO6, TSO_ECN, USO4 and USO6 (Linux 6.2),
 * the last two only together, as tun wants them), cleared again after.
 * What the kernel offers the reader of the TAP; what is set later comes
 * from the negotiated features (vxpath_tap_set_offload()).
 * Return: the TUN_F_* bits accepted; 0 when not even TUN_F_CSUM is.
 */
unsigned int vxpath_tap_offloads_accepted(int fd);

/** Number of TUN_F_* flags that vxpath_tap_offload_name() names (6). */
unsigned int vxpath_tap_offload_count(void);

/**
 * The short name ("csum", "tso4", "tso6", "tso_ecn", "uso4", "uso6") of
 * TUN_F_* flag number @i and the flag into *@flag: the names of the
 * tap_offload_* xstats and of the log line.
 * Return: a static string; NULL for @i out of range (*@flag untouched).
 */
const char *vxpath_tap_offload_name(unsigned int i, unsigned int *flag);

/**
 * Write the names of TUN_F_* @flags, separated by spaces ("none" for 0),
 * into @buf of @size bytes, always NUL-terminated (truncated if short;
 * 48 bytes hold them all).
 */
void vxpath_tap_offload_names(unsigned int flags, char *buf, size_t size);

/**
 * Whether TAP @ifname can carry frames now: up and running (IFF_UP and
 * IFF_RUNNING; the kernel sets a TAP running while a queue is attached,
 * and TUNSETCARRIER may clear it). A TAP that is gone is not. If the
 * flags cannot be read for another reason (no socket), true: the link
 * does not flap for a failure of ours.
 */
bool vxpath_tap_running(const char *ifname);

/**
 * A watch on a TAP's link (struct vxpath_tap_link_watch): an rtnetlink
 * socket in the RTNLGRP_LINK group, served by the EAL interrupt thread.
 * All zero / NULL when off.
 */
struct vxpath_tap_link_watch {
	struct mnl_socket *nl;      /**< owned; NULL when off */
	struct vxpath_watch watch;  /**< the EAL watch on nl's fd */
	unsigned int ifindex;       /**< the TAP's interface index */
	/** The TAP's MTU (bytes of L3 payload) in the last link message
	 * that carried IFLA_MTU, read at start; 0 if unknown. Interrupt
	 * thread only, once started.
	 */
	uint32_t mtu;
	/** What to call, and with what (see vxpath_tap_link_watch_start). */
	void (*changed)(void *arg, bool mtu_changed);
	void *arg;
};

/**
 * Start watching TAP @ifname's link: from now on @changed(@arg, ...) runs
 * in the EAL interrupt thread after each read of RTM_NEWLINK or RTM_DELLINK
 * messages about the TAP's interface index, and after rtnetlink messages
 * were lost (one of them may have been about it). Its second argument is
 * true when a message's IFLA_MTU differed from the MTU last seen (kept in
 * @tw->mtu; read at start), or messages were lost: the owner reads the
 * MTU again (vxpath_tap_get_mtu()), as a message may be older than a
 * change the owner made since. @who names the port in log lines.
 * Return: 0; a negative errno, logged once, nothing left open: -ENODEV if
 * there is no such interface, the errno of the rtnetlink socket, its bind
 * or the EAL watch (watch.h).
 */
int vxpath_tap_link_watch_start(struct vxpath_tap_link_watch *tw,
				const char *ifname, const char *who,
				void (*changed)(void *arg, bool mtu_changed),
				void *arg);

/**
 * Stop it and close its socket (safe when off): waits for a run of the
 * callback in another thread, so never call it holding a lock that
 * @changed takes (watch.h).
 */
void vxpath_tap_link_watch_stop(struct vxpath_tap_link_watch *tw);

#endif /* VXPATH_TAP_H */
