/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vxpath device: the virtio-net device that vxpath emulates in front of
 * a vhost back-end. One struct vxpath_dev per ethdev port, in
 * dev->data->dev_private.
 *
 * Threads and locks: which thread may touch what.
 *
 *   application threads (ethdev's control functions; ethdev serialises
 *     none of them): probe, configure, queue set-up, start, stop, close,
 *     MTU, MAC address and tables, Rx mode, VLAN filter. Every one that
 *     changes the device's state (features, status, started,
 *     backend_lost, ctrl, mac) or talks to the back-end holds ctrl_lock.
 *     Queue set-up and release need a stopped port (ethdev's rule) and
 *     take no lock; stats read counters without one.
 *   the EAL interrupt thread: each back-end's watches of its link
 *     (vhost-user: the connection's hang-up, and with server=1 or
 *     reconnect= new connections and the replay of the port's state on
 *     them; vhost-kernel: the TAP's link messages; vhost-vdpa: the
 *     device's configuration eventfd), which report through
 *     dev->events (struct vxpath_backend_events) under ctrl_lock; the
 *     back-end channel's configuration change
 *     (vxpath_virtio_net_config_changed(): the read under ctrl_lock); the
 *     watch and alarm of intr.c, which run the application's LSC
 *     callbacks without any of the driver's locks.
 *   datapath lcores: a burst function touches its own queue only (ring,
 *     partial frame, counters; packed rings of a replaceable back-end also
 *     its handoff lock, rxtx.h), and on a broken ring the port's link
 *     status (rte_eth_linkstatus_set(), atomic) and an EAL alarm.
 *   any thread that allocates or frees DPDK memory: the memory event
 *     callback, which takes the back-end's own exchange lock, never
 *     ctrl_lock.
 *
 * Lock order: ctrl_lock, then a back-end's exchange lock (vhost-user's
 * vu->lock); EAL's memory hot-plug lock, then the exchange lock. ctrl_lock
 * is never held while waiting for an interrupt-thread callback to end
 * (unregistering a watch, cancelling a running alarm, freeing a back-end):
 * those callbacks may take it.
 */
#ifndef VXPATH_H
#define VXPATH_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_config.h>
#include <rte_ether.h>

#include "ctrl.h"
#include "devargs.h"
#include "vhost.h"

/** Driver name and the alias that makes --vdev=virtio_user0 bind vxpath. */
#define VXPATH_DRIVER_NAME "net_vxpath"
#define VXPATH_DRIVER_ALIAS "virtio_user"

struct vxpath_intr;
struct vxpath_queue;
struct vxpath_memory;

/** State of one vxpath port. */
struct vxpath_dev {
	char name[64];                   /**< vdev name, for log lines */
	uint16_t port_id;                /**< ethdev port */
	struct vxpath_devargs args;      /**< parsed devargs */
	const struct vxpath_vhost_ops *ops; /**< back-end, chosen at probe */
	void *backend;                   /**< back-end private, owned by ops */

	uint64_t backend_features;       /**< offered by the back-end */
	uint64_t device_features;        /**< offered by the emulated device */
	uint64_t features;               /**< negotiated (driver features) */
	uint8_t status;                  /**< device status, virtio 1.2 2.1 */
	uint16_t nr_queue_pairs;         /**< queue pairs in use */
	/**
	 * The device's virtqueues by virtio-net index (5.1.2: receiveq N
	 * at 2N, transmitq N at 2N+1), NULL where no queue is set up.
	 * Owned by ethdev.c (queue set-up and release, port stopped); the
	 * device layer hands those of the pairs in use to the back-end.
	 */
	struct vxpath_queue *vqs[2 * VXPATH_MAX_QUEUE_PAIRS];
	/** The port's MTU, bytes of L3 payload (ethdev's data->mtu), told
	 * to every new back-end connection.
	 */
	uint16_t mtu;
	struct rte_ether_addr mac;       /**< the port's address */
	char ifname[IFNAMSIZ];           /**< TAP name (vhost-kernel) */
	/** TUN_F_* flags the kernel takes on the TAP (vhost-kernel, probed
	 * at setup: tap.h, vxpath_tap_offloads_accepted()); the
	 * tap_offload_* xstats. 0 without a TAP.
	 */
	unsigned int tap_offloads;
	bool started;                    /**< between dev_start and dev_stop */
	/** A ring's stop was not confirmed: its buffers were left to the
	 * back-end, and the port cannot start again on this connection.
	 */
	bool backend_lost;
	/** The back-end's configuration space (vhost-user CONFIG) says its
	 * link is down (VIRTIO_NET_S_LINK_UP clear, VIRTIO_NET_F_STATUS
	 * offered): the port's link is down too. Written by the thread that
	 * reads the configuration (probe, EAL interrupt thread).
	 */
	bool backend_link_down;
	/** The back-end's MTU (bytes of L3 payload) from its configuration
	 * space with VIRTIO_NET_F_MTU (5.1.4), 0 when unknown: the port's
	 * largest MTU.
	 */
	uint16_t backend_mtu;
	/**
	 * Serialises the control path's use of the back-end: the
	 * application's start/stop/close and every vhost-user exchange
	 * against the EAL interrupt thread's reconnection and replay
	 * (vhost.h, struct vxpath_backend_events). Recursive. Never held
	 * while waiting for an interrupt-thread callback to end.
	 */
	pthread_mutex_t ctrl_lock;
	/** Back-end connection events, set at probe (ethdev.c). */
	const struct vxpath_backend_events *events;
	/** Probe finished: connection events may touch the port. */
	bool probed;
	/** dev_close has begun: connection events leave the port alone. */
	bool closing;
	/** Memory table and memory hot-plug, owned by memory.c. */
	struct vxpath_memory *mem;
	/** Link-state watch and Rx interrupt state, owned by intr.c. */
	struct vxpath_intr *intr;
	/** Rx mode, MAC and VLAN tables, queue pairs in use: ctrl.c. */
	struct vxpath_ctrl ctrl;
};

/** Whether the port's virtqueues are packed (VIRTIO_F_RING_PACKED). */
static inline bool
vxpath_packed(const struct vxpath_dev *dev)
{
	return dev->features & (1ULL << VIRTIO_F_RING_PACKED);
}

#endif /* VXPATH_H */
