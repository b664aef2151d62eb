/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user connection manager (declared in vhost_user_conn.h): the
 * connection to the back-end from setup() to destroy().
 *
 * Each connection goes through the same set-up sequence (vu_negotiate()):
 * read the back-end's features and, where it has protocol features,
 * negotiate those vxpath uses (VXPATH_VU_PROTOCOL_FEATURES, MQ when
 * queues > 1, each only where offered); check the queue pairs it serves
 * (MQ); learn its memory slots (CONFIGURE_MEM_SLOTS); open the back-end
 * channel (BACKEND_REQ, vhost_user_backend_channel.c).
 *
 * The EAL interrupt thread watches the connected socket for its hang-up
 * from setup to destroy. A plain client (neither server=1 nor reconnect=)
 * keeps a connection that hung up until destroy() and tells the device
 * layer its link changed (dev->events->link_changed; link_up() is then
 * false).
 *
 * Connection management (server=1, reconnect=): the EAL interrupt thread
 * also watches, with server=1, the listening socket for a new back-end. A
 * connection that goes away is closed and the device layer told
 * (dev->events->detached):
 * the rings stay in our memory, the datapath keeps polling them, the link
 * is down. A new connection (server=1: the next back-end that connects,
 * one at a time; client with reconnect=<ms>: connect() retried from an EAL
 * alarm every that many ms) goes through the same set-up sequence as the
 * first one and then dev->events->attached replays the device state on it
 * (-EAGAIN: again in VU_REPLAY_RETRY_MS). A connection whose exchange
 * failed (vhost_user_socket.c shuts it down) hangs up the same way and is
 * replaced. What the link does meanwhile is the device layer's business:
 * this file only reports through dev->events.
 *
 * Threads and locks: setup() and destroy() run in the application's
 * thread; the watches and the alarm in the EAL interrupt thread, under
 * dev->ctrl_lock; each exchange under the endpoint's lock
 * (vhost_user_socket.h gives the lock order).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_common.h>
#include <rte_interrupts.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "vhost_user_backend_channel.h"
#include "vhost_user_conn.h"
#include "vxpath.h"
#include "vxpath_log.h"
#include "watch.h"

/* Milliseconds between two attempts to replay the device state on a
 * connection whose rings are not settled yet (events->attached -EAGAIN).
 */
#define VU_REPLAY_RETRY_MS 10

/*
 * The connection's set-up sequence.
 */

/*
 * More than one queue pair (queues > 1): the back-end must have negotiated
 * VHOST_USER_PROTOCOL_F_MQ (the vhost-user spec allows more than one queue
 * only with it) and serve as many pairs. GET_QUEUE_NUM's answer is read as
 * queue pairs, as DPDK's vhost library gives it and QEMU reads it for a
 * network device.
 * Return: 0; -ENOTSUP when the back-end cannot serve the pairs (one log
 * line naming the devarg); an exchange error.
 */
static int
vu_check_queues(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	uint64_t num = 0;
	int ret;

	if (!vxpath_vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_MQ)) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: the vhost-user back-end at %s does not offer VHOST_USER_PROTOCOL_F_MQ (multiple queues)",
			   dev->name, VXPATH_ARG_QUEUES, dev->args.queues,
			   dev->args.path);
		return -ENOTSUP;
	}
	ret = vxpath_vu_get_u64(dev, &vu->ep, VHOST_USER_GET_QUEUE_NUM, &num);
	if (ret < 0)
		return ret;
	if (num < dev->args.queues) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: the vhost-user back-end at %s serves at most %" PRIu64 " queue pairs (VHOST_USER_GET_QUEUE_NUM)",
			   dev->name, VXPATH_ARG_QUEUES, dev->args.queues,
			   dev->args.path, num);
		return -ENOTSUP;
	}
	VXPATH_LOG(DEBUG, "%s: back-end serves up to %" PRIu64 " queue pairs",
		   dev->name, num);
	return 0;
}

/*
 * CONFIGURE_MEM_SLOTS: how many regions the back-end takes (capped at
 * VXPATH_VU_MAX_MEM_SLOTS; 0 falls back to SET_MEM_TABLE). Without it,
 * 2 MB pages in a file each would soon need more than the 8 regions of
 * SET_MEM_TABLE: refuse now, with the fix, rather than half-work later.
 */
