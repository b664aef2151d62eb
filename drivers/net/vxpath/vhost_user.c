/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user back-end of the vhost adapter: vxpath is the vhost-user
 * front-end, and either connects to a back-end's Unix socket at
 * dev->args.path (client mode, the default) or listens there for a
 * back-end to connect (server=1). This file owns the sockets and the
 * exchange of messages on them: encoding requests (pure functions,
 * declared in vhost_user.h), passing fds with SCM_RIGHTS, the validation
 * of every reply, and the protocol features (VXPATH_VU_PROTOCOL_FEATURES),
 * each negotiated where the back-end offers it in the connection's set-up
 * sequence (vu_negotiate()): REPLY_ACK (every request without a reply of
 * its own is acked and the ack checked), MQ, STATUS (SET_STATUS/
 * GET_STATUS), CONFIG (GET_CONFIG), NET_MTU (NET_SET_MTU), BACKEND_REQ
 * (the back-end channel, served by the EAL interrupt thread),
 * CONFIGURE_MEM_SLOTS (GET_MAX_MEM_SLOTS, ADD_MEM_REG, REM_MEM_REG) and
 * RESET_DEVICE. It also keeps the back-end's memory table in line with
 * DPDK's memory hot-plug (a memory event callback). It follows the
 * vhost-user protocol specification (QEMU docs/interop/vhost-user.rst).
 *
 * Connection management (server=1, reconnect=): after setup, the EAL
 * interrupt thread watches the connected socket for its hang-up and, with
 * server=1, the listening socket for a new back-end. A connection that
 * goes away is closed and the device layer told (dev->events->detached):
 * the rings stay in our memory, the datapath keeps polling them, the link
 * is down. A new connection (server=1: the next back-end that connects,
 * one at a time; client with reconnect=<ms>: connect() retried from an EAL
 * alarm every that many ms) goes through the same set-up sequence as the
 * first one (vu_negotiate()) and then dev->events->attached replays the
 * device state on it. Those steps run under dev->ctrl_lock; each exchange
 * under vu->lock.
 *
 * Threads: requests come from the application's threads, the EAL
 * interrupt thread (GET_CONFIG after CONFIG_CHANGE_MSG) and any thread that
 * allocates or frees DPDK memory (memory events): struct vxpath_vu's lock
 * makes each exchange whole.
 *
 * Hardening: a reply is accepted only if its request code, version, reply
 * flag and payload size are the expected ones (GET_CONFIG: also offset,
 * size and flags); fds that come with a reply are closed; a back-end that
 * closes the socket gives -ENOTCONN, one that does not answer within
 * vxpath_vu_reply_timeout_ms gives -ETIMEDOUT. After any failed exchange
 * the byte stream can no longer be trusted to be in step, so the
 * connection is marked broken (shut down) and every later request on it
 * fails with -ENOTCONN; with server=1 or reconnect= the shut-down socket is
 * then closed like one the back-end hung up, and a new connection replaces
 * it. On the back-end channel a malformed request closes that channel
 * only.
 *
 * Errors of the operations, beyond vhost.h's -EIO (bad exchange or refused
 * REPLY_ACK) and -ENOTCONN (back-end gone, or connection broken earlier):
 * -ETIMEDOUT when no reply came in time; setup(): the connect() errno
 * (-ENOENT no socket, -ECONNREFUSED nobody listening, ...), -ENAMETOOLONG,
 * server=1: -EADDRINUSE (a file is at the path), the bind()/listen()/
 * accept() errno; -ENOTSUP for queues=N the back-end cannot serve (no
 * VHOST_USER_PROTOCOL_F_MQ, or GET_QUEUE_NUM below N), -E2BIG for a file
 * per 2 MB page without CONFIGURE_MEM_SLOTS, -ENOMEM, the errno of
 * socketpair() or of the EAL interrupt registration (BACKEND_REQ);
 * set_features(): -EINVAL for bits not offered; set_mem_table(): -E2BIG
 * (more than 8 regions, or than the back-end's memory slots), -ENOTSUP
 * (memory without fd), -ENOENT (no memory), -EINVAL, -ENOMEM;
 * set_vring_kick/call(): -EINVAL for a vring index above 255. Each is
 * logged once, naming the device.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/virtio_net.h>
#include <rte_alarm.h>
#include <rte_common.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_memory.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "virtio_net.h"
#include "vxpath.h"
#include "vxpath_log.h"

unsigned int vxpath_vu_reply_timeout_ms = 5000;

struct vu_bch;

/* Milliseconds between two attempts to replay the device state on a
 * connection whose rings are not settled yet (events->attached -EAGAIN).
 */
#define VU_REPLAY_RETRY_MS 10
/* Pending connections the listening socket (server=1) keeps. */
#define VU_LISTEN_BACKLOG 4

/**
 * Private state of the vhost-user back-end of one port, in dev->backend.
 * @fd, @broken and the connection's own state change under vu->lock and,
 * with server=1 or reconnect=, dev->ctrl_lock; the connection manager's
 * fields (from @ready on) under dev->ctrl_lock.
 */
struct vxpath_vu {
	int fd;                     /**< connected socket, -1 if none */
	bool broken;                /**< stream out of step or peer gone */
	bool broken_reported;       /**< a request was refused for it */
	uint64_t features;          /**< GET_FEATURES, bit 30 included */
	uint64_t protocol_offered;  /**< GET_PROTOCOL_FEATURES' answer */
	uint64_t protocol_features; /**< negotiated protocol features */
	bool protocol_acked;        /**< bit 30 sent with SET_FEATURES */
	/**
	 * One exchange at a time on @fd: the application's threads, the EAL
	 * interrupt thread (back-end channel: GET_CONFIG after a config
	 * change) and memory event callbacks (any thread allocating DPDK
	 * memory) all send requests. Lock order: the memory hot-plug lock
	 * (EAL's) before this one, never the reverse.
	 */
	pthread_mutex_t lock;
	/** The back-end channel (BACKEND_REQ), NULL when not set up. */
	struct vu_bch *bch;
	/** GET_MAX_MEM_SLOTS' answer (capped): ADD/REM_MEM_REG are used;
	 * 0: SET_MEM_TABLE with at most VHOST_USER_MAX_MEM_REGIONS.
	 */
	unsigned int max_mem_slots;
	/** Regions the back-end has now (slot order irrelevant), room for
	 * max_mem_slots (or VHOST_USER_MAX_MEM_REGIONS) entries.
	 */
	struct vxpath_mem_region *mem;
	unsigned int nmem;
	bool mem_sent;              /**< a memory table went out */
	bool mem_cb;                /**< memory event callback registered */
	char mem_cb_name[RTE_MEM_EVENT_CALLBACK_NAME_LEN];

	/** The connection serves the port: set-up and replay done. */
	bool ready;
	/** Connected and set up; the replay waits (-EAGAIN). */
	bool replay_pending;
	/** destroy() has begun: no new connection, no new alarm. */
	bool closing;
	/** server=1: listening socket (O_NONBLOCK after the first accept),
	 * -1 otherwise; we created the file at args.path.
	 */
	int listen_fd;
	/** Epoll set (owned) holding @fd alone, EPOLLRDHUP|EPOLLONESHOT: it
	 * becomes readable on the connection's hang-up only, never on a
	 * reply waiting to be read. server=1 or reconnect= only, else -1.
	 */
	int hup_epfd;
	struct rte_intr_handle *hup_handle;    /**< watch on hup_epfd */
	struct rte_intr_handle *listen_handle; /**< watch on listen_fd */
	bool alarm_armed;           /**< vu_alarm_cb() is scheduled */
	unsigned int attempts;      /**< reconnect attempts since the loss */
	uint64_t connections;       /**< connections that served the port */
};

/**
 * The back-end channel (spec, "Back-end communication"): our end of the
 * socketpair whose other end went to the back-end with
 * SET_BACKEND_REQ_FD, served by the EAL interrupt thread. Separate from
 * struct vxpath_vu: when the port is closed from inside its callback (an
 * application's LSC callback), it is freed after the callback returns.
 */
struct vu_bch {
	int fd;                       /**< our end, owned */
	struct rte_intr_handle *h;    /**< EXT handle on @fd */
	struct vxpath_dev *dev;
	bool registered;              /**< the callback is in the EAL list */
	bool refused_logged;          /**< an unserved request was logged */
};

/* Control buffer big enough for VHOST_USER_MAX_FDS fds, aligned for cmsg. */
union vu_cmsg_buf {
	char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
	struct cmsghdr align;
};

/*
 * Socket side.
 */

/*
 * The stream is out of step or the peer is gone: fail every later request,
 * and shut the socket down so that a back-end still alive sees the
 * disconnection and stops using our rings and buffers (the vhost-user spec:
 * a back-end stops its rings when the front-end disconnects).
 */
static void
vu_mark_broken(struct vxpath_vu *vu)
{
	if (vu->broken)
		return;
	vu->broken = true;
	if (vu->fd >= 0)
		shutdown(vu->fd, SHUT_RDWR);
}

/*
 * Turn the errno of a failed send or receive into the adapter's error code,
 * log it once and mark the connection broken.
 */
static int
vu_io_error(struct vxpath_dev *dev, struct vxpath_vu *vu, const char *what,
	    uint32_t request, int err)
{
	vu_mark_broken(vu);
	if (err == EAGAIN || err == EWOULDBLOCK) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end at %s did not %s %s within %u ms; giving up on this connection",
			   dev->name, dev->args.path,
			   strcmp(what, "send") == 0 ? "accept" : "answer",
			   vxpath_vu_request_name(request),
			   vxpath_vu_reply_timeout_ms);
		return -ETIMEDOUT;
	}
	if (err == EPIPE || err == ECONNRESET) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end at %s closed the connection (%s of %s: %s)",
			   dev->name, dev->args.path, what,
			   vxpath_vu_request_name(request), strerror(err));
		return -ENOTCONN;
	}
	VXPATH_LOG(ERR, "%s: %s of %s on %s failed: %s", dev->name, what,
		   vxpath_vu_request_name(request), dev->args.path,
		   strerror(err));
	return -EIO;
}

