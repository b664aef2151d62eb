/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the device's memory table (drivers/net/vxpath/memory.c):
 * DPDK memory walked into regions, given to the back-end at start and kept
 * in line with memory hot-plug, for a back-end of whole tables and for one
 * of regions one at a time. EAL's memory segment API, its hot-plug lock
 * and its memory event callbacks are replaced here by a fake memory map
 * (definitions in the executable take precedence over the library's); the
 * back-end is a fake ops table that holds what it was given and fails the
 * test on an overlapping or unknown region, as a vhost-user back-end would
 * refuse them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "memory.h"
#include "vhost.h"
#include "vxpath.h"

#define MB (1ULL << 20)
#define BASE 0x100000000ULL

/* ------------------------------------------------------------------ */
/* Fake DPDK memory                                                    */

struct fake_seg {
	struct rte_memseg ms;
	int fd;
	size_t offset;
	bool external;
	bool present;
};

static struct fake_seg segs[32];
static unsigned int nsegs;
static bool single_file;
static rte_mem_event_callback_t event_cb;
static void *event_arg;
static unsigned int lock_depth;

/* A 2 MB page of DPDK memory at BASE + @page * 2 MB, in file @fd. */
static struct fake_seg *
seg_add(unsigned int page, int fd, size_t offset)
{
	struct fake_seg *s = &segs[nsegs++];

	memset(s, 0, sizeof(*s));
	s->ms.addr_64 = BASE + page * 2 * MB;
	s->ms.len = 2 * MB;
	s->ms.hugepage_sz = 2 * MB;
	s->fd = fd;
	s->offset = offset;
	s->present = true;
	return s;
}

static void
fire(enum rte_mem_event type, const struct fake_seg *s)
{
	assert_non_null(event_cb);
	lock_depth++;
	event_cb(type, s->ms.addr, s->ms.len, event_arg);
	lock_depth--;
}

int
rte_memseg_walk_thread_unsafe(rte_memseg_walk_t func, void *arg)
{
	struct rte_memseg_list msl;
	unsigned int i, j;
	int ret;

	/* Only ever called with the hot-plug lock held. */
	assert_true(lock_depth > 0);
	/* In address order, as EAL's lists are. */
	for (i = 0; i < nsegs; i++) {
		const struct fake_seg *lowest = NULL;

		for (j = 0; j < nsegs; j++) {
			const struct fake_seg *s = &segs[j];
			unsigned int k, rank = 0;

			if (!s->present)
				continue;
			for (k = 0; k < nsegs; k++)
				if (segs[k].present &&
				    segs[k].ms.addr_64 < s->ms.addr_64)
					rank++;
			if (rank == i)
				lowest = s;
		}
		if (lowest == NULL)
			break;
		memset(&msl, 0, sizeof(msl));
		msl.page_sz = 2 * MB;
		msl.external = lowest->external;
		ret = func(&msl, &lowest->ms, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static const struct fake_seg *
seg_of(const struct rte_memseg *ms)
{
	return (const struct fake_seg *)((const char *)ms -
					 offsetof(struct fake_seg, ms));
}

int
rte_memseg_get_fd_thread_unsafe(const struct rte_memseg *ms)
{
	return seg_of(ms)->fd;
}

int
rte_memseg_get_fd_offset_thread_unsafe(const struct rte_memseg *ms,
				       size_t *offset)
{
	*offset = seg_of(ms)->offset;
	return 0;
}

void
rte_mcfg_mem_read_lock(void)
{
	lock_depth++;
}

void
rte_mcfg_mem_read_unlock(void)
{
	lock_depth--;
}

int
rte_mem_event_callback_register(const char *name, rte_mem_event_callback_t clb,
				void *arg)
{
	assert_non_null(name);
	assert_null(event_cb);
	event_cb = clb;
	event_arg = arg;
	return 0;
}

int
rte_mem_event_callback_unregister(const char *name, void *arg)
{
	(void)name;
	assert_ptr_equal(arg, event_arg);
	event_cb = NULL;
	return 0;
}

int
rte_eal_has_hugepages(void)
{
	return 1;
}

bool
rte_mcfg_get_single_file_segments(void)
{
	return single_file;
}

int
rte_memseg_list_walk(rte_memseg_list_walk_t func, void *arg)
{
	struct rte_memseg_list msl;

	memset(&msl, 0, sizeof(msl));
	msl.page_sz = 2 * MB;
	return func(&msl, arg);
}

/* ------------------------------------------------------------------ */
/* Fake back-end                                                       */

enum call { SET_TABLE, ADD, REM };

struct backend {
	struct vxpath_mem_limits lim;
	int limits_ret;
	int fail_ret;           /* returned by the next table request */
	/* what it holds */
	struct vxpath_mem_region held[32];
	unsigned int nheld;
	/* what it was sent */
	enum call calls[64];
	unsigned int ncalls;
	unsigned int tables;    /* SET_TABLE calls */
	uint64_t failed_gen;    /* mem_failed's argument */
	unsigned int failed;    /* mem_failed calls */
};

static struct backend be;

static bool
overlaps(const struct vxpath_mem_region *a, const struct vxpath_mem_region *b)
{
	return a->addr < b->addr + b->size && b->addr < a->addr + a->size;
}

static int
be_request(enum call c, uint64_t generation)
{
	int ret = be.fail_ret;

	assert_true(lock_depth > 0);
	assert_true(be.ncalls < RTE_DIM(be.calls));
	if (generation != be.lim.generation)
		return -ESTALE;
	be.fail_ret = 0;
	if (ret == 0)
		be.calls[be.ncalls++] = c;
	return ret;
}

static int
be_limits(struct vxpath_dev *dev, struct vxpath_mem_limits *lim)
{
	(void)dev;
	*lim = be.lim;
	return be.limits_ret;
}

static int
be_set_table(struct vxpath_dev *dev, const struct vxpath_mem_region *r,
	     unsigned int n, uint64_t generation)
{
	int ret = be_request(SET_TABLE, generation);

	(void)dev;
	if (ret < 0)
		return ret;
	assert_true(n >= 1 && n <= be.lim.max_regions);
	memcpy(be.held, r, n * sizeof(*r));
	be.nheld = n;
	be.tables++;
	return 0;
}

static int
be_add(struct vxpath_dev *dev, const struct vxpath_mem_region *r,
       uint64_t generation)
{
	int ret = be_request(ADD, generation);
	unsigned int i;

	(void)dev;
	if (ret < 0)
		return ret;
	for (i = 0; i < be.nheld; i++)
		assert_false(overlaps(r, &be.held[i]));
	assert_true(be.nheld < be.lim.max_regions);
	be.held[be.nheld++] = *r;
	return 0;
}

static int
be_rem(struct vxpath_dev *dev, const struct vxpath_mem_region *r,
       uint64_t generation)
{
	int ret = be_request(REM, generation);
	unsigned int i;

	(void)dev;
	if (ret < 0)
		return ret;
	for (i = 0; i < be.nheld; i++)
		if (memcmp(&be.held[i], r, sizeof(*r)) == 0)
			break;
	assert_true(i < be.nheld);
	be.held[i] = be.held[--be.nheld];
	return 0;
}

static void
be_failed(struct vxpath_dev *dev, uint64_t generation)
{
	(void)dev;
	be.failed++;
	be.failed_gen = generation;
}

/* A new connection: it holds nothing. */
static void
be_reconnect(void)
{
	be.lim.generation++;
	be.nheld = 0;
}

static const struct vxpath_vhost_ops fake_ops = {
	.name = "fake",
	.mem_limits = be_limits,
	.set_mem_table = be_set_table,
	.add_mem_region = be_add,
	.rem_mem_region = be_rem,
	.mem_failed = be_failed,
};

/* Bytes of DPDK memory the back-end holds, and whether it covers @s. */
static uint64_t
held_bytes(void)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < be.nheld; i++)
		total += be.held[i].size;
	return total;
}

static bool
held_covers(const struct fake_seg *s)
{
	unsigned int i;

	for (i = 0; i < be.nheld; i++) {
		const struct vxpath_mem_region *r = &be.held[i];

		if (s->ms.addr_64 >= r->addr &&
		    s->ms.addr_64 + s->ms.len <= r->addr + r->size)
			return r->fd == s->fd &&
			       r->fd_offset + (s->ms.addr_64 - r->addr) ==
			       s->offset;
	}
	return false;
}

static struct vxpath_dev dev;

static int
setup(void **state)
{
	(void)state;
	memset(segs, 0, sizeof(segs));
	nsegs = 0;
	single_file = false;
	event_cb = NULL;
	lock_depth = 0;
	memset(&be, 0, sizeof(be));
	be.lim = (struct vxpath_mem_limits){ .max_regions = 8,
		.limit_name = "fake limit", .need_fd = true,
		.by_region = false, .generation = 1 };
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "net_vxpath_test");
	dev.ops = &fake_ops;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vxpath_memory_release(&dev);
	assert_null(event_cb);
	assert_null(dev.mem);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

/*
 * Whole tables: contiguous pages of one file are one region; the table is
 * sent at every start, and on a memory event only when it changed; a
 * freed page leaves the table before it goes.
 */
static void
test_table_follows_hotplug(void **state)
{
	struct fake_seg *b;

	(void)state;
	seg_add(0, 10, 0);
	seg_add(1, 10, 2 * MB);
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(lock_depth, 0);
	assert_int_equal(be.tables, 1);
	assert_int_equal(be.nheld, 1);
	assert_int_equal(be.held[0].addr, BASE);
	assert_int_equal(be.held[0].size, 4 * MB);
	assert_int_equal(be.held[0].fd, 10);

	/* A page in another file: a second region. */
	b = seg_add(8, 11, 0);
	fire(RTE_MEM_EVENT_ALLOC, b);
	assert_int_equal(be.tables, 2);
	assert_int_equal(be.nheld, 2);
	assert_true(held_covers(b));
	/* Nothing changed: nothing sent. */
	fire(RTE_MEM_EVENT_ALLOC, b);
	assert_int_equal(be.tables, 2);
	/* Freed: out of the table while it is still mapped. */
	fire(RTE_MEM_EVENT_FREE, b);
	assert_int_equal(be.tables, 3);
	assert_int_equal(be.nheld, 1);
	assert_false(held_covers(b));
	b->present = false;
	/* A start sends the table even when it did not change. */
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.tables, 4);
	assert_int_equal(be.failed, 0);
}

/*
 * Without fds (vhost-kernel), pages contiguous in address merge whatever
 * their files; with fds, pages in one file merge only at contiguous
 * offsets, and memory without a file cannot be shared but for external
 * memory, which is left out.
 */
static void
test_merging(void **state)
{
	struct fake_seg *s;

	(void)state;
	seg_add(0, 10, 0);
	seg_add(1, 11, 0);
	seg_add(2, 11, 4 * MB); /* a gap in the file */
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.nheld, 3);
	vxpath_memory_release(&dev);

	be.lim.need_fd = false;
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.nheld, 1);
	assert_int_equal(be.held[0].size, 6 * MB);
	vxpath_memory_release(&dev);

	be.lim.need_fd = true;
	s = seg_add(9, -1, 0);
	s->external = true;
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.nheld, 3);
	s->external = false;
	assert_int_equal(vxpath_memory_start(&dev), -ENOTSUP);
	be.lim.need_fd = false;
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.nheld, 2);
}

