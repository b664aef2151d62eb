/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user back-end channel (declared in
 * vhost_user_backend_channel.h; spec, "Back-end communication"): our end of
 * the socketpair whose other end went to the back-end with
 * SET_BACKEND_REQ_FD, served by the EAL interrupt thread. Requests are
 * dispatched by a table indexed by back-end request code; vxpath serves
 * VHOST_USER_BACKEND_CONFIG_CHANGE_MSG (with CONFIG negotiated: the device
 * configuration is read again and an LSC event raised) and refuses every
 * other request, with a reply of 1 when the back-end asks for one.
 *
 * Hardening: a request is read only if its header is well-formed
 * (vxpath_vu_backend_hdr_check(): version, no reply flag, a payload vxpath
 * can hold); fds that come with it are closed. A malformed request, a
 * short read, a timeout or a failed reply is logged once and closes the
 * channel only: the port keeps working without it.
 *
 * A channel is separate from the connection's state: when the port is
 * closed from inside its callback (an application's LSC callback), it is
 * freed after the callback returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_interrupts.h>

#include "vhost_user.h"
#include "vhost_user_backend_channel.h"
#include "vhost_user_socket.h"
#include "vhost.h"
#include "vxpath.h"
#include "vxpath_log.h"

/** One back-end channel. */
struct vxpath_vu_bch {
	int fd;                       /**< our end, owned */
	struct rte_intr_handle *h;    /**< EXT handle on @fd */
	struct vxpath_dev *dev;
	bool serve_config;            /**< CONFIG negotiated */
	bool registered;              /**< the callback is in the EAL list */
	bool refused_logged;          /**< an unserved request was logged */
};

/**
 * How vxpath serves one back-end request: a row of the dispatch table.
 * Adding a request is one row and its functions.
 */
struct bch_request {
	/** Whether this channel serves the request as received (payload
	 * size, negotiated protocol features).
	 */
	bool (*accept)(const struct vxpath_vu_bch *b,
		       const struct vxpath_vu_hdr *hdr);
	/** What serving it does, after the reply went out; last thing of
	 * the callback (it may end in the port's closing).
	 */
	void (*serve)(struct vxpath_dev *dev);
};

/* CONFIG_CHANGE_MSG: the device layer reads the configuration again. */
static void
bch_config_changed(struct vxpath_dev *dev)
{
	if (dev->events != NULL && dev->events->config_changed != NULL)
		dev->events->config_changed(dev);
}

/* CONFIG_CHANGE_MSG: no payload; served where CONFIG is negotiated. */
static bool
bch_config_change_accept(const struct vxpath_vu_bch *b,
			 const struct vxpath_vu_hdr *hdr)
{
	return b->serve_config && hdr->size == 0;
}

/* The back-end requests vxpath serves; the others are refused. */
static const struct bch_request bch_requests[] = {
	[VHOST_USER_BACKEND_CONFIG_CHANGE_MSG] = {
		.accept = bch_config_change_accept,
		.serve = bch_config_changed,
	},
};

static void bch_cb(void *arg);

/* Stop serving the channel (malformed input or hang-up): see bch_cb(). */
static void
bch_stop_in_cb(struct vxpath_vu_bch *b)
{
	shutdown(b->fd, SHUT_RDWR);
	/* Inside our own callback: removed once it returns. The fd and the
	 * handle stay until vxpath_vu_bch_close().
	 */
	if (rte_intr_callback_unregister_pending(b->h, bch_cb, b, NULL) >= 0)
		b->registered = false;
}

/*
 * Answer a back-end request that asked for a reply: 0 success, 1 refused.
 * Return: 0; the error of vxpath_vu_sock_send().
 */
static int
bch_reply(struct vxpath_vu_bch *b, uint32_t request, uint64_t value)
{
	struct vxpath_vu_hdr hdr = {
		.request = request,
		.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY,
		.size = sizeof(value),
	};

	return vxpath_vu_sock_send(b->fd, &hdr, &value, sizeof(value), NULL, 0);
}

/* The row serving @hdr's request, or NULL: refused. */
static const struct bch_request *
bch_dispatch(const struct vxpath_vu_bch *b, const struct vxpath_vu_hdr *hdr)
{
	const struct bch_request *r;

	if (hdr->request >= RTE_DIM(bch_requests))
		return NULL;
	r = &bch_requests[hdr->request];
	if (r->accept == NULL || !r->accept(b, hdr))
		return NULL;
	return r;
}

/*
 * EAL interrupt thread: one request from the back-end, read whole, then
 * dispatched (bch_requests): acknowledged when served, refused otherwise.
 * A malformed message (bad version, reply flag, oversized payload, short
 * read, timeout) is logged once and the channel closed.
 */
static void
bch_cb(void *arg)
{
	struct vxpath_vu_bch *b = arg;
	struct vxpath_dev *dev = b->dev;
	const struct bch_request *row;
	union vxpath_vu_payload payload;
	struct vxpath_vu_hdr hdr;
	unsigned int nfds = 0;
	bool dropped = false;
	int ret;

	ret = vxpath_vu_sock_recv(b->fd, &hdr, sizeof(hdr), &nfds, &dropped);
	if (ret == -ENOTCONN) {
		VXPATH_LOG(NOTICE, "%s: the vhost-user back-end closed its back-end channel",
			   dev->name);
		bch_stop_in_cb(b);
		return;
	}
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: back-end channel: cannot read a request header (%s); closing the channel",
			   dev->name, strerror(-ret));
		bch_stop_in_cb(b);
		return;
	}
	if (vxpath_vu_backend_hdr_check(dev->name, &hdr, sizeof(payload)) < 0) {
		/* Logged, with the channel's closing. */
		bch_stop_in_cb(b);
		return;
	}
	if (hdr.size > 0) {
		ret = vxpath_vu_sock_recv(b->fd, &payload, hdr.size, &nfds,
					  &dropped);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: back-end channel: %s announced %u payload bytes, reading them failed (%s); closing the channel",
				   dev->name,
				   vxpath_vu_backend_request_name(hdr.request),
				   hdr.size, strerror(-ret));
			bch_stop_in_cb(b);
			return;
		}
	}
	if (dropped)
		nfds++;
	if (nfds > 0)
		VXPATH_LOG(WARNING, "%s: back-end channel: %s came with %u file descriptors; closed them",
			   dev->name, vxpath_vu_backend_request_name(hdr.request),
			   nfds);

	row = bch_dispatch(b, &hdr);
	if (row != NULL) {
		VXPATH_LOG(INFO, "%s: back-end channel: %s", dev->name,
			   vxpath_vu_backend_request_name(hdr.request));
	} else if (!b->refused_logged) {
		b->refused_logged = true;
		VXPATH_LOG(WARNING, "%s: back-end channel: request %u (%s, %u payload bytes) is not served%s; later ones are logged at DEBUG level",
			   dev->name, hdr.request,
			   vxpath_vu_backend_request_name(hdr.request), hdr.size,
			   (hdr.flags & VHOST_USER_FLAG_NEED_REPLY) ?
			   ", replied with a failure" : "");
	} else {
		VXPATH_LOG(DEBUG, "%s: back-end channel: request %u refused",
			   dev->name, hdr.request);
	}
	/* A reply is what the back-end waits for: send it before anything
	 * else, so that it never waits on us while we wait on it.
	 */
	if (hdr.flags & VHOST_USER_FLAG_NEED_REPLY) {
		ret = bch_reply(b, hdr.request, row != NULL ? 0 : 1);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: back-end channel: cannot reply to %s (%s); closing the channel",
				   dev->name,
				   vxpath_vu_backend_request_name(hdr.request),
				   strerror(-ret));
			bch_stop_in_cb(b);
			return;
		}
	}
	if (row != NULL)
		row->serve(dev);
}

