/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Interrupts of a vxpath port (see intr.h): the link-state events
 * (RTE_ETH_EVENT_INTR_LSC), and the Rx queue interrupts an application
 * sleeps on. This file owns the port's ethdev interrupt handle (its event
 * fds are the Rx queues' call eventfds, which rxtx.c owns) and one eventfd
 * of its own, watched by the EAL interrupt thread while LSC is on.
 *
 * It knows nothing of what moves a back-end's link: each back-end watches
 * its own sources (vhost-user its connection's hang-up and new
 * connections, vhost-kernel its TAP's link messages) and reports through
 * dev->events; the device layer then calls vxpath_intr_backend_changed(),
 * which writes the eventfd. A broken ring arms an EAL alarm instead. Either
 * way the interrupt thread asks the port's link_update for the truth
 * (which comes from vxpath_virtio_net_link_up() and the rings) and raises
 * the event when the link went up or down since the last event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/virtio_config.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_interrupts.h>

#include "intr.h"
#include "rxtx.h"
#include "virtqueue.h"
#include "vxpath.h"
#include "vxpath_ethdev.h"
#include "vxpath_log.h"
#include "watch.h"

/** Interrupt state of one port, in dev->intr. */
struct vxpath_intr {
	struct rte_eth_dev *eth_dev;
	struct vxpath_dev *dev;
	/** Eventfd (owned, from init to fini) that
	 * vxpath_intr_backend_changed() writes; watched while LSC is on.
	 */
	struct vxpath_watch notify;
	int notify_fd;
	/** Link status as the application last learnt it: at start, then
	 * from each LSC event.
	 */
	bool reported_up;
	/** The LSC watches are on (lsc_start() to lsc_stop()). */
	bool lsc_on;
	bool rxq_vectors;              /**< Rx event fds are in the handle */
};

/* --- link status --- */

/*
 * In the interrupt thread: bring the port's link status up to date and
 * tell the application if it changed since it last heard. Nothing of the
 * port is touched after the application's callbacks ran: one of them may
 * close the port.
 */
static void
lsc_check(struct vxpath_intr *in, const char *why, bool always)
{
	struct rte_eth_dev *eth_dev = in->eth_dev;
	struct rte_eth_link link;
	bool up;

	(void)eth_dev->dev_ops->link_update(eth_dev, 0);
	rte_eth_linkstatus_get(eth_dev, &link);
	up = link.link_status == RTE_ETH_LINK_UP;
	if (up == in->reported_up && !always)
		return;
	in->reported_up = up;
	VXPATH_LOG(NOTICE, "%s: link %s (%s)", in->dev->name,
		   up ? "up" : "down", why);
	rte_eth_dev_callback_process(eth_dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/* The device layer says the back-end's link may have changed. */
static void
notify_cb(void *arg)
{
	struct vxpath_intr *in = arg;
	uint64_t n;

	if (read(in->notify_fd, &n, sizeof(n)) != sizeof(n))
		return; /* EAGAIN: already consumed */
	lsc_check(in, "the back-end's link changed", false);
}

void
vxpath_intr_backend_changed(struct vxpath_dev *dev)
{
	uint64_t one = 1;

	if (dev->intr == NULL || dev->intr->notify_fd < 0)
		return;
	/* Refused only near overflow, when a wake-up is pending anyway. */
	if (write(dev->intr->notify_fd, &one, sizeof(one)) != sizeof(one))
		VXPATH_LOG(DEBUG, "%s: link notification: %s", dev->name,
			   strerror(errno));
}

/* Called without dev->ctrl_lock: waits for the watch's callback. */
static void
lsc_stop(struct vxpath_intr *in)
{
	in->lsc_on = false;
	vxpath_watch_stop(&in->notify);
}

/* Called without dev->ctrl_lock (lsc_stop() waits for callbacks). */
static int
lsc_start(struct vxpath_intr *in)
{
	struct vxpath_dev *dev = in->dev;
	struct rte_eth_link link;
	int ret;

	ret = vxpath_watch_start(&in->notify, in->notify_fd, notify_cb, in,
				 dev->name, "back-end's link events");
	if (ret < 0)
		return ret;
	/* The watches are on: a change from here on brings an event.
	 * What the application knows is the status now.
	 */
	(void)in->eth_dev->dev_ops->link_update(in->eth_dev, 0);
	rte_eth_linkstatus_get(in->eth_dev, &link);
	in->reported_up = link.link_status == RTE_ETH_LINK_UP;
	in->lsc_on = true;
	return 0;
}

void
vxpath_intr_config_changed(struct vxpath_dev *dev)
{
	struct vxpath_intr *in = dev->intr;

	if (in == NULL)
		return;
	if (!in->lsc_on) {
		struct rte_eth_dev *eth_dev = in->eth_dev;

		if (eth_dev->dev_ops != NULL)
			(void)eth_dev->dev_ops->link_update(eth_dev, 0);
		return;
	}
	lsc_check(in, "the back-end's configuration changed", true);
}

void
vxpath_intr_mtu_changed(struct vxpath_dev *dev, uint16_t old, uint16_t mtu)
{
	struct vxpath_intr *in = dev->intr;

	if (in == NULL)
		return;
	vxpath_mtu_follow_backend(in->eth_dev, old, mtu);
	/* ethdev has no MTU event: LSC is the one that makes an
	 * application look at the port again.
	 */
	if (in->lsc_on)
		lsc_check(in, "the TAP's MTU changed", true);
}

/* In the interrupt thread (an EAL alarm): a virtqueue broke. */
static void
ring_broken_cb(void *arg)
{
	struct vxpath_intr *in = arg;

	if (in->lsc_on)
		lsc_check(in, "a virtqueue broke", false);
}

void
vxpath_intr_ring_broken(struct vxpath_dev *dev)
{
	struct vxpath_intr *in = dev->intr;
	int ret;

	if (in == NULL)
		return;
	ret = rte_eal_alarm_set(1, ring_broken_cb, in);
	if (ret < 0)
		VXPATH_LOG(WARNING, "%s: no link-state event for the broken virtqueue: %s",
			   dev->name, rte_strerror(-ret));
}

/* --- Rx queue interrupt vectors --- */

static void
rxq_vectors_clear(struct rte_eth_dev *eth_dev, struct vxpath_intr *in)
{
	struct rte_intr_handle *h = eth_dev->intr_handle;

	if (!in->rxq_vectors)
		return;
	/* Out of the application's epoll sets before the fds can close. */
	rte_intr_free_epoll_fd(h);
	rte_intr_nb_efd_set(h, 0);
	rte_intr_max_intr_set(h, 0);
	rte_intr_vec_list_free(h);
	in->rxq_vectors = false;
}

/*
 * Rx queue N's interrupt vector is RTE_INTR_VEC_RXTX_OFFSET + N, whose
 * event fd (index N) is the queue's call eventfd.
 */
static int
rxq_vectors_set(struct rte_eth_dev *eth_dev, struct vxpath_intr *in)
{
	struct rte_intr_handle *h = eth_dev->intr_handle;
	uint16_t n = eth_dev->data->nb_rx_queues, q;

	if (n > RTE_MAX_RXTX_INTR_VEC_ID - RTE_INTR_VEC_RXTX_OFFSET) {
		VXPATH_LOG(ERR, "%s: %u Rx queues, interrupts for at most %u",
			   in->dev->name, n,
			   RTE_MAX_RXTX_INTR_VEC_ID - RTE_INTR_VEC_RXTX_OFFSET);
		return -EINVAL;
	}
	if (rte_intr_vec_list_alloc(h, "vxpath_intr_vec", n) != 0) {
		VXPATH_LOG(ERR, "%s: no memory for %u Rx interrupt vectors",
			   in->dev->name, n);
		return -ENOMEM;
	}
	for (q = 0; q < n; q++) {
		const struct vxpath_rxq *rxq = eth_dev->data->rx_queues[q];

		if (rte_intr_efds_index_set(h, q, rxq->q.callfd) != 0 ||
		    rte_intr_vec_list_index_set(h, q,
					RTE_INTR_VEC_RXTX_OFFSET + q) != 0) {
			rte_intr_vec_list_free(h);
			return -EINVAL;
		}
	}
	/* No vector for anything else: the link has its own watches. */
	if (rte_intr_nb_efd_set(h, n) != 0 || rte_intr_max_intr_set(h, n) != 0) {
		rte_intr_nb_efd_set(h, 0);
		rte_intr_vec_list_free(h);
		return -EINVAL;
	}
	in->rxq_vectors = true;
	return 0;
}

/* --- life cycle --- */

int
vxpath_intr_init(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = eth_dev->data->dev_private;
	struct rte_intr_handle *h;
	struct vxpath_intr *in;

	in = calloc(1, sizeof(*in));
	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (in == NULL || h == NULL ||
	    rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 ||
	    rte_intr_fd_set(h, -1) != 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) != 0) {
		VXPATH_LOG(ERR, "%s: no memory for the interrupt state",
			   dev->name);
		rte_intr_instance_free(h);
		free(in);
		return -ENOMEM;
	}
	in->eth_dev = eth_dev;
	in->dev = dev;
	in->notify.fd = -1;
	in->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (in->notify_fd < 0) {
		VXPATH_LOG(ERR, "%s: eventfd: %s", dev->name, strerror(errno));
		rte_intr_instance_free(h);
		free(in);
		return -ENOMEM;
	}
	dev->intr = in;
	eth_dev->intr_handle = h;
	eth_dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
	return 0;
}

void
vxpath_intr_fini(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = eth_dev->data->dev_private;

	if (dev->intr == NULL)
		return;
	vxpath_intr_stop(eth_dev);
	if (dev->intr->notify_fd >= 0)
		close(dev->intr->notify_fd);
	rte_intr_vec_list_free(eth_dev->intr_handle);
	rte_intr_instance_free(eth_dev->intr_handle);
	eth_dev->intr_handle = NULL;
	free(dev->intr);
	dev->intr = NULL;
}

int
vxpath_intr_configure(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = eth_dev->data->dev_private;
	const struct rte_eth_intr_conf *ic = &eth_dev->data->dev_conf.intr_conf;

	if (ic->rmv) {
		VXPATH_LOG(ERR, "%s: removal interrupts are not supported",
			   dev->name);
		return -ENOTSUP;
	}
	return 0;
}

int
vxpath_intr_start(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = eth_dev->data->dev_private;
	const struct rte_eth_intr_conf *ic = &eth_dev->data->dev_conf.intr_conf;
	struct vxpath_intr *in = dev->intr;
	int ret;

	if (in == NULL)
		return -EINVAL;
	if (ic->rxq) {
		ret = rxq_vectors_set(eth_dev, in);
		if (ret < 0)
			return ret;
	}
	if (ic->lsc) {
		ret = lsc_start(in);
		if (ret < 0) {
			rxq_vectors_clear(eth_dev, in);
			return ret;
		}
	}
	return 0;
}

void
vxpath_intr_stop(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = eth_dev->data->dev_private;
	struct vxpath_intr *in = dev->intr;

	if (in == NULL)
		return;
	/* A broken ring's event still pending is of no use now. */
	rte_eal_alarm_cancel(ring_broken_cb, in);
	lsc_stop(in);
	rxq_vectors_clear(eth_dev, in);
}

/* --- Rx queue interrupts --- */

bool
vxpath_intr_callfd_in_use(const struct vxpath_queue *q)
{
	/* Rx queues have even virtqueue indexes (virtio-net 5.1.2). */
	return (q->vq_index & 1) == 0 &&
	       q->eth_dev->data->dev_conf.intr_conf.rxq != 0;
}

static struct vxpath_rxq *
intr_rxq(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	if (!eth_dev->data->dev_conf.intr_conf.rxq ||
	    qid >= eth_dev->data->nb_rx_queues)
		return NULL;
	return eth_dev->data->rx_queues[qid];
}

int
vxpath_rx_queue_intr_enable(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	struct vxpath_rxq *rxq = intr_rxq(eth_dev, qid);
	uint64_t one = 1;

	if (rxq == NULL)
		return eth_dev->data->dev_conf.intr_conf.rxq ? -EINVAL :
							       -ENOTSUP;
	if (vxpath_ring_enable_interrupts(&rxq->q.ring)) {
		/* Buffers came back before the device could see the
		 * request: it will not notify them. Wake the application's
		 * epoll ourselves. An eventfd refuses the write only near
		 * overflow, when a wake-up is pending anyway.
		 */
		if (write(rxq->q.callfd, &one, sizeof(one)) != sizeof(one))
			VXPATH_LOG(DEBUG, "%s: Rx queue %u: self-notification: %s",
				   rxq->q.dev->name, qid, strerror(errno));
	}
	return 0;
}

int
vxpath_rx_queue_intr_disable(struct rte_eth_dev *eth_dev, uint16_t qid)
{
	struct vxpath_rxq *rxq = intr_rxq(eth_dev, qid);

	if (rxq == NULL)
		return eth_dev->data->dev_conf.intr_conf.rxq ? -EINVAL :
							       -ENOTSUP;
	vxpath_ring_disable_interrupts(&rxq->q.ring);
	return 0;
}