/* Close every fd that came in @mh's control data; return how many. */
static unsigned int
cmsg_close_fds(struct msghdr *mh)
{
	struct cmsghdr *cmsg;
	unsigned int closed = 0;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(mh, cmsg)) {
		size_t i, n;

		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(fd));
			if (fd >= 0 && close(fd) == 0)
				closed++;
		}
	}
	return closed;
}

/* Close every fd a received message carried; none is expected. */
static void
vu_close_received_fds(struct vxpath_dev *dev, struct msghdr *mh,
		      uint32_t request)
{
	unsigned int closed = cmsg_close_fds(mh);

	if (closed > 0 || (mh->msg_flags & MSG_CTRUNC))
		VXPATH_LOG(WARNING, "%s: vhost-user back-end sent file descriptors with the reply to %s; closed %u of them%s",
			   dev->name, vxpath_vu_request_name(request), closed,
			   (mh->msg_flags & MSG_CTRUNC) ?
			   " (more were dropped by the kernel)" : "");
}

/* Send one message with its fds, all of it (retrying EINTR and short sends). */
static int
vu_send(struct vxpath_dev *dev, struct vxpath_vu *vu,
	struct vxpath_vu_msg *msg, const int *fds, unsigned int nfds)
{
	union vu_cmsg_buf ctl;
	struct iovec iov[2];
	struct msghdr mh;
	size_t left;

	if (msg->hdr.size > sizeof(msg->payload) || nfds > VHOST_USER_MAX_FDS)
		return -EINVAL;

	iov[0].iov_base = &msg->hdr;
	iov[0].iov_len = sizeof(msg->hdr);
	iov[1].iov_base = &msg->payload;
	iov[1].iov_len = msg->hdr.size;
	left = iov[0].iov_len + iov[1].iov_len;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = msg->hdr.size > 0 ? 2 : 1;
	if (nfds > 0) {
		struct cmsghdr *cmsg;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	}

	while (left > 0) {
		/* MSG_NOSIGNAL: a closed peer gives EPIPE, not SIGPIPE. */
		ssize_t n = sendmsg(vu->fd, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vu_io_error(dev, vu, "send", msg->hdr.request,
					   errno);
		}
		if (n == 0)
			return vu_io_error(dev, vu, "send", msg->hdr.request,
					   EIO);
		left -= (size_t)n;
		/* The fds went with the first byte; skip what was sent. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (n > 0 && mh.msg_iovlen > 0) {
			size_t step = (size_t)n < mh.msg_iov->iov_len ?
				      (size_t)n : mh.msg_iov->iov_len;

			mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base +
					       step;
			mh.msg_iov->iov_len -= step;
			n -= (ssize_t)step;
			if (mh.msg_iov->iov_len == 0) {
				mh.msg_iov++;
				mh.msg_iovlen--;
			}
		}
	}
	return 0;
}

/*
 * Receive exactly @len bytes of a reply to @request into @buf, closing any
 * fd that comes along. EOF gives -ENOTCONN.
 */
static int
vu_recv(struct vxpath_dev *dev, struct vxpath_vu *vu, uint32_t request,
	void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		union vu_cmsg_buf ctl;
		struct iovec iov;
		struct msghdr mh;
		ssize_t n;

		iov.iov_base = (char *)buf + got;
		iov.iov_len = len - got;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);

		n = recvmsg(vu->fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vu_io_error(dev, vu, "receive", request, errno);
		}
		vu_close_received_fds(dev, &mh, request);
		if (n == 0) {
			vu_mark_broken(vu);
			VXPATH_LOG(ERR, "%s: vhost-user back-end at %s closed the connection before replying to %s",
				   dev->name, dev->args.path,
				   vxpath_vu_request_name(request));
			return -ENOTCONN;
		}
		got += (size_t)n;
	}
	return 0;
}

/*
 * Receive and validate the reply to @request; its payload into @payload,
 * its size (bytes) to @size.
 */
static int
vu_recv_reply(struct vxpath_dev *dev, struct vxpath_vu *vu, uint32_t request,
	      union vxpath_vu_payload *payload, uint32_t *size)
{
	struct vxpath_vu_hdr hdr;
	int ret;

	ret = vu_recv(dev, vu, request, &hdr, sizeof(hdr));
	if (ret < 0)
		return ret;
	ret = vxpath_vu_reply_check(dev->name, request, &hdr);
	if (ret < 0) {
		/* Unknown bytes may follow: the stream is out of step. */
		vu_mark_broken(vu);
		return ret;
	}
	*size = hdr.size;
	/* hdr.size <= vxpath_vu_reply_size(request) <= sizeof(*payload) */
	if (hdr.size == 0)
		return 0;
	return vu_recv(dev, vu, request, payload, hdr.size);
}

/*
 * Send one request and wait for what answers it: its own reply (stored in
 * @reply, which may be NULL otherwise; its size in bytes to @reply_size
 * when not NULL) or, with REPLY_ACK negotiated, the ack, which is checked.
 * Sets need_reply on requests that have no reply of their own when
 * REPLY_ACK is negotiated. The caller holds vu->lock.
 */
static int
vu_request_locked(struct vxpath_dev *dev, struct vxpath_vu_msg *msg,
		  const int *fds, unsigned int nfds,
		  union vxpath_vu_payload *reply, uint32_t *reply_size)
{
	struct vxpath_vu *vu = dev->backend;
	uint32_t request = msg->hdr.request;
	union vxpath_vu_payload payload;
	uint32_t size = 0;
	bool own_reply, ack;
	int ret;

	if (vu->broken) {
		/* The cause was logged when it happened; say this once. */
		if (!vu->broken_reported)
			VXPATH_LOG(ERR, "%s: cannot send %s: the connection to the vhost-user back-end at %s failed earlier%s",
				   dev->name, vxpath_vu_request_name(request),
				   dev->args.path,
				   (dev->args.server || dev->args.reconnect) ?
				   " (waiting for a new connection)" :
				   " (use server=1 or reconnect=<ms>, or detach and re-attach the port)");
		else
			VXPATH_LOG(DEBUG, "%s: %s not sent: connection broken",
				   dev->name, vxpath_vu_request_name(request));
		vu->broken_reported = true;
		return -ENOTCONN;
	}

