/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The ethdev glue of vxpath: vdev probe and remove, the choice of vhost
 * back-end from the path devarg, and the ethdev operations (configure,
 * info, queue set-up, start/stop/close, link, stats, MAC address; Rx mode,
 * MAC and VLAN filter tables and the queue pairs in use through the
 * control virtqueue of ctrl.c when cq=1). The replay of a started port's
 * state on a new back-end connection is the device layer's
 * (virtio_net.c, vxpath_virtio_net_events).
 * Registered as net_vxpath with alias virtio_user, so that upstream's
 * --vdev=virtio_user0,... syntax binds vxpath when the plugin is loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_malloc.h>

#include <linux/virtio_ring.h>

#include "compat.h"
#include "ctrl.h"
#include "devargs.h"
#include "intr.h"
#include "offload.h"
#include "rxtx.h"
#include "virtio_net.h"
#include "vxpath.h"
#include "vxpath_log.h"

/* Largest frame a port takes in, bytes (Ethernet header and FCS room
 * included), as upstream's virtio PMD reports. Without MRG_RXBUF a frame
 * must also fit one Rx mbuf; rx_queue_setup checks that.
 */
#define VXPATH_MAX_RX_PKTLEN 9728
#define VXPATH_MIN_RX_BUFSIZE 64
/* Ethernet header, one VLAN tag and the FCS. */
#define VXPATH_ETH_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 4)

static struct vxpath_dev *
dev_of(const struct rte_eth_dev *eth_dev)
{
	return eth_dev->data->dev_private;
}

static uint16_t
nb_queues_started(const struct rte_eth_dev *eth_dev)
{
	return RTE_MIN(eth_dev->data->nb_rx_queues,
		       eth_dev->data->nb_tx_queues);
}

/* --- link and info --- */

static int
vxpath_link_update(struct rte_eth_dev *eth_dev,
		   int wait_to_complete __rte_unused)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	struct rte_eth_link link;
	uint16_t i;
	bool up = dev->started && vxpath_virtio_net_link_up(dev);

	for (i = 0; up && i < eth_dev->data->nb_rx_queues; i++) {
		struct vxpath_queue *q = eth_dev->data->rx_queues[i];

		if (q != NULL && vxpath_queue_broken(q))
			up = false;
	}
	for (i = 0; up && i < eth_dev->data->nb_tx_queues; i++) {
		struct vxpath_queue *q = eth_dev->data->tx_queues[i];

		if (q != NULL && vxpath_queue_broken(q))
			up = false;
	}
	memset(&link, 0, sizeof(link));
	link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	link.link_speed = up ? dev->args.speed : RTE_ETH_SPEED_NUM_NONE;
	link.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	return rte_eth_linkstatus_set(eth_dev, &link);
}

static int
vxpath_dev_infos_get(struct rte_eth_dev *eth_dev,
		     struct rte_eth_dev_info *info)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint16_t qsize = (uint16_t)dev->args.queue_size;

	/* The device's capability (queues=), not the pairs now in use. */
	info->max_rx_queues = (uint16_t)dev->args.queues;
	info->max_tx_queues = (uint16_t)dev->args.queues;
	/* With CTRL_RX the MAC filtering table takes more (ctrl.c). */
	info->max_mac_addrs = (dev->features & (1ULL << VIRTIO_NET_F_CTRL_RX)) ?
			      VXPATH_CTRL_MAC_TABLE_SIZE : 1;
	info->max_rx_pktlen = VXPATH_MAX_RX_PKTLEN;
	/* A coalesced (GSO) frame: a 64 KB IP packet, its Ethernet header
	 * and a VLAN tag.
	 */
	info->max_lro_pkt_size = UINT16_MAX + RTE_ETHER_HDR_LEN + 4;
	info->min_rx_bufsize = VXPATH_MIN_RX_BUFSIZE;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = VXPATH_MAX_RX_PKTLEN - VXPATH_ETH_OVERHEAD;
	/* VIRTIO_NET_F_MTU: the device's MTU is the largest (5.1.4.1). */
	if (dev->backend_mtu != 0)
		info->max_mtu = RTE_MIN(info->max_mtu, dev->backend_mtu);
	if (dev->args.speed != RTE_ETH_SPEED_NUM_UNKNOWN)
		info->speed_capa = rte_eth_speed_bitflag(dev->args.speed,
							 RTE_ETH_LINK_FULL_DUPLEX);
	/* What the back-end and devargs allow, whatever is negotiated now. */
	info->rx_offload_capa =
		vxpath_rx_offload_capa(vxpath_virtio_net_negotiable(dev));
	info->tx_offload_capa =
		vxpath_tx_offload_capa(vxpath_virtio_net_negotiable(dev));
	/* Not the device's: Tx takes sent mbufs back to their pool in bulk
	 * (rxtx.c).
	 */
	info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	/* A VLAN filter table, through the control virtqueue (ctrl.c). */
	if (dev->features & (1ULL << VIRTIO_NET_F_CTRL_VLAN))
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	/* A ring has what the application asks at queue set-up, rounded up
	 * to a power of two (ring_size()); queue_size= is the default.
	 */
	info->rx_desc_lim.nb_max = VXPATH_MAX_QUEUE_SIZE;
	info->rx_desc_lim.nb_min = VXPATH_MIN_QUEUE_SIZE;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->tx_desc_lim.nb_seg_max = VXPATH_TX_MAX_SEGS - 1;
	info->tx_desc_lim.nb_mtu_seg_max = VXPATH_TX_MAX_SEGS - 1;
	info->default_txconf.tx_free_thresh = VXPATH_TX_FREE_THRESH;
	info->default_rxportconf.ring_size = qsize;
	info->default_txportconf.ring_size = qsize;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

/*
 * What the device's receive filter checks (ctrl.h), from its state and the
 * application's offloads: MAC filtering with CTRL_RX and promiscuous mode
 * off, VLAN filtering with CTRL_VLAN and RTE_ETH_RX_OFFLOAD_VLAN_FILTER.
 * Given to every Rx queue, which reads it once per burst. ctrl_lock held.
 */