/*
 * Regions one at a time: a region the back-end holds stays while all its
 * memory does; new memory is added beside it; a region part of which is
 * freed is removed and the rest added again; the back-end never sees an
 * overlap (be_add) nor an unknown region (be_rem).
 */
static void
test_regions_follow_hotplug(void **state)
{
	struct fake_seg *p0, *p2, *p3;

	(void)state;
	be.lim.by_region = true;
	be.lim.max_regions = 16;
	p0 = seg_add(0, 10, 0);
	seg_add(1, 10, 2 * MB);
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.ncalls, 1);
	assert_int_equal(be.calls[0], ADD);
	assert_int_equal(held_bytes(), 4 * MB);

	/* Grown in the same file: the old region stays, the page is added. */
	p2 = seg_add(2, 10, 4 * MB);
	fire(RTE_MEM_EVENT_ALLOC, p2);
	assert_int_equal(be.ncalls, 2);
	assert_int_equal(be.calls[1], ADD);
	assert_int_equal(be.nheld, 2);
	assert_int_equal(held_bytes(), 6 * MB);
	p3 = seg_add(3, 10, 6 * MB);
	fire(RTE_MEM_EVENT_ALLOC, p3);
	assert_int_equal(be.nheld, 3);

	/* The first page freed: its region goes, its other page comes back. */
	fire(RTE_MEM_EVENT_FREE, p0);
	assert_int_equal(be.ncalls, 5);
	assert_int_equal(be.calls[3], REM);
	assert_int_equal(be.calls[4], ADD);
	assert_false(held_covers(p0));
	assert_int_equal(held_bytes(), 6 * MB);
	p0->present = false;
	/* A restart with nothing changed sends nothing. */
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.ncalls, 5);
	assert_int_equal(be.failed, 0);
}

