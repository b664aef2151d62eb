/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What the files of the ethdev glue share, private to them: ethdev.c
 * (probe, remove, configure, start, stop, close, link, info and the
 * struct eth_dev_ops table), ethdev_queue.c (queue set-up, release, info,
 * MTU), ethdev_stats.c (stats and xstats) and ethdev_filter.c (Rx mode,
 * MAC and VLAN filters through the control virtqueue). The functions
 * named after an ethdev operation are that operation, called by ethdev
 * through the table with the port's arguments; they return what the
 * operation's definition in ethdev_driver.h asks (0 or a negative errno).
 */
#ifndef VXPATH_ETHDEV_H
#define VXPATH_ETHDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>

#include "compat.h"
#include "vxpath.h"

/** Smallest Rx buffer a mempool must give (data room past the headroom),
 * bytes. */
#define VXPATH_MIN_RX_BUFSIZE 64
/** Ethernet header, one VLAN tag and the FCS, bytes: frame = MTU + this. */
#define VXPATH_ETH_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 4)

/** The port's device state (ethdev's dev_private). */
static inline struct vxpath_dev *
vxpath_dev_of(const struct rte_eth_dev *eth_dev)
{
	return eth_dev->data->dev_private;
}

/*
 * The control-path operations run in the application's threads and change
 * the device's state or talk to the back-end: each holds ctrl_lock against
 * the EAL interrupt thread, which replays that state on a new back-end
 * connection (vxpath.h, "Threads and locks"). Sets the caller's 'ret' to
 * what @call returns.
 */
#define VXPATH_CTRL_LOCKED(dev, call) do {				\
		pthread_mutex_lock(&(dev)->ctrl_lock);			\
		ret = (call);						\
		pthread_mutex_unlock(&(dev)->ctrl_lock);		\
	} while (0)

/** No back-end connection serves the port now, and one will come. */
bool vxpath_ethdev_backend_detached(struct vxpath_dev *dev);

/* --- ethdev_queue.c --- */

/**
 * rx_queue_setup: a receive queue @qid of @nb_desc descriptors (rounded up
 * to a power of two; 0: the queue_size devarg), its ring in shared memory
 * on @socket, buffers from @mp. Without MRG_RXBUF a frame of the port's
 * MTU must fit one buffer.
 * Return: 0; -EINVAL for deferred start or buffers too small; -ENOMEM;
 * vxpath_queue_alloc()'s errors.
 */
int vxpath_rx_queue_setup(struct rte_eth_dev *eth_dev, uint16_t qid,
			  uint16_t nb_desc, unsigned int socket,
			  const struct rte_eth_rxconf *conf,
			  struct rte_mempool *mp);

/**
 * tx_queue_setup: a transmit queue @qid of @nb_desc descriptors (as for
 * Rx), with its header slots and, under VIRTIO_RING_F_INDIRECT_DESC, its
 * indirect tables in shared memory on @socket.
 * Return: 0; -EINVAL for deferred start or a bad free threshold; -ENOMEM;
 * vxpath_queue_alloc()'s errors.
 */
int vxpath_tx_queue_setup(struct rte_eth_dev *eth_dev, uint16_t qid,
			  uint16_t nb_desc, unsigned int socket,
			  const struct rte_eth_txconf *conf);

/** rx_queue_release: drain and free receive queue @qid (mbufs to the pool). */
void vxpath_rx_queue_release(struct rte_eth_dev *eth_dev, uint16_t qid);

/** tx_queue_release: drain and free transmit queue @qid. */
void vxpath_tx_queue_release(struct rte_eth_dev *eth_dev, uint16_t qid);

/** rxq_info_get: ring size (descriptors), pool, buffer bytes, offloads. */
void vxpath_rxq_info_get(struct rte_eth_dev *eth_dev, uint16_t qid,
			 struct rte_eth_rxq_info *info);

/** txq_info_get: ring size (descriptors), free threshold, offloads. */
void vxpath_txq_info_get(struct rte_eth_dev *eth_dev, uint16_t qid,
			 struct rte_eth_txq_info *info);

/**
 * mtu_set: every Rx queue must take a frame of @mtu bytes plus
 * VXPATH_ETH_OVERHEAD (in one buffer without MRG_RXBUF; chained only with
 * RTE_ETH_RX_OFFLOAD_SCATTER); the back-end is told.
 * Return: 0; -EINVAL if a queue's buffers are too small; the back-end's
 * set_mtu error.
 */
int vxpath_mtu_set(struct rte_eth_dev *eth_dev, uint16_t mtu);

/**
 * Whether every Rx queue set up takes a frame of @mtu bytes plus
 * VXPATH_ETH_OVERHEAD whole: in one buffer (bytes past the headroom and
 * the virtio-net header), or in a chain when MRG_RXBUF is negotiated and
 * RTE_ETH_RX_OFFLOAD_SCATTER is on.
 * Return: true; false, with the first queue that does not in *@qid and
 * its buffer size (bytes) in *@room.
 */