static void
rx_filter_sync(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint8_t f = 0;
	uint16_t i;

	if ((dev->features & (1ULL << VIRTIO_NET_F_CTRL_RX)) &&
	    !dev->ctrl.promisc)
		f |= VXPATH_RX_FILTER_MAC;
	if ((dev->features & (1ULL << VIRTIO_NET_F_CTRL_VLAN)) &&
	    (eth_dev->data->dev_conf.rxmode.offloads &
	     RTE_ETH_RX_OFFLOAD_VLAN_FILTER))
		f |= VXPATH_RX_FILTER_VLAN;
	for (i = 0; i < eth_dev->data->nb_rx_queues; i++) {
		struct vxpath_rxq *rxq = eth_dev->data->rx_queues[i];

		if (rxq != NULL)
			__atomic_store_n(&rxq->rx_filter, f, __ATOMIC_RELAXED);
	}
}

static int
dev_configure_locked(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	const struct rte_eth_conf *conf = &eth_dev->data->dev_conf;

	if (eth_dev->data->nb_rx_queues != eth_dev->data->nb_tx_queues) {
		VXPATH_LOG(ERR, "%s: %u Rx and %u Tx queues: virtio-net queues come in pairs",
			   dev->name, eth_dev->data->nb_rx_queues,
			   eth_dev->data->nb_tx_queues);
		return -EINVAL;
	}
	if (vxpath_virtio_net_set_offloads(dev, conf->txmode.offloads,
					   conf->rxmode.offloads) < 0)
		return -ENOTSUP;
	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE) {
		VXPATH_LOG(ERR, "%s: Rx multi-queue mode %d is not supported",
			   dev->name, conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	rx_filter_sync(eth_dev);
	/* ethdev set it from rxmode.mtu before calling us. */
	dev->mtu = eth_dev->data->mtu;
	return vxpath_intr_configure(eth_dev);
}

/*
 * The control-path operations below run in the application's threads and
 * change the device's state or talk to the back-end: each holds ctrl_lock
 * against the EAL interrupt thread, which replays that state on a new
 * back-end connection (vxpath.h, "Threads and locks").
 */
#define CTRL_LOCKED(dev, call) do {					\
		pthread_mutex_lock(&(dev)->ctrl_lock);			\
		ret = (call);						\
		pthread_mutex_unlock(&(dev)->ctrl_lock);		\
	} while (0)

static int
vxpath_dev_configure(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	CTRL_LOCKED(dev, dev_configure_locked(eth_dev));
	return ret;
}

/*
 * rte_eth_dev_set_vlan_offload(): ethdev changed rxmode.offloads; only
 * the VLAN filter is the device's (VLAN strip and extend are not offered).
 */
static int
vxpath_vlan_offload_set(struct rte_eth_dev *eth_dev, int mask)
{
	struct vxpath_dev *dev = dev_of(eth_dev);

	if ((mask & RTE_ETH_VLAN_FILTER_MASK) &&
	    (eth_dev->data->dev_conf.rxmode.offloads &
	     RTE_ETH_RX_OFFLOAD_VLAN_FILTER) &&
	    !(dev->features & (1ULL << VIRTIO_NET_F_CTRL_VLAN))) {
		VXPATH_LOG(ERR, "%s: VLAN filter: VIRTIO_NET_F_CTRL_VLAN not negotiated (devarg cq=1 enables it)",
			   dev->name);
		return -ENOTSUP;
	}
	pthread_mutex_lock(&dev->ctrl_lock);
	rx_filter_sync(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return 0;
}

/* --- queues --- */

static void
vxpath_rx_queue_release(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	struct vxpath_rxq *rxq = eth_dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	dev_of(eth_dev)->vqs[rxq->q.vq_index] = NULL;
	vxpath_rxq_drain(rxq);
	vxpath_queue_free(&rxq->q);
	rte_free(rxq);
	eth_dev->data->rx_queues[qid] = NULL;
}

static void
vxpath_tx_queue_release(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	struct vxpath_txq *txq = eth_dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	dev_of(eth_dev)->vqs[txq->q.vq_index] = NULL;
	vxpath_txq_drain(txq);
	vxpath_queue_free(&txq->q);
	rte_free(txq->hdrs);
	rte_free(txq->indirect);
	rte_free(txq);
	eth_dev->data->tx_queues[qid] = NULL;
}

static void
queue_ids(struct vxpath_queue *q, struct rte_eth_dev *eth_dev, uint16_t qid,
	  bool tx)
{
	struct vxpath_dev *dev = dev_of(eth_dev);

	q->dev = dev;
	q->eth_dev = eth_dev;
	q->port_id = dev->port_id;
	q->queue_id = qid;
	q->vq_index = (uint16_t)(2 * qid + (tx ? 1 : 0));
	q->hdr_size = dev->vnet_hdr_size;
}

/*
 * Descriptors of a queue's ring: @nb_desc, what the application asked at
 * queue set-up (ethdev puts default_rxportconf.ring_size, the queue_size
 * devarg, in place of 0, and has checked it against desc_lim), rounded up
 * to a power of two as split rings need (virtio 1.2, 2.7: Queue Size).
 */
static uint16_t
ring_size(const struct vxpath_dev *dev, const char *dir, uint16_t qid,
	  uint16_t nb_desc)
{
	uint32_t size = nb_desc == 0 ? dev->args.queue_size :
			rte_align32pow2(nb_desc);

	size = RTE_MIN(RTE_MAX(size, (uint32_t)VXPATH_MIN_QUEUE_SIZE),
		       (uint32_t)VXPATH_MAX_QUEUE_SIZE);
	if (nb_desc != 0 && size != nb_desc)
		VXPATH_LOG(INFO, "%s: %s queue %u: %u descriptors asked, the ring has %u (a power of two)",
			   dev->name, dir, qid, nb_desc, size);
	return (uint16_t)size;
}

static int
vxpath_rx_queue_setup(struct rte_eth_dev *eth_dev, uint16_t qid,
		      uint16_t nb_desc, unsigned int socket,
		      const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint32_t room = rte_pktmbuf_data_room_size(mp);
	uint32_t frame = eth_dev->data->mtu + VXPATH_ETH_OVERHEAD;
	uint64_t offloads = conf->offloads |
			    eth_dev->data->dev_conf.rxmode.offloads;
	struct vxpath_rxq *rxq;
	int ret;

	if (conf->rx_deferred_start) {
		VXPATH_LOG(ERR, "%s: Rx queue %u: deferred start is not supported",
			   dev->name, qid);
		return -EINVAL;
	}
	/* A frame of the MTU that needs a chain needs SCATTER: without it
	 * the application expects single-segment mbufs.
	 */
	if (room - RTE_PKTMBUF_HEADROOM < frame &&
	    !(offloads & RTE_ETH_RX_OFFLOAD_SCATTER) &&
	    (dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF))) {
		VXPATH_LOG(ERR, "%s: Rx queue %u: a %u-byte frame (MTU %u) needs more than one %u-byte buffer: enable RTE_ETH_RX_OFFLOAD_SCATTER or use larger mbufs",
			   dev->name, qid, frame, eth_dev->data->mtu,
			   room - RTE_PKTMBUF_HEADROOM);
		return -EINVAL;
	}

	if (room <= RTE_PKTMBUF_HEADROOM + VXPATH_MIN_RX_BUFSIZE) {
		VXPATH_LOG(ERR, "%s: Rx queue %u: mempool %s has %u-byte buffers, need more than %u",
			   dev->name, qid, mp->name, room,
			   RTE_PKTMBUF_HEADROOM + VXPATH_MIN_RX_BUFSIZE);
		return -EINVAL;
	}
	if (!(dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF)) &&
	    room - RTE_PKTMBUF_HEADROOM < frame) {
		VXPATH_LOG(ERR, "%s: Rx queue %u: without mrg_rxbuf a %u-byte frame (MTU %u) must fit one buffer; mempool %s has %u bytes",
			   dev->name, qid, frame, eth_dev->data->mtu, mp->name,
			   room - RTE_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	vxpath_rx_queue_release(eth_dev, qid);
	rxq = rte_zmalloc_socket("vxpath_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE,
				 socket);
	if (rxq == NULL)
		return -ENOMEM;
	queue_ids(&rxq->q, eth_dev, qid, false);
	rxq->mp = mp;
	rxq->mrg_rxbuf = !!(dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF));
	rxq->buf_len = room - RTE_PKTMBUF_HEADROOM + dev->vnet_hdr_size;
	ret = vxpath_queue_alloc(&rxq->q, ring_size(dev, "Rx", qid, nb_desc),
				 (int)socket, vxpath_packed(dev));
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: Rx queue %u: %s", dev->name, qid,
			   rte_strerror(-ret));
		rte_free(rxq);
		return ret;
	}
	vxpath_queue_set_event_idx(&rxq->q, !!(dev->features &
				(1ULL << VIRTIO_RING_F_EVENT_IDX)));
	vxpath_queue_set_in_order(&rxq->q, !!(dev->features &
				(1ULL << VIRTIO_F_IN_ORDER)));
	eth_dev->data->rx_queues[qid] = rxq;
	dev->vqs[rxq->q.vq_index] = &rxq->q;
	pthread_mutex_lock(&dev->ctrl_lock);
	rx_filter_sync(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return 0;
}

