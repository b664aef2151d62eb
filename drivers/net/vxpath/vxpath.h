/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vxpath device: the virtio-net device that vxpath emulates in front of
 * a vhost back-end. One struct vxpath_dev per ethdev port, in
 * dev->data->dev_private.
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
	uint16_t vnet_hdr_size;          /**< bytes of virtio_net_hdr, 5.1.6 */
	struct rte_ether_addr mac;       /**< the port's address */
	char ifname[IFNAMSIZ];           /**< TAP name (vhost-kernel) */
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