bool vxpath_rx_fits_mtu(const struct rte_eth_dev *eth_dev, uint16_t mtu,
			uint16_t *qid, uint32_t *room);

/**
 * The back-end's MTU was changed on its side (the TAP's by the kernel)
 * from @old to @mtu bytes of L3 payload, and dev->mtu already follows:
 * make it ethdev's (data->mtu), log both in one INFO line, and log a
 * WARNING naming the MTU and the buffer size when Rx queues cannot take
 * such frames whole (vxpath_rx_fits_mtu()). Called by intr.c in the EAL
 * interrupt thread, before the LSC event that tells the application.
 */
void vxpath_mtu_follow_backend(struct rte_eth_dev *eth_dev, uint16_t old,
			       uint16_t mtu);

/**
 * At stop, when the back-end did not confirm that its rings stopped: leave
 * every queue's buffers to it (never reused) and mark the back-end lost.
 */
void vxpath_ethdev_abandon_queues(struct rte_eth_dev *eth_dev);

/** At stop: every queue's buffers back to their owners, rings reset. */
void vxpath_ethdev_drain_queues(struct rte_eth_dev *eth_dev);

/* --- ethdev_stats.c --- */

/** stats_get: packets, bytes and errors summed over the queues. Return: 0. */
int vxpath_stats_get(VXPATH_STATS_GET_PARAMS(eth_dev, st, qst));

/** stats_reset and xstats_reset: every queue's counters to 0. Return: 0. */
int vxpath_stats_reset(struct rte_eth_dev *eth_dev);

/**
 * xstats_get_names: the per-queue xstats' names into @names (@size
 * entries; NULL asks for the count).
 * Return: the number of xstats (more than @size: nothing written).
 */
int vxpath_xstats_get_names(struct rte_eth_dev *eth_dev,
			    struct rte_eth_xstat_name *names,
			    unsigned int size);

/**
 * xstats_get: the per-queue xstats into @xs (@size entries).
 * Return: the number of xstats (more than @size: nothing written).
 */
int vxpath_xstats_get(struct rte_eth_dev *eth_dev, struct rte_eth_xstat *xs,
		      unsigned int size);

/* --- ethdev_filter.c --- */

/**
 * What the Rx queues filter themselves (VXPATH_RX_FILTER_*, ctrl.h), from
 * the negotiated features and the application's offloads, given to every
 * Rx queue. ctrl_lock held.
 */
void vxpath_ethdev_rx_filter_sync(struct rte_eth_dev *eth_dev);

/**
 * vlan_offload_set: only the VLAN filter is the device's.
 * Return: 0; -ENOTSUP without VIRTIO_NET_F_CTRL_VLAN.
 */
int vxpath_vlan_offload_set(struct rte_eth_dev *eth_dev, int mask);

/**
 * promiscuous_enable/disable, allmulticast_enable/disable: the device's Rx
 * mode (VIRTIO_NET_CTRL_RX, 5.1.6.5.1).
 * Return: 0; -ENOTSUP without a control virtqueue or CTRL_RX; ctrl.c's
 * errors.
 */
int vxpath_promiscuous_enable(struct rte_eth_dev *eth_dev);
int vxpath_promiscuous_disable(struct rte_eth_dev *eth_dev);
int vxpath_allmulticast_enable(struct rte_eth_dev *eth_dev);
int vxpath_allmulticast_disable(struct rte_eth_dev *eth_dev);

/**
 * mac_addr_set: the port's MAC address (VIRTIO_NET_CTRL_MAC_ADDR_SET,
 * 5.1.6.5.2, or the back-end's own way).
 * Return: 0; ctrl.c's or the back-end's errors.
 */
int vxpath_mac_addr_set(struct rte_eth_dev *eth_dev,
			struct rte_ether_addr *mac);

/**
 * mac_addr_add/remove and set_mc_addr_list: the device's MAC filter table
 * (VIRTIO_NET_CTRL_MAC_TABLE_SET, 5.1.6.5.2) follows ethdev's tables.
 * Return: 0; -ENOTSUP without CTRL_RX; ctrl.c's errors.
 */
int vxpath_mac_addr_add(struct rte_eth_dev *eth_dev,
			struct rte_ether_addr *mac, uint32_t index,
			uint32_t vmdq);
void vxpath_mac_addr_remove(struct rte_eth_dev *eth_dev, uint32_t index);
int vxpath_set_mc_addr_list(struct rte_eth_dev *eth_dev,
			    struct rte_ether_addr *list, uint32_t nb);

/**
 * vlan_filter_set: VLAN id @vlan_id in (@on) or out of the device's
 * filter table (VIRTIO_NET_CTRL_VLAN, 5.1.6.5.3).
 * Return: 0; -ENOTSUP without CTRL_VLAN; ctrl.c's errors.
 */
int vxpath_vlan_filter_set(struct rte_eth_dev *eth_dev, uint16_t vlan_id,
			   int on);

#endif /* VXPATH_ETHDEV_H */