static int
vxpath_tx_queue_setup(struct rte_eth_dev *eth_dev, uint16_t qid,
		      uint16_t nb_desc, unsigned int socket,
		      const struct rte_eth_txconf *conf)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint16_t size;
	struct vxpath_txq *txq;
	int ret;

	if (conf->tx_deferred_start) {
		VXPATH_LOG(ERR, "%s: Tx queue %u: deferred start is not supported",
			   dev->name, qid);
		return -EINVAL;
	}

	size = ring_size(dev, "Tx", qid, nb_desc);
	vxpath_tx_queue_release(eth_dev, qid);
	txq = rte_zmalloc_socket("vxpath_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE,
				 socket);
	if (txq == NULL)
		return -ENOMEM;
	queue_ids(&txq->q, eth_dev, qid, true);
	/* Used chains are taken back once fewer descriptors than this are
	 * free: 1 to size, default VXPATH_TX_FREE_THRESH (a quarter of a
	 * small ring).
	 */
	/* The application's promise for every mbuf of the queue: one
	 * mempool, refcnt 1, direct (RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE).
	 */
	txq->fast_free = !!((conf->offloads |
			     eth_dev->data->dev_conf.txmode.offloads) &
			    RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
	txq->free_thresh = conf->tx_free_thresh != 0 ?
		RTE_MIN(conf->tx_free_thresh, size) :
		RTE_MIN((uint16_t)VXPATH_TX_FREE_THRESH,
			(uint16_t)RTE_MAX(size / 4, 1));
	/* Shared with the back-end, so from DPDK memory. */
	txq->hdrs = rte_zmalloc_socket("vxpath_tx_hdrs",
				       sizeof(*txq->hdrs) * size,
				       RTE_CACHE_LINE_SIZE, socket);
	/* Indirect tables (2.7.5.3, 2.8.19): VXPATH_TX_MAX_SEGS per id. */
	if (dev->features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC))
		txq->indirect = rte_zmalloc_socket("vxpath_tx_indirect",
				sizeof(struct vring_desc) * VXPATH_TX_MAX_SEGS *
				size, RTE_CACHE_LINE_SIZE, socket);
	if (txq->hdrs == NULL ||
	    ((dev->features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC)) &&
	     txq->indirect == NULL))
		ret = -ENOMEM;
	else
		ret = vxpath_queue_alloc(&txq->q, size, (int)socket,
					 vxpath_packed(dev));
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: Tx queue %u: %s", dev->name, qid,
			   rte_strerror(-ret));
		rte_free(txq->hdrs);
		rte_free(txq->indirect);
		rte_free(txq);
		return ret;
	}
	vxpath_queue_set_event_idx(&txq->q, !!(dev->features &
				(1ULL << VIRTIO_RING_F_EVENT_IDX)));
	vxpath_queue_set_in_order(&txq->q, !!(dev->features &
				(1ULL << VIRTIO_F_IN_ORDER)));
	eth_dev->data->tx_queues[qid] = txq;
	dev->vqs[txq->q.vq_index] = &txq->q;
	return 0;
}

/* rte_eth_rx_queue_info_get(): the ring, the pool, scattered Rx. */
static void
vxpath_rxq_info_get(struct rte_eth_dev *eth_dev, uint16_t qid,
		    struct rte_eth_rxq_info *info)
{
	const struct vxpath_rxq *rxq = eth_dev->data->rx_queues[qid];

	info->mp = rxq->mp;
	info->scattered_rx = eth_dev->data->scattered_rx;
	info->nb_desc = rxq->q.packed ? rxq->q.vqp.size : rxq->q.vq.size;
	info->rx_buf_size = (uint16_t)RTE_MIN(rxq->buf_len, (uint32_t)UINT16_MAX);
	info->conf.offloads = eth_dev->data->dev_conf.rxmode.offloads;
}