	own_reply = vxpath_vu_has_reply(request);
	ack = !own_reply && (vu->protocol_features &
			     (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK));
	if (ack)
		msg->hdr.flags |= VHOST_USER_FLAG_NEED_REPLY;

	VXPATH_LOG(DEBUG, "%s: %s (%u payload bytes, %u fds%s)", dev->name,
		   vxpath_vu_request_name(request), msg->hdr.size, nfds,
		   ack ? ", need_reply" : "");

	ret = vu_send(dev, vu, msg, fds, nfds);
	if (ret < 0)
		return ret;
	if (!own_reply && !ack)
		return 0;

	memset(&payload, 0, sizeof(payload));
	ret = vu_recv_reply(dev, vu, request, &payload, &size);
	if (ret < 0)
		return ret;
	if (ack)
		return vxpath_vu_ack_check(dev->name, request, payload.u64);
	if (reply != NULL)
		*reply = payload;
	if (reply_size != NULL)
		*reply_size = size;
	return 0;
}

/* vu_request_locked() under vu->lock. */
static int
vu_request_ex(struct vxpath_dev *dev, struct vxpath_vu_msg *msg,
	      const int *fds, unsigned int nfds,
	      union vxpath_vu_payload *reply, uint32_t *reply_size)
{
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL) {
		VXPATH_LOG(ERR, "%s: cannot send %s: vhost-user back-end is not set up",
			   dev->name, vxpath_vu_request_name(msg->hdr.request));
		return -ENOTCONN;
	}
	pthread_mutex_lock(&vu->lock);
	/* Checked under the lock: the connection manager closes @fd. */
	if (vu->fd < 0) {
		if (dev->args.server || dev->args.reconnect > 0)
			VXPATH_LOG(DEBUG, "%s: %s not sent: no back-end connected",
				   dev->name,
				   vxpath_vu_request_name(msg->hdr.request));
		else
			VXPATH_LOG(ERR, "%s: cannot send %s: vhost-user back-end is not set up",
				   dev->name,
				   vxpath_vu_request_name(msg->hdr.request));
		ret = -ENOTCONN;
	} else {
		ret = vu_request_locked(dev, msg, fds, nfds, reply,
					reply_size);
	}
	pthread_mutex_unlock(&vu->lock);
	return ret;
}

static int
vu_request(struct vxpath_dev *dev, struct vxpath_vu_msg *msg,
	   const int *fds, unsigned int nfds, union vxpath_vu_payload *reply)
{
	return vu_request_ex(dev, msg, fds, nfds, reply, NULL);
}

/* Whether protocol feature @bit was negotiated. */
static bool
vu_has_protocol(const struct vxpath_vu *vu, unsigned int bit)
{
	return (vu->protocol_features & (1ULL << bit)) != 0;
}

/* Send a request that has no payload and a u64 reply; the u64 to @value. */
static int
vu_get_u64(struct vxpath_dev *dev, uint32_t request, uint64_t *value)
{
	union vxpath_vu_payload reply;
	struct vxpath_vu_msg msg;
	int ret;

	vxpath_vu_msg_empty(&msg, request);
	ret = vu_request(dev, &msg, NULL, 0, &reply);
	if (ret == 0)
		*value = reply.u64;
	return ret;
}

/* Send a request with a u64 payload and no reply of its own. */
static int
vu_set_u64(struct vxpath_dev *dev, uint32_t request, uint64_t value)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_u64(&msg, request, value);
	return vu_request(dev, &msg, NULL, 0, NULL);
}

/* Send a request with a vring state payload and no reply of its own. */
static int
vu_set_state(struct vxpath_dev *dev, uint32_t request,
	     const struct vhost_vring_state *state)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_state(&msg, request, state);
	return vu_request(dev, &msg, NULL, 0, NULL);
}

/* dev->args.path as a Unix socket address. */
static int
vu_sockaddr(struct vxpath_dev *dev, struct sockaddr_un *sa)
{
	size_t len;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	len = strnlen(dev->args.path, sizeof(dev->args.path));
	if (len == 0 || len == sizeof(dev->args.path)) {
		VXPATH_LOG(ERR, "%s: no vhost-user socket path given", dev->name);
		return -EINVAL;
	}
	if (len >= sizeof(sa->sun_path)) {
		VXPATH_LOG(ERR, "%s: vhost-user socket path %s is %zu bytes, a Unix socket address holds at most %zu",
			   dev->name, dev->args.path, len,
			   sizeof(sa->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa->sun_path, dev->args.path, len);
	return 0;
}

/*
 * A back-end that hangs must not hang the application: every receive (and
 * send, and connect to a listener whose backlog is full) on @fd gives up
 * after vxpath_vu_reply_timeout_ms.
 */
static int
vu_set_timeouts(struct vxpath_dev *dev, int fd)
{
	struct timeval tv;
	int err;

	tv.tv_sec = vxpath_vu_reply_timeout_ms / 1000;
	tv.tv_usec = (vxpath_vu_reply_timeout_ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: cannot set the socket timeouts: %s",
			   dev->name, strerror(err));
		return -err;
	}
	return 0;
}

/*
 * A Unix stream socket (close-on-exec) for dev->args.path, whose address
 * goes in *@sa. Return: the fd (the caller's); the path's errors of
 * vu_sockaddr(); -errno of socket().
 */
static int
vu_socket(struct vxpath_dev *dev, struct sockaddr_un *sa)
{
	int fd, err;

	err = vu_sockaddr(dev, sa);
	if (err < 0)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: cannot create a Unix socket: %s",
			   dev->name, strerror(err));
		return -err;
	}
	return fd;
}

/*
 * Connect to the back-end's socket at dev->args.path.
 * @quiet: a background reconnection attempt (reconnect=): "no back-end
 *         there yet" (ENOENT, ECONNREFUSED) is logged at DEBUG only.
 * Return: the connected socket (owned by the caller); -errno of socket()
 * or connect() (-ETIMEDOUT for a full backlog); -EINVAL, -ENAMETOOLONG
 * for the path.
 */
static int
vu_connect(struct vxpath_dev *dev, bool quiet)
{
	struct sockaddr_un sa;
	int fd, err;

	fd = vu_socket(dev, &sa);
	if (fd < 0)
		return fd;
	err = vu_set_timeouts(dev, fd);
	if (err < 0) {
		close(fd);
		return err;
	}
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		if (err == EINTR)
			continue;
		if (err == EISCONN)
			break;
		if (err == EAGAIN)
			err = ETIMEDOUT;
		if (quiet && (err == ENOENT || err == ECONNREFUSED))
			VXPATH_LOG(DEBUG, "%s: reconnect to %s: %s", dev->name,
				   dev->args.path, strerror(err));
		else
			VXPATH_LOG(ERR, "%s: cannot connect to vhost-user socket %s: %s%s",
				   dev->name, dev->args.path, strerror(err),
				   (err == ENOENT || err == ECONNREFUSED) ?
				   " (is the vhost-user back-end running and listening on it? vxpath connects as a client unless server=1)" :
				   "");
		close(fd);
		return -err;
	}
	return fd;
}

/*
 * server=1: create the listening socket at dev->args.path. As upstream's
 * virtio-user, a file already there is not removed: the user must.
 * Return: 0; -errno of socket(), bind() (-EADDRINUSE: a file is there),
 * listen(); the path's errors of vu_sockaddr().
 */
static int
vu_listen(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	struct sockaddr_un sa;
	int fd, err;

	fd = vu_socket(dev, &sa);
	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: devarg %s=1: cannot listen on %s: %s%s",
			   dev->name, VXPATH_ARG_SERVER, dev->args.path,
			   strerror(err),
			   err == EADDRINUSE ?
			   " (a file is already there: remove it, or give another path)" :
			   "");
		close(fd);
		return -err;
	}
	if (listen(fd, VU_LISTEN_BACKLOG) < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: listen on %s: %s", dev->name,
			   dev->args.path, strerror(err));
		close(fd);
		unlink(dev->args.path);
		return -err;
	}
	vu->listen_fd = fd;
	return 0;
}