/* Free the channel once its callback is out of the EAL list. */
static void
bch_free_cb(struct rte_intr_handle *h, void *arg)
{
	struct vxpath_vu_bch *b = arg;

	RTE_SET_USED(h);
	close(b->fd);
	rte_intr_instance_free(b->h);
	free(b);
}

void
vxpath_vu_bch_close(struct vxpath_vu_bch *b)
{
	int ret;

	if (b == NULL)
		return;
	shutdown(b->fd, SHUT_RDWR);
	if (b->registered) {
		if (rte_thread_is_intr()) {
			ret = rte_intr_callback_unregister(b->h, bch_cb, b);
			if (ret == -EAGAIN &&
			    rte_intr_callback_unregister_pending(b->h, bch_cb, b,
							bch_free_cb) >= 0)
				return;
		} else {
			rte_intr_callback_unregister_sync(b->h, bch_cb, b);
		}
	}
	bch_free_cb(b->h, b);
}

int
vxpath_vu_bch_open(struct vxpath_dev *dev, bool serve_config,
		   struct vxpath_vu_bch **bp, int *peer_fd)
{
	struct timeval tv = {
		.tv_sec = vxpath_vu_reply_timeout_ms / 1000,
		.tv_usec = (vxpath_vu_reply_timeout_ms % 1000) * 1000,
	};
	struct vxpath_vu_bch *b;
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot create the back-end channel: %s",
			   dev->name, strerror(-ret));
		return ret;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	b = calloc(1, sizeof(*b));
	if (b != NULL)
		b->h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (b == NULL || b->h == NULL ||
	    rte_intr_type_set(b->h, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_fd_set(b->h, sv[0]) != 0) {
		VXPATH_LOG(ERR, "%s: no memory for the back-end channel",
			   dev->name);
		if (b != NULL)
			rte_intr_instance_free(b->h);
		free(b);
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	b->fd = sv[0];
	b->dev = dev;
	b->serve_config = serve_config;
	*bp = b;
	*peer_fd = sv[1];
	return 0;
}

int
vxpath_vu_bch_start(struct vxpath_vu_bch *b)
{
	int ret = rte_intr_callback_register(b->h, bch_cb, b);

	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot watch the back-end channel in the EAL interrupt thread: %s",
			   b->dev->name, strerror(-ret));
		return ret;
	}
	b->registered = true;
	return 0;
}
