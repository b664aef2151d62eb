/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user back-end of the vhost adapter, client mode: vxpath is the
 * vhost-user front-end and connects to a back-end's Unix socket
 * (dev->args.path). This file owns the socket and the exchange of messages
 * on it: encoding requests (pure functions, declared in vhost_user.h),
 * passing fds with SCM_RIGHTS, protocol feature negotiation (REPLY_ACK) and
 * the validation of every reply. It follows the vhost-user protocol
 * specification (QEMU docs/interop/vhost-user.rst).
 *
 * Hardening: a reply is accepted only if its request code, version, reply
 * flag and payload size are the expected ones; fds that come with a reply
 * are closed; a back-end that closes the socket gives -ENOTCONN, one that
 * does not answer within vxpath_vu_reply_timeout_ms gives -ETIMEDOUT. After
 * any failed exchange the byte stream can no longer be trusted to be in
 * step, so the connection is marked broken and every later request fails
 * with -ENOTCONN (reconnection is not implemented yet).
 *
 * Errors of the operations, beyond vhost.h's -EIO (bad exchange or refused
 * REPLY_ACK) and -ENOTCONN (back-end gone, or connection broken earlier):
 * -ETIMEDOUT when no reply came in time; setup(): the connect() errno
 * (-ENOENT no socket, -ECONNREFUSED nobody listening, ...), -ENAMETOOLONG,
 * -ENOTSUP for server=1 or for queues=N the back-end cannot serve (no
 * VHOST_USER_PROTOCOL_F_MQ, or GET_QUEUE_NUM below N), -ENOMEM;
 * set_features(): -EINVAL for bits not offered; set_mem_table(): -E2BIG
 * (more than 8 regions), -ENOTSUP (memory without fd), -ENOENT (no memory),
 * -EINVAL; set_vring_kick/call(): -EINVAL for a vring index above 255.
 * Each is logged once, naming the device.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "vxpath.h"
#include "vxpath_log.h"

unsigned int vxpath_vu_reply_timeout_ms = 5000;

/** Private state of one vhost-user connection, in dev->backend. */
struct vxpath_vu {
	int fd;                     /**< connected socket, -1 if none */
	bool broken;                /**< stream out of step or peer gone */
	bool broken_reported;       /**< a request was refused for it */
	uint64_t features;          /**< GET_FEATURES, bit 30 included */
	uint64_t protocol_features; /**< negotiated protocol features */
	bool protocol_acked;        /**< bit 30 sent with SET_FEATURES */
};

/* Control buffer big enough for VHOST_USER_MAX_FDS fds, aligned for cmsg. */
union vu_cmsg_buf {
	char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
	struct cmsghdr align;
};

/*
 * Pure message encoding and checking (no I/O).
 */

const char *
vxpath_vu_request_name(uint32_t request)
{
	switch (request) {
	case VHOST_USER_GET_FEATURES: return "VHOST_USER_GET_FEATURES";
	case VHOST_USER_SET_FEATURES: return "VHOST_USER_SET_FEATURES";
	case VHOST_USER_SET_OWNER: return "VHOST_USER_SET_OWNER";
	case VHOST_USER_SET_MEM_TABLE: return "VHOST_USER_SET_MEM_TABLE";
	case VHOST_USER_SET_VRING_NUM: return "VHOST_USER_SET_VRING_NUM";
	case VHOST_USER_SET_VRING_ADDR: return "VHOST_USER_SET_VRING_ADDR";
	case VHOST_USER_SET_VRING_BASE: return "VHOST_USER_SET_VRING_BASE";
	case VHOST_USER_GET_VRING_BASE: return "VHOST_USER_GET_VRING_BASE";
	case VHOST_USER_SET_VRING_KICK: return "VHOST_USER_SET_VRING_KICK";
	case VHOST_USER_SET_VRING_CALL: return "VHOST_USER_SET_VRING_CALL";
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		return "VHOST_USER_GET_PROTOCOL_FEATURES";
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		return "VHOST_USER_SET_PROTOCOL_FEATURES";
	case VHOST_USER_GET_QUEUE_NUM: return "VHOST_USER_GET_QUEUE_NUM";
	case VHOST_USER_SET_VRING_ENABLE: return "VHOST_USER_SET_VRING_ENABLE";
	default: return "unknown request";
	}
}

bool
vxpath_vu_has_reply(uint32_t request)
{
	switch (request) {
	case VHOST_USER_GET_FEATURES:
	case VHOST_USER_GET_PROTOCOL_FEATURES:
	case VHOST_USER_GET_VRING_BASE:
	case VHOST_USER_GET_QUEUE_NUM:
		return true;
	default:
		return false;
	}
}

