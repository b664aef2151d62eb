/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Interrupts of a vxpath port (see intr.h): the link-state watch that
 * raises RTE_ETH_EVENT_INTR_LSC, and the Rx queue interrupts an
 * application sleeps on. This file owns the port's ethdev interrupt handle
 * (its event fds are the Rx queues' call eventfds, which rxtx.c owns), the
 * watches registered with the EAL interrupt thread, and the rtnetlink
 * socket (libmnl) that hears about the TAP.
 *
 * Two sources can change the link behind the port's back:
 *   - the back-end's connection (vhost.h's event_fd: the vhost-user socket)
 *     hangs up. That socket also carries request/reply exchanges of the
 *     control path, so the watch must neither read it nor wake on a reply
 *     that waits to be read: the socket sits, alone and with EPOLLRDHUP
 *     (hang-ups are always reported) and EPOLLONESHOT, in an epoll set of
 *     its own, and that set's fd is what the interrupt thread polls. It
 *     becomes readable on a hang-up only, once.
 *   - the TAP's flags (vhost-kernel): a NETLINK_ROUTE socket in the
 *     RTNLGRP_LINK group hears every RTM_NEWLINK/RTM_DELLINK; those about
 *     the TAP's interface index make the link be looked at again.
 *   - the back-end's connection manager (vhost_user.c with server=1 or
 *     reconnect=) drops a connection or has a new one serve the port:
 *     vxpath_intr_backend_changed() writes to an eventfd of ours, which
 *     the interrupt thread polls.
 * Either way the callback asks the port's link_update for the truth (which
 * comes from vxpath_intr_backend_up()) and raises the event when the link
 * went up or down since the last event.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP */
#endif
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_config.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_interrupts.h>

#include "intr.h"
#include "rxtx.h"
#include "virtqueue.h"
#include "vxpath.h"
#include "vxpath_log.h"

/* rtnetlink datagrams read per callback at most; more wait for the next. */
#define TAP_MSGS_PER_CALLBACK 64

/** One source of link events, served by the EAL interrupt thread. */
struct intr_watch {
	struct rte_intr_handle *handle; /**< EXT handle on fd; NULL: off */
	rte_intr_callback_fn cb;        /**< the callback registered */
	int fd;                         /**< what the interrupt thread polls */
};

/** Interrupt state of one port, in dev->intr. */
struct vxpath_intr {
	struct rte_eth_dev *eth_dev;
	struct vxpath_dev *dev;
	/** The back-end's connection, in an epoll set of its own (hup.fd,
	 * owned), for its hang-up.
	 */
	struct intr_watch hup;
	/** Eventfd (owned, from init to fini) that
	 * vxpath_intr_backend_changed() writes; watched while LSC is on.
	 */
	struct intr_watch notify;
	int notify_fd;
	/** rtnetlink socket (owned through @nl) for the TAP's flags. */
	struct intr_watch tap;
	struct mnl_socket *nl;
	unsigned int tap_ifindex;      /**< the TAP's interface index */
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
 * Whether @fd hung up, looked at now: poll() without timeout reports
 * POLLRDHUP/POLLHUP/POLLERR without consuming anything.
 */
static bool
fd_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	if (poll(&p, 1, 0) <= 0)
		return false; /* nothing pending (or EINTR): still there */
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/*
 * Whether interface @ifname is up and running (IFF_UP|IFF_RUNNING, the
 * TAP's carrier is on while a queue is attached). An interface that is
 * gone is not.
 */
static bool
tap_running(const char *ifname)
{
	const short want = IFF_UP | IFF_RUNNING;
	struct ifreq ifr;
	int s, ret;

	/* Any socket takes the interface ioctls; a Unix one needs no
	 * network protocol.
	 */
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return true; /* cannot tell: do not make the link flap */
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	close(s);
	if (ret < 0)
		return false;
	return (ifr.ifr_flags & want) == want;
}

bool
vxpath_intr_backend_up(struct vxpath_dev *dev)
{
	if (dev->ops != NULL && dev->ops->event_fd != NULL) {
		int fd = dev->ops->event_fd(dev);

		if (fd < 0 || fd_hung_up(fd))
			return false;
	}
	if (dev->backend_link_down)
		return false;
	if (dev->ifname[0] != '\0' && !tap_running(dev->ifname))
		return false;
	return true;
}

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

/* --- watches --- */

/* Register @cb on @fd with the EAL interrupt thread. */
static int
watch_start(struct intr_watch *w, int fd, rte_intr_callback_fn cb,
	    struct vxpath_intr *in, const char *what)
{
	struct rte_intr_handle *h;
	int ret;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL) {
		VXPATH_LOG(ERR, "%s: no memory for the %s watch", in->dev->name,
			   what);
		return -ENOMEM;
	}
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_fd_set(h, fd) != 0) {
		rte_intr_instance_free(h);
		return -EINVAL;
	}
	ret = rte_intr_callback_register(h, cb, in);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot register the %s watch with the EAL interrupt thread: %s",
			   in->dev->name, what, strerror(-ret));
		rte_intr_instance_free(h);
		return ret;
	}
	w->handle = h;
	w->cb = cb;
	w->fd = fd;
	return 0;
}