/* rte_eth_tx_queue_info_get(): the ring and its free threshold. */
static void
vxpath_txq_info_get(struct rte_eth_dev *eth_dev, uint16_t qid,
		    struct rte_eth_txq_info *info)
{
	const struct vxpath_txq *txq = eth_dev->data->tx_queues[qid];

	info->nb_desc = txq->q.packed ? txq->q.vqp.size : txq->q.vq.size;
	info->conf.tx_free_thresh = txq->free_thresh;
	info->conf.offloads = eth_dev->data->dev_conf.txmode.offloads;
}

/*
 * The back-end did not confirm that it stopped: it may still write into the
 * posted Rx buffers or read the Tx ones. Forget them instead of returning
 * them to the pool, where the application would reuse that memory.
 */
static void
abandon_queues(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	unsigned int n = 0;
	uint16_t i;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		if (eth_dev->data->rx_queues[i] != NULL)
			n += vxpath_rxq_abandon(eth_dev->data->rx_queues[i]);
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		if (eth_dev->data->tx_queues[i] != NULL)
			n += vxpath_txq_abandon(eth_dev->data->tx_queues[i]);
	dev->backend_lost = true;
	VXPATH_LOG(ERR, "%s: the %s back-end did not confirm that its rings stopped: %u buffers are left to it, not reused; detach and attach the port to use it again",
		   dev->name, dev->ops->name, n);
}

static void
drain_queues(struct rte_eth_dev *eth_dev)
{
	uint16_t i;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		if (eth_dev->data->rx_queues[i] != NULL)
			vxpath_rxq_drain(eth_dev->data->rx_queues[i]);
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		if (eth_dev->data->tx_queues[i] != NULL)
			vxpath_txq_drain(eth_dev->data->tx_queues[i]);
}

/* --- start, stop, close --- */

static int vxpath_dev_stop(struct rte_eth_dev *eth_dev);

/* No back-end connection serves the port now, and one will come. */
static bool
backend_detached(struct vxpath_dev *dev)
{
	return dev->ops->detached != NULL && dev->ops->detached(dev);
}

static int
dev_start_locked(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint16_t i, nq = nb_queues_started(eth_dev);
	int ret;

	if (dev->backend_lost) {
		VXPATH_LOG(ERR, "%s: the back-end connection was lost; detach and attach the port",
			   dev->name);
		return -ENOTCONN;
	}
	for (i = 0; i < nq; i++) {
		if (eth_dev->data->rx_queues[i] == NULL ||
		    eth_dev->data->tx_queues[i] == NULL) {
			VXPATH_LOG(ERR, "%s: queue pair %u is not set up",
				   dev->name, i);
			return -EINVAL;
		}
	}
	dev->nr_queue_pairs = nq;
	for (i = 0; i < nq; i++) {
		struct vxpath_rxq *rxq = eth_dev->data->rx_queues[i];
		struct vxpath_queue *rq = &rxq->q;
		struct vxpath_queue *tq = eth_dev->data->tx_queues[i];

		/* Configure may have changed them since queue set-up. */
		rq->features = dev->features;
		tq->features = dev->features;
		rxq->hdr_flags = (dev->features & VXPATH_RX_HDR_FEATURES) != 0 ||
				 dev->ops->rx_hdr_flags_always;
		if (vxpath_rxq_refill(eth_dev->data->rx_queues[i]) == 0) {
			VXPATH_LOG(ERR, "%s: Rx queue %u: no mbuf to post",
				   dev->name, i);
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (backend_detached(dev)) {
		/* The rings wait in our memory; the next connection gets
		 * them (vxpath_virtio_net_events). The link is down till then.
		 */
		VXPATH_LOG(NOTICE, "%s: started without a back-end: the rings go to the next one that connects",
			   dev->name);
		dev->ctrl.curr_queue_pairs = nq;
		goto started;
	}
	ret = vxpath_virtio_net_start(dev);
	/* Only the pairs configured (fewer than queues= maybe) serve. */
	if (ret == 0 && (dev->features & (1ULL << VIRTIO_NET_F_MQ)))
		ret = vxpath_ctrl_mq_pairs_set(dev, nq);
	/* The back-end's side ready (the TAP up, its addresses) before the
	 * link is read below.
	 */
	if (ret == 0 && dev->ops->port_start != NULL)
		ret = dev->ops->port_start(dev);
	if (ret < 0) {
		/* Some rings may be the back-end's now: their buffers come
		 * back only if it confirms that it stopped them.
		 */
		if (vxpath_virtio_net_stop(dev) < 0)
			abandon_queues(eth_dev);
		else
			drain_queues(eth_dev);
		return ret;
	}
started:
	dev->started = true;
	for (i = 0; i < nq; i++) {
		eth_dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
		eth_dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	vxpath_link_update(eth_dev, 0);
	return 0;

fail:
	drain_queues(eth_dev);
	return ret;
}

static int
vxpath_dev_start(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	pthread_mutex_lock(&dev->ctrl_lock);
	ret = dev_start_locked(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	if (ret < 0)
		return ret;
	/* Without ctrl_lock: a failure unregisters watches, which waits for
	 * their callbacks, and those may take it.
	 */
	ret = vxpath_intr_start(eth_dev);
	if (ret < 0) {
		vxpath_dev_stop(eth_dev);
		return ret;
	}
	VXPATH_LOG(INFO, "%s: started, %u queue pair(s)", dev->name,
		   dev->nr_queue_pairs);
	return 0;
}

/*
 * Take the rings back from the back-end (ctrl_lock held, interrupt watches
 * already stopped): their buffers return to the pool if the back-end
 * confirms the stop, else they are abandoned to it.
 */
static void
dev_stop_locked(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint16_t i;

	if (!dev->started)
		return;
	if (vxpath_virtio_net_stop(dev) < 0)
		abandon_queues(eth_dev);
	else
		drain_queues(eth_dev);
	if (dev->ops->port_stop != NULL)
		dev->ops->port_stop(dev);
	dev->started = false;
	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		eth_dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		eth_dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	vxpath_link_update(eth_dev, 0);
}

static int
vxpath_dev_stop(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);

	/* Outside ctrl_lock: this waits for LSC callbacks in the interrupt
	 * thread, which may call the application's.
	 */
	vxpath_intr_stop(eth_dev);
	pthread_mutex_lock(&dev->ctrl_lock);
	dev_stop_locked(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return 0;
}

static int
vxpath_dev_close(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	/* Interrupt-thread callbacks are waited for without ctrl_lock. */
	vxpath_intr_stop(eth_dev);
	pthread_mutex_lock(&dev->ctrl_lock);
	/* From here on, connection events leave the port alone. */
	dev->closing = true;
	dev_stop_locked(eth_dev);
	vxpath_intr_fini(eth_dev);
	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		vxpath_rx_queue_release(eth_dev, i);
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		vxpath_tx_queue_release(eth_dev, i);
	pthread_mutex_unlock(&dev->ctrl_lock);
	/* Waits for the back-end's own callbacks: without ctrl_lock. */
	vxpath_virtio_net_close(dev);
	pthread_mutex_destroy(&dev->ctrl_lock);
	VXPATH_LOG(INFO, "%s: closed", dev->name);
	/* dev_private and mac_addrs are freed by rte_eth_dev_release_port. */
	return 0;
}

/*
 * rte_eth_dev_set_link_up/down: the back-end's link (the TAP's carrier);
 * the port's link and its LSC event follow through link_up().
 */
static int
set_link(struct rte_eth_dev *eth_dev, bool up)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	if (dev->ops->set_link == NULL)
		return -ENOTSUP;
	CTRL_LOCKED(dev, dev->ops->set_link(dev, up));
	return ret;
}

static int
vxpath_dev_set_link_up(struct rte_eth_dev *eth_dev)
{
	return set_link(eth_dev, true);
}

static int
vxpath_dev_set_link_down(struct rte_eth_dev *eth_dev)
{
	return set_link(eth_dev, false);
}

/* --- stats and MAC --- */

static int
vxpath_stats_get(VXPATH_STATS_GET_PARAMS(eth_dev, st, qst))
{
	vxpath_queue_stats_out_t *qs = VXPATH_QUEUE_STATS(st, qst);
	uint16_t i;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++) {
		const struct vxpath_queue *q = eth_dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		st->ipackets += q->stats.packets;
		st->ibytes += q->stats.bytes;
		st->ierrors += q->stats.errors;
		/* ethdev put rx_mbuf_alloc_failed there; vxpath counts per
		 * queue, each in its own lcore.
		 */
		st->rx_nombuf += q->stats.nombuf;
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qs->q_ipackets[i] = q->stats.packets;
			qs->q_ibytes[i] = q->stats.bytes;
			qs->q_errors[i] = q->stats.errors;
		}
	}
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++) {
		const struct vxpath_queue *q = eth_dev->data->tx_queues[i];

		if (q == NULL)
			continue;
		st->opackets += q->stats.packets;
		st->obytes += q->stats.bytes;
		st->oerrors += q->stats.errors;
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qs->q_opackets[i] = q->stats.packets;
			qs->q_obytes[i] = q->stats.bytes;
		}
	}
	return 0;
}