uint32_t
vxpath_vu_reply_size(uint32_t request)
{
	switch (request) {
	case VHOST_USER_GET_VRING_BASE:
		return sizeof(struct vhost_vring_state);
	case VHOST_USER_GET_FEATURES:
	case VHOST_USER_GET_PROTOCOL_FEATURES:
	case VHOST_USER_GET_QUEUE_NUM:
	/* The others answer only a REPLY_ACK: one u64. */
	case VHOST_USER_SET_FEATURES:
	case VHOST_USER_SET_OWNER:
	case VHOST_USER_SET_MEM_TABLE:
	case VHOST_USER_SET_VRING_NUM:
	case VHOST_USER_SET_VRING_ADDR:
	case VHOST_USER_SET_VRING_BASE:
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_PROTOCOL_FEATURES:
	case VHOST_USER_SET_VRING_ENABLE:
		return sizeof(uint64_t);
	default:
		return 0;
	}
}

void
vxpath_vu_msg_init(struct vxpath_vu_msg *msg, uint32_t request,
		   uint32_t size, bool need_reply)
{
	msg->hdr.request = request;
	msg->hdr.flags = VHOST_USER_VERSION;
	if (need_reply)
		msg->hdr.flags |= VHOST_USER_FLAG_NEED_REPLY;
	msg->hdr.size = size;
}

void
vxpath_vu_msg_empty(struct vxpath_vu_msg *msg, uint32_t request)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, 0, false);
}

void
vxpath_vu_msg_u64(struct vxpath_vu_msg *msg, uint32_t request,
		  uint64_t value)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, sizeof(msg->payload.u64), false);
	msg->payload.u64 = value;
}

void
vxpath_vu_msg_state(struct vxpath_vu_msg *msg, uint32_t request,
		    const struct vhost_vring_state *state)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, sizeof(msg->payload.state), false);
	msg->payload.state = *state;
}

void
vxpath_vu_msg_addr(struct vxpath_vu_msg *msg,
		   const struct vhost_vring_addr *addr)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, VHOST_USER_SET_VRING_ADDR,
			   sizeof(msg->payload.addr), false);
	msg->payload.addr = *addr;
}

int
vxpath_vu_msg_vring_file(struct vxpath_vu_msg *msg, uint32_t request,
			 const struct vhost_vring_file *file,
			 int *fds, unsigned int *nfds)
{
	uint64_t value;

	if (file->index > VHOST_USER_VRING_INDEX_MASK)
		return -EINVAL;
	value = file->index;
	if (file->fd < 0) {
		value |= VHOST_USER_VRING_INVALID_FD;
		*nfds = 0;
	} else {
		fds[0] = file->fd;
		*nfds = 1;
	}
	vxpath_vu_msg_u64(msg, request, value);
	return 0;
}

int
vxpath_vu_msg_mem_table(struct vxpath_vu_msg *msg,
			const struct vxpath_mem_region *regions,
			unsigned int n, int *fds, unsigned int *nfds)
{
	unsigned int i;

	if (n == 0)
		return -EINVAL;
	if (n > VHOST_USER_MAX_MEM_REGIONS)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		const struct vxpath_mem_region *r = &regions[i];

		if (r->fd < 0 || r->size == 0 || r->addr + r->size < r->addr ||
		    r->fd_offset + r->size < r->fd_offset)
			return -EINVAL;
	}

	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, VHOST_USER_SET_MEM_TABLE,
			   (uint32_t)VXPATH_VU_MEMORY_SIZE(n), false);
	msg->payload.memory.nregions = n;
	for (i = 0; i < n; i++) {
		struct vxpath_vu_mem_region *w = &msg->payload.memory.regions[i];

		w->guest_addr = regions[i].addr;
		w->size = regions[i].size;
		w->user_addr = regions[i].addr;
		w->mmap_offset = regions[i].fd_offset;
		fds[i] = regions[i].fd;
	}
	*nfds = n;
	return 0;
}