/*
 * A back-end that lost its table (a new connection): memory events send
 * it nothing until the next start, which gives it everything again.
 */
static void
test_new_generation(void **state)
{
	struct fake_seg *s;

	(void)state;
	be.lim.by_region = true;
	be.lim.max_regions = 16;
	seg_add(0, 10, 0);
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.ncalls, 1);
	be_reconnect();
	s = seg_add(4, 11, 0);
	fire(RTE_MEM_EVENT_ALLOC, s);
	assert_int_equal(be.ncalls, 1);
	assert_int_equal(be.failed, 0);
	assert_int_equal(vxpath_memory_start(&dev), 0);
	assert_int_equal(be.ncalls, 3);
	assert_int_equal(be.nheld, 2);

	/* Not connected: events are quiet, a start reports it. */
	be.limits_ret = -ENOTCONN;
	fire(RTE_MEM_EVENT_FREE, s);
	assert_int_equal(be.failed, 0);
	assert_int_equal(vxpath_memory_start(&dev), -ENOTCONN);
}

/*
 * More pieces than the back-end maps: a start fails with -E2BIG, nothing
 * sent; a memory event that makes too many tells the back-end it cannot
 * follow (mem_failed, with its generation), as does a refused request.
 */
static void
test_cannot_follow(void **state)
{
	struct fake_seg *a, *b, *c;

	(void)state;
	be.lim.max_regions = 2;
	a = seg_add(0, 10, 0);
	b = seg_add(4, 11, 0);
	c = seg_add(8, 12, 0);
	assert_int_equal(vxpath_memory_start(&dev), -E2BIG);
	assert_int_equal(be.ncalls, 0);
	c->present = false;
	assert_int_equal(vxpath_memory_start(&dev), 0);
	c->present = true;
	fire(RTE_MEM_EVENT_ALLOC, c);
	assert_int_equal(be.failed, 1);
	assert_int_equal(be.failed_gen, be.lim.generation);
	c->present = false;

	/* A refusal of the back-end, against one that went away. */
	be.fail_ret = -EIO;
	fire(RTE_MEM_EVENT_FREE, b);
	assert_int_equal(be.failed, 2);
	be.fail_ret = -ENOTCONN;
	fire(RTE_MEM_EVENT_FREE, b);
	assert_int_equal(be.failed, 2);
	(void)a;
}

/* A file per 2 MB page unless --single-file-segments. */
static void
test_fd_per_small_page(void **state)
{
	(void)state;
	assert_true(vxpath_memory_fd_per_small_page());
	single_file = true;
	assert_false(vxpath_memory_fd_per_small_page());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_follows_hotplug,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_merging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regions_follow_hotplug,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_generation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cannot_follow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fd_per_small_page, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("memory", tests, NULL, NULL);
}
