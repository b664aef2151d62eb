/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user socket endpoint (vhost_user_socket.c): the Unix stream
 * sockets of the vhost-user specification ("Communication"), made for
 * connect (client) or listen and accept (server=1), with their timeouts;
 * sending and receiving bytes with file descriptors (SCM_RIGHTS); and the
 * front-end's exchange on one connected socket: a request sent whole, its
 * reply or REPLY_ACK received and checked (vhost_user.h), one exchange at a
 * time. What a socket is used for (which requests, when a connection
 * comes and goes) is decided above it: vhost_user_conn.c, vhost_user.c,
 * vhost_user_backend_channel.c.
 */
#ifndef VXPATH_VHOST_USER_SOCKET_H
#define VXPATH_VHOST_USER_SOCKET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vhost_user.h"

struct vxpath_dev;

/**
 * How long the front-end waits for a reply before giving up, in
 * milliseconds (SO_RCVTIMEO, also used as SO_SNDTIMEO) on every socket
 * made here and on the back-end channel. Default 5000. Read when a socket
 * is made; the unit test and the fuzzer lower it.
 */
extern unsigned int vxpath_vu_reply_timeout_ms;

/**
 * The front-end's end of one vhost-user connection: the connected socket
 * and what the exchanges on it need. @fd, @broken and @broken_reported
 * change under @lock; @reply_ack is set by the connection's set-up
 * sequence before any request that could take an ack.
 */
struct vxpath_vu_endpoint {
	int fd;                 /**< connected socket, -1 if none; owned */
	bool broken;            /**< stream out of step or peer gone */
	bool broken_reported;   /**< a request was refused for it */
	bool reply_ack;         /**< REPLY_ACK negotiated */
	/**
	 * One exchange at a time on @fd: the application's threads, the EAL
	 * interrupt thread (GET_CONFIG after a configuration change, the
	 * connection manager) and memory event callbacks (any thread
	 * allocating DPDK memory, memory.c) all send requests. Lock order:
	 * dev->ctrl_lock, then EAL's memory hot-plug lock, then memory.c's
	 * lock, then this one; never the reverse.
	 */
	pthread_mutex_t lock;
};

/**
 * Make a Unix stream socket for dev->args.path and connect it (client).
 * @quiet: a background reconnection attempt (reconnect=): "no back-end
 *         there yet" (ENOENT, ECONNREFUSED) is logged at DEBUG only.
 * Return: the connected socket (close-on-exec, with the reply timeouts;
 * owned by the caller); -errno of socket() or connect() (-ETIMEDOUT for a
 * full backlog); -EINVAL (no path), -ENAMETOOLONG (longer than a Unix
 * socket address holds). Logged.
 */
int vxpath_vu_sock_connect(struct vxpath_dev *dev, bool quiet);

/**
 * server=1: make the listening socket at dev->args.path. As upstream's
 * virtio-user, a file already there is not removed: the user must.
 * Return: the listening socket (owned by the caller, who unlinks the path
 * when closing it); -errno of socket(), bind() (-EADDRINUSE: a file is
 * there), listen(); -EINVAL, -ENAMETOOLONG for the path. Logged.
 */
int vxpath_vu_sock_listen(struct vxpath_dev *dev);

/**
 * server=1 at probe: wait, as long as it takes, for the first back-end to
 * connect, as upstream's virtio-user does (the device's features come
 * from it); then @listen_fd becomes non-blocking, so that later
 * connections can be taken by vxpath_vu_sock_accept() from the EAL
 * interrupt thread.
 * Return: the connected socket (with the reply timeouts; owned by the
 * caller); -errno of accept(), fcntl() or setsockopt(). Logged.
 */
int vxpath_vu_sock_accept_first(struct vxpath_dev *dev, int listen_fd);

/**
 * Take one pending connection from the non-blocking @listen_fd (the
 * caller then sets its timeouts, once it decided to keep it).
 * Return: the connected socket (close-on-exec; owned by the caller);
 * -EAGAIN when none is pending (not logged); another -errno of accept()
 * (logged at WARNING).
 */
int vxpath_vu_sock_accept(struct vxpath_dev *dev, int listen_fd);

/**
 * Set the reply timeouts (vxpath_vu_reply_timeout_ms) on @fd: a back-end
 * that hangs must not hang the application.
 * Return: 0; -errno of setsockopt() (logged, naming the device).
 */
int vxpath_vu_sock_set_timeouts(struct vxpath_dev *dev, int fd);

