/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user socket endpoint (declared in vhost_user_socket.h): Unix
 * stream sockets for the path of the devargs, connected (client) or
 * listening (server=1); bytes and file descriptors sent and received on
 * them (SCM_RIGHTS); and the front-end's exchange of one request for its
 * reply on a connected socket (vhost-user specification, "Communication").
 *
 * Hardening: every socket has send and receive timeouts
 * (vxpath_vu_reply_timeout_ms), so that a back-end that does not answer
 * gives -ETIMEDOUT instead of hanging the application; a reply is
 * accepted only if the message layer finds its request code, version,
 * reply flag and payload size to be the expected ones
 * (vxpath_vu_reply_check()); fds that come with a reply are closed; a
 * back-end that closes the socket gives -ENOTCONN. After any failed
 * exchange the byte stream can no longer be trusted to be in step, so the
 * endpoint is marked broken (the socket shut down) and every later
 * request on it fails with -ENOTCONN; the connection manager
 * (vhost_user_conn.c) decides what comes next. A refused REPLY_ACK is a
 * well-formed answer: the connection stays usable.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "vhost_user_socket.h"
#include "vxpath.h"
#include "vxpath_log.h"

unsigned int vxpath_vu_reply_timeout_ms = 5000;

/* Pending connections the listening socket (server=1) keeps. */
#define VU_LISTEN_BACKLOG 4

/* Control buffer big enough for VHOST_USER_MAX_FDS fds, aligned for cmsg. */
union vu_cmsg_buf {
	char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
	struct cmsghdr align;
};

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

int
vxpath_vu_sock_set_timeouts(struct vxpath_dev *dev, int fd)
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

int
vxpath_vu_sock_connect(struct vxpath_dev *dev, bool quiet)
{
	struct sockaddr_un sa;
	int fd, err;

	fd = vu_socket(dev, &sa);
	if (fd < 0)
		return fd;
	err = vxpath_vu_sock_set_timeouts(dev, fd);
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

int
vxpath_vu_sock_listen(struct vxpath_dev *dev)
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
	return fd;
}

int
vxpath_vu_sock_accept_first(struct vxpath_dev *dev, int listen_fd)
{
	int fd, flags, err;

	VXPATH_LOG(NOTICE, "%s: server=1: waiting for a vhost-user back-end to connect to %s",
		   dev->name, dev->args.path);
	do {
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: accept on %s: %s", dev->name,
			   dev->args.path, strerror(err));
		return -err;
	}
	/* From now on the interrupt thread accepts: never block it. */
	flags = fcntl(listen_fd, F_GETFL);
	if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		err = errno;
		VXPATH_LOG(ERR, "%s: fcntl on %s: %s", dev->name,
			   dev->args.path, strerror(err));
		close(fd);
		return -err;
	}
	err = vxpath_vu_sock_set_timeouts(dev, fd);
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
}

int
vxpath_vu_sock_accept(struct vxpath_dev *dev, int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	int err;

	if (fd >= 0)
		return fd;
	err = errno;
	if (err == EWOULDBLOCK || err == EINTR)
		err = EAGAIN;
	if (err != EAGAIN)
		VXPATH_LOG(WARNING, "%s: accept on %s: %s", dev->name,
			   dev->args.path, strerror(err));
	return -err;
}

/* The errno of a failed sendmsg() or recvmsg(), a timeout as -ETIMEDOUT. */
static int
sock_error(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
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

int
vxpath_vu_sock_recv(int fd, void *buf, size_t len, unsigned int *nfds,
		    bool *dropped)
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
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sock_error();
		}
		*nfds += cmsg_close_fds(&mh);
		if (mh.msg_flags & MSG_CTRUNC)
			*dropped = true;
		if (n == 0)
			return -ENOTCONN;
		got += (size_t)n;
	}
	return 0;
}

