/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-net worker's kind (linux/vhost.h, Linux 6.17 and later with
 * CONFIG_VHOST_ENABLE_FORK_OWNER_CONTROL): the kernel thread that moves a
 * vhost-net fd's rings is either a vhost_task, a thread of the process
 * that called VHOST_SET_OWNER (the only kind from Linux 6.4 to 6.16), or
 * a kthread of its own (the only kind before 6.4). VHOST_SET_FORK_FROM_OWNER
 * chooses, per fd, before VHOST_SET_OWNER; on older kernels the ioctl does
 * not exist (answered EPERM before VHOST_SET_OWNER, ENOTTY after it) and
 * the kernel's one kind is what the port gets.
 */
#ifndef VXPATH_VHOST_WORKER_H
#define VXPATH_VHOST_WORKER_H

#include <stdbool.h>
#include <stdint.h>

/** vhost_worker= (devargs.h): which worker a vhost-net fd gets. */
enum vxpath_vhost_worker {
	/** vxpath's choice (VXPATH_VHOST_WORKER_PREFERRED) where the kernel
	 *  lets it choose; the kernel's one kind elsewhere. */
	VXPATH_VHOST_WORKER_AUTO = 0,
	/** A kthread; refused where the kernel cannot choose. */
	VXPATH_VHOST_WORKER_KTHREAD = 1,
	/** A vhost_task in the owner's thread group; refused likewise. */
	VXPATH_VHOST_WORKER_TASK = 2,
};

/**
 * What vhost_worker=auto asks for where the kernel can choose (see
 * doc/guides/howto/performance.rst, "The vhost worker", for the run that
 * chose it).
 */
#define VXPATH_VHOST_WORKER_PREFERRED VXPATH_VHOST_WORKER_KTHREAD

/** "auto", "kthread" or "task": the devarg's values. */
const char *vxpath_vhost_worker_name(uint32_t mode);

/**
 * Choose the worker of the vhost-net fd @fd (open, not yet owned: call it
 * right before VHOST_SET_OWNER) as @mode asks, then read back what it is.
 * @name: the device's name, for log lines; @log: log the outcome in one
 * INFO line (the first queue pair's fd; the others are chosen alike).
 * Return: 0, the choice made or, for VXPATH_VHOST_WORKER_AUTO on a kernel
 * that cannot choose, left to the kernel; -ENOTSUP (logged, naming the
 * devarg) when @mode is KTHREAD or TASK and the kernel has no
 * VHOST_SET_FORK_FROM_OWNER; another negative errno of the ioctl (logged).
 */
int vxpath_vhost_worker_apply(const char *name, int fd, uint32_t mode,
			      bool log);

#endif /* VXPATH_VHOST_WORKER_H */