/**
 * Receive exactly @len bytes from @fd into @buf (retrying EINTR and short
 * reads). Every fd that comes along is closed (vxpath never takes one from
 * a back-end).
 * @nfds:    grows by the number of fds closed.
 * @dropped: set when the kernel dropped some fds (MSG_CTRUNC); else left.
 * Return: 0; -ENOTCONN at EOF; -ETIMEDOUT when the socket's receive
 * timeout expired; another -errno of recvmsg(). Not logged.
 */
int vxpath_vu_sock_recv(int fd, void *buf, size_t len, unsigned int *nfds,
			bool *dropped);

/**
 * Send a header and @size bytes of payload (may be NULL when @size is 0)
 * as one message, with @nfds fds (SCM_RIGHTS, with the first byte; the
 * caller keeps owning them), all of it (retrying EINTR and short sends;
 * a closed peer gives -EPIPE, never SIGPIPE).
 * Return: 0; -EINVAL for more than VHOST_USER_MAX_FDS fds; -ETIMEDOUT when
 * the send timeout expired; -EIO for a send of 0 bytes; another -errno of
 * sendmsg(). Not logged.
 */
int vxpath_vu_sock_send(int fd, const struct vxpath_vu_hdr *hdr,
			const void *payload, uint32_t size, const int *fds,
			unsigned int nfds);

/** Initialise @ep with no socket. Return: 0; -errno of the mutex. */
int vxpath_vu_endpoint_init(struct vxpath_vu_endpoint *ep);

/** Close @ep's socket if any and release its lock. */
void vxpath_vu_endpoint_fini(struct vxpath_vu_endpoint *ep);

/**
 * The stream is out of step or the peer is gone (caller holds ep->lock):
 * every later request fails with -ENOTCONN, and the socket is shut down
 * so that a back-end still alive sees the disconnection and stops using
 * our rings and buffers (the spec: a back-end stops its rings when the
 * front-end disconnects). The fd stays open until the connection manager
 * or destroy() closes it.
 */
void vxpath_vu_endpoint_mark_broken(struct vxpath_vu_endpoint *ep);

/**
 * One exchange (spec, "Communication"): send @msg with @nfds fds (the
 * caller keeps owning them) and wait for what answers it: its own reply,
 * or with REPLY_ACK negotiated the ack, which is checked (need_reply is
 * set here on requests without a reply of its own). The caller holds
 * ep->lock.
 * @reply:      the reply's payload (own reply only); may be NULL.
 * @reply_size: its size in bytes; may be NULL.
 * Return: 0; -ENOTCONN (no connection, broken earlier, or the back-end
 * closed it); -ETIMEDOUT (no reply in vxpath_vu_reply_timeout_ms); -EIO
 * (a malformed reply, a refused REPLY_ACK, a failed send or receive);
 * -EINVAL (@msg does not fit the request table). Logged once, naming the
 * device. After any failure but a refused REPLY_ACK and -EINVAL, the
 * endpoint is broken.
 */
int vxpath_vu_exchange_locked(struct vxpath_dev *dev,
			      struct vxpath_vu_endpoint *ep,
			      struct vxpath_vu_msg *msg, const int *fds,
			      unsigned int nfds,
			      union vxpath_vu_payload *reply,
			      uint32_t *reply_size);

/**
 * vxpath_vu_exchange_locked() under ep->lock.
 * Return: as vxpath_vu_exchange_locked(); -ENOTCONN when @ep has no socket
 * (logged at DEBUG only when a new connection may come: server=1,
 * reconnect=).
 */
int vxpath_vu_exchange(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
		       struct vxpath_vu_msg *msg, const int *fds,
		       unsigned int nfds, union vxpath_vu_payload *reply,
		       uint32_t *reply_size);

/**
 * Send @request, which has no payload and a u64 reply of its own
 * (GET_FEATURES, GET_PROTOCOL_FEATURES, GET_QUEUE_NUM, GET_MAX_MEM_SLOTS,
 * GET_STATUS); the u64 to *@value.
 * Return: as vxpath_vu_exchange().
 */
int vxpath_vu_get_u64(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
		      uint32_t request, uint64_t *value);

/**
 * Send @request with a u64 payload and no reply of its own (SET_FEATURES,
 * SET_PROTOCOL_FEATURES, NET_SET_MTU, SET_STATUS).
 * Return: as vxpath_vu_exchange().
 */
int vxpath_vu_set_u64(struct vxpath_dev *dev, struct vxpath_vu_endpoint *ep,
		      uint32_t request, uint64_t value);

#endif /* VXPATH_VHOST_USER_SOCKET_H */