static int
vxpath_stats_reset(struct rte_eth_dev *eth_dev)
{
	uint16_t i;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++) {
		struct vxpath_queue *q = eth_dev->data->rx_queues[i];

		if (q != NULL)
			memset(&q->stats, 0, sizeof(q->stats));
	}
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++) {
		struct vxpath_queue *q = eth_dev->data->tx_queues[i];

		if (q != NULL)
			memset(&q->stats, 0, sizeof(q->stats));
	}
	return 0;
}

/* Per-queue xstats: upstream virtio's names, then vxpath's own. */
struct xstat_def {
	const char *name;
	size_t offset; /* in struct vxpath_queue_stats */
};

#define XS(n, f) { n, offsetof(struct vxpath_queue_stats, f) }
#define XS_BIN(n, b) \
	{ n, offsetof(struct vxpath_queue_stats, size_bins) + \
	     (b) * sizeof(uint64_t) }
#define XS_COMMON \
	XS("good_packets", packets), \
	XS("good_bytes", bytes), \
	XS("errors", errors), \
	XS_BIN("undersize_packets", VXPATH_BIN_UNDERSIZE), \
	XS_BIN("size_64_packets", VXPATH_BIN_64), \
	XS_BIN("size_65_127_packets", VXPATH_BIN_65_127), \
	XS_BIN("size_128_255_packets", VXPATH_BIN_128_255), \
	XS_BIN("size_256_511_packets", VXPATH_BIN_256_511), \
	XS_BIN("size_512_1023_packets", VXPATH_BIN_512_1023), \
	XS_BIN("size_1024_1518_packets", VXPATH_BIN_1024_1518), \
	XS_BIN("size_1519_max_packets", VXPATH_BIN_1519_MAX), \
	XS("kicks", kicks), \
	XS("interrupts", interrupts)

/* Rx queues also count what the device's receive filter dropped. */
static const struct xstat_def rx_xstats[] = {
	XS_COMMON,
	XS("filtered_packets", filtered),
};
static const struct xstat_def tx_xstats[] = { XS_COMMON };

/*
 * Add what the device signalled on the queue's call eventfd since the last
 * look to its interrupt count. Nothing else reads that eventfd while Rx
 * interrupts are not in use.
 */
static void
queue_count_interrupts(struct vxpath_queue *q)
{
	uint64_t n;

	/* With Rx interrupts an Rx queue's eventfd is the application's. */
	if (vxpath_intr_callfd_in_use(q))
		return;
	if (q->callfd >= 0 && read(q->callfd, &n, sizeof(n)) == sizeof(n))
		q->stats.interrupts += n;
}

static unsigned int
nb_xstats(const struct rte_eth_dev *eth_dev)
{
	return eth_dev->data->nb_rx_queues * RTE_DIM(rx_xstats) +
	       eth_dev->data->nb_tx_queues * RTE_DIM(tx_xstats);
}

/* Names of one queue's xstats, "rx_q0_good_packets"..., at names[*k]. */
static void
queue_xstats_names(struct rte_eth_xstat_name *names, unsigned int *k,
		   const char *dir, uint16_t q, const struct xstat_def *defs,
		   unsigned int nb)
{
	unsigned int i;

	for (i = 0; i < nb; i++, (*k)++)
		snprintf(names[*k].name, sizeof(names[0].name), "%s_q%u_%s",
			 dir, q, defs[i].name);
}

static int
vxpath_xstats_get_names(struct rte_eth_dev *eth_dev,
			struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int n = nb_xstats(eth_dev), k = 0;
	uint16_t q;

	if (names == NULL || size < n)
		return n;
	for (q = 0; q < eth_dev->data->nb_rx_queues; q++)
		queue_xstats_names(names, &k, "rx", q, rx_xstats,
				   RTE_DIM(rx_xstats));
	for (q = 0; q < eth_dev->data->nb_tx_queues; q++)
		queue_xstats_names(names, &k, "tx", q, tx_xstats,
				   RTE_DIM(tx_xstats));
	return n;
}