/*
 * server=1 at probe: wait, as long as it takes, for the first back-end to
 * connect, as upstream's virtio-user does (the device's features come
 * from it). Later connections are taken by vu_listen_cb().
 * Return: the connected socket (owned by the caller); -errno of accept()
 * or fcntl().
 */
static int
vu_accept_first(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	int fd, flags, err;

	VXPATH_LOG(NOTICE, "%s: server=1: waiting for a vhost-user back-end to connect to %s",
		   dev->name, dev->args.path);
	do {
		fd = accept4(vu->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: accept on %s: %s", dev->name,
			   dev->args.path, strerror(err));
		return -err;
	}
	/* From now on the interrupt thread accepts: never block it. */
	flags = fcntl(vu->listen_fd, F_GETFL);
	if (flags < 0 ||
	    fcntl(vu->listen_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: fcntl on %s: %s", dev->name,
			   dev->args.path, strerror(err));
		close(fd);
		return -err;
	}
	err = vu_set_timeouts(dev, fd);
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * The back-end channel (BACKEND_REQ): requests the back-end sends us.
 */

/* Receive exactly @len bytes from the back-end channel; fds are closed. */
static int
bch_recv(struct vu_bch *b, void *buf, size_t len, unsigned int *nfds)
{
	size_t got = 0;

	while (got < len) {
		union vu_cmsg_buf ctl;
		struct iovec iov = {
			.iov_base = (char *)buf + got,
			.iov_len = len - got,
		};
		struct msghdr mh = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.buf,
			.msg_controllen = sizeof(ctl.buf),
		};
		ssize_t n = recvmsg(b->fd, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ?
			       -ETIMEDOUT : -errno;
		}
		*nfds += cmsg_close_fds(&mh);
		if (mh.msg_flags & MSG_CTRUNC)
			(*nfds)++;
		if (n == 0)
			return -ENOTCONN;
		got += (size_t)n;
	}
	return 0;
}

static void bch_cb(void *arg);

/* Stop serving the channel (malformed input or hang-up): see bch_cb(). */
static void
bch_stop_in_cb(struct vu_bch *b)
{
	shutdown(b->fd, SHUT_RDWR);
	/* Inside our own callback: removed once it returns. The fd and the
	 * handle stay until vu_destroy().
	 */
	if (rte_intr_callback_unregister_pending(b->h, bch_cb, b, NULL) >= 0)
		b->registered = false;
}

/* Answer a back-end request that asked for a reply: 0 success, 1 refused. */
static int
bch_reply(struct vu_bch *b, uint32_t request, uint64_t value)
{
	struct vxpath_vu_hdr hdr = {
		.request = request,
		.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY,
		.size = sizeof(value),
	};
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = &value, .iov_len = sizeof(value) },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	do {
		n = sendmsg(b->fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	/* 20 bytes on a socket nobody wrote to: all or nothing. */
	if (n != (ssize_t)(sizeof(hdr) + sizeof(value)))
		return n < 0 ? -errno : -EIO;
	return 0;
}

/*
 * EAL interrupt thread: one request from the back-end. CONFIG_CHANGE_MSG
 * (with CONFIG negotiated) is acknowledged, then the configuration is read
 * again and an LSC event raised (vxpath_virtio_net_config_changed(), last:
 * an application callback may close the port). Every other request is
 * refused, with a reply of 1 when it asks for one. A malformed message
 * (bad version, reply flag, oversized payload, short read, timeout) is
 * logged once and the channel closed; the port keeps working without it.
 */
static void
bch_cb(void *arg)
{
	struct vu_bch *b = arg;
	struct vxpath_dev *dev = b->dev;
	struct vxpath_vu *vu = dev->backend;
	union vxpath_vu_payload payload;
	struct vxpath_vu_hdr hdr;
	unsigned int nfds = 0;
	bool serve = false;
	int ret;

	ret = bch_recv(b, &hdr, sizeof(hdr), &nfds);
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
		ret = bch_recv(b, &payload, hdr.size, &nfds);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: back-end channel: %s announced %u payload bytes, reading them failed (%s); closing the channel",
				   dev->name,
				   vxpath_vu_backend_request_name(hdr.request),
				   hdr.size, strerror(-ret));
			bch_stop_in_cb(b);
			return;
		}
	}
	if (nfds > 0)
		VXPATH_LOG(WARNING, "%s: back-end channel: %s came with %u file descriptors; closed them",
			   dev->name, vxpath_vu_backend_request_name(hdr.request),
			   nfds);

	if (hdr.request == VHOST_USER_BACKEND_CONFIG_CHANGE_MSG &&
	    hdr.size == 0 && vu != NULL &&
	    vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_CONFIG)) {
		serve = true;
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
		ret = bch_reply(b, hdr.request, serve ? 0 : 1);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: back-end channel: cannot reply to %s (%s); closing the channel",
				   dev->name,
				   vxpath_vu_backend_request_name(hdr.request),
				   strerror(-ret));
			bch_stop_in_cb(b);
			return;
		}
	}
	if (serve)
		vxpath_virtio_net_config_changed(dev);
}

/* Free the channel once its callback is out of the EAL list. */
static void
bch_free_cb(struct rte_intr_handle *h, void *arg)
{
	struct vu_bch *b = arg;

	RTE_SET_USED(h);
	close(b->fd);
	rte_intr_instance_free(b->h);
	free(b);
}

/*
 * Close the back-end channel. From the interrupt thread inside its own
 * callback (the port closed by an application's LSC callback) the
 * channel is freed after the callback returns.
 */
static void
bch_close(struct vu_bch *b)
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

/*
 * BACKEND_REQ: create the channel, give the back-end its end with
 * SET_BACKEND_REQ_FD and have the EAL interrupt thread serve ours.
 * Return: 0; -errno of socketpair(); -ENOMEM; an exchange error.
 */
static int
bch_open(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	struct timeval tv = {
		.tv_sec = vxpath_vu_reply_timeout_ms / 1000,
		.tv_usec = (vxpath_vu_reply_timeout_ms % 1000) * 1000,
	};
	struct vxpath_vu_msg msg;
	struct vu_bch *b;
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot create the back-end channel: %s",
			   dev->name, strerror(-ret));
		return ret;
	}
	/* A back-end that stalls mid-message holds the interrupt thread for
	 * one timeout at most.
	 */
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

	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_BACKEND_REQ_FD);
	ret = vu_request(dev, &msg, &sv[1], 1, NULL);
	close(sv[1]); /* the back-end has its own copy now */
	if (ret < 0) {
		bch_free_cb(b->h, b);
		return ret;
	}
	ret = rte_intr_callback_register(b->h, bch_cb, b);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot watch the back-end channel in the EAL interrupt thread: %s",
			   dev->name, strerror(-ret));
		bch_free_cb(b->h, b);
		return ret;
	}
	b->registered = true;
	vu->bch = b;
	return 0;
}

/*
 * Memory table: SET_MEM_TABLE, or ADD_MEM_REG/REM_MEM_REG with
 * CONFIGURE_MEM_SLOTS, at start and on each memory hot-plug event.
 */

/* Whether @r lies inside @d with the same file mapping. */
static bool
region_within(const struct vxpath_mem_region *r,
	      const struct vxpath_mem_region *d)
{
	return r->fd == d->fd && r->addr >= d->addr &&
	       r->addr + r->size <= d->addr + d->size &&
	       r->fd_offset == d->fd_offset + (r->addr - d->addr);
}

