/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Watches of the EAL interrupt thread (watch.h): one EXT interrupt handle
 * per fd, registered with one callback, unregistered in the way the calling
 * thread allows.
 */
#include <errno.h>
#include <string.h>

#include <rte_interrupts.h>

#include "vxpath_log.h"
#include "watch.h"

int
vxpath_watch_start(struct vxpath_watch *w, int fd, rte_intr_callback_fn cb,
		   void *arg, const char *who, const char *what)
{
	struct rte_intr_handle *h;
	int ret;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL) {
		VXPATH_LOG(ERR, "%s: no memory to watch the %s", who, what);
		return -ENOMEM;
	}
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_fd_set(h, fd) != 0) {
		rte_intr_instance_free(h);
		VXPATH_LOG(ERR, "%s: cannot watch the %s (fd %d)", who, what,
			   fd);
		return -EINVAL;
	}
	ret = rte_intr_callback_register(h, cb, arg);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: cannot watch the %s with the EAL interrupt thread: %s",
			   who, what, strerror(-ret));
		rte_intr_instance_free(h);
		return ret;
	}
	w->handle = h;
	w->cb = cb;
	w->arg = arg;
	w->fd = fd;
	return 0;
}

void
vxpath_watch_stop(struct vxpath_watch *w)
{
	int ret;

	if (w->handle == NULL)
		return;
	if (rte_thread_is_intr()) {
		/* -EAGAIN: the callback is the one running; it is removed
		 * once it returns.
		 */
		ret = rte_intr_callback_unregister(w->handle, w->cb, w->arg);
		if (ret == -EAGAIN)
			ret = rte_intr_callback_unregister_pending(w->handle,
					w->cb, w->arg, NULL);
	} else {
		ret = rte_intr_callback_unregister_sync(w->handle, w->cb,
							w->arg);
	}
	if (ret < 0)
		VXPATH_LOG(WARNING, "watch on fd %d: unregister: %s", w->fd,
			   strerror(-ret));
	/* EAL keeps no reference to the handle once unregistered, nor a
	 * pending one: its removal copies what it needs.
	 */
	rte_intr_instance_free(w->handle);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}
