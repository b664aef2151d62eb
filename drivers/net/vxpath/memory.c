/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The memory table of a vxpath device (declared in memory.h): DPDK's
 * memory segments walked into regions (contiguous segments merged, so that
 * a process run with --single-file-segments needs one region per memseg
 * list), given to the back-end at each start, and kept in line with memory
 * hot-plug by one memory event callback per device. This file keeps the
 * record of the regions the back-end holds, for every back-end alike:
 *
 * - a back-end that takes whole tables (vhost-kernel VHOST_SET_MEM_TABLE,
 *   vhost-user SET_MEM_TABLE) gets the whole table again when DPDK memory
 *   changed;
 * - a back-end that takes regions one at a time (vhost-user
 *   CONFIGURE_MEM_SLOTS) keeps each region as long as all its memory
 *   exists, so that rings and buffers in it are never unmapped while the
 *   port runs: new memory becomes new regions (add_mem_region); a region
 *   part of which is freed is removed (rem_mem_region, first: regions
 *   never overlap) and what is left of it added again.
 *
 * Threads: the start runs in the application's thread or the EAL
 * interrupt thread (a replay), under dev->ctrl_lock; the memory event
 * callback runs in whatever thread allocates or frees DPDK memory, with
 * EAL's memory hot-plug lock write-locked (thread-unsafe walks only, no
 * rte_malloc; never dev->ctrl_lock, which a start holds while it waits for
 * the hot-plug lock). The record is under the device's memory lock, taken
 * after the hot-plug lock and before the back-end's exchange lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "memory.h"
#include "vhost.h"
#include "vxpath.h"
#include "vxpath_log.h"

/** A device's memory table: what its back-end holds, and the callback. */
struct vxpath_memory {
	/** Serialises the start and memory events on @regions. */
	pthread_mutex_t lock;
	bool cb_registered;           /**< memory event callback is on */
	char cb_name[RTE_MEM_EVENT_CALLBACK_NAME_LEN];
	/** @regions describe the back-end's table of @generation. */
	bool known;
	/** A whole table went out in @generation: events follow it. */
	bool sent;
	uint64_t generation;          /**< the back-end's, when recorded */
	struct vxpath_mem_region *regions; /**< held by the back-end */
	unsigned int n;               /**< entries of @regions in use */
	unsigned int room;            /**< entries of @regions */
};

/*
 * Walking DPDK's memory segments into regions.
 */

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

/*
 * Collect DPDK memory as regions, the memory hot-plug lock held, leaving
 * out [@skip, @skip + @skip_len) (@skip NULL: nothing).
 * @regions: room for @max; the fds stay owned by EAL.
 * @n:       set to the number of regions needed, also when above @max.
 * Return: 0; -E2BIG (not logged: the caller knows the back-end's limit);
 * -ENOTSUP, -ENOENT (logged).
 */