static int
region_cmp_addr(const void *a, const void *b)
{
	const struct vxpath_mem_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One line telling the user what to do when memory has too many pieces. */
static void
mem_too_many_log(struct vxpath_dev *dev, struct vxpath_vu *vu, unsigned int n)
{
	if (vu->max_mem_slots > 0)
		VXPATH_LOG(ERR, "%s: DPDK memory is in %u pieces but the vhost-user back-end at %s takes at most %u memory slots (VHOST_USER_GET_MAX_MEM_SLOTS): run EAL with --single-file-segments (or use 1 GB hugepages)",
			   dev->name, n, dev->args.path, vu->max_mem_slots);
	else
		VXPATH_LOG(ERR, "%s: DPDK memory is in %u pieces but vhost-user passes at most %u memory regions: run EAL with --single-file-segments (or use larger hugepages, e.g. 1 GB)",
			   dev->name, n, VHOST_USER_MAX_MEM_REGIONS);
}

/* SET_MEM_TABLE with DPDK memory as it is now (but for @skip). */
static int
mem_sync_table(struct vxpath_dev *dev, struct vxpath_vu *vu, bool force,
	       const void *skip, size_t skip_len)
{
	struct vxpath_mem_region regions[VHOST_USER_MAX_MEM_REGIONS];
	int fds[VHOST_USER_MAX_FDS];
	struct vxpath_vu_msg msg;
	unsigned int n = 0, nfds = 0;
	int ret;

	ret = vxpath_memory_regions_locked(regions, VHOST_USER_MAX_MEM_REGIONS,
					   &n, true, skip, skip_len);
	if (ret == -E2BIG)
		mem_too_many_log(dev, vu, n);
	if (ret < 0)
		return ret; /* the others are logged by memory.c */
	if (!force && n == vu->nmem &&
	    memcmp(regions, vu->mem, n * sizeof(regions[0])) == 0)
		return 0;
	ret = vxpath_vu_msg_mem_table(&msg, regions, n, fds, &nfds);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: invalid memory regions for the vhost-user back-end (%u regions): %s",
			   dev->name, n, strerror(-ret));
		return ret;
	}
	ret = vu_request_locked(dev, &msg, fds, nfds, NULL, NULL);
	if (ret < 0)
		return ret;
	memcpy(vu->mem, regions, n * sizeof(regions[0]));
	vu->nmem = n;
	VXPATH_LOG(DEBUG, "%s: memory table of %u regions sent", dev->name, n);
	return 0;
}

/* Send one ADD_MEM_REG or REM_MEM_REG. */
static int
mem_reg(struct vxpath_dev *dev, uint32_t request,
	const struct vxpath_mem_region *r)
{
	struct vxpath_vu_msg msg;
	unsigned int nfds = 0;
	int fds[1];

	if (vxpath_vu_msg_mem_reg(&msg, request, r, fds, &nfds) < 0) {
		VXPATH_LOG(ERR, "%s: %s: invalid region of %" PRIu64 " bytes at 0x%" PRIx64,
			   dev->name, vxpath_vu_request_name(request), r->size,
			   r->addr);
		return -EINVAL;
	}
	VXPATH_LOG(DEBUG, "%s: %s 0x%" PRIx64 "+%" PRIu64, dev->name,
		   vxpath_vu_request_name(request), r->addr, r->size);
	return vu_request_locked(dev, &msg, fds, nfds, NULL, NULL);
}

/*
 * CONFIGURE_MEM_SLOTS: bring the back-end's regions in line with DPDK
 * memory (but for @skip). A region the back-end has stays as long as all
 * its memory does, so that rings and buffers in it are never unmapped
 * while the port runs; new memory becomes new regions (ADD_MEM_REG); a
 * region part of which was freed is removed (REM_MEM_REG, first: the spec
 * has no overlapping regions) and what is left of it added again.
 */
static int
mem_sync_slots(struct vxpath_dev *dev, struct vxpath_vu *vu,
	       const void *skip, size_t skip_len)
{
	unsigned int max = vu->max_mem_slots, n = 0, nadd = 0, nkeep, i, j;
	struct vxpath_mem_region *want, *add = NULL, *keep = NULL;
	unsigned int nrem = 0, added = 0, removed = 0;
	bool *kept = NULL;
	int ret;

	/* calloc, not rte_malloc: the hot-plug lock may be held. */
	want = calloc(max, sizeof(*want));
	if (want == NULL)
		return -ENOMEM;
	ret = vxpath_memory_regions_locked(want, max, &n, true, skip, skip_len);
	if (ret == -E2BIG)
		mem_too_many_log(dev, vu, n);
	if (ret < 0)
		goto out;
	kept = calloc(vu->nmem + 1, sizeof(*kept));
	keep = calloc(vu->nmem + 1, sizeof(*keep));
	add = calloc(n + vu->nmem + 1, sizeof(*add));
	if (kept == NULL || keep == NULL || add == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	/* Regions of the back-end that DPDK memory still covers whole. */
	nkeep = 0;
	for (i = 0; i < vu->nmem; i++) {
		for (j = 0; j < n && !kept[i]; j++)
			kept[i] = region_within(&vu->mem[i], &want[j]);
		if (kept[i])
			keep[nkeep++] = vu->mem[i];
		else
			nrem++;
	}
	qsort(keep, nkeep, sizeof(*keep), region_cmp_addr);
	/* The rest of each piece of memory: the gaps between kept ones. */
	for (j = 0; j < n; j++) {
		uint64_t at = want[j].addr, end = want[j].addr + want[j].size;

		for (i = 0; i <= nkeep && at < end; i++) {
			uint64_t stop = end;

			if (i < nkeep) {
				if (!region_within(&keep[i], &want[j]))
					continue;
				stop = keep[i].addr;
			}
			if (stop > at) {
				add[nadd] = want[j];
				add[nadd].addr = at;
				add[nadd].size = stop - at;
				add[nadd].fd_offset = want[j].fd_offset +
						      (at - want[j].addr);
				nadd++;
			}
			if (i < nkeep)
				at = keep[i].addr + keep[i].size;
			else
				at = end;
		}
	}
	if (vu->nmem - nrem + nadd > max) {
		mem_too_many_log(dev, vu, vu->nmem - nrem + nadd);
		ret = -E2BIG;
		goto out;
	}
	for (i = 0; i < vu->nmem; ) {
		bool gone = true;

		for (j = 0; j < nkeep && gone; j++)
			gone = memcmp(&vu->mem[i], &keep[j],
				      sizeof(keep[j])) != 0;
		if (!gone) {
			i++;
			continue;
		}
		ret = mem_reg(dev, VHOST_USER_REM_MEM_REG, &vu->mem[i]);
		if (ret < 0)
			goto out;
		vu->mem[i] = vu->mem[--vu->nmem];
		removed++;
	}
	for (i = 0; i < nadd; i++) {
		ret = mem_reg(dev, VHOST_USER_ADD_MEM_REG, &add[i]);
		if (ret < 0)
			goto out;
		vu->mem[vu->nmem++] = add[i];
		added++;
	}
	if (added + removed > 0)
		VXPATH_LOG(INFO, "%s: memory slots: %u regions added, %u removed, %u in use of %u",
			   dev->name, added, removed, vu->nmem, max);
	ret = 0;
out:
	free(want);
	free(kept);
	free(keep);
	free(add);
	return ret;
}

/* The back-end's memory table now, the hot-plug lock and vu->lock held. */
static int
mem_sync_locked(struct vxpath_dev *dev, struct vxpath_vu *vu, bool force,
		const void *skip, size_t skip_len)
{
	int ret;

	if (vu->max_mem_slots > 0)
		ret = mem_sync_slots(dev, vu, skip, skip_len);
	else
		ret = mem_sync_table(dev, vu, force, skip, skip_len);
	if (ret == 0)
		vu->mem_sent = true;
	return ret;
}

/*
 * Memory event callback (rte_mem_event_callback_register): runs in the
 * thread that allocates or frees DPDK memory, with EAL's memory hot-plug
 * lock write-locked (thread-unsafe walks only; no rte_malloc). A free
 * event comes before the memory goes: it is left out of the table before
 * the back-end's mapping of it is withdrawn. Once a table went out, the
 * back-end follows every change; if it cannot (too many regions, refused
 * request), the connection is marked broken and the link goes down: the
 * port never half-works with memory its back-end cannot reach.
 */
static void
mem_event_cb(enum rte_mem_event type, const void *addr, size_t len,
	     void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL)
		return;
	pthread_mutex_lock(&vu->lock);
	if (vu->mem_sent && !vu->broken) {
		VXPATH_LOG(DEBUG, "%s: DPDK memory %s: %zu bytes at %p",
			   dev->name,
			   type == RTE_MEM_EVENT_FREE ? "freed" : "allocated",
			   len, addr);
		ret = mem_sync_locked(dev, vu, false,
				      type == RTE_MEM_EVENT_FREE ? addr : NULL,
				      len);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: the vhost-user back-end cannot follow a DPDK memory %s of %zu bytes (%s): link down, the connection is closed",
				   dev->name,
				   type == RTE_MEM_EVENT_FREE ? "free" : "allocation",
				   len, strerror(-ret));
			vu_mark_broken(vu);
		}
	}
	pthread_mutex_unlock(&vu->lock);
}