int
vxpath_vu_reply_check(const char *name, uint32_t request,
		      const struct vxpath_vu_hdr *reply)
{
	uint32_t want = vxpath_vu_reply_size(request);

	if (want == 0) {
		VXPATH_LOG(ERR, "%s: no reply is defined for request %u",
			   name, request);
		return -EIO;
	}
	if (reply->request != request) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end answered %s with a reply to request %u (%s)",
			   name, vxpath_vu_request_name(request),
			   reply->request,
			   vxpath_vu_request_name(reply->request));
		return -EIO;
	}
	if ((reply->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION) {
		VXPATH_LOG(ERR, "%s: reply to %s has protocol version %u, expected %u",
			   name, vxpath_vu_request_name(request),
			   reply->flags & VHOST_USER_VERSION_MASK,
			   VHOST_USER_VERSION);
		return -EIO;
	}
	if (!(reply->flags & VHOST_USER_FLAG_REPLY)) {
		VXPATH_LOG(ERR, "%s: reply to %s lacks the reply flag (flags 0x%x)",
			   name, vxpath_vu_request_name(request),
			   reply->flags);
		return -EIO;
	}
	if (reply->size != want) {
		VXPATH_LOG(ERR, "%s: reply to %s has %u payload bytes, expected %u",
			   name, vxpath_vu_request_name(request),
			   reply->size, want);
		return -EIO;
	}
	return 0;
}

int
vxpath_vu_ack_check(const char *name, uint32_t request, uint64_t ack)
{
	if (ack != 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end refused %s (REPLY_ACK %" PRIu64 ")",
			   name, vxpath_vu_request_name(request), ack);
		return -EIO;
	}
	return 0;
}

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

/* Close every fd a received message carried; none is expected. */
static void
vu_close_received_fds(struct vxpath_dev *dev, struct msghdr *mh,
		      uint32_t request)
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

/* Receive and validate the reply to @request; its payload into @payload. */
static int
vu_recv_reply(struct vxpath_dev *dev, struct vxpath_vu *vu, uint32_t request,
	      union vxpath_vu_payload *payload)
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
	/* hdr.size == vxpath_vu_reply_size(request) <= sizeof(*payload) */
	return vu_recv(dev, vu, request, payload, hdr.size);
}

/*
 * Send one request and wait for what answers it: its own reply (stored in
 * @reply, which may be NULL otherwise) or, with REPLY_ACK negotiated, the
 * ack, which is checked. Sets need_reply on requests that have no reply of
 * their own when REPLY_ACK is negotiated.
 */
static int
vu_request(struct vxpath_dev *dev, struct vxpath_vu_msg *msg,
	   const int *fds, unsigned int nfds, union vxpath_vu_payload *reply)
{
	struct vxpath_vu *vu = dev->backend;
	uint32_t request = msg->hdr.request;
	union vxpath_vu_payload payload;
	bool own_reply, ack;
	int ret;

	if (vu == NULL || vu->fd < 0) {
		VXPATH_LOG(ERR, "%s: cannot send %s: vhost-user back-end is not set up",
			   dev->name, vxpath_vu_request_name(request));
		return -ENOTCONN;
	}
	if (vu->broken) {
		/* The cause was logged when it happened; say this once. */
		if (!vu->broken_reported)
			VXPATH_LOG(ERR, "%s: cannot send %s: the connection to the vhost-user back-end at %s failed earlier (no reconnection yet: detach and re-attach the port)",
				   dev->name, vxpath_vu_request_name(request),
				   dev->args.path);
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
	ret = vu_recv_reply(dev, vu, request, &payload);
	if (ret < 0)
		return ret;
	if (ack)
		return vxpath_vu_ack_check(dev->name, request, payload.u64);
	if (reply != NULL)
		*reply = payload;
	return 0;
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

/* Connect to the back-end's socket at dev->args.path. */
static int
vu_connect(struct vxpath_dev *dev, struct vxpath_vu *vu)
{
	struct sockaddr_un sa;
	struct timeval tv;
	size_t len;
	int fd, err;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	len = strnlen(dev->args.path, sizeof(dev->args.path));
	if (len == 0 || len == sizeof(dev->args.path)) {
		VXPATH_LOG(ERR, "%s: no vhost-user socket path given", dev->name);
		return -EINVAL;
	}
	if (len >= sizeof(sa.sun_path)) {
		VXPATH_LOG(ERR, "%s: vhost-user socket path %s is %zu bytes, a Unix socket address holds at most %zu",
			   dev->name, dev->args.path, len,
			   sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, dev->args.path, len);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: cannot create a Unix socket: %s",
			   dev->name, strerror(err));
		return -err;
	}

	/*
	 * A back-end that hangs must not hang the application: every receive
	 * (and send, and connect to a listener whose backlog is full) gives
	 * up after vxpath_vu_reply_timeout_ms.
	 */
	tv.tv_sec = vxpath_vu_reply_timeout_ms / 1000;
	tv.tv_usec = (vxpath_vu_reply_timeout_ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: cannot set the socket timeouts: %s",
			   dev->name, strerror(err));
		close(fd);
		return -err;
	}

	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		if (err == EINTR)
			continue;
		if (err == EISCONN)
			break;
		if (err == EAGAIN)
			err = ETIMEDOUT;
		VXPATH_LOG(ERR, "%s: cannot connect to vhost-user socket %s: %s%s",
			   dev->name, dev->args.path, strerror(err),
			   (err == ENOENT || err == ECONNREFUSED) ?
			   " (is the vhost-user back-end running and listening on it? vxpath connects as a client)" :
			   "");
		close(fd);
		return -err;
	}
	vu->fd = fd;
	return 0;
}