static int
regions_collect(struct vxpath_mem_region *regions, unsigned int max,
		unsigned int *n, bool need_fd, const void *skip,
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
	rte_memseg_walk_thread_unsafe(regions_walk_cb, &w);
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

/*
 * The record of what the back-end holds.
 */

static bool
region_equal(const struct vxpath_mem_region *a,
	     const struct vxpath_mem_region *b)
{
	return a->addr == b->addr && a->size == b->size && a->fd == b->fd &&
	       a->fd_offset == b->fd_offset;
}

/* Whether @r lies inside @d with the same file mapping. */
static bool
region_within(const struct vxpath_mem_region *r,
	      const struct vxpath_mem_region *d)
{
	return r->fd == d->fd && r->addr >= d->addr &&
	       r->addr + r->size <= d->addr + d->size &&
	       r->fd_offset == d->fd_offset + (r->addr - d->addr);
}

static int
region_cmp_addr(const void *a, const void *b)
{
	const struct vxpath_mem_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One line telling the user what to do when memory has too many pieces. */
static void
too_many_log(const struct vxpath_dev *dev,
	     const struct vxpath_mem_limits *lim, unsigned int n)
{
	VXPATH_LOG(ERR, "%s: DPDK memory is in %u pieces but the %s back-end takes at most %u (%s): %s",
		   dev->name, n, dev->ops->name, lim->max_regions,
		   lim->limit_name,
		   lim->need_fd ?
		   "run EAL with --single-file-segments (or use 1 GB hugepages)" :
		   "try --socket-mem, --legacy-mem or larger hugepages");
}

/*
 * A back-end of whole tables: @want (@n regions) replaces its table when
 * it differs from the one it holds, or always at a start (@start).
 */
static int
sync_table(struct vxpath_dev *dev, struct vxpath_memory *m,
	   const struct vxpath_mem_limits *lim,
	   const struct vxpath_mem_region *want, unsigned int n, bool start)
{
	unsigned int i;
	int ret;

	if (!start && m->known && n == m->n) {
		for (i = 0; i < n && region_equal(&want[i], &m->regions[i]); i++)
			;
		if (i == n)
			return 0;
	}
	ret = dev->ops->set_mem_table(dev, want, n, lim->generation);
	if (ret < 0)
		return ret;
	memcpy(m->regions, want, n * sizeof(*want));
	m->n = n;
	return 0;
}

/*
 * A back-end of regions one at a time: bring what it holds in line with
 * @want (@n regions); see the file comment. Regions it keeps are never
 * touched; @m records each step that succeeded.
 */
static int
sync_regions(struct vxpath_dev *dev, struct vxpath_memory *m,
	     const struct vxpath_mem_limits *lim,
	     const struct vxpath_mem_region *want, unsigned int n)
{
	unsigned int nadd = 0, nkeep = 0, nrem = 0, added = 0, removed = 0;
	struct vxpath_mem_region *add = NULL, *keep = NULL;
	unsigned int max = lim->max_regions, i, j;
	bool *kept = NULL, batch = false;
	int ret;

	/* calloc, not rte_malloc: the hot-plug lock may be held. */
	kept = calloc(m->n + 1, sizeof(*kept));
	keep = calloc(m->n + 1, sizeof(*keep));
	add = calloc(n + m->n + 1, sizeof(*add));
	if (kept == NULL || keep == NULL || add == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	/* Regions of the back-end that DPDK memory still covers whole. */
	for (i = 0; i < m->n; i++) {
		for (j = 0; j < n && !kept[i]; j++)
			kept[i] = region_within(&m->regions[i], &want[j]);
		if (kept[i])
			keep[nkeep++] = m->regions[i];
		else
			nrem++;
	}
	qsort(keep, nkeep, sizeof(*keep), region_cmp_addr);
	/* The rest of each piece of memory: the gaps between kept ones. */
	for (j = 0; j < n; j++) {
		uint64_t at = want[j].addr, end = want[j].addr + want[j].size;

		for (i = 0; i <= nkeep && at < end; i++) {
			uint64_t stop = end;

			if (i < nkeep) {
				if (!region_within(&keep[i], &want[j]))
					continue;
				stop = keep[i].addr;
			}
			if (stop > at) {
				add[nadd] = want[j];
				add[nadd].addr = at;
				add[nadd].size = stop - at;
				add[nadd].fd_offset = want[j].fd_offset +
						      (at - want[j].addr);
				nadd++;
			}
			if (i < nkeep)
				at = keep[i].addr + keep[i].size;
			else
				at = end;
		}
	}
	if (m->n - nrem + nadd > max) {
		too_many_log(dev, lim, m->n - nrem + nadd);
		ret = -E2BIG;
		goto out;
	}
	if (nrem + nadd > 0 && dev->ops->mem_batch != NULL) {
		ret = dev->ops->mem_batch(dev, true, lim->generation);
		if (ret < 0)
			goto out;
		batch = true;
	}
	for (i = 0; i < m->n; ) {
		if (kept[i]) {
			i++;
			continue;
		}
		ret = dev->ops->rem_mem_region(dev, &m->regions[i],
					       lim->generation);
		if (ret < 0)
			goto out;
		m->n--;
		m->regions[i] = m->regions[m->n];
		kept[i] = kept[m->n];
		removed++;
	}
	for (i = 0; i < nadd; i++) {
		ret = dev->ops->add_mem_region(dev, &add[i], lim->generation);
		if (ret < 0)
			goto out;
		m->regions[m->n++] = add[i];
		added++;
	}
	if (batch) {
		batch = false;
		ret = dev->ops->mem_batch(dev, false, lim->generation);
		if (ret < 0)
			goto out;
	}
	if (added + removed > 0)
		VXPATH_LOG(INFO, "%s: memory slots: %u regions added, %u removed, %u in use of %u",
			   dev->name, added, removed, m->n, max);
	ret = 0;
out:
	/* A failed change still closes the batch; its error stays. */
	if (batch)
		(void)dev->ops->mem_batch(dev, false, lim->generation);
	free(kept);
	free(keep);
	free(add);
	return ret;
}

/*
 * Bring the back-end's table in line with DPDK memory (but for @skip),
 * memory hot-plug lock and m->lock held. At a start (@start) the table
 * goes out whatever the back-end held; on a memory event only to a
 * back-end that got one in its current generation.
 * Return: 0; the errors of vxpath_memory_start(); -ESTALE when the
 * back-end's generation moved on meanwhile (nothing sent).
 */
static int
memory_sync(struct vxpath_dev *dev, struct vxpath_memory *m, bool start,
	    const void *skip, size_t skip_len)
{
	struct vxpath_mem_limits lim = { .max_regions = 0 };
	struct vxpath_mem_region *want = NULL;
	unsigned int n = 0;
	int ret;

	ret = dev->ops->mem_limits(dev, &lim);
	if (ret < 0) {
		if (start)
			VXPATH_LOG(ERR, "%s: the %s back-end cannot take a memory table now: %s",
				   dev->name, dev->ops->name, strerror(-ret));
		return ret;
	}
	if (!m->known || lim.generation != m->generation) {
		/* A back-end that lost its table holds nothing. */
		m->known = false;
		m->sent = false;
		m->n = 0;
	}
	if (!start && !m->sent)
		return 0;
	if (lim.max_regions == 0 ||
	    (lim.by_region && (dev->ops->add_mem_region == NULL ||
			       dev->ops->rem_mem_region == NULL)))
		return -EINVAL;
	if (m->room < lim.max_regions) {
		struct vxpath_mem_region *r;

		r = realloc(m->regions, lim.max_regions * sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		m->regions = r;
		m->room = lim.max_regions;
	}
	m->known = true;
	m->generation = lim.generation;
	want = calloc(lim.max_regions, sizeof(*want));
	if (want == NULL)
		return -ENOMEM;
	ret = regions_collect(want, lim.max_regions, &n, lim.need_fd, skip,
			      skip_len);
	if (ret == -E2BIG)
		too_many_log(dev, &lim, n);
	if (ret == 0 && lim.by_region)
		ret = sync_regions(dev, m, &lim, want, n);
	else if (ret == 0)
		ret = sync_table(dev, m, &lim, want, n, start);
	if (ret == 0)
		m->sent = true;
	free(want);
	return ret;
}

/*
 * Memory event callback (rte_mem_event_callback_register): runs in the
 * thread that allocates or frees DPDK memory, with EAL's memory hot-plug
 * lock write-locked. A free event comes before the memory goes: it is
 * left out of the table before the back-end's mapping of it is withdrawn.
 * A back-end that cannot follow (too many regions, a refused request) is
 * told (ops->mem_failed: vhost-user then closes the connection, the link
 * goes down): the port never half-works with memory its back-end cannot
 * reach. One that has no table now (no connection, a new one not yet
 * given its table) gets nothing: the next start gives it the whole table.
 */
static void
memory_event_cb(enum rte_mem_event type, const void *addr, size_t len,
		void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_memory *m = dev->mem;
	bool freed = type == RTE_MEM_EVENT_FREE;
	int ret;

	pthread_mutex_lock(&m->lock);
	if (m->sent) {
		VXPATH_LOG(DEBUG, "%s: DPDK memory %s: %zu bytes at %p",
			   dev->name, freed ? "freed" : "allocated", len, addr);
		ret = memory_sync(dev, m, false, freed ? addr : NULL, len);
		if (ret == -ENOTCONN || ret == -ESTALE) {
			VXPATH_LOG(DEBUG, "%s: the %s back-end holds no memory table now",
				   dev->name, dev->ops->name);
		} else if (ret < 0) {
			VXPATH_LOG(ERR, "%s: the %s back-end cannot follow a DPDK memory %s of %zu bytes (%s)",
				   dev->name, dev->ops->name,
				   freed ? "free" : "allocation", len,
				   strerror(-ret));
			if (dev->ops->mem_failed != NULL)
				dev->ops->mem_failed(dev, m->generation);
		}
	}
	pthread_mutex_unlock(&m->lock);
}

/* The device's record, made at the first start, and its callback. */
static struct vxpath_memory *
memory_get(struct vxpath_dev *dev)
{
	struct vxpath_memory *m = dev->mem;

	if (m != NULL)
		return m;
	m = calloc(1, sizeof(*m));
	if (m == NULL || pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m);
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		return NULL;
	}
	dev->mem = m;
	snprintf(m->cb_name, sizeof(m->cb_name), "vxpath-%u-%.40s",
		 dev->port_id, dev->name);
	if (rte_mem_event_callback_register(m->cb_name, memory_event_cb,
					    dev) == 0)
		m->cb_registered = true;
	else
		/* Legacy memory or --no-huge: memory is fixed. */
		VXPATH_LOG(DEBUG, "%s: no memory event callback: %s",
			   dev->name, rte_strerror(rte_errno));
	return m;
}

int
vxpath_memory_start(struct vxpath_dev *dev)
{
	struct vxpath_memory *m = memory_get(dev);
	int ret;

	if (m == NULL)
		return -ENOMEM;
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&m->lock);
	ret = memory_sync(dev, m, true, NULL, 0);
	pthread_mutex_unlock(&m->lock);
	rte_mcfg_mem_read_unlock();
	if (ret == -ENOMEM || ret == -EINVAL)
		VXPATH_LOG(ERR, "%s: cannot build the memory table for the %s back-end: %s",
			   dev->name, dev->ops->name, strerror(-ret));
	else if (ret == -ESTALE)
		VXPATH_LOG(ERR, "%s: the %s back-end's connection changed while its memory table was sent",
			   dev->name, dev->ops->name);
	return ret;
}

void
vxpath_memory_release(struct vxpath_dev *dev)
{
	struct vxpath_memory *m = dev->mem;

	if (m == NULL)
		return;
	/* Waits for a callback running in another thread. */
	if (m->cb_registered)
		rte_mem_event_callback_unregister(m->cb_name, dev);
	dev->mem = NULL;
	pthread_mutex_destroy(&m->lock);
	free(m->regions);
	free(m);
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
