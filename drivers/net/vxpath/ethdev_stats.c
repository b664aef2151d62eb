/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The port's counters for ethdev: basic stats summed over the queues'
 * struct vxpath_queue_stats, the per-queue xstats (upstream virtio's
 * names, then vxpath's own), read and reset, and with a TAP (vhost-kernel)
 * the port's tap_offload_* xstats: 1 for each TUN_F_* offload the kernel
 * takes on it (dev->tap_offloads), which a reset leaves as they are.
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
#include "rxtx.h"
#include "tap.h"
#include "vxpath.h"
#include "vxpath_ethdev.h"

int
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

int
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
/* Tx queues also count coalescing (tx_coalesce=1, coalesce.h). */
static const struct xstat_def tx_xstats[] = {
	XS_COMMON,
	XS("coalesced_frames", coalesced_frames),
	XS("coalesced_segments", coalesced_segments),
};

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

/* The port's tap_offload_* xstats: with a TAP only (set at probe). */
static unsigned int
nb_tap_xstats(const struct rte_eth_dev *eth_dev)
{
	return vxpath_dev_of(eth_dev)->ifname[0] != '\0' ?
	       vxpath_tap_offload_count() : 0;
}

static unsigned int
nb_xstats(const struct rte_eth_dev *eth_dev)
{
	return eth_dev->data->nb_rx_queues * RTE_DIM(rx_xstats) +
	       eth_dev->data->nb_tx_queues * RTE_DIM(tx_xstats) +
	       nb_tap_xstats(eth_dev);
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

int
vxpath_xstats_get_names(struct rte_eth_dev *eth_dev,
			struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int n = nb_xstats(eth_dev), k = 0, i, flag;
	uint16_t q;

	if (names == NULL || size < n)
		return n;
	for (q = 0; q < eth_dev->data->nb_rx_queues; q++)
		queue_xstats_names(names, &k, "rx", q, rx_xstats,
				   RTE_DIM(rx_xstats));
	for (q = 0; q < eth_dev->data->nb_tx_queues; q++)
		queue_xstats_names(names, &k, "tx", q, tx_xstats,
				   RTE_DIM(tx_xstats));
	for (i = 0; i < nb_tap_xstats(eth_dev); i++, k++)
		snprintf(names[k].name, sizeof(names[0].name),
			 "tap_offload_%s", vxpath_tap_offload_name(i, &flag));
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

int
vxpath_xstats_get(struct rte_eth_dev *eth_dev, struct rte_eth_xstat *xs,
		  unsigned int size)
{
	const struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	unsigned int n = nb_xstats(eth_dev), k = 0, i, flag;
	uint16_t q;

	if (xs == NULL || size < n)
		return n;
	for (q = 0; q < eth_dev->data->nb_rx_queues; q++)
		queue_xstats_fill(eth_dev->data->rx_queues[q], xs, &k,
				  rx_xstats, RTE_DIM(rx_xstats));
	for (q = 0; q < eth_dev->data->nb_tx_queues; q++)
		queue_xstats_fill(eth_dev->data->tx_queues[q], xs, &k,
				  tx_xstats, RTE_DIM(tx_xstats));
	for (i = 0; i < nb_tap_xstats(eth_dev); i++, k++) {
		(void)vxpath_tap_offload_name(i, &flag);
		xs[k].id = k;
		xs[k].value = (dev->tap_offloads & flag) != 0;
	}
	return n;
}
