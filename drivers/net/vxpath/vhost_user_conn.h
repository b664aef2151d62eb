/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user connection manager (vhost_user_conn.c): the state of the
 * vhost-user back-end of one port (struct vxpath_vu, in dev->backend), the
 * connection's set-up sequence (features, protocol features, queue count,
 * memory slots, back-end channel), and, with server=1 or reconnect=, the
 * connections that come and go after probe, reported to the device layer
 * through dev->events (vhost.h, struct vxpath_backend_events).
 */
#ifndef VXPATH_VHOST_USER_CONN_H
#define VXPATH_VHOST_USER_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "vhost_user_socket.h"
#include "watch.h"

struct vxpath_dev;
struct vxpath_vu_bch;

/**
 * Private state of the vhost-user back-end of one port, in dev->backend.
 * The endpoint's fields and @max_mem_slots, @mem_generation change under
 * ep.lock and, with server=1 or reconnect=, dev->ctrl_lock; the other
 * fields of the connection (@features to @bch) are written by the set-up
 * sequence, under dev->ctrl_lock once probe is over; the connection
 * manager's fields (from @ready on) change under dev->ctrl_lock.
 */
struct vxpath_vu {
	struct vxpath_vu_endpoint ep; /**< the connected socket */
	uint64_t features;          /**< GET_FEATURES, bit 30 included */
	uint64_t protocol_offered;  /**< GET_PROTOCOL_FEATURES' answer */
	uint64_t protocol_features; /**< negotiated protocol features */
	bool protocol_acked;        /**< bit 30 sent with SET_FEATURES */
	/** The back-end channel (BACKEND_REQ), NULL when not set up. */
	struct vxpath_vu_bch *bch;
	/** GET_MAX_MEM_SLOTS' answer (capped at VXPATH_VU_MAX_MEM_SLOTS):
	 * ADD/REM_MEM_REG are used; 0: SET_MEM_TABLE with at most
	 * VHOST_USER_MAX_MEM_REGIONS regions.
	 */
	unsigned int max_mem_slots;
	/** Changes each time the back-end loses the memory table it was
	 * given: a new connection, a dropped one, RESET_DEVICE (vhost.h,
	 * struct vxpath_mem_limits).
	 */
	uint64_t mem_generation;

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
	/** Epoll set (owned) holding ep.fd alone, EPOLLRDHUP|EPOLLONESHOT:
	 * it becomes readable on the connection's hang-up only, never on a
	 * reply waiting to be read. -1 before setup.
	 */
	int hup_epfd;
	struct vxpath_watch hup_watch;    /**< on hup_epfd, setup to destroy */
	struct vxpath_watch listen_watch; /**< on listen_fd (server=1) */
	/** A plain client's connection hung up: kept until destroy(). */
	bool hung_up;
	bool alarm_armed;           /**< the alarm callback is scheduled */
	unsigned int attempts;      /**< reconnect attempts since the loss */
	uint64_t connections;       /**< connections that served the port */
};

/** Whether protocol feature @bit is negotiated on @vu's connection. */
static inline bool
vxpath_vu_has_protocol(const struct vxpath_vu *vu, unsigned int bit)
{
	return (vu->protocol_features & (1ULL << bit)) != 0;
}

/**
 * vhost.h's setup(): connect to dev->args.path (client) or, with server=1,
 * listen there and wait for the first back-end; run the connection's
 * set-up sequence on it; with server=1 or reconnect=, start following the
 * connection (hang-up, new connections) in the EAL interrupt thread.
 * Return: 0 (dev->backend is set); the errors listed in vhost_user.c's
 * file comment for setup(); nothing is left behind on failure.
 */
int vxpath_vu_conn_setup(struct vxpath_dev *dev);

/**
 * vhost.h's destroy(): stop following the connection (waiting for a run
 * of its callbacks in another thread: never called with dev->ctrl_lock
 * held), close the back-end channel and the sockets, remove the socket
 * file of server=1, free dev->backend. Safe after a failed setup().
 */
void vxpath_vu_conn_destroy(struct vxpath_dev *dev);

/**
 * vhost.h's link_up(): a connection serves the port and has not hung up
 * (looked at now, without reading it). Never blocks.
 */
bool vxpath_vu_conn_link_up(struct vxpath_dev *dev);

/**
 * vhost.h's detached(): with server=1 or reconnect=, whether no connection
 * serves the port now. A plain client keeps its broken connection open
 * until destroy(): false.
 */
bool vxpath_vu_conn_detached(struct vxpath_dev *dev);

#endif /* VXPATH_VHOST_USER_CONN_H */
