/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Building the memory table for a vhost back-end from DPDK's memory
 * segments: contiguous segments are merged so that a process run with
 * --single-file-segments needs one region per memseg list.
 */
#include <errno.h>
#include <stdbool.h>

#include <rte_common.h>
#include <rte_memory.h>

#include "memory.h"
#include "vxpath_log.h"

struct regions_walk {
	struct vxpath_mem_region *regions; /* max entries */
	unsigned int max;
	unsigned int n;                    /* regions needed so far */
	bool need_fd;
	int err;                           /* first error, negative errno */
	struct vxpath_mem_region last;     /* region being grown */
};

static int
regions_walk_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct regions_walk *w = arg;
	struct vxpath_mem_region *cur = &w->last;
	uint64_t addr = (uint64_t)(uintptr_t)ms->addr;
	size_t offset = 0;
	int fd;

	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd >= 0 && rte_memseg_get_fd_offset_thread_unsafe(ms, &offset) < 0)
		fd = -1;
	if (fd < 0 && w->need_fd) {
		if (msl->external) {
			/* Memory the application registered itself: vxpath
			 * never puts its own rings or mbufs there.
			 */
			VXPATH_LOG(DEBUG, "skipping external memory at %p",
				   ms->addr);
			return 0;
		}
		w->err = -ENOTSUP;
		return 1;
	}
	if (w->n > 0 && cur->addr + cur->size == addr &&
	    (!w->need_fd ||
	     (cur->fd == fd && cur->fd_offset + cur->size == offset))) {
		cur->size += ms->len;
		if (w->n <= w->max)
			w->regions[w->n - 1] = *cur;
		return 0;
	}
	cur->addr = addr;
	cur->size = ms->len;
	cur->fd = fd;
	cur->fd_offset = fd >= 0 ? offset : 0;
	w->n++;
	if (w->n <= w->max)
		w->regions[w->n - 1] = *cur;
	return 0;
}

int
vxpath_memory_regions(struct vxpath_mem_region *regions, unsigned int max,
		      unsigned int *n, bool need_fd)
{
	struct regions_walk w = {
		.regions = regions,
		.max = max,
		.need_fd = need_fd,
	};

	rte_memseg_walk(regions_walk_cb, &w);
	*n = w.n;
	if (w.err == -ENOTSUP) {
		VXPATH_LOG(ERR,
			   "DPDK memory without a file descriptor cannot be shared with a vhost-user back-end: run EAL with hugepages (not --no-huge)");
		return w.err;
	}
	if (w.n == 0) {
		VXPATH_LOG(ERR, "no DPDK memory to share with the back-end");
		return -ENOENT;
	}
	if (w.n > max)
		return -E2BIG;
	return 0;
}