int
vxpath_vu_sock_send(int fd, const struct vxpath_vu_hdr *hdr,
		    const void *payload, uint32_t size, const int *fds,
		    unsigned int nfds)
{
	union vu_cmsg_buf ctl;
	struct iovec iov[2];
	struct msghdr mh;
	size_t left;

	if (nfds > VHOST_USER_MAX_FDS)
		return -EINVAL;
	iov[0].iov_base = (void *)(uintptr_t)hdr;
	iov[0].iov_len = sizeof(*hdr);
	iov[1].iov_base = (void *)(uintptr_t)payload;
	iov[1].iov_len = size;
	left = iov[0].iov_len + iov[1].iov_len;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = size > 0 ? 2 : 1;
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
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sock_error();
		}
		if (n == 0)
			return -EIO;
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
 * The front-end's exchange on an endpoint.
 */

int
vxpath_vu_endpoint_init(struct vxpath_vu_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->fd = -1;
	return -pthread_mutex_init(&ep->lock, NULL);
}

void
vxpath_vu_endpoint_fini(struct vxpath_vu_endpoint *ep)
{
	if (ep->fd >= 0)
		close(ep->fd);
	ep->fd = -1;
	pthread_mutex_destroy(&ep->lock);
}

void
vxpath_vu_endpoint_mark_broken(struct vxpath_vu_endpoint *ep)
{
	if (ep->broken)
		return;
	ep->broken = true;
	if (ep->fd >= 0)
		shutdown(ep->fd, SHUT_RDWR);
}

/*
 * A send or receive of @request failed with @err (negative, from
 * vxpath_vu_sock_send/recv()): log it once, mark the endpoint broken and
 * return the adapter's error code.
 */
static int
vu_io_error(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
	    bool sending, uint32_t request, int err)
{
	const char *what = sending ? "send" : "receive";

	vxpath_vu_endpoint_mark_broken(ep);
	if (err == -ETIMEDOUT) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end at %s did not %s %s within %u ms; giving up on this connection",
			   dev->name, dev->args.path,
			   sending ? "accept" : "answer",
			   vxpath_vu_request_name(request),
			   vxpath_vu_reply_timeout_ms);
		return -ETIMEDOUT;
	}
	if (err == -ENOTCONN && !sending) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end at %s closed the connection before replying to %s",
			   dev->name, dev->args.path,
			   vxpath_vu_request_name(request));
		return -ENOTCONN;
	}
	if (err == -EPIPE || err == -ECONNRESET) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end at %s closed the connection (%s of %s: %s)",
			   dev->name, dev->args.path, what,
			   vxpath_vu_request_name(request), strerror(-err));
		return -ENOTCONN;
	}
	VXPATH_LOG(ERR, "%s: %s of %s on %s failed: %s", dev->name, what,
		   vxpath_vu_request_name(request), dev->args.path,
		   strerror(-err));
	return -EIO;
}

/*
 * Receive exactly @len bytes of the reply to @request; fds that come along
 * are closed, with a warning (none is expected).
 */
static int
vu_recv(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
	uint32_t request, void *buf, size_t len)
{
	unsigned int closed = 0;
	bool dropped = false;
	int ret;

	ret = vxpath_vu_sock_recv(ep->fd, buf, len, &closed, &dropped);
	if (closed > 0 || dropped)
		VXPATH_LOG(WARNING, "%s: vhost-user back-end sent file descriptors with the reply to %s; closed %u of them%s",
			   dev->name, vxpath_vu_request_name(request), closed,
			   dropped ? " (more were dropped by the kernel)" : "");
	if (ret < 0)
		return vu_io_error(dev, ep, false, request, ret);
	return 0;
}

/*
 * Receive and validate the reply to @request; its payload into @payload,
 * its size (bytes) to @size.
 */
static int
vu_recv_reply(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
	      uint32_t request, union vxpath_vu_payload *payload,
	      uint32_t *size)
{
	struct vxpath_vu_hdr hdr;
	int ret;

	ret = vu_recv(dev, ep, request, &hdr, sizeof(hdr));
	if (ret < 0)
		return ret;
	ret = vxpath_vu_reply_check(dev->name, request, &hdr);
	if (ret < 0) {
		/* Unknown bytes may follow: the stream is out of step. */
		vxpath_vu_endpoint_mark_broken(ep);
		return ret;
	}
	*size = hdr.size;
	/* hdr.size <= its reply kind's size <= sizeof(*payload) */
	if (hdr.size == 0)
		return 0;
	return vu_recv(dev, ep, request, payload, hdr.size);
}