static int
vu_setup_memory(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	unsigned int slots_used = 0;
	uint64_t slots = 0;
	int ret;

	if (vxpath_vu_has_protocol(vu,
				   VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)) {
		ret = vxpath_vu_get_u64(dev, &vu->ep,
					VHOST_USER_GET_MAX_MEM_SLOTS, &slots);
		if (ret < 0)
			return ret;
		if (slots == 0)
			VXPATH_LOG(WARNING, "%s: the vhost-user back-end offers 0 memory slots (VHOST_USER_GET_MAX_MEM_SLOTS): using VHOST_USER_SET_MEM_TABLE",
				   dev->name);
		slots_used = (unsigned int)RTE_MIN(slots,
				(uint64_t)VXPATH_VU_MAX_MEM_SLOTS);
		VXPATH_LOG(INFO, "%s: back-end takes %" PRIu64 " memory slots, vxpath uses up to %u",
			   dev->name, slots, slots_used);
	}
	if (slots_used == 0 && vxpath_memory_fd_per_small_page()) {
		VXPATH_LOG(ERR, "%s: EAL keeps each hugepage below 1 GB in a file of its own (no --single-file-segments), one vhost-user memory region each, and the back-end at %s takes at most %u regions (no VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS): run EAL with --single-file-segments, or use 1 GB hugepages",
			   dev->name, dev->args.path,
			   VHOST_USER_MAX_MEM_REGIONS);
		return -E2BIG;
	}
	/* The back-end holds no memory table yet (memory.c). */
	pthread_mutex_lock(&vu->ep.lock);
	vu->max_mem_slots = slots_used;
	vu->mem_generation++;
	pthread_mutex_unlock(&vu->ep.lock);
	return 0;
}

/*
 * BACKEND_REQ: make the back-end channel, give the back-end its end with
 * SET_BACKEND_REQ_FD and have the EAL interrupt thread serve ours.
 * Return: 0; vxpath_vu_bch_open()'s or _start()'s error; an exchange
 * error.
 */
static int
vu_open_backend_channel(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	bool config = vxpath_vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_CONFIG);
	struct vxpath_vu_bch *b = NULL;
	struct vxpath_vu_msg msg;
	int peer_fd, ret;

	ret = vxpath_vu_bch_open(dev, config, &b, &peer_fd);
	if (ret < 0)
		return ret;
	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_BACKEND_REQ_FD);
	ret = vxpath_vu_exchange(dev, &vu->ep, &msg, &peer_fd, 1, NULL, NULL);
	close(peer_fd); /* the back-end has its own copy now */
	if (ret == 0)
		ret = vxpath_vu_bch_start(b);
	if (ret < 0) {
		vxpath_vu_bch_close(b);
		return ret;
	}
	vu->bch = b;
	return 0;
}