/*
 * Operations (struct vxpath_vhost_ops, vhost.h).
 */

static void vu_watch_stop(struct vxpath_dev *dev,
			  struct rte_intr_handle **hp,
			  rte_intr_callback_fn cb);
static void vu_hup_cb(void *arg);
static void vu_listen_cb(void *arg);
static void vu_alarm_cb(void *arg);
static bool vu_managed(const struct vxpath_dev *dev);

/*
 * Stop the connection manager's watches and alarm (waiting for a run in
 * progress in another thread: never called with dev->ctrl_lock held),
 * then release everything; the socket file of server=1 is removed.
 */
static void
vu_destroy(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL)
		return;
	pthread_mutex_lock(&dev->ctrl_lock);
	vu->closing = true;
	pthread_mutex_unlock(&dev->ctrl_lock);
	vu_watch_stop(dev, &vu->listen_handle, vu_listen_cb);
	vu_watch_stop(dev, &vu->hup_handle, vu_hup_cb);
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
	/* Waits for a callback running in another thread. */
	if (vu->mem_cb)
		rte_mem_event_callback_unregister(vu->mem_cb_name, dev);
	bch_close(vu->bch);
	vu->bch = NULL;
	if (vu->fd >= 0)
		close(vu->fd);
	pthread_mutex_destroy(&vu->lock);
	free(vu->mem);
	free(vu);
	dev->backend = NULL;
}

/*
 * More than one queue pair (queues > 1): the back-end must have negotiated
 * VHOST_USER_PROTOCOL_F_MQ (the vhost-user spec allows more than one queue
 * only with it) and serve as many pairs. GET_QUEUE_NUM's answer is read as queue pairs, as DPDK's
 * vhost library gives it and QEMU reads it for a network device.
 * Return: 0; -ENOTSUP when the back-end cannot serve the pairs (one log
 * line naming the devarg); an exchange error.
 */
static int
vu_check_queues(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	uint64_t num = 0;
	int ret;

	if (!(vu->protocol_features & (1ULL << VHOST_USER_PROTOCOL_F_MQ))) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: the vhost-user back-end at %s does not offer VHOST_USER_PROTOCOL_F_MQ (multiple queues)",
			   dev->name, VXPATH_ARG_QUEUES, dev->args.queues,
			   dev->args.path);
		return -ENOTSUP;
	}
	ret = vu_get_u64(dev, VHOST_USER_GET_QUEUE_NUM, &num);
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
	unsigned int room;
	uint64_t slots = 0;
	int ret;

	vu->max_mem_slots = 0;
	if (vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)) {
		ret = vu_get_u64(dev, VHOST_USER_GET_MAX_MEM_SLOTS, &slots);
		if (ret < 0)
			return ret;
		if (slots == 0)
			VXPATH_LOG(WARNING, "%s: the vhost-user back-end offers 0 memory slots (VHOST_USER_GET_MAX_MEM_SLOTS): using VHOST_USER_SET_MEM_TABLE",
				   dev->name);
		vu->max_mem_slots = (unsigned int)RTE_MIN(slots,
				(uint64_t)VXPATH_VU_MAX_MEM_SLOTS);
		VXPATH_LOG(INFO, "%s: back-end takes %" PRIu64 " memory slots, vxpath uses up to %u",
			   dev->name, slots, vu->max_mem_slots);
	}
	if (vu->max_mem_slots == 0 && vxpath_memory_fd_per_small_page()) {
		VXPATH_LOG(ERR, "%s: EAL keeps each hugepage below 1 GB in a file of its own (no --single-file-segments), one vhost-user memory region each, and the back-end at %s takes at most %u regions (no VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS): run EAL with --single-file-segments, or use 1 GB hugepages",
			   dev->name, dev->args.path,
			   VHOST_USER_MAX_MEM_REGIONS);
		return -E2BIG;
	}
	room = vu->max_mem_slots > 0 ? vu->max_mem_slots :
	       VHOST_USER_MAX_MEM_REGIONS;
	/* Memory events (another thread) read the table under vu->lock. */
	pthread_mutex_lock(&vu->lock);
	free(vu->mem);
	vu->mem = calloc(room, sizeof(*vu->mem));
	vu->nmem = 0;
	vu->mem_sent = false;
	pthread_mutex_unlock(&vu->lock);
	if (vu->mem == NULL) {
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		return -ENOMEM;
	}
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
 * after a reconnection runs it again): read the back-end's features and,
 * when it has protocol features (bit 30), negotiate those vxpath uses
 * (VXPATH_VU_PROTOCOL_FEATURES, MQ when queues > 1, each only where
 * offered), then check the pairs it serves (MQ), learn its memory slots
 * (CONFIGURE_MEM_SLOTS) and open the back-end channel (BACKEND_REQ). The
 * spec allows all of these before SET_FEATURES.
 */
static int
vu_negotiate(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	uint64_t wanted = VXPATH_VU_PROTOCOL_FEATURES;
	char offered_names[160], names[160];
	int ret;

	bch_close(vu->bch);
	vu->bch = NULL;
	vu->protocol_offered = 0;
	vu->protocol_features = 0;

	ret = vu_get_u64(dev, VHOST_USER_GET_FEATURES, &vu->features);
	if (ret < 0)
		return ret;

	if (vu->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
		ret = vu_get_u64(dev, VHOST_USER_GET_PROTOCOL_FEATURES,
				 &vu->protocol_offered);
		if (ret < 0)
			return ret;
		if (dev->args.queues > 1)
			wanted |= 1ULL << VHOST_USER_PROTOCOL_F_MQ;
		/* Sent without need_reply: REPLY_ACK is not on yet. */
		ret = vu_set_u64(dev, VHOST_USER_SET_PROTOCOL_FEATURES,
				 vu->protocol_offered & wanted);
		if (ret < 0)
			return ret;
		vu->protocol_features = vu->protocol_offered & wanted;
	}
	if (dev->args.queues > 1) {
		ret = vu_check_queues(dev, vu);
		if (ret < 0)
			return ret;
	}
	ret = vu_setup_memory(dev, vu);
	if (ret < 0)
		return ret;
	if (vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_BACKEND_REQ)) {
		ret = bch_open(dev, vu);
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

/* Whether connections come and go: server=1 or reconnect=. */
static bool
vu_managed(const struct vxpath_dev *dev)
{
	return dev->args.server || dev->args.reconnect > 0;
}

/* Register @cb(@dev) for @fd with the EAL interrupt thread. */
static int
vu_watch_start(struct vxpath_dev *dev, struct rte_intr_handle **hp, int fd,
	       rte_intr_callback_fn cb, const char *what)
{
	struct rte_intr_handle *h;
	int ret;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL)
		return -ENOMEM;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_fd_set(h, fd) != 0) {
		rte_intr_instance_free(h);
		return -EINVAL;
	}
	ret = rte_intr_callback_register(h, cb, dev);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot watch the vhost-user %s with the EAL interrupt thread: %s",
			   dev->name, what, strerror(-ret));
		rte_intr_instance_free(h);
		return ret;
	}
	*hp = h;
	return 0;
}

/*
 * Unregister a watch. From another thread, wait for a run of @cb in
 * progress; in the interrupt thread (an application's event callback
 * closes the port) the run in progress may be ours: it is removed when it
 * returns, and touches nothing of the port after that point.
 */
