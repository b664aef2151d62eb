/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user back-end channel (vhost_user_backend_channel.c): with
 * VHOST_USER_PROTOCOL_F_BACKEND_REQ, a second socket on which the back-end
 * sends requests to the front-end (spec, "Back-end communication",
 * VHOST_USER_SET_BACKEND_REQ_FD). One channel per connection, made by the
 * connection's set-up sequence (vhost_user_conn.c), served by the EAL
 * interrupt thread.
 */
#ifndef VXPATH_VHOST_USER_BACKEND_CHANNEL_H
#define VXPATH_VHOST_USER_BACKEND_CHANNEL_H

#include <stdbool.h>

struct vxpath_dev;
struct vxpath_vu_bch;

/**
 * Make a back-end channel: a Unix socketpair whose one end is ours, with
 * the reply timeouts (a back-end that stalls mid-message holds the
 * interrupt thread one timeout at most). Nothing is served until
 * vxpath_vu_bch_start().
 * @serve_config: VHOST_USER_PROTOCOL_F_CONFIG is negotiated on the
 *                connection: CONFIG_CHANGE_MSG is served.
 * @bp:           set to the channel (owned by the caller, released with
 *                vxpath_vu_bch_close()).
 * @peer_fd:      set to the back-end's end, which the caller passes with
 *                SET_BACKEND_REQ_FD and then closes.
 * Return: 0; -errno of socketpair(); -ENOMEM. Logged.
 */
int vxpath_vu_bch_open(struct vxpath_dev *dev, bool serve_config,
		       struct vxpath_vu_bch **bp, int *peer_fd);

/**
 * Have the EAL interrupt thread serve the channel, once the back-end has
 * its end.
 * Return: 0; the negative errno of rte_intr_callback_register() (logged).
 */
int vxpath_vu_bch_start(struct vxpath_vu_bch *b);

/**
 * Close the channel (NULL: nothing) and release it. From another thread,
 * a run of its callback in progress is waited for; from the interrupt
 * thread inside its own callback (the port closed by an application's LSC
 * callback) it is released after the callback returns.
 */
void vxpath_vu_bch_close(struct vxpath_vu_bch *b);

#endif /* VXPATH_VHOST_USER_BACKEND_CHANNEL_H */