/* Names of the protocol features in @f, for the log ("MQ REPLY_ACK"). */
static void
protocol_names(uint64_t f, char *buf, size_t len)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ VHOST_USER_PROTOCOL_F_MQ, "MQ" },
		{ VHOST_USER_PROTOCOL_F_REPLY_ACK, "REPLY_ACK" },
		{ VHOST_USER_PROTOCOL_F_NET_MTU, "NET_MTU" },
		{ VHOST_USER_PROTOCOL_F_BACKEND_REQ, "BACKEND_REQ" },
		{ VHOST_USER_PROTOCOL_F_CONFIG, "CONFIG" },
		{ VHOST_USER_PROTOCOL_F_RESET_DEVICE, "RESET_DEVICE" },
		{ VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS,
		  "CONFIGURE_MEM_SLOTS" },
		{ VHOST_USER_PROTOCOL_F_STATUS, "STATUS" },
	};
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(names); i++) {
		int n;

		if (!(f & (1ULL << names[i].bit)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
			     used > 0 ? " " : "", names[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, len, "none");
}

/*
 * The connection's set-up sequence, run on each new connection (a replay
 * after a reconnection runs it again); see the file comment. The spec
 * allows all of these before SET_FEATURES.
 */
static int
vu_negotiate(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	uint64_t wanted = VXPATH_VU_PROTOCOL_FEATURES;
	char offered_names[160], names[160];
	int ret;

	vxpath_vu_bch_close(vu->bch);
	vu->bch = NULL;
	vu->protocol_offered = 0;
	vu->protocol_features = 0;
	vu->ep.reply_ack = false;

	ret = vxpath_vu_get_u64(dev, &vu->ep, VHOST_USER_GET_FEATURES,
				&vu->features);
	if (ret < 0)
		return ret;

	if (vu->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
		ret = vxpath_vu_get_u64(dev, &vu->ep,
					VHOST_USER_GET_PROTOCOL_FEATURES,
					&vu->protocol_offered);
		if (ret < 0)
			return ret;
		if (dev->args.queues > 1)
			wanted |= 1ULL << VHOST_USER_PROTOCOL_F_MQ;
		/* Sent without need_reply: REPLY_ACK is not on yet. */
		ret = vxpath_vu_set_u64(dev, &vu->ep,
					VHOST_USER_SET_PROTOCOL_FEATURES,
					vu->protocol_offered & wanted);
		if (ret < 0)
			return ret;
		vu->protocol_features = vu->protocol_offered & wanted;
		vu->ep.reply_ack = vxpath_vu_has_protocol(vu,
				VHOST_USER_PROTOCOL_F_REPLY_ACK);
	}
	if (dev->args.queues > 1) {
		ret = vu_check_queues(dev, vu);
		if (ret < 0)
			return ret;
	}
	ret = vu_setup_memory(dev, vu);
	if (ret < 0)
		return ret;
	if (vxpath_vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_BACKEND_REQ)) {
		ret = vu_open_backend_channel(dev, vu);
		if (ret < 0)
			return ret;
	}

	protocol_names(vu->protocol_offered, offered_names,
		       sizeof(offered_names));
	protocol_names(vu->protocol_features, names, sizeof(names));
	VXPATH_LOG(INFO, "%s: connected to vhost-user back-end %s: features 0x%" PRIx64 ", protocol features offered 0x%" PRIx64 " (%s), in use 0x%" PRIx64 " (%s)",
		   dev->name, dev->args.path, vu->features,
		   vu->protocol_offered, offered_names,
		   vu->protocol_features, names);
	return 0;
}

/*
 * Connection management (server=1, reconnect=): EAL interrupt thread.
 */

static void vu_hup_cb(void *arg);
static void vu_listen_cb(void *arg);
static void vu_alarm_cb(void *arg);

/* Whether connections come and go: server=1 or reconnect=. */
static bool
vu_managed(const struct vxpath_dev *dev)
{
	return dev->args.server || dev->args.reconnect > 0;
}

/* Schedule vu_alarm_cb() in @ms milliseconds (ctrl_lock held). */
static void
vu_alarm_arm(struct vxpath_dev *dev, struct vxpath_vu *vu, unsigned int ms)
{
	int ret;

	if (vu->closing || vu->alarm_armed)
		return;
	ret = rte_eal_alarm_set((uint64_t)ms * 1000, vu_alarm_cb, dev);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot schedule the next vhost-user connection step: %s",
			   dev->name, strerror(-ret));
		return;
	}
	vu->alarm_armed = true;
}

/*
 * Close the connection (ctrl_lock held) and say what comes next; tell the
 * device layer if the connection served the port. A client with
 * reconnect= starts retrying; a server waits for the next back-end.
 */
static void
vu_drop(struct vxpath_dev *dev, struct vxpath_vu *vu, const char *why)
{
	bool served = vu->ready;

	if (vu->ep.fd < 0)
		return;
	/* The back-end channel went with the connection. */
	vxpath_vu_bch_close(vu->bch);
	vu->bch = NULL;
	epoll_ctl(vu->hup_epfd, EPOLL_CTL_DEL, vu->ep.fd, NULL);
	vu->hung_up = false;
	/* Memory events (any thread) and exchanges see no connection. */
	pthread_mutex_lock(&vu->ep.lock);
	close(vu->ep.fd);
	vu->ep.fd = -1;
	vu->ep.broken = false;
	vu->ep.broken_reported = false;
	vu->mem_generation++;
	pthread_mutex_unlock(&vu->ep.lock);
	vu->ready = false;
	vu->replay_pending = false;
	vu->attempts = 0;
	if (dev->args.server)
		VXPATH_LOG(WARNING, "%s: vhost-user back-end on %s %s; waiting for a back-end to connect (server=1)",
			   dev->name, dev->args.path, why);
	else if (dev->args.reconnect > 0)
		VXPATH_LOG(WARNING, "%s: vhost-user back-end at %s %s; trying to reconnect every %u ms (reconnect=)",
			   dev->name, dev->args.path, why,
			   dev->args.reconnect);
	else
		VXPATH_LOG(WARNING, "%s: vhost-user back-end at %s %s",
			   dev->name, dev->args.path, why);
	if (served && dev->events != NULL && dev->events->detached != NULL)
		dev->events->detached(dev);
	if (!dev->args.server && dev->args.reconnect > 0)
		vu_alarm_arm(dev, vu, dev->args.reconnect);
}

/*
 * Replay the device state on a handshaken connection (ctrl_lock held):
 * events->attached; -EAGAIN retries in VU_REPLAY_RETRY_MS, another error
 * drops the connection.
 */
