/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Stubs of what the vhost-user back-end's files call outside themselves,
 * for the tests that link them without the rest of the driver and without
 * EAL (test/unit/test_vhost_user_msg.c, test/fuzz/fuzz_vhost_user.c): the
 * memory layout check of memory.c (the memory table itself is memory.c's,
 * tested by test_memory.c), and the EAL interrupt thread's watches of
 * watch.c (no EAL here: the connection's hang-up is not watched). The
 * back-end channel reaches the device layer through dev->events, which
 * the tests leave NULL.
 */
#include <stdbool.h>

#include "memory.h"
#include "watch.h"

/* No file per small page: the set-up sequence never refuses for it. */
bool
vxpath_memory_fd_per_small_page(void)
{
	return false;
}

int
vxpath_watch_start(struct vxpath_watch *w, int fd, rte_intr_callback_fn cb,
		   void *arg, const char *who, const char *what)
{
	(void)who;
	(void)what;
	w->handle = NULL;
	w->cb = cb;
	w->arg = arg;
	w->fd = fd;
	return 0;
}

void
vxpath_watch_stop(struct vxpath_watch *w)
{
	w->fd = -1;
}