/*
 * Unregister a watch. From any thread but the interrupt thread, wait for
 * a callback of ours that is running there. In the interrupt thread (an
 * application's event callback stops the port) our source may be the one
 * being served: then mark the callback for removal when it returns.
 */
static void
watch_stop(struct intr_watch *w, struct vxpath_intr *in)
{
	int ret;

	if (w->handle == NULL)
		return;
	if (rte_thread_is_intr()) {
		ret = rte_intr_callback_unregister(w->handle, w->cb, in);
		if (ret == -EAGAIN)
			ret = rte_intr_callback_unregister_pending(w->handle,
								   w->cb, in,
								   NULL);
	} else {
		ret = rte_intr_callback_unregister_sync(w->handle, w->cb, in);
	}
	if (ret < 0)
		VXPATH_LOG(WARNING, "%s: link watch on fd %d: unregister: %s",
			   in->dev->name, w->fd, strerror(-ret));
	rte_intr_instance_free(w->handle);
	w->handle = NULL;
}

/* The back-end's connection hung up (or the set woke for nothing). */
static void
hup_cb(void *arg)
{
	struct vxpath_intr *in = arg;
	struct epoll_event ev;

	/* Take the event out of the set: EPOLLONESHOT then disarms the
	 * socket, the set stops being readable, and the interrupt thread
	 * does not spin on a hang-up already seen.
	 */
	if (epoll_wait(in->hup.fd, &ev, 1, 0) <= 0)
		return;
	lsc_check(in, "the back-end's connection hung up", false);
}

/* The back-end's connection manager says the connection changed. */
static void
notify_cb(void *arg)
{
	struct vxpath_intr *in = arg;
	uint64_t n;

	if (read(in->notify_fd, &n, sizeof(n)) != sizeof(n))
		return; /* EAGAIN: already consumed */
	lsc_check(in, "the back-end's connection changed", false);
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

static int
hup_watch_start(struct vxpath_intr *in, int sock)
{
	struct epoll_event ev = {
		.events = EPOLLRDHUP | EPOLLONESHOT,
	};
	int efd, ret;

	efd = epoll_create1(EPOLL_CLOEXEC);
	if (efd < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: epoll_create1: %s", in->dev->name,
			   strerror(-ret));
		return ret;
	}
	ev.data.fd = sock;
	if (epoll_ctl(efd, EPOLL_CTL_ADD, sock, &ev) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot watch the back-end's socket: %s",
			   in->dev->name, strerror(-ret));
		close(efd);
		return ret;
	}
	ret = watch_start(&in->hup, efd, hup_cb, in, "back-end hang-up");
	if (ret < 0)
		close(efd);
	return ret;
}

/* Mark the scan when a link message names the TAP. */
static int
tap_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vxpath_intr *in = data;
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	/* The kernel's message is checked like any other input. */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index > 0 && (unsigned int)ifi->ifi_index == in->tap_ifindex)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* rtnetlink has link messages: read them all, look at the link if one
 * was about the TAP or some were lost.
 */
static void
tap_cb(void *arg)
{
	struct vxpath_intr *in = arg;
	char buf[8192] __rte_aligned(sizeof(uint32_t));
	bool look = false;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < TAP_MSGS_PER_CALLBACK; i++) {
		n = mnl_socket_recvfrom(in->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: the socket overran and messages were
			 * lost; ENOSPC: one was larger than buf. Either may
			 * have been about the TAP.
			 */
			if (errno == ENOBUFS || errno == ENOSPC) {
				look = true;
				continue;
			}
			break; /* EAGAIN: all read */
		}
		if (mnl_cb_run(buf, (size_t)n, 0, 0, tap_msg_cb, in) ==
		    MNL_CB_STOP)
			look = true;
	}
	if (look)
		lsc_check(in, "the TAP's flags changed", false);
}

