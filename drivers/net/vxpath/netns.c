/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Entering and leaving the TAP's network namespace (netns.h): setns(2) on
 * the calling thread around control-path calls, never on the datapath.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "netns.h"
#include "vxpath_log.h"

/** This thread's own namespace (not the process's first thread's). */
#define NETNS_SELF "/proc/thread-self/ns/net"

int
vxpath_netns_path(const char *spec, char *path, size_t size)
{
	int n;

	if (spec[0] == '/')
		n = snprintf(path, size, "%s", spec);
	else
		n = snprintf(path, size, "%s/%s", VXPATH_NETNS_RUN_DIR, spec);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int
vxpath_netns_open(const char *path)
{
	int fd, type, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		/* ENOTTY: not an nsfs file at all; else another kind. */
		ret = -EINVAL;
		close(fd);
		return ret;
	}
	return fd;
}

int
vxpath_netns_enter(int nsfd, int *home)
{
	int fd, ret;

	*home = -1;
	if (nsfd < 0)
		return 0;
	fd = open(NETNS_SELF, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	*home = fd;
	return 0;
}

void
vxpath_netns_leave(int home)
{
	int saved = errno;

	if (home < 0)
		return;
	if (setns(home, CLONE_NEWNET) < 0)
		VXPATH_LOG(CRIT, "cannot go back to this thread's network namespace: %s; the thread stays in the TAP's",
			   strerror(errno));
	close(home);
	errno = saved;
}
