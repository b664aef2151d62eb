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
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_memory.h>

#include "memory.h"
#include "vxpath_log.h"

struct regions_walk {
	struct vxpath_mem_region *regions; /* max entries */
	unsigned int max;
	unsigned int n;                    /* regions needed so far */
	bool need_fd;
	int err;                           /* first error, negative errno */
	uint64_t skip_start, skip_end;     /* left out: [start, end) */
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

	/* Memory being freed (a free event runs before it is gone). */
	if (addr >= w->skip_start && addr < w->skip_end)
		return 0;
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

static int
regions_collect(struct vxpath_mem_region *regions, unsigned int max,
		unsigned int *n, bool need_fd, bool locked, const void *skip,
		size_t skip_len)
{
	struct regions_walk w = {
		.regions = regions,
		.max = max,
		.need_fd = need_fd,
	};

	if (skip != NULL) {
		w.skip_start = (uint64_t)(uintptr_t)skip;
		w.skip_end = w.skip_start + skip_len;
	}
	if (locked)
		rte_memseg_walk_thread_unsafe(regions_walk_cb, &w);
	else
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

int
vxpath_memory_regions(struct vxpath_mem_region *regions, unsigned int max,
		      unsigned int *n, bool need_fd)
{
	return regions_collect(regions, max, n, need_fd, false, NULL, 0);
}

int
vxpath_memory_regions_locked(struct vxpath_mem_region *regions,
			     unsigned int max, unsigned int *n, bool need_fd,
			     const void *skip, size_t skip_len)
{
	return regions_collect(regions, max, n, need_fd, true, skip,
			       skip_len);
}

static int
small_page_list_cb(const struct rte_memseg_list *msl, void *arg)
{
	bool *found = arg;

	if (!msl->external && msl->page_sz != 0 &&
	    msl->page_sz < RTE_PGSIZE_1G) {
		*found = true;
		return 1;
	}
	return 0;
}

bool
vxpath_memory_fd_per_small_page(void)
{
	bool found = false;

	if (!rte_eal_has_hugepages() || rte_mcfg_get_single_file_segments())
		return false;
	rte_memseg_list_walk(small_page_list_cb, &found);
	return found;
}