static int
tap_watch_start(struct vxpath_intr *in)
{
	const char *ifname = in->dev->ifname;
	int ret;

	in->tap_ifindex = if_nametoindex(ifname);
	if (in->tap_ifindex == 0) {
		VXPATH_LOG(ERR, "%s: TAP %s: no such interface any more",
			   in->dev->name, ifname);
		return -ENODEV;
	}
	in->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (in->nl == NULL) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot open an rtnetlink socket to watch TAP %s: %s",
			   in->dev->name, ifname, strerror(-ret));
		return ret;
	}
	if (mnl_socket_bind(in->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot join rtnetlink's link group to watch TAP %s: %s",
			   in->dev->name, ifname, strerror(-ret));
		goto fail;
	}
	ret = watch_start(&in->tap, mnl_socket_get_fd(in->nl), tap_cb, in,
			  "TAP link");
	if (ret < 0)
		goto fail;
	return 0;
fail:
	mnl_socket_close(in->nl);
	in->nl = NULL;
	return ret;
}

static void
lsc_stop(struct vxpath_intr *in)
{
	in->lsc_on = false;
	if (in->notify.handle != NULL)
		watch_stop(&in->notify, in);
	if (in->hup.handle != NULL) {
		watch_stop(&in->hup, in);
		close(in->hup.fd);
		in->hup.fd = -1;
	}
	if (in->tap.handle != NULL) {
		watch_stop(&in->tap, in);
		in->tap.fd = -1;
	}
	if (in->nl != NULL) {
		mnl_socket_close(in->nl);
		in->nl = NULL;
	}
}

/*
 * Register the link watches (dev->ctrl_lock held: the back-end's
 * connection, and so its event fd, stays as it is meanwhile). On failure
 * the caller unregisters what was registered, without the lock.
 */
static int
lsc_watches_start(struct vxpath_intr *in)
{
	struct vxpath_dev *dev = in->dev;
	int ret;

	if (dev->ops->event_fd != NULL) {
		int fd = dev->ops->event_fd(dev);

		/* A back-end already gone has nothing left to watch: the
		 * link is down and stays down.
		 */
		if (fd >= 0) {
			ret = hup_watch_start(in, fd);
			if (ret < 0)
				return ret;
		}
	}
	if (dev->ifname[0] != '\0') {
		ret = tap_watch_start(in);
		if (ret < 0)
			return ret;
	}
	if (in->notify_fd >= 0) {
		ret = watch_start(&in->notify, in->notify_fd, notify_cb, in,
				  "back-end connection");
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Called without dev->ctrl_lock (lsc_stop() waits for callbacks). */
static int
lsc_start(struct vxpath_intr *in)
{
	struct vxpath_dev *dev = in->dev;
	struct rte_eth_link link;
	int ret;

	pthread_mutex_lock(&dev->ctrl_lock);
	ret = lsc_watches_start(in);
	pthread_mutex_unlock(&dev->ctrl_lock);
	if (ret < 0) {
		lsc_stop(in);
		return ret;
	}
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
	in->hup.fd = -1;
	in->tap.fd = -1;
	in->notify.fd = -1;
	/* Only back-ends whose connection comes and goes notify. */
	in->notify_fd = -1;
	if (dev->ops->detached != NULL &&
	    (dev->args.server || dev->args.reconnect > 0)) {
		in->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (in->notify_fd < 0) {
			VXPATH_LOG(ERR, "%s: eventfd: %s", dev->name,
				   strerror(errno));
			rte_intr_instance_free(h);
			free(in);
			return -ENOMEM;
		}
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
	if (rxq->q.packed ? vxpath_vqp_enable_interrupts(&rxq->q.vqp) :
			    vxpath_vq_enable_interrupts(&rxq->q.vq)) {
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
	if (rxq->q.packed)
		vxpath_vqp_disable_interrupts(&rxq->q.vqp);
	else
		vxpath_vq_disable_interrupts(&rxq->q.vq);
	return 0;
}