static void
vu_replay(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	int ret = -ENODEV;

	if (dev->events != NULL && dev->events->attached != NULL)
		ret = dev->events->attached(dev);
	if (ret == -EAGAIN) {
		if (!vu->replay_pending)
			VXPATH_LOG(NOTICE, "%s: vhost-user back-end at %s: waiting for the rings to settle before replaying them",
				   dev->name, dev->args.path);
		vu->replay_pending = true;
		vu_alarm_arm(dev, vu, VU_REPLAY_RETRY_MS);
		return;
	}
	vu->replay_pending = false;
	if (ret < 0) {
		vu_drop(dev, vu, "could not take the port's state");
		return;
	}
	vu->ready = true;
	vu->connections++;
	VXPATH_LOG(NOTICE, "%s: vhost-user back-end at %s serves the port (connection %" PRIu64 " since probe)",
		   dev->name, dev->args.path, vu->connections);
}

/* A new connected socket @fd (ctrl_lock held): watch, set up, replay. */
static void
vu_attach(struct vxpath_dev *dev, struct vxpath_vu *vu, int fd)
{
	struct epoll_event ev = { .events = EPOLLRDHUP | EPOLLONESHOT };

	pthread_mutex_lock(&vu->ep.lock);
	vu->ep.fd = fd;
	vu->ep.broken = false;
	vu->ep.broken_reported = false;
	pthread_mutex_unlock(&vu->ep.lock);
	vu->ready = false;
	vu->hung_up = false;
	ev.data.fd = fd;
	if (epoll_ctl(vu->hup_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		VXPATH_LOG(ERR, "%s: cannot watch the vhost-user connection: %s",
			   dev->name, strerror(errno));
		vu_drop(dev, vu, "could not be watched");
		return;
	}
	if (vu_negotiate(dev, vu) < 0) {
		vu_drop(dev, vu, "failed the set-up sequence");
		return;
	}
	vu_replay(dev, vu);
}

/* The connection hung up (or we shut it down after a failed exchange). */
static void
vu_hup_cb(void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_vu *vu = dev->backend;
	struct epoll_event ev;

	/* Take the event out of the set: EPOLLONESHOT disarms the socket,
	 * the set stops being readable.
	 */
	if (epoll_wait(vu->hup_epfd, &ev, 1, 0) <= 0)
		return;
	pthread_mutex_lock(&dev->ctrl_lock);
	if (vu->closing || vu->ep.fd < 0 || ev.data.fd != vu->ep.fd) {
		/* not this connection's, or destroy() is under way */
	} else if (vu_managed(dev)) {
		vu_drop(dev, vu, vu->ep.broken ? "failed an exchange" :
				 "closed the connection");
	} else {
		/* A plain client keeps it until destroy(): the link is down
		 * for good (link_up()).
		 */
		vu->hung_up = true;
		VXPATH_LOG(WARNING, "%s: vhost-user back-end at %s %s; detach and attach the port (or use server=1 or reconnect=<ms>) to use it again",
			   dev->name, dev->args.path,
			   vu->ep.broken ? "failed an exchange" :
					   "closed the connection");
		if (dev->events != NULL && dev->events->link_changed != NULL)
			dev->events->link_changed(dev);
	}
	pthread_mutex_unlock(&dev->ctrl_lock);
}

/* server=1: a back-end connects. One at a time: a second one is refused. */
static void
vu_listen_cb(void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_vu *vu = dev->backend;
	int fd;

	fd = vxpath_vu_sock_accept(dev, vu->listen_fd);
	if (fd < 0)
		return;
	pthread_mutex_lock(&dev->ctrl_lock);
	if (vu->closing) {
		close(fd);
	} else if (vu->ep.fd >= 0) {
		VXPATH_LOG(WARNING, "%s: a second vhost-user back-end connected to %s while one is attached: refused (one at a time)",
			   dev->name, dev->args.path);
		close(fd);
	} else if (vxpath_vu_sock_set_timeouts(dev, fd) < 0) {
		close(fd);
	} else {
		VXPATH_LOG(INFO, "%s: a vhost-user back-end connected to %s",
			   dev->name, dev->args.path);
		vu_attach(dev, vu, fd);
	}
	pthread_mutex_unlock(&dev->ctrl_lock);
}

/* A replay to retry, or (client, reconnect=) a connection attempt. */
static void
vu_alarm_cb(void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_vu *vu = dev->backend;
	int fd;

	pthread_mutex_lock(&dev->ctrl_lock);
	vu->alarm_armed = false;
	if (vu->closing) {
		/* nothing: destroy() is under way */
	} else if (vu->ep.fd >= 0) {
		if (vu->replay_pending)
			vu_replay(dev, vu);
	} else if (!dev->args.server && dev->args.reconnect > 0) {
		vu->attempts++;
		fd = vxpath_vu_sock_connect(dev, true);
		if (fd < 0) {
			vu_alarm_arm(dev, vu, dev->args.reconnect);
		} else {
			VXPATH_LOG(INFO, "%s: reconnected to vhost-user back-end %s (attempt %u)",
				   dev->name, dev->args.path, vu->attempts);
			vu_attach(dev, vu, fd);
		}
	}
	pthread_mutex_unlock(&dev->ctrl_lock);
}

/* Follow connection @fd's hang-up, and with server=1 new back-ends. */
static int
vu_watch_connection(struct vxpath_dev *dev, struct vxpath_vu *vu, int fd)
{
	struct epoll_event ev = { .events = EPOLLRDHUP | EPOLLONESHOT };
	int ret;

	vu->hup_epfd = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = fd;
	if (vu->hup_epfd < 0 ||
	    epoll_ctl(vu->hup_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot watch the vhost-user connection: %s",
			   dev->name, strerror(-ret));
		return ret;
	}
	ret = vxpath_watch_start(&vu->hup_watch, vu->hup_epfd, vu_hup_cb, dev,
				 dev->name, "vhost-user connection");
	if (ret == 0 && dev->args.server)
		ret = vxpath_watch_start(&vu->listen_watch, vu->listen_fd,
					 vu_listen_cb, dev, dev->name,
					 "vhost-user listening socket");
	return ret;
}

int
vxpath_vu_conn_setup(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu;
	int ret, fd;

	vu = calloc(1, sizeof(*vu));
	if (vu == NULL || vxpath_vu_endpoint_init(&vu->ep) != 0) {
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		free(vu);
		return -ENOMEM;
	}
	vu->listen_fd = -1;
	vu->hup_epfd = -1;
	vu->hup_watch.fd = -1;
	vu->listen_watch.fd = -1;
	dev->backend = vu;

	if (dev->args.server) {
		vu->listen_fd = vxpath_vu_sock_listen(dev);
		if (vu->listen_fd < 0) {
			ret = vu->listen_fd;
			vu->listen_fd = -1;
			goto fail;
		}
		fd = vxpath_vu_sock_accept_first(dev, vu->listen_fd);
	} else {
		fd = vxpath_vu_sock_connect(dev, false);
	}
	if (fd < 0) {
		ret = fd;
		goto fail;
	}
	vu->ep.fd = fd;

	ret = vu_negotiate(dev, vu);
	if (ret < 0)
		goto fail;
	ret = vu_watch_connection(dev, vu, fd);
	if (ret < 0)
		goto fail;
	vu->ready = true;
	vu->connections = 1;
	return 0;

fail:
	vxpath_vu_conn_destroy(dev);
	return ret;
}

void
vxpath_vu_conn_destroy(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL)
		return;
	pthread_mutex_lock(&dev->ctrl_lock);
	vu->closing = true;
	pthread_mutex_unlock(&dev->ctrl_lock);
	vxpath_watch_stop(&vu->listen_watch);
	vxpath_watch_stop(&vu->hup_watch);
	/* Whether or not one is pending: a run in another thread is waited
	 * for (alarm_armed is already false during it), and it cannot
	 * re-arm (closing). Only managed connections arm alarms.
	 */
	if (vu_managed(dev))
		rte_eal_alarm_cancel(vu_alarm_cb, dev);
	if (vu->hup_epfd >= 0)
		close(vu->hup_epfd);
	if (vu->listen_fd >= 0) {
		close(vu->listen_fd);
		unlink(dev->args.path);
	}
	vxpath_vu_bch_close(vu->bch);
	vu->bch = NULL;
	vxpath_vu_endpoint_fini(&vu->ep);
	free(vu);
	dev->backend = NULL;
}

/*
 * Whether @fd hung up, looked at now: poll() without timeout reports
 * POLLRDHUP/POLLHUP/POLLERR without consuming anything (a reply waiting
 * to be read is left alone).
 */
static bool
fd_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	if (poll(&p, 1, 0) <= 0)
		return false; /* nothing pending (or EINTR): still there */
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

bool
vxpath_vu_conn_link_up(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	/* Read without ctrl_lock: at worst the answer of a moment ago,
	 * and the change that made it stale brings its own event.
	 */
	if (vu == NULL || !vu->ready || vu->hung_up)
		return false;
	return vu->ep.fd >= 0 && !fd_hung_up(vu->ep.fd);
}

bool
vxpath_vu_conn_detached(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	return vu != NULL && vu_managed(dev) && !vu->ready;
}