static void
vu_watch_stop(struct vxpath_dev *dev, struct rte_intr_handle **hp,
	      rte_intr_callback_fn cb)
{
	int ret;

	if (*hp == NULL)
		return;
	if (rte_thread_is_intr()) {
		ret = rte_intr_callback_unregister(*hp, cb, dev);
		if (ret == -EAGAIN)
			ret = rte_intr_callback_unregister_pending(*hp, cb,
								   dev, NULL);
	} else {
		ret = rte_intr_callback_unregister_sync(*hp, cb, dev);
	}
	if (ret < 0)
		VXPATH_LOG(WARNING, "%s: vhost-user watch: unregister: %s",
			   dev->name, strerror(-ret));
	rte_intr_instance_free(*hp);
	*hp = NULL;
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

	if (vu->fd < 0)
		return;
	/* The back-end channel went with the connection. */
	bch_close(vu->bch);
	vu->bch = NULL;
	epoll_ctl(vu->hup_epfd, EPOLL_CTL_DEL, vu->fd, NULL);
	/* Memory events (any thread) and exchanges see no connection. */
	pthread_mutex_lock(&vu->lock);
	close(vu->fd);
	vu->fd = -1;
	vu->broken = false;
	vu->broken_reported = false;
	vu->nmem = 0;
	vu->mem_sent = false;
	pthread_mutex_unlock(&vu->lock);
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

	pthread_mutex_lock(&vu->lock);
	vu->fd = fd;
	vu->broken = false;
	vu->broken_reported = false;
	pthread_mutex_unlock(&vu->lock);
	vu->ready = false;
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
	if (!vu->closing && vu->fd >= 0 && ev.data.fd == vu->fd)
		vu_drop(dev, vu, vu->broken ? "failed an exchange" :
				 "closed the connection");
	pthread_mutex_unlock(&dev->ctrl_lock);
}

/* server=1: a back-end connects. One at a time: a second one is refused. */
static void
vu_listen_cb(void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_vu *vu = dev->backend;
	int fd;

	fd = accept4(vu->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			VXPATH_LOG(WARNING, "%s: accept on %s: %s", dev->name,
				   dev->args.path, strerror(errno));
		return;
	}
	pthread_mutex_lock(&dev->ctrl_lock);
	if (vu->closing) {
		close(fd);
	} else if (vu->fd >= 0) {
		VXPATH_LOG(WARNING, "%s: a second vhost-user back-end connected to %s while one is attached: refused (one at a time)",
			   dev->name, dev->args.path);
		close(fd);
	} else if (vu_set_timeouts(dev, fd) < 0) {
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
	} else if (vu->fd >= 0) {
		if (vu->replay_pending)
			vu_replay(dev, vu);
	} else if (!dev->args.server && dev->args.reconnect > 0) {
		vu->attempts++;
		fd = vu_connect(dev, true);
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

/*
 * Client: connect; server=1: listen at the path and wait for the first
 * back-end. Then the connection's set-up sequence (vu_negotiate()) and,
 * with server=1 or
 * reconnect=, the watches that follow the connection from now on.
 */
static int
vu_setup(struct vxpath_dev *dev)
{
	struct epoll_event ev = { .events = EPOLLRDHUP | EPOLLONESHOT };
	struct vxpath_vu *vu;
	int ret, fd;

	vu = calloc(1, sizeof(*vu));
	if (vu == NULL) {
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		return -ENOMEM;
	}
	vu->fd = -1;
	vu->listen_fd = -1;
	vu->hup_epfd = -1;
	pthread_mutex_init(&vu->lock, NULL);
	dev->backend = vu;

	if (dev->args.server) {
		ret = vu_listen(dev, vu);
		if (ret < 0)
			goto fail;
		fd = vu_accept_first(dev, vu);
	} else {
		fd = vu_connect(dev, false);
	}
	if (fd < 0) {
		ret = fd;
		goto fail;
	}
	vu->fd = fd;

	ret = vu_negotiate(dev, vu);
	if (ret < 0)
		goto fail;

	if (vu_managed(dev)) {
		vu->hup_epfd = epoll_create1(EPOLL_CLOEXEC);
		ev.data.fd = fd;
		if (vu->hup_epfd < 0 ||
		    epoll_ctl(vu->hup_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			ret = -errno;
			VXPATH_LOG(ERR, "%s: cannot watch the vhost-user connection: %s",
				   dev->name, strerror(-ret));
			goto fail;
		}
		ret = vu_watch_start(dev, &vu->hup_handle, vu->hup_epfd,
				     vu_hup_cb, "connection");
		if (ret == 0 && dev->args.server)
			ret = vu_watch_start(dev, &vu->listen_handle,
					     vu->listen_fd, vu_listen_cb,
					     "listening socket");
		if (ret < 0)
			goto fail;
	}
	vu->ready = true;
	vu->connections = 1;
	return 0;

fail:
	vu_destroy(dev);
	return ret;
}

static int
vu_set_owner(struct vxpath_dev *dev)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_OWNER);
	return vu_request(dev, &msg, NULL, 0, NULL);
}

/* The features read by setup(), without the vhost-user-only bit 30. */
static int
vu_get_features(struct vxpath_dev *dev, uint64_t *features)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL || vu->fd < 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end is not set up",
			   dev->name);
		return -ENOTCONN;
	}
	*features = vu->features & ~(1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
	return 0;
}

/*
 * SET_FEATURES with the driver's features, plus bit 30 when the back-end
 * offered it (protocol features stay on; rings then start disabled).
 */
static int
vu_set_features(struct vxpath_dev *dev, uint64_t features)
{
	const uint64_t proto = 1ULL << VHOST_USER_F_PROTOCOL_FEATURES;
	struct vxpath_vu *vu = dev->backend;
	uint64_t offered;
	int ret;

	if (vu == NULL || vu->fd < 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end is not set up",
			   dev->name);
		return -ENOTCONN;
	}
	offered = vu->features & ~proto;
	if (features & ~offered) {
		VXPATH_LOG(ERR, "%s: features 0x%" PRIx64 " were not offered by the vhost-user back-end (offered 0x%" PRIx64 ")",
			   dev->name, features & ~offered, offered);
		return -EINVAL;
	}
	if (vu->features & proto)
		features |= proto;
	ret = vu_set_u64(dev, VHOST_USER_SET_FEATURES, features);
	if (ret == 0)
		vu->protocol_acked = (features & proto) != 0;
	return ret;
}

/*
 * At each start: the back-end's memory table (SET_MEM_TABLE, or the
 * ADD_MEM_REG/REM_MEM_REG that bring its slots in line), built with EAL's
 * memory hot-plug lock read-locked so that no allocation slips between
 * the walk and the message; then memory events keep it up to date.
 */
static int
vu_set_mem_table(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL || vu->fd < 0 || vu->mem == NULL) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end is not set up",
			   dev->name);
		return -ENOTCONN;
	}
	if (!vu->mem_cb) {
		snprintf(vu->mem_cb_name, sizeof(vu->mem_cb_name),
			 "vxpath-%u-%.40s", dev->port_id, dev->name);
		if (rte_mem_event_callback_register(vu->mem_cb_name,
						    mem_event_cb, dev) == 0)
			vu->mem_cb = true;
		else
			/* Legacy memory or --no-huge: memory is fixed. */
			VXPATH_LOG(DEBUG, "%s: no memory event callback: %s",
				   dev->name, rte_strerror(rte_errno));
	}
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&vu->lock);
	ret = mem_sync_locked(dev, vu, true, NULL, 0);
	pthread_mutex_unlock(&vu->lock);
	rte_mcfg_mem_read_unlock();
	return ret;
}

static int
vu_set_vring_num(struct vxpath_dev *dev,
		 const struct vhost_vring_state *state)
{
	return vu_set_state(dev, VHOST_USER_SET_VRING_NUM, state);
}

static int
vu_set_vring_base(struct vxpath_dev *dev,
		  const struct vhost_vring_state *state)
{
	return vu_set_state(dev, VHOST_USER_SET_VRING_BASE, state);
}

