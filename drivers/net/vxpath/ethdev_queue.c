/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The ethdev operations on a port's queues: Rx and Tx queue set-up and
 * release (a virtqueue pair per queue id, virtio 1.2 5.1.2), queue info,
 * the MTU against the Rx buffers, and what start and stop do to every
 * queue (drain, or abandon to a back-end that did not stop).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_malloc.h>

#include <linux/virtio_ring.h>

#include "compat.h"
#include "intr.h"
#include "offload.h"
#include "rxtx.h"
#include "vxpath.h"
#include "vxpath_ethdev.h"
#include "vxpath_log.h"

void
vxpath_rx_queue_release(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	struct vxpath_rxq *rxq = eth_dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	vxpath_dev_of(eth_dev)->vqs[rxq->q.vq_index] = NULL;
	vxpath_rxq_drain(rxq);
	vxpath_queue_free(&rxq->q);
	rte_free(rxq);
	eth_dev->data->rx_queues[qid] = NULL;
}

void
vxpath_tx_queue_release(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	struct vxpath_txq *txq = eth_dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	vxpath_dev_of(eth_dev)->vqs[txq->q.vq_index] = NULL;
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
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);

	q->dev = dev;
	q->eth_dev = eth_dev;
	q->port_id = dev->port_id;
	q->queue_id = qid;
	q->vq_index = (uint16_t)(2 * qid + (tx ? 1 : 0));
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

int
vxpath_rx_queue_setup(struct rte_eth_dev *eth_dev, uint16_t qid,
		      uint16_t nb_desc, unsigned int socket,
		      const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
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
	rxq->buf_len = room - RTE_PKTMBUF_HEADROOM + VXPATH_NET_HDR_SIZE;
	ret = vxpath_queue_alloc(&rxq->q, ring_size(dev, "Rx", qid, nb_desc),
				 (int)socket, vxpath_packed(dev));
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: Rx queue %u: %s", dev->name, qid,
			   rte_strerror(-ret));
		rte_free(rxq);
		return ret;
	}
	vxpath_ring_set_event_idx(&rxq->q.ring, !!(dev->features &
				(1ULL << VIRTIO_RING_F_EVENT_IDX)));
	vxpath_ring_set_in_order(&rxq->q.ring, !!(dev->features &
				(1ULL << VIRTIO_F_IN_ORDER)));
	eth_dev->data->rx_queues[qid] = rxq;
	dev->vqs[rxq->q.vq_index] = &rxq->q;
	pthread_mutex_lock(&dev->ctrl_lock);
	vxpath_ethdev_rx_filter_sync(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return 0;
}

int
vxpath_tx_queue_setup(struct rte_eth_dev *eth_dev, uint16_t qid,
		      uint16_t nb_desc, unsigned int socket,
		      const struct rte_eth_txconf *conf)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
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
	vxpath_ring_set_event_idx(&txq->q.ring, !!(dev->features &
				(1ULL << VIRTIO_RING_F_EVENT_IDX)));
	vxpath_ring_set_in_order(&txq->q.ring, !!(dev->features &
				(1ULL << VIRTIO_F_IN_ORDER)));
	eth_dev->data->tx_queues[qid] = txq;
	dev->vqs[txq->q.vq_index] = &txq->q;
	return 0;
}

/* rte_eth_rx_queue_info_get(): the ring, the pool, scattered Rx. */
void
vxpath_rxq_info_get(struct rte_eth_dev *eth_dev, uint16_t qid,
		    struct rte_eth_rxq_info *info)
{
	const struct vxpath_rxq *rxq = eth_dev->data->rx_queues[qid];

	info->mp = rxq->mp;
	info->scattered_rx = eth_dev->data->scattered_rx;
	info->nb_desc = vxpath_ring_size(&rxq->q.ring, rxq->q.ring.is_packed);
	info->rx_buf_size = (uint16_t)RTE_MIN(rxq->buf_len, (uint32_t)UINT16_MAX);
	info->conf.offloads = eth_dev->data->dev_conf.rxmode.offloads;
}

/* rte_eth_tx_queue_info_get(): the ring and its free threshold. */
void
vxpath_txq_info_get(struct rte_eth_dev *eth_dev, uint16_t qid,
		    struct rte_eth_txq_info *info)
{
	const struct vxpath_txq *txq = eth_dev->data->tx_queues[qid];

	info->nb_desc = vxpath_ring_size(&txq->q.ring, txq->q.ring.is_packed);
	info->conf.tx_free_thresh = txq->free_thresh;
	info->conf.offloads = eth_dev->data->dev_conf.txmode.offloads;
}

