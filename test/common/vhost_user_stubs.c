/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Stubs of what the vhost-user back-end's files call outside themselves,
 * for the tests that link them without the rest of the driver and without
 * EAL (test/unit/test_vhost_user_msg.c, test/fuzz/fuzz_vhost_user.c): the
 * memory layout check of memory.c (the memory table itself is memory.c's,
 * tested by test_memory.c) and the configuration change hook of
 * virtio_net.c that the back-end channel calls.
 */
#include <stdbool.h>

#include "memory.h"
#include "virtio_net.h"

/* No file per small page: the set-up sequence never refuses for it. */
bool
vxpath_memory_fd_per_small_page(void)
{
	return false;
}

void
vxpath_virtio_net_config_changed(struct vxpath_dev *dev)
{
	(void)dev;
}
