/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * A file descriptor watched by the EAL interrupt thread: the one way the
 * driver's parts (the link-state events of intr.c, the TAP's link in
 * tap.c, the vhost-user connection manager) have a callback run when an
 * fd becomes readable, and stop it safely from any thread.
 */
#ifndef VXPATH_WATCH_H
#define VXPATH_WATCH_H

#include <rte_interrupts.h>

/** One fd watched by the EAL interrupt thread; all zero / NULL: off. */
struct vxpath_watch {
	struct rte_intr_handle *handle; /**< EXT handle on @fd; NULL: off */
	rte_intr_callback_fn cb;        /**< the callback registered */
	void *arg;                      /**< its argument */
	int fd;                         /**< what the thread polls; not owned */
};

/**
 * Have the EAL interrupt thread call @cb(@arg) whenever @fd is readable
 * (level-triggered: @cb must consume what made it readable, or disarm it).
 * @fd stays the caller's: it must stay open until vxpath_watch_stop().
 * @who and @what name the port and the fd in the one log line of a failure.
 * Return: 0; -ENOMEM; -EINVAL; the errno of rte_intr_callback_register().
 * On failure @w is left off.
 */
int vxpath_watch_start(struct vxpath_watch *w, int fd, rte_intr_callback_fn cb,
		       void *arg, const char *who, const char *what);

/**
 * Stop watching (nothing if @w is off). From any thread but the interrupt
 * thread, wait for a run of the callback in progress there: never call it
 * holding a lock that the callback takes. In the interrupt thread (the
 * callback itself, or another callback of that thread, stops it), the
 * callback is removed once it returns. @w is off on return.
 */
void vxpath_watch_stop(struct vxpath_watch *w);

#endif /* VXPATH_WATCH_H */