/* GET_VRING_BASE stops the ring; its reply must name the same ring. */
static int
vu_get_vring_base(struct vxpath_dev *dev, struct vhost_vring_state *state)
{
	struct vhost_vring_state query = { .index = state->index, .num = 0 };
	union vxpath_vu_payload reply;
	struct vxpath_vu_msg msg;
	int ret;

	vxpath_vu_msg_state(&msg, VHOST_USER_GET_VRING_BASE, &query);
	ret = vu_request(dev, &msg, NULL, 0, &reply);
	if (ret < 0)
		return ret;
	if (reply.state.index != state->index) {
		VXPATH_LOG(ERR, "%s: reply to VHOST_USER_GET_VRING_BASE for vring %u names vring %u",
			   dev->name, state->index, reply.state.index);
		return -EIO;
	}
	state->num = reply.state.num;
	return 0;
}

static int
vu_set_vring_addr(struct vxpath_dev *dev, const struct vhost_vring_addr *addr)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_addr(&msg, addr);
	return vu_request(dev, &msg, NULL, 0, NULL);
}

static int
vu_set_vring_file(struct vxpath_dev *dev, uint32_t request,
		  const struct vhost_vring_file *file)
{
	struct vxpath_vu_msg msg;
	unsigned int nfds = 0;
	int fds[1];

	if (vxpath_vu_msg_vring_file(&msg, request, file, fds, &nfds) < 0) {
		VXPATH_LOG(ERR, "%s: %s: vring index %u does not fit in 8 bits",
			   dev->name, vxpath_vu_request_name(request),
			   file->index);
		return -EINVAL;
	}
	return vu_request(dev, &msg, fds, nfds, NULL);
}

static int
vu_set_vring_kick(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	return vu_set_vring_file(dev, VHOST_USER_SET_VRING_KICK, file);
}

static int
vu_set_vring_call(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	return vu_set_vring_file(dev, VHOST_USER_SET_VRING_CALL, file);
}

/*
 * SET_VRING_ENABLE on the receiveq (2N) and transmitq (2N+1) of pair N.
 * Without protocol features rings start enabled and the message must not be
 * sent (spec, "Ring states"): then this does nothing.
 */
static int
vu_enable_queue_pair(struct vxpath_dev *dev, uint16_t pair, bool enable)
{
	struct vxpath_vu *vu = dev->backend;
	unsigned int i;
	int ret;

	if (vu == NULL || vu->fd < 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end is not set up",
			   dev->name);
		return -ENOTCONN;
	}
	if (!vu->protocol_acked) {
		VXPATH_LOG(DEBUG, "%s: no protocol features: rings of pair %u are enabled from the start",
			   dev->name, pair);
		return 0;
	}
	for (i = 0; i < 2; i++) {
		struct vhost_vring_state state = {
			.index = 2u * pair + i,
			.num = enable ? 1 : 0,
		};

		ret = vu_set_state(dev, VHOST_USER_SET_VRING_ENABLE, &state);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The connected socket, watched for hang-up by intr.c. See vhost.h. */
static int
vu_event_fd(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL || vu->fd < 0 || !vu->ready)
		return -ENOTCONN;
	return vu->fd;
}

/*
 * No connection serves the port: the previous one hung up or was dropped
 * (vhost.h). With server=1 or reconnect= only: a plain client keeps its
 * broken connection open until destroy().
 */
static bool
vu_detached(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	return vu != NULL && vu_managed(dev) && !vu->ready;
}

/*
 * NET_SET_MTU (NET_MTU negotiated and VIRTIO_NET_F_MTU accepted by the
 * driver; with REPLY_ACK the back-end's verdict is checked). Otherwise
 * nothing to tell.
 */
static int
vu_set_mtu(struct vxpath_dev *dev, uint16_t mtu)
{
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL || !vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_NET_MTU) ||
	    !(dev->features & (1ULL << VIRTIO_NET_F_MTU)))
		return 0;
	ret = vu_set_u64(dev, VHOST_USER_NET_SET_MTU, mtu);
	if (ret == 0)
		VXPATH_LOG(INFO, "%s: VHOST_USER_NET_SET_MTU %u", dev->name,
			   mtu);
	return ret;
}

/* SET_STATUS when STATUS is negotiated (spec: u64 payload). */
static int
vu_set_status(struct vxpath_dev *dev, uint8_t status)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL || !vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_STATUS))
		return 0;
	VXPATH_LOG(DEBUG, "%s: VHOST_USER_SET_STATUS 0x%02x", dev->name,
		   status);
	return vu_set_u64(dev, VHOST_USER_SET_STATUS, status);
}

/* GET_STATUS; the u64 must hold a status byte (virtio 1.2, 2.1). */
static int
vu_get_status(struct vxpath_dev *dev, uint8_t *status)
{
	struct vxpath_vu *vu = dev->backend;
	uint64_t v = 0;
	int ret;

	if (vu == NULL || !vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_STATUS))
		return -ENOTSUP;
	ret = vu_get_u64(dev, VHOST_USER_GET_STATUS, &v);
	if (ret < 0)
		return ret;
	if (v > UINT8_MAX) {
		VXPATH_LOG(ERR, "%s: VHOST_USER_GET_STATUS answered 0x%" PRIx64 ", not a device status byte",
			   dev->name, v);
		return -EIO;
	}
	*status = (uint8_t)v;
	return 0;
}

/* GET_CONFIG, reply checked against the request (size, offset, flags). */
static int
vu_get_config(struct vxpath_dev *dev, uint32_t offset, void *buf,
	      uint32_t size)
{
	struct vxpath_vu *vu = dev->backend;
	union vxpath_vu_payload reply;
	struct vxpath_vu_msg msg;
	uint32_t got = 0;
	int ret;

	if (vu == NULL || !vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_CONFIG))
		return -ENOTSUP;
	if (vxpath_vu_msg_get_config(&msg, offset, size) < 0)
		return -EINVAL;
	ret = vu_request_ex(dev, &msg, NULL, 0, &reply, &got);
	if (ret < 0)
		/* Out of step (bad header): the connection is gone. */
		return vu->broken && ret == -EIO ? -ENOTCONN : ret;
	ret = vxpath_vu_config_check(dev->name, &msg.payload.config, got,
				     &reply.config);
	if (ret < 0)
		return ret;
	memcpy(buf, reply.config.region, size);
	return 0;
}

/*
 * RESET_DEVICE where offered; RESET_OWNER is never sent (deprecated). The
 * back-end forgets its memory table: the next start sends it whole.
 */
static int
vu_reset(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;
	struct vxpath_vu_msg msg;
	int ret;

	if (vu == NULL ||
	    !vu_has_protocol(vu, VHOST_USER_PROTOCOL_F_RESET_DEVICE)) {
		VXPATH_LOG(DEBUG, "%s: back-end has no VHOST_USER_RESET_DEVICE; nothing sent",
			   dev->name);
		return 0;
	}
	vxpath_vu_msg_empty(&msg, VHOST_USER_RESET_DEVICE);
	ret = vu_request(dev, &msg, NULL, 0, NULL);
	pthread_mutex_lock(&vu->lock);
	vu->nmem = 0;
	vu->mem_sent = false;
	pthread_mutex_unlock(&vu->lock);
	if (ret == 0)
		VXPATH_LOG(INFO, "%s: VHOST_USER_RESET_DEVICE sent", dev->name);
	return ret;
}

const struct vxpath_vhost_ops vxpath_vhost_user_ops = {
	.name = "vhost-user",
	.setup = vu_setup,
	.destroy = vu_destroy,
	.set_owner = vu_set_owner,
	.get_features = vu_get_features,
	.set_features = vu_set_features,
	.set_mem_table = vu_set_mem_table,
	.set_vring_num = vu_set_vring_num,
	.set_vring_base = vu_set_vring_base,
	.get_vring_base = vu_get_vring_base,
	.set_vring_addr = vu_set_vring_addr,
	.set_vring_kick = vu_set_vring_kick,
	.set_vring_call = vu_set_vring_call,
	.enable_queue_pair = vu_enable_queue_pair,
	.event_fd = vu_event_fd,
	.set_mtu = vu_set_mtu,
	.set_status = vu_set_status,
	.get_status = vu_get_status,
	.get_config = vu_get_config,
	.reset = vu_reset,
	.detached = vu_detached,
};