/*
 * Operations (struct vxpath_vhost_ops, vhost.h).
 */

static void
vu_destroy(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL)
		return;
	if (vu->fd >= 0)
		close(vu->fd);
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
 * Connect, read the back-end's features and, when it has protocol features
 * (bit 30), negotiate those vxpath uses (REPLY_ACK; MQ when queues > 1,
 * then check the pairs it serves). The spec allows
 * GET/SET_PROTOCOL_FEATURES and GET_QUEUE_NUM before SET_FEATURES.
 */
static int
vu_setup(struct vxpath_dev *dev)
{
	uint64_t wanted = VXPATH_VU_PROTOCOL_FEATURES;
	struct vxpath_vu *vu;
	uint64_t offered;
	int ret;

	if (dev->args.server) {
		VXPATH_LOG(ERR, "%s: vhost-user server mode (server=1) is not supported; let the back-end listen on %s and use server=0",
			   dev->name, dev->args.path);
		return -ENOTSUP;
	}
	vu = calloc(1, sizeof(*vu));
	if (vu == NULL) {
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		return -ENOMEM;
	}
	vu->fd = -1;
	dev->backend = vu;

	ret = vu_connect(dev, vu);
	if (ret < 0)
		goto fail;

	ret = vu_get_u64(dev, VHOST_USER_GET_FEATURES, &vu->features);
	if (ret < 0)
		goto fail;

	if (vu->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
		ret = vu_get_u64(dev, VHOST_USER_GET_PROTOCOL_FEATURES,
				 &offered);
		if (ret < 0)
			goto fail;
		if (dev->args.queues > 1)
			wanted |= 1ULL << VHOST_USER_PROTOCOL_F_MQ;
		/* Sent without need_reply: REPLY_ACK is not on yet. */
		ret = vu_set_u64(dev, VHOST_USER_SET_PROTOCOL_FEATURES,
				 offered & wanted);
		if (ret < 0)
			goto fail;
		vu->protocol_features = offered & wanted;
	}
	if (dev->args.queues > 1) {
		ret = vu_check_queues(dev, vu);
		if (ret < 0)
			goto fail;
	}

	VXPATH_LOG(INFO, "%s: connected to vhost-user back-end %s: features 0x%" PRIx64 ", protocol features 0x%" PRIx64 " (REPLY_ACK %s)",
		   dev->name, dev->args.path, vu->features,
		   vu->protocol_features,
		   (vu->protocol_features &
		    (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK)) ? "on" : "off");
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

static int
vu_set_mem_table(struct vxpath_dev *dev)
{
	struct vxpath_mem_region regions[VHOST_USER_MAX_MEM_REGIONS];
	int fds[VHOST_USER_MAX_FDS];
	struct vxpath_vu_msg msg;
	unsigned int n = 0, nfds = 0;
	int ret;

	ret = vxpath_memory_regions(regions, VHOST_USER_MAX_MEM_REGIONS, &n,
				    true);
	if (ret == -E2BIG) {
		VXPATH_LOG(ERR, "%s: DPDK memory is in %u pieces but vhost-user passes at most %u memory regions: run EAL with --single-file-segments (or use larger hugepages, e.g. 1 GB)",
			   dev->name, n, VHOST_USER_MAX_MEM_REGIONS);
		return -E2BIG;
	}
	if (ret == -ENOTSUP) {
		VXPATH_LOG(ERR, "%s: some DPDK memory has no file descriptor, so it cannot be shared with a vhost-user back-end: run EAL with hugepages (not --no-huge)",
			   dev->name);
		return ret;
	}
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot describe DPDK memory for the vhost-user back-end: %s",
			   dev->name, strerror(-ret));
		return ret;
	}

	ret = vxpath_vu_msg_mem_table(&msg, regions, n, fds, &nfds);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: invalid memory regions for the vhost-user back-end (%u regions): %s",
			   dev->name, n, strerror(-ret));
		return ret;
	}
	return vu_request(dev, &msg, fds, nfds, NULL);
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

	if (vu == NULL || vu->fd < 0)
		return -ENOTCONN;
	return vu->fd;
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
};