static void
queue_xstats_fill(struct vxpath_queue *q, struct rte_eth_xstat *xs,
		  unsigned int *k, const struct xstat_def *defs,
		  unsigned int nb)
{
	unsigned int i;

	if (q != NULL)
		queue_count_interrupts(q);
	for (i = 0; i < nb; i++, (*k)++) {
		xs[*k].id = *k;
		xs[*k].value = q == NULL ? 0 :
			*(const uint64_t *)((const char *)&q->stats +
					    defs[i].offset);
	}
}

static int
vxpath_xstats_get(struct rte_eth_dev *eth_dev, struct rte_eth_xstat *xs,
		  unsigned int size)
{
	unsigned int n = nb_xstats(eth_dev), k = 0;
	uint16_t q;

	if (xs == NULL || size < n)
		return n;
	for (q = 0; q < eth_dev->data->nb_rx_queues; q++)
		queue_xstats_fill(eth_dev->data->rx_queues[q], xs, &k,
				  rx_xstats, RTE_DIM(rx_xstats));
	for (q = 0; q < eth_dev->data->nb_tx_queues; q++)
		queue_xstats_fill(eth_dev->data->tx_queues[q], xs, &k,
				  tx_xstats, RTE_DIM(tx_xstats));
	return n;
}

/* --- Rx mode, MAC and VLAN filter tables: the control virtqueue --- */

static bool
negotiated(const struct vxpath_dev *dev, unsigned int feature)
{
	return (dev->features & (1ULL << feature)) != 0;
}

/*
 * VIRTIO_NET_CTRL_RX @command on or off. Without a control virtqueue
 * (cq=0) the Rx mode cannot be set: -ENOTSUP, as upstream's driver.
 */
static int
rx_mode_set(struct rte_eth_dev *eth_dev, uint8_t command, bool on)
{
	struct vxpath_dev *dev = dev_of(eth_dev);

	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	pthread_mutex_lock(&dev->ctrl_lock);
	ret = vxpath_ctrl_rx_mode(dev, command, on);
	rx_filter_sync(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return ret;
}

static int
vxpath_promiscuous_enable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_PROMISC, true);
}

static int
vxpath_promiscuous_disable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_PROMISC, false);
}

static int
vxpath_allmulticast_enable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_ALLMULTI, true);
}

static int
vxpath_allmulticast_disable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_ALLMULTI, false);
}

static int
vxpath_mac_addr_set(struct rte_eth_dev *eth_dev, struct rte_ether_addr *mac)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret = 0;

	/* The device's address, and the TAP's with vhost-kernel. */
	if (negotiated(dev, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
		CTRL_LOCKED(dev, vxpath_ctrl_mac_addr_set(dev, mac));
		return ret;
	}
	/* The emulated device's config space holds the address (5.1.4);
	 * without a control virtqueue there is nothing to tell the back-end.
	 */
	pthread_mutex_lock(&dev->ctrl_lock);
	rte_ether_addr_copy(mac, &dev->mac);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return ret;
}

/*
 * Send the MAC filtering table (VIRTIO_NET_CTRL_MAC_TABLE_SET): the
 * addresses of mac_addrs[1..], unicast ones in the first table and
 * multicast ones in the second with the set_mc_addr_list() list. ethdev
 * writes mac_addrs[@idx] only after the callback: there @at_idx is used
 * instead (NULL: the entry being removed).
 */
static int
mac_table_sync(struct rte_eth_dev *eth_dev, uint32_t idx,
	       const struct rte_ether_addr *at_idx)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	struct rte_ether_addr uc[VXPATH_CTRL_MAC_TABLE_SIZE];
	struct rte_ether_addr mc[2 * VXPATH_CTRL_MAC_TABLE_SIZE];
	uint32_t i, nb_uc = 0, nb_mc = 0;

	for (i = 1; i < VXPATH_CTRL_MAC_TABLE_SIZE; i++) {
		const struct rte_ether_addr *a = i == idx ? at_idx :
						 &eth_dev->data->mac_addrs[i];

		if (a == NULL || rte_is_zero_ether_addr(a))
			continue;
		if (rte_is_multicast_ether_addr(a))
			mc[nb_mc++] = *a;
		else
			uc[nb_uc++] = *a;
	}
	for (i = 0; i < dev->ctrl.nb_mc_list; i++)
		mc[nb_mc++] = dev->ctrl.mc_list[i];
	return vxpath_ctrl_mac_table_set(dev, uc, nb_uc, mc, nb_mc);
}

static int
vxpath_mac_addr_add(struct rte_eth_dev *eth_dev, struct rte_ether_addr *mac,
		    uint32_t index, uint32_t vmdq __rte_unused)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	if (index == 0 || index >= VXPATH_CTRL_MAC_TABLE_SIZE)
		return -EINVAL;
	CTRL_LOCKED(dev, mac_table_sync(eth_dev, index, mac));
	return ret;
}

static void
vxpath_mac_addr_remove(struct rte_eth_dev *eth_dev, uint32_t index)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX) ||
	    index == 0 || index >= VXPATH_CTRL_MAC_TABLE_SIZE)
		return;
	/* ctrl.c logs a refusal; ethdev clears the entry anyway. */
	CTRL_LOCKED(dev, mac_table_sync(eth_dev, index, NULL));
	RTE_SET_USED(ret);
}

static int
set_mc_addr_list_locked(struct rte_eth_dev *eth_dev,
			struct rte_ether_addr *list, uint32_t nb)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	struct rte_ether_addr old[VXPATH_CTRL_MAC_TABLE_SIZE];
	uint32_t nb_old = dev->ctrl.nb_mc_list;
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	if (nb > VXPATH_CTRL_MAC_TABLE_SIZE) {
		VXPATH_LOG(ERR, "%s: %u multicast addresses, the MAC filtering table holds %u",
			   dev->name, nb, VXPATH_CTRL_MAC_TABLE_SIZE);
		return -ENOSPC;
	}
	memcpy(old, dev->ctrl.mc_list, sizeof(old[0]) * nb_old);
	if (nb > 0)
		memcpy(dev->ctrl.mc_list, list, sizeof(list[0]) * nb);
	dev->ctrl.nb_mc_list = nb;
	ret = mac_table_sync(eth_dev, UINT32_MAX, NULL);
	if (ret < 0) {
		memcpy(dev->ctrl.mc_list, old, sizeof(old[0]) * nb_old);
		dev->ctrl.nb_mc_list = nb_old;
	}
	return ret;
}

