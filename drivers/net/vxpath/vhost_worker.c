/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Choosing the vhost-net worker's kind (vhost_worker.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vhost.h>

#include "devargs.h"
#include "vhost_worker.h"
#include "vxpath_log.h"

/*
 * The UAPI of Linux 6.17 (linux/vhost.h); older headers lack it, and the
 * kernel the port runs on, not the one it was built on, decides.
 */
#ifndef VHOST_SET_FORK_FROM_OWNER
#define VHOST_FORK_OWNER_KTHREAD 0
#define VHOST_FORK_OWNER_TASK 1
#define VHOST_SET_FORK_FROM_OWNER _IOW(VHOST_VIRTIO, 0x84, __u8)
#define VHOST_GET_FORK_FROM_OWNER _IOR(VHOST_VIRTIO, 0x85, __u8)
#endif

const char *
vxpath_vhost_worker_name(uint32_t mode)
{
	switch (mode) {
	case VXPATH_VHOST_WORKER_AUTO:
		return "auto";
	case VXPATH_VHOST_WORKER_KTHREAD:
		return "kthread";
	case VXPATH_VHOST_WORKER_TASK:
		return "task";
	}
	return "?";
}

static const char *
kind_name(__u8 fork_owner)
{
	return fork_owner == VHOST_FORK_OWNER_KTHREAD ? "kthread" :
	       fork_owner == VHOST_FORK_OWNER_TASK ? "vhost_task" : "unknown";
}

int
vxpath_vhost_worker_apply(const char *name, int fd, uint32_t mode, bool log)
{
	uint32_t want = mode == VXPATH_VHOST_WORKER_AUTO ?
			VXPATH_VHOST_WORKER_PREFERRED : mode;
	__u8 v = want == VXPATH_VHOST_WORKER_KTHREAD ?
		 VHOST_FORK_OWNER_KTHREAD : VHOST_FORK_OWNER_TASK;
	int err;

	if (ioctl(fd, VHOST_SET_FORK_FROM_OWNER, &v) < 0) {
		err = errno;
		/* No such ioctl: a kernel before 6.17, or one built
		 * without CONFIG_VHOST_ENABLE_FORK_OWNER_CONTROL. Before
		 * VHOST_SET_OWNER such a kernel answers an ioctl it does not
		 * know with EPERM (the fd has no owner yet; Linux 6.1 in the
		 * test VM), after it with ENOTTY; EINVAL for good measure.
		 */
		if (err == EPERM || err == ENOTTY || err == EINVAL) {
			if (mode != VXPATH_VHOST_WORKER_AUTO) {
				VXPATH_LOG(ERR, "%s: devarg %s=%s: this kernel cannot choose the vhost worker (it does not know VHOST_SET_FORK_FROM_OWNER, answered %s; needs Linux 6.17+ with CONFIG_VHOST_ENABLE_FORK_OWNER_CONTROL)",
					   name, VXPATH_ARG_VHOST_WORKER,
					   vxpath_vhost_worker_name(mode),
					   strerror(err));
				return -ENOTSUP;
			}
			if (log)
				VXPATH_LOG(INFO, "%s: vhost worker: the kernel's own kind (it cannot choose: no VHOST_SET_FORK_FROM_OWNER)",
					   name);
			return 0;
		}
		VXPATH_LOG(ERR, "%s: devarg %s=%s: VHOST_SET_FORK_FROM_OWNER(%s): %s",
			   name, VXPATH_ARG_VHOST_WORKER,
			   vxpath_vhost_worker_name(mode), kind_name(v),
			   strerror(err));
		return -err;
	}
	/* Read back what the fd's worker will be. */
	if (ioctl(fd, VHOST_GET_FORK_FROM_OWNER, &v) < 0)
		v = 0xff;
	if (log)
		VXPATH_LOG(INFO, "%s: vhost worker: %s (vhost_worker=%s%s)",
			   name, kind_name(v), vxpath_vhost_worker_name(mode),
			   mode == VXPATH_VHOST_WORKER_AUTO ?
			   ", vxpath's choice" : "");
	return 0;
}