/*
 * The back-end did not confirm that it stopped: it may still write into the
 * posted Rx buffers or read the Tx ones. Forget them instead of returning
 * them to the pool, where the application would reuse that memory.
 */
void
vxpath_ethdev_abandon_queues(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
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

void
vxpath_ethdev_drain_queues(struct rte_eth_dev *eth_dev)
{
	uint16_t i;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		if (eth_dev->data->rx_queues[i] != NULL)
			vxpath_rxq_drain(eth_dev->data->rx_queues[i]);
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		if (eth_dev->data->tx_queues[i] != NULL)
			vxpath_txq_drain(eth_dev->data->tx_queues[i]);
}

bool
vxpath_rx_fits_mtu(const struct rte_eth_dev *eth_dev, uint16_t mtu,
		   uint16_t *qid, uint32_t *room)
{
	const struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint32_t frame = (uint32_t)mtu + VXPATH_ETH_OVERHEAD;
	bool mrg = dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	bool scatter = eth_dev->data->dev_conf.rxmode.offloads &
		       RTE_ETH_RX_OFFLOAD_SCATTER;
	uint16_t i;

	for (i = 0; i < eth_dev->data->nb_rx_queues; i++) {
		const struct vxpath_rxq *rxq = eth_dev->data->rx_queues[i];
		uint32_t r;

		if (rxq == NULL)
			continue;
		r = rxq->buf_len - VXPATH_NET_HDR_SIZE;
		if (frame > r && (!mrg || !scatter)) {
			*qid = i;
			*room = r;
			return false;
		}
	}
	return true;
}

/*
 * The port's MTU: every Rx queue must be able to take a frame of it (in one
 * buffer without MRG_RXBUF; with chains only if SCATTER is on), and the
 * back-end is told (the TAP's MTU follows). ethdev has checked the range.
 */
int
vxpath_mtu_set(struct rte_eth_dev *eth_dev, uint16_t mtu)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint32_t frame = mtu + VXPATH_ETH_OVERHEAD;
	bool mrg = dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	uint32_t room;
	uint16_t i;
	int ret = 0;

	if (!vxpath_rx_fits_mtu(eth_dev, mtu, &i, &room)) {
		VXPATH_LOG(ERR, "%s: MTU %u: a %u-byte frame does not fit Rx queue %u's %u-byte buffers%s",
			   dev->name, mtu, frame, i, room,
			   mrg ? "; enable RTE_ETH_RX_OFFLOAD_SCATTER" :
				 " and mrg_rxbuf=0 forbids chains");
		return -EINVAL;
	}
	/* Without a connection, the next one is told (the device's replay,
	 * vxpath_virtio_net_events): under ctrl_lock, so that NET_SET_MTU
	 * never lands inside a new connection's set-up.
	 */
	pthread_mutex_lock(&dev->ctrl_lock);
	if (dev->ops->set_mtu != NULL && !vxpath_ethdev_backend_detached(dev))
		ret = dev->ops->set_mtu(dev, mtu);
	if (ret == 0)
		dev->mtu = mtu;
	pthread_mutex_unlock(&dev->ctrl_lock);
	return ret;
}

/*
 * The back-end's side changed the MTU (vhost.h, mtu_changed; intr.c calls
 * this before the LSC event): the port's MTU follows, and frames that
 * cannot arrive whole are said out loud.
 */
void
vxpath_mtu_follow_backend(struct rte_eth_dev *eth_dev, uint16_t old,
			  uint16_t mtu)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	bool mrg = dev->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	uint32_t room;
	uint16_t qid;

	eth_dev->data->mtu = mtu;
	VXPATH_LOG(INFO, "%s: TAP %s: MTU changed on the kernel's side from %u to %u: the port's MTU follows",
		   dev->name, dev->ifname, old, mtu);
	if (!vxpath_rx_fits_mtu(eth_dev, mtu, &qid, &room))
		VXPATH_LOG(WARNING, "%s: MTU %u: a %u-byte frame does not fit Rx queue %u's %u-byte buffers (%s): %s",
			   dev->name, mtu,
			   (unsigned int)(mtu + VXPATH_ETH_OVERHEAD), qid,
			   room,
			   mrg ? "no RTE_ETH_RX_OFFLOAD_SCATTER" :
				 "mrg_rxbuf off",
			   mrg ? "larger frames arrive as mbuf chains the application did not ask for" :
				 "vhost-net drops larger frames before the port sees them");
}