static int
vxpath_set_mc_addr_list(struct rte_eth_dev *eth_dev,
			struct rte_ether_addr *list, uint32_t nb)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	CTRL_LOCKED(dev, set_mc_addr_list_locked(eth_dev, list, nb));
	return ret;
}

static int
vxpath_vlan_filter_set(struct rte_eth_dev *eth_dev, uint16_t vlan_id, int on)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_VLAN))
		return -ENOTSUP;
	CTRL_LOCKED(dev, vxpath_ctrl_vlan(dev, on != 0, vlan_id));
	return ret;
}

/*
 * The port's MTU: every Rx queue must be able to take a frame of it (in one
 * buffer without MRG_RXBUF; with chains only if SCATTER is on), and the
 * back-end is told (the TAP's MTU follows). ethdev has checked the range.
 */
static int
vxpath_mtu_set(struct rte_eth_dev *eth_dev, uint16_t mtu)
{
	struct vxpath_dev *dev = dev_of(eth_dev);
	uint32_t frame = mtu + VXPATH_ETH_OVERHEAD;
	bool mrg = dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	bool scatter = eth_dev->data->dev_conf.rxmode.offloads &
		       RTE_ETH_RX_OFFLOAD_SCATTER;
	uint16_t i;
	int ret = 0;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++) {
		const struct vxpath_rxq *rxq = eth_dev->data->rx_queues[i];
		uint32_t room;

		if (rxq == NULL)
			continue;
		room = rxq->buf_len - rxq->q.hdr_size;
		if (frame > room && (!mrg || !scatter)) {
			VXPATH_LOG(ERR, "%s: MTU %u: a %u-byte frame does not fit Rx queue %u's %u-byte buffers%s",
				   dev->name, mtu, frame, i, room,
				   mrg ? "; enable RTE_ETH_RX_OFFLOAD_SCATTER" :
					 " and mrg_rxbuf=0 forbids chains");
			return -EINVAL;
		}
	}
	/* Without a connection, the next one is told (the device's replay,
	 * vxpath_virtio_net_events): under ctrl_lock, so that NET_SET_MTU
	 * never lands inside a new connection's set-up.
	 */
	pthread_mutex_lock(&dev->ctrl_lock);
	if (dev->ops->set_mtu != NULL && !backend_detached(dev))
		ret = dev->ops->set_mtu(dev, mtu);
	if (ret == 0)
		dev->mtu = mtu;
	pthread_mutex_unlock(&dev->ctrl_lock);
	return ret;
}

static const struct eth_dev_ops vxpath_ops = {
	.dev_configure = vxpath_dev_configure,
	.dev_infos_get = vxpath_dev_infos_get,
	.dev_start = vxpath_dev_start,
	.dev_stop = vxpath_dev_stop,
	.dev_close = vxpath_dev_close,
	.dev_set_link_up = vxpath_dev_set_link_up,
	.dev_set_link_down = vxpath_dev_set_link_down,
	.link_update = vxpath_link_update,
	.rx_queue_setup = vxpath_rx_queue_setup,
	.rx_queue_release = vxpath_rx_queue_release,
	.tx_queue_setup = vxpath_tx_queue_setup,
	.tx_queue_release = vxpath_tx_queue_release,
	.tx_done_cleanup = vxpath_tx_done_cleanup,
	.rxq_info_get = vxpath_rxq_info_get,
	.txq_info_get = vxpath_txq_info_get,
	.stats_get = vxpath_stats_get,
	.stats_reset = vxpath_stats_reset,
	.xstats_get = vxpath_xstats_get,
	.xstats_get_names = vxpath_xstats_get_names,
	.xstats_reset = vxpath_stats_reset,
	.mac_addr_set = vxpath_mac_addr_set,
	.mac_addr_add = vxpath_mac_addr_add,
	.mac_addr_remove = vxpath_mac_addr_remove,
	.set_mc_addr_list = vxpath_set_mc_addr_list,
	.promiscuous_enable = vxpath_promiscuous_enable,
	.promiscuous_disable = vxpath_promiscuous_disable,
	.allmulticast_enable = vxpath_allmulticast_enable,
	.allmulticast_disable = vxpath_allmulticast_disable,
	.vlan_filter_set = vxpath_vlan_filter_set,
	.vlan_offload_set = vxpath_vlan_offload_set,
	.mtu_set = vxpath_mtu_set,
	.rx_queue_intr_enable = vxpath_rx_queue_intr_enable,
	.rx_queue_intr_disable = vxpath_rx_queue_intr_disable,
};

/* A recursive mutex: the exchanges under dev_start take it again. */
static int
ctrl_lock_init(struct vxpath_dev *dev)
{
	pthread_mutexattr_t a;
	int ret;

	ret = pthread_mutexattr_init(&a);
	if (ret == 0) {
		ret = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
		if (ret == 0)
			ret = pthread_mutex_init(&dev->ctrl_lock, &a);
		pthread_mutexattr_destroy(&a);
	}
	return -ret;
}

/* --- probe and remove --- */

/*
 * Choose the back-end from the path devarg: a character device named
 * vhost-net is the kernel's; anything else must be a vhost-user socket
 * (which need not exist yet: connect() then says so).
 */
static int
select_backend(struct vxpath_dev *dev)
{
	const char *path = dev->args.path;
	const char *base = strrchr(path, '/');
	struct stat st;

	base = base != NULL ? base + 1 : path;
	if (stat(path, &st) < 0) {
		if (strncmp(base, "vhost-", 6) == 0) {
			VXPATH_LOG(ERR, "%s: devarg path=%s: %s (is the vhost module loaded?)",
				   dev->name, path, strerror(errno));
			return -ENODEV;
		}
		dev->ops = &vxpath_vhost_user_ops;
		return 0;
	}
	if (S_ISCHR(st.st_mode)) {
		if (strncmp(base, "vhost-net", 9) == 0) {
			dev->ops = &vxpath_vhost_kernel_ops;
			return 0;
		}
		if (strncmp(base, "vhost-vdpa", 10) == 0) {
			VXPATH_LOG(ERR, "%s: devarg path=%s: vhost-vdpa is not supported yet",
				   dev->name, path);
			return -ENOTSUP;
		}
		VXPATH_LOG(ERR, "%s: devarg path=%s: a character device, but not /dev/vhost-net",
			   dev->name, path);
		return -EINVAL;
	}
	if (S_ISSOCK(st.st_mode)) {
		dev->ops = &vxpath_vhost_user_ops;
		return 0;
	}
	VXPATH_LOG(ERR, "%s: devarg path=%s: neither a Unix socket nor a vhost device",
		   dev->name, path);
	return -EINVAL;
}