/* Whether a new connection may replace a lost one: server=1, reconnect=. */
static bool
vu_reconnects(const struct vxpath_dev *dev)
{
	return dev->args.server || dev->args.reconnect > 0;
}

int
vxpath_vu_exchange_locked(struct vxpath_dev *dev,
			  struct vxpath_vu_endpoint *ep,
			  struct vxpath_vu_msg *msg, const int *fds,
			  unsigned int nfds, union vxpath_vu_payload *reply,
			  uint32_t *reply_size)
{
	uint32_t request = msg->hdr.request;
	union vxpath_vu_payload payload;
	uint32_t size = 0;
	bool own_reply, ack;
	int ret;

	if (ep->broken) {
		/* The cause was logged when it happened; say this once. */
		if (!ep->broken_reported)
			VXPATH_LOG(ERR, "%s: cannot send %s: the connection to the vhost-user back-end at %s failed earlier%s",
				   dev->name, vxpath_vu_request_name(request),
				   dev->args.path,
				   vu_reconnects(dev) ?
				   " (waiting for a new connection)" :
				   " (use server=1 or reconnect=<ms>, or detach and re-attach the port)");
		else
			VXPATH_LOG(DEBUG, "%s: %s not sent: connection broken",
				   dev->name, vxpath_vu_request_name(request));
		ep->broken_reported = true;
		return -ENOTCONN;
	}

	own_reply = vxpath_vu_has_reply(request);
	ack = !own_reply && ep->reply_ack;
	if (ack)
		msg->hdr.flags |= VHOST_USER_FLAG_NEED_REPLY;
	if (vxpath_vu_msg_check(msg, nfds) < 0)
		return -EINVAL;

	VXPATH_LOG(DEBUG, "%s: %s (%u payload bytes, %u fds%s)", dev->name,
		   vxpath_vu_request_name(request), msg->hdr.size, nfds,
		   ack ? ", need_reply" : "");

	ret = vxpath_vu_sock_send(ep->fd, &msg->hdr, &msg->payload,
				  msg->hdr.size, fds, nfds);
	if (ret < 0)
		return vu_io_error(dev, ep, true, request, ret);
	if (!own_reply && !ack)
		return 0;

	memset(&payload, 0, sizeof(payload));
	ret = vu_recv_reply(dev, ep, request, &payload, &size);
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

int
vxpath_vu_exchange(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
		   struct vxpath_vu_msg *msg, const int *fds,
		   unsigned int nfds, union vxpath_vu_payload *reply,
		   uint32_t *reply_size)
{
	int ret;

	pthread_mutex_lock(&ep->lock);
	/* Checked under the lock: the connection manager closes @fd. */
	if (ep->fd < 0) {
		if (vu_reconnects(dev))
			VXPATH_LOG(DEBUG, "%s: %s not sent: no back-end connected",
				   dev->name,
				   vxpath_vu_request_name(msg->hdr.request));
		else
			VXPATH_LOG(ERR, "%s: cannot send %s: vhost-user back-end is not set up",
				   dev->name,
				   vxpath_vu_request_name(msg->hdr.request));
		ret = -ENOTCONN;
	} else {
		ret = vxpath_vu_exchange_locked(dev, ep, msg, fds, nfds, reply,
						reply_size);
	}
	pthread_mutex_unlock(&ep->lock);
	return ret;
}

int
vxpath_vu_get_u64(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
		  uint32_t request, uint64_t *value)
{
	union vxpath_vu_payload reply;
	struct vxpath_vu_msg msg;
	int ret;

	vxpath_vu_msg_empty(&msg, request);
	ret = vxpath_vu_exchange(dev, ep, &msg, NULL, 0, &reply, NULL);
	if (ret == 0)
		*value = reply.u64;
	return ret;
}

int
vxpath_vu_set_u64(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
		  uint32_t request, uint64_t value)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_u64(&msg, request, value);
	return vxpath_vu_exchange(dev, ep, &msg, NULL, 0, NULL, NULL);
}