/* server= and reconnect= are vhost-user's; iface=, ipv4=... the TAP's. */
static int
check_backend_args(const struct vxpath_dev *dev)
{
	if (dev->ops == &vxpath_vhost_user_ops) {
		return vxpath_devargs_check_no_tap(dev->name, &dev->args,
						   dev->args.path);
	}
	if (dev->args.server) {
		VXPATH_LOG(ERR, "%s: devarg %s=1: only for a vhost-user socket, not %s",
			   dev->name, VXPATH_ARG_SERVER, dev->args.path);
		return -EINVAL;
	}
	if (dev->args.reconnect > 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: only for a vhost-user socket, not %s",
			   dev->name, VXPATH_ARG_RECONNECT, dev->args.reconnect,
			   dev->args.path);
		return -EINVAL;
	}
	return 0;
}

static int
vxpath_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vxpath_devargs args;
	struct rte_eth_dev *eth_dev;
	struct vxpath_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VXPATH_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = vxpath_devargs_parse(name, rte_vdev_device_args(vdev), &args);
	if (ret == 0)
		ret = vxpath_devargs_check_supported(name, &args);
	if (ret < 0)
		return ret;

	eth_dev = rte_eth_vdev_allocate(vdev, sizeof(*dev));
	if (eth_dev == NULL) {
		VXPATH_LOG(ERR, "%s: cannot allocate an ethdev port", name);
		return -ENOMEM;
	}
	dev = eth_dev->data->dev_private;
	strlcpy(dev->name, name, sizeof(dev->name));
	dev->port_id = eth_dev->data->port_id;
	dev->args = args;
	dev->nr_queue_pairs = (uint16_t)args.queues;
	dev->mtu = eth_dev->data->mtu;
	dev->events = &vxpath_virtio_net_events;
	ret = ctrl_lock_init(dev);
	if (ret < 0)
		goto fail;
	if (args.mac_given)
		rte_ether_addr_copy(&args.mac, &dev->mac);
	else
		rte_eth_random_addr(dev->mac.addr_bytes);

	/* Room for the MAC filtering table that cq=1 brings (ctrl.c). */
	eth_dev->data->mac_addrs = rte_zmalloc("vxpath_mac",
		RTE_ETHER_ADDR_LEN * VXPATH_CTRL_MAC_TABLE_SIZE, 0);
	if (eth_dev->data->mac_addrs == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	rte_ether_addr_copy(&dev->mac, eth_dev->data->mac_addrs);

	ret = select_backend(dev);
	if (ret == 0)
		ret = check_backend_args(dev);
	if (ret < 0)
		goto fail;
	ret = vxpath_virtio_net_init(dev);
	if (ret < 0)
		goto fail;
	/* The back-end's configuration space may have given the MAC. */
	rte_ether_addr_copy(&dev->mac, eth_dev->data->mac_addrs);
	ret = vxpath_intr_init(eth_dev);
	if (ret < 0) {
		vxpath_virtio_net_close(dev);
		goto fail;
	}
	vxpath_ctrl_reset(dev);
	if (dev->features & (1ULL << VIRTIO_NET_F_CTRL_VQ))
		VXPATH_LOG(INFO, "%s: control virtqueue (virtqueue %u) served by vxpath, %u queue pair(s) at most",
			   name, 2 * args.queues, args.queues);

	eth_dev->dev_ops = &vxpath_ops;
	/* The ring kind and descriptor order are fixed at probe: so are
	 * the burst functions. A packed ring whose back-end may be replaced
	 * by a new connection takes the queue's handoff lock in each burst
	 * (rxtx.h); no other port pays for it.
	 */
	vxpath_burst_select(vxpath_packed(dev),
			    !!(dev->features & (1ULL << VIRTIO_F_IN_ORDER)),
			    dev->args.server || dev->args.reconnect > 0,
			    &eth_dev->rx_pkt_burst, &eth_dev->tx_pkt_burst);
	eth_dev->tx_pkt_prepare = vxpath_tx_pkt_prepare;
	vxpath_link_update(eth_dev, 0);
	pthread_mutex_lock(&dev->ctrl_lock);
	dev->probed = true;
	pthread_mutex_unlock(&dev->ctrl_lock);
	rte_eth_dev_probing_finish(eth_dev);

	VXPATH_LOG(NOTICE, "%s: vxpath built for DPDK %s, running in %s",
		   name, vxpath_dpdk_built_for(), vxpath_dpdk_running());
	if (dev->ifname[0] != '\0')
		VXPATH_LOG(NOTICE, "%s: port %u, %s back-end %s, TAP %s, MAC " RTE_ETHER_ADDR_PRT_FMT,
			   name, dev->port_id, dev->ops->name, args.path,
			   dev->ifname, RTE_ETHER_ADDR_BYTES(&dev->mac));
	else
		VXPATH_LOG(NOTICE, "%s: port %u, %s back-end %s, MAC " RTE_ETHER_ADDR_PRT_FMT,
			   name, dev->port_id, dev->ops->name, args.path,
			   RTE_ETHER_ADDR_BYTES(&dev->mac));
	return 0;

fail:
	/* rte_eth_dev_release_port frees dev_private and mac_addrs. */
	rte_eth_dev_release_port(eth_dev);
	return ret;
}

static int
vxpath_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *eth_dev;

	eth_dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (eth_dev == NULL)
		return 0; /* already closed through rte_eth_dev_close */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(eth_dev);
	/* ethdev refuses to close a started port: stop it first, or the bus
	 * would free the vdev under a port still allocated.
	 */
	if (eth_dev->data->dev_started)
		rte_eth_dev_stop(eth_dev->data->port_id);
	return rte_eth_dev_close(eth_dev->data->port_id);
}

static struct rte_vdev_driver vxpath_vdev_driver = {
	.probe = vxpath_probe,
	.remove = vxpath_remove,
};

RTE_PMD_REGISTER_VDEV(net_vxpath, vxpath_vdev_driver);
RTE_PMD_REGISTER_ALIAS(net_vxpath, virtio_user);
RTE_PMD_REGISTER_PARAM_STRING(net_vxpath, VXPATH_PARAM_STRING);
