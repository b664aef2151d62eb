/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the driver side of a split virtqueue
 * (drivers/net/vxpath/virtqueue_split.h), written against the header's contract
 * and virtio 1.2 section 2.7. The test plays the device itself: it reads the
 * available ring and walks descriptor chains as a device would (2.7.5,
 * 2.7.6), and writes used ring entries before used->idx (2.7.8), in any
 * order it likes, including the orders and values a broken or hostile
 * device would write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "virtqueue_test.h"

/* ------------------------------------------------------------------ */
/* Fixture: one virtqueue in freshly allocated, garbage-filled memory. */

#define GUARD_BYTES 256
#define GUARD_FILL 0xee
#define GUARD_CHAINS 4

static void fill_guard_chains(struct vxpath_vq_chain *g)
{
	unsigned int i;

	memset(g, 0, sizeof(*g) * GUARD_CHAINS);
	for (i = 0; i < GUARD_CHAINS; i++) {
		g[i].cookie = (void *)(uintptr_t)0xbad0;
		g[i].in_len = UINT32_MAX;
		g[i].ndescs = 1;
		g[i].next = 0;
	}
}

struct fx {
	struct vxpath_vq vq;
	void *mem;
	size_t mem_len;
	struct vxpath_vq_chain *chains;
	uint16_t size;
	size_t mem_alloc;      /* mem_len plus a guard area */
	/* device side */
	uint16_t last_avail;   /* next avail ring slot the device reads */
	uint16_t dev_used;     /* device's free-running used->idx */
};

static struct fx *fx_new(uint16_t size)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->size = size;
	f->mem_len = vxpath_vq_mem_size(size);
	assert_true(f->mem_len > 0);
	/* aligned_alloc wants a multiple of the alignment */
	f->mem_alloc = (f->mem_len + GUARD_BYTES + VXPATH_VQ_ALIGN - 1) /
		VXPATH_VQ_ALIGN * VXPATH_VQ_ALIGN;
	f->mem = aligned_alloc(VXPATH_VQ_ALIGN, f->mem_alloc);
	assert_non_null(f->mem);
	/* what a fresh allocation may hold: init owes us an empty ring */
	memset(f->mem, 0xa5, f->mem_len);
	memset((char *)f->mem + f->mem_len, GUARD_FILL,
	       f->mem_alloc - f->mem_len);
	/*
	 * Guard entries past the chains array look like outstanding chains,
	 * so an id check that is off by one returns a cookie instead of
	 * failing by luck.
	 */
	f->chains = malloc(sizeof(*f->chains) * (size + GUARD_CHAINS));
	assert_non_null(f->chains);
	memset(f->chains, 0x5a, sizeof(*f->chains) * size);
	fill_guard_chains(f->chains + size);
	memset(&f->vq, 0x3c, sizeof(f->vq));
	assert_int_equal(vxpath_vq_init(&f->vq, f->mem, size, f->chains), 0);
	return f;
}

/* Checks that nothing was written past either area, then frees. */
static void fx_free(struct fx *f)
{
	struct vxpath_vq_chain guard[GUARD_CHAINS];
	size_t i;

	for (i = f->mem_len; i < f->mem_alloc; i++)
		assert_int_equal(((unsigned char *)f->mem)[i], GUARD_FILL);
	fill_guard_chains(guard);
	assert_memory_equal(f->chains + f->size, guard, sizeof(guard));
	free(f->mem);
	free(f->chains);
	free(f);
}

/* The device forgets its state, as at VHOST_SET_VRING_BASE 0. */
static void dev_reset(struct fx *f)
{
	f->last_avail = 0;
	f->dev_used = 0;
}

static void *cookie_of(unsigned int i)
{
	return (void *)(uintptr_t)(0x10000u + i);
}

/* ------------------------------------------------------------------ */
/* Device side. */

struct chain_view {
	uint16_t head;
	uint16_t n;
	uint16_t idx[64];
	struct vxpath_vq_buf bufs[64];
	uint32_t in_len;
};

/* Take the next available head, or return false if avail->idx says none. */
static bool dev_pop(struct fx *f, uint16_t *head)
{
	uint16_t aidx = __atomic_load_n(&f->vq.avail->idx, __ATOMIC_ACQUIRE);

	if (aidx == f->last_avail)
		return false;
	*head = f->vq.avail->ring[f->last_avail & (f->size - 1)];
	f->last_avail++;
	return true;
}

/* Walk the chain at @head as a device does, checking what 2.7.5 asks. */
static void dev_walk(struct fx *f, uint16_t head, struct chain_view *cv)
{
	uint16_t i = head;
	bool seen_writable = false;

	memset(cv, 0, sizeof(*cv));
	cv->head = head;
	for (;;) {
		const struct vring_desc *d;

		assert_true(i < f->size);
		assert_true(cv->n < f->size);
		assert_true(cv->n < 64);
		d = &f->vq.desc[i];
		assert_false(d->flags & VRING_DESC_F_INDIRECT);
		cv->idx[cv->n] = i;
		cv->bufs[cv->n].addr = d->addr;
		cv->bufs[cv->n].len = d->len;
		cv->bufs[cv->n].writable = !!(d->flags & VRING_DESC_F_WRITE);
		if (cv->bufs[cv->n].writable) {
			seen_writable = true;
			cv->in_len += d->len;
		} else {
			/* 2.7.4: readable descriptors precede writable ones */
			assert_false(seen_writable);
		}
		cv->n++;
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = d->next;
	}
}

/* Write one used element, then publish it with used->idx (release). */
static void dev_push(struct fx *f, uint32_t id, uint32_t len)
{
	struct vring_used_elem *e =
		&f->vq.used->ring[f->dev_used & (f->size - 1)];

	e->id = id;
	e->len = len;
	f->dev_used++;
	__atomic_store_n(&f->vq.used->idx, f->dev_used, __ATOMIC_RELEASE);
}

/* Write a used element without moving used->idx. */
static void dev_write_elem(struct fx *f, uint16_t slot, uint32_t id,
			   uint32_t len)
{
	f->vq.used->ring[slot & (f->size - 1)].id = id;
	f->vq.used->ring[slot & (f->size - 1)].len = len;
}

static void dev_set_used_idx(struct fx *f, uint16_t idx)
{
	f->dev_used = idx;
	__atomic_store_n(&f->vq.used->idx, idx, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Driver-side helpers. */

static int add_simple(struct fx *f, uint16_t nread, uint16_t nwrite,
		      uint32_t len, void *cookie)
{
	struct vxpath_vq_buf bufs[64];
	uint16_t i, n = nread + nwrite;

	assert_true(n <= 64);
	for (i = 0; i < n; i++) {
		bufs[i].addr = 0x7f0000000000ull + (uint64_t)i * 0x10000;
		bufs[i].len = len;
		bufs[i].writable = i >= nread;
	}
	return vxpath_vq_add(&f->vq, bufs, n, cookie);
}

/* One writable buffer of @len bytes; asserts success, returns the head. */
static uint16_t add_rx(struct fx *f, uint32_t len, void *cookie)
{
	int head = add_simple(f, 0, 1, len, cookie);

	assert_true(head >= 0);
	assert_true(head < f->size);
	return (uint16_t)head;
}

static void expect_used(struct fx *f, void *cookie, uint32_t len)
{
	void *c = NULL;
	uint32_t l = 0xffffffff;

	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), 0);
	assert_ptr_equal(c, cookie);
	assert_int_equal(l, len);
}

static void expect_broken(struct fx *f)
{
	void *c;
	uint32_t l;

	assert_true(f->vq.fault.broken);
	assert_non_null(f->vq.fault.why);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	assert_int_equal(add_simple(f, 1, 0, 64, cookie_of(999)), -EIO);
}

/* ------------------------------------------------------------------ */
/* Layout and init. */

static void test_mem_size_and_layout(void **state)
{
	uint32_t n;

	(void)state;
	for (n = 1; n <= 32768; n <<= 1) {
		struct fx *f = fx_new((uint16_t)n);
		uintptr_t base = (uintptr_t)f->mem;
		uintptr_t d = (uintptr_t)f->vq.desc;
		uintptr_t a = (uintptr_t)f->vq.avail;
		uintptr_t u = (uintptr_t)f->vq.used;
		/* 2.7: sizes of the three parts, with the event fields */
		size_t dl = 16 * n, al = 6 + 2 * n, ul = 6 + 8 * n;

		assert_true(f->mem_len >= dl + al + ul);
		assert_int_equal(f->vq.size, n);
		/* each part aligned to VXPATH_VQ_ALIGN, inside the memory */
		assert_int_equal(d % VXPATH_VQ_ALIGN, 0);
		assert_int_equal(a % VXPATH_VQ_ALIGN, 0);
		assert_int_equal(u % VXPATH_VQ_ALIGN, 0);
		assert_true(d >= base && d + dl <= base + f->mem_len);
		assert_true(a >= base && a + al <= base + f->mem_len);
		assert_true(u >= base && u + ul <= base + f->mem_len);
		/* no two parts overlap */
		assert_true(d + dl <= a || a + al <= d);
		assert_true(d + dl <= u || u + ul <= d);
		assert_true(a + al <= u || u + ul <= a);
		/* the addresses handed to VHOST_SET_VRING_ADDR */
		assert_int_equal(vxpath_vq_desc_addr(&f->vq), d);
		assert_int_equal(vxpath_vq_avail_addr(&f->vq), a);
		assert_int_equal(vxpath_vq_used_addr(&f->vq), u);
		fx_free(f);
	}
}

static void test_init_bad_sizes(void **state)
{
	static const uint16_t bad[] = {
		0, 3, 5, 6, 7, 12, 100, 255, 257, 1000, 32767, 32769, 49152,
		65535,
	};
	size_t len = vxpath_vq_mem_size(32768) * 4;
	void *mem = aligned_alloc(VXPATH_VQ_ALIGN, len);
	struct vxpath_vq_chain *chains = calloc(65536, sizeof(*chains));
	struct vxpath_vq vq;
	size_t i;

	(void)state;
	assert_non_null(mem);
	assert_non_null(chains);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&vq, 0, sizeof(vq));
		assert_int_equal(vxpath_vq_init(&vq, mem, bad[i], chains),
				 -EINVAL);
	}
	/* every power of two up to 32768 is fine, 1 included */
	for (i = 1; i <= 32768; i <<= 1)
		assert_int_equal(vxpath_vq_init(&vq, mem, (uint16_t)i, chains),
				 0);
	free(mem);
	free(chains);
}

static void test_init_state(void **state)
{
	struct fx *f = fx_new(256);
	void *c;
	uint32_t l;

	(void)state;
	assert_int_equal(f->vq.size, 256);
	assert_int_equal(f->vq.num_free, 256);
	assert_false(f->vq.fault.broken);
	/* 2.7.10: the driver polls, so it asks for no used-buffer interrupts */
	assert_true(f->vq.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	/* the rings start empty whatever the memory held before */
	assert_int_equal(f->vq.avail->idx, 0);
	assert_int_equal(f->vq.used->idx, 0);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Adding chains. */

/* Every chain shape 1..size descriptors, every readable/writable split. */
static void test_add_chain_shapes(void **state)
{
	const uint16_t size = 16;
	struct fx *f = fx_new(size);
	unsigned int n, r, i, round = 0;

	(void)state;
	for (n = 1; n <= size; n++) {
		for (r = 0; r <= n; r++, round++) {
			struct vxpath_vq_buf bufs[16];
			struct chain_view cv;
			uint16_t aidx = f->vq.avail->idx, head = 0;
			uint32_t wbytes = 0;
			int ret;

			for (i = 0; i < n; i++) {
				bufs[i].addr = 0x100000000ull * (n + 1) +
					0x1000ull * i + r;
				bufs[i].len = 100 * (i + 1) + n;
				bufs[i].writable = i >= r;
				if (bufs[i].writable)
					wbytes += bufs[i].len;
			}
			ret = vxpath_vq_add(&f->vq, bufs, n, cookie_of(round));
			assert_true(ret >= 0 && ret < size);
			assert_int_equal(f->vq.num_free, size - n);
			/* visible only at publish */
			assert_int_equal(f->vq.avail->idx, aidx);
			assert_int_equal(f->vq.avail->ring[aidx & (size - 1)],
					 ret);
			vxpath_vq_publish(&f->vq);
			assert_int_equal(f->vq.avail->idx,
					 (uint16_t)(aidx + 1));

			assert_true(dev_pop(f, &head));
			assert_int_equal(head, ret);
			dev_walk(f, head, &cv);
			assert_int_equal(cv.n, n);
			assert_int_equal(cv.in_len, wbytes);
			for (i = 0; i < n; i++) {
				const struct vring_desc *d =
					&f->vq.desc[cv.idx[i]];

				assert_int_equal(d->addr, bufs[i].addr);
				assert_int_equal(d->len, bufs[i].len);
				assert_int_equal(!!(d->flags &
						    VRING_DESC_F_WRITE),
						 bufs[i].writable);
				assert_int_equal(!!(d->flags &
						    VRING_DESC_F_NEXT),
						 i + 1 < n);
			}
			/* the chain's descriptors are distinct */
			for (i = 0; i < n; i++) {
				unsigned int j;

				for (j = i + 1; j < n; j++)
					assert_int_not_equal(cv.idx[i],
							     cv.idx[j]);
			}
			dev_push(f, head, wbytes);
			assert_int_equal(vxpath_vq_used_count(&f->vq), 1);
			expect_used(f, cookie_of(round), wbytes);
			assert_int_equal(f->vq.num_free, size);
		}
	}
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

static void test_publish_moves_avail_idx(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t heads[3], h;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		heads[i] = add_rx(f, 1500, cookie_of(i));
		assert_int_equal(f->vq.avail->idx, 0);
		assert_int_equal(f->vq.avail->ring[i], heads[i]);
	}
	assert_false(dev_pop(f, &h));
	vxpath_vq_publish(&f->vq);
	assert_int_equal(f->vq.avail->idx, 3);
	/* publishing nothing new moves nothing */
	vxpath_vq_publish(&f->vq);
	assert_int_equal(f->vq.avail->idx, 3);
	for (i = 0; i < 3; i++) {
		assert_true(dev_pop(f, &h));
		assert_int_equal(h, heads[i]);
	}
	assert_false(dev_pop(f, &h));
	fx_free(f);
}

static void test_add_einval(void **state)
{
	struct fx *f = fx_new(8);
	struct vxpath_vq_buf b = { .addr = 0x1000, .len = 64 };

	(void)state;
	assert_int_equal(vxpath_vq_add(&f->vq, &b, 0, cookie_of(1)), -EINVAL);
	assert_int_equal(vxpath_vq_add(&f->vq, &b, 1, NULL), -EINVAL);
	assert_int_equal(f->vq.num_free, 8);
	vxpath_vq_publish(&f->vq);
	assert_int_equal(f->vq.avail->idx, 0);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

static void test_enospc_and_num_free(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h1, h2, h;
	int ret;

	(void)state;
	/* more descriptors than the whole ring */
	assert_int_equal(add_simple(f, 4, 5, 64, cookie_of(0)), -ENOSPC);
	assert_int_equal(f->vq.num_free, 8);

	ret = add_simple(f, 1, 2, 64, cookie_of(1));
	assert_true(ret >= 0);
	h1 = (uint16_t)ret;
	assert_int_equal(f->vq.num_free, 5);
	ret = add_simple(f, 2, 1, 64, cookie_of(2));
	assert_true(ret >= 0);
	h2 = (uint16_t)ret;
	assert_int_equal(f->vq.num_free, 2);
	assert_int_equal(add_simple(f, 3, 0, 64, cookie_of(3)), -ENOSPC);
	assert_int_equal(f->vq.num_free, 2);
	ret = add_simple(f, 0, 2, 64, cookie_of(4));
	assert_true(ret >= 0);
	assert_int_equal(f->vq.num_free, 0);
	assert_int_equal(add_simple(f, 1, 0, 64, cookie_of(5)), -ENOSPC);
	assert_int_equal(f->vq.num_free, 0);
	vxpath_vq_publish(&f->vq);
	/* the refused chains took no avail slot */
	assert_int_equal(f->vq.avail->idx, 3);

	assert_true(dev_pop(f, &h));
	assert_int_equal(h, h1);
	assert_true(dev_pop(f, &h));
	assert_int_equal(h, h2);
	dev_push(f, h1, 128);
	expect_used(f, cookie_of(1), 128);
	assert_int_equal(f->vq.num_free, 3);
	assert_int_equal(add_simple(f, 0, 4, 64, cookie_of(6)), -ENOSPC);
	ret = add_simple(f, 1, 2, 64, cookie_of(7));
	assert_true(ret >= 0);
	assert_int_equal(f->vq.num_free, 0);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

static void test_fill_single_descriptors(void **state)
{
	struct fx *f = fx_new(8);
	bool used_desc[8] = { false };
	unsigned int i;

	(void)state;
	for (i = 0; i < 8; i++) {
		uint16_t h = add_rx(f, 2048, cookie_of(i));

		/* each chain gets its own descriptor */
		assert_false(used_desc[h]);
		used_desc[h] = true;
		assert_int_equal(f->vq.num_free, 7 - i);
	}
	assert_int_equal(add_simple(f, 0, 1, 2048, cookie_of(8)), -ENOSPC);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Used ring. */

static void test_used_in_device_order(void **state)
{
	static const unsigned int order[] = { 3, 0, 5, 1, 4, 2 };
	struct fx *f = fx_new(16);
	uint16_t heads[6], h;
	unsigned int i;
	void *c;
	uint32_t l;

	(void)state;
	for (i = 0; i < 6; i++)
		heads[i] = add_rx(f, 1000 + i, cookie_of(i));
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 6; i++)
		assert_true(dev_pop(f, &h));
	assert_int_equal(f->vq.num_free, 10);
	for (i = 0; i < 6; i++)
		dev_push(f, heads[order[i]], 10 * order[i]);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 6);
	for (i = 0; i < 6; i++) {
		expect_used(f, cookie_of(order[i]), 10 * order[i]);
		assert_int_equal(f->vq.num_free, 11 + i);
		assert_int_equal(vxpath_vq_used_count(&f->vq), 5 - i);
	}
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

static void test_used_needs_used_idx(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h;
	void *c;
	uint32_t l;

	(void)state;
	h = add_rx(f, 512, cookie_of(1));
	vxpath_vq_publish(&f->vq);
	/* an element written but not yet published by used->idx */
	dev_write_elem(f, 0, h, 60);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	dev_set_used_idx(f, 1);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 1);
	expect_used(f, cookie_of(1), 60);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	fx_free(f);
}

static void test_kick_needed(void **state)
{
	struct fx *f = fx_new(8);

	(void)state;
	add_rx(f, 512, cookie_of(1));
	vxpath_vq_publish(&f->vq);
	f->vq.used->flags = 0;
	assert_true(vxpath_vq_kick_needed(&f->vq));
	f->vq.used->flags = VRING_USED_F_NO_NOTIFY;
	assert_false(vxpath_vq_kick_needed(&f->vq));
	add_rx(f, 512, cookie_of(2));
	vxpath_vq_publish(&f->vq);
	assert_false(vxpath_vq_kick_needed(&f->vq));
	f->vq.used->flags = 0;
	assert_true(vxpath_vq_kick_needed(&f->vq));
	fx_free(f);
}

static void ignore_cookie(void *arg, void *cookie)
{
	(void)arg;
	(void)cookie;
}

/* The device's avail_event, after the used ring's entries (2.7.8). */
static void dev_set_avail_event(struct fx *f, uint16_t event)
{
	uint16_t *avail_event = (uint16_t *)(void *)&f->vq.used->ring[f->size];

	*avail_event = event;
}

/*
 * With VIRTIO_RING_F_EVENT_IDX the flags are ignored: the driver kicks iff
 * the device's avail_event lies in the entries published since the last
 * decision (2.7.10), including across the 16-bit wrap.
 */
static void test_kick_needed_event_idx(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t g;
	void *c;
	uint32_t l;
	unsigned int i;

	(void)state;
	vxpath_vq_set_event_idx(&f->vq, true);
	/* used_event: one behind the used index, so no interrupt is asked;
	 * the flags must be 0 in this mode (2.7.7.1)
	 */
	assert_int_equal(f->vq.avail->ring[f->size], 0xffff);
	assert_int_equal(f->vq.avail->flags, 0);

	/* device waits for entry 0: the first publish kicks */
	dev_set_avail_event(f, 0);
	f->vq.used->flags = VRING_USED_F_NO_NOTIFY; /* ignored */
	add_rx(f, 512, cookie_of(1));
	vxpath_vq_publish(&f->vq);
	assert_true(vxpath_vq_kick_needed(&f->vq));
	/* entry 1 published, device still waits for 0: no kick */
	add_rx(f, 512, cookie_of(2));
	vxpath_vq_publish(&f->vq);
	assert_false(vxpath_vq_kick_needed(&f->vq));
	/* device asks for entry 3; entries 2 and 3 published together */
	dev_set_avail_event(f, 3);
	f->vq.used->flags = 0; /* ignored too */
	add_rx(f, 512, cookie_of(3));
	vxpath_vq_publish(&f->vq);
	assert_false(vxpath_vq_kick_needed(&f->vq));
	add_rx(f, 512, cookie_of(4));
	vxpath_vq_publish(&f->vq);
	assert_true(vxpath_vq_kick_needed(&f->vq));
	/* nothing new published: never a kick */
	assert_false(vxpath_vq_kick_needed(&f->vq));

	/* many laps: the device always asks for the next entry -> one kick
	 * per publish; asking for an old entry -> none
	 */
	for (i = 0; i < 4; i++) {
		assert_true(dev_pop(f, &g));
	}
	for (i = 0; i < 70000; i++) {
		uint16_t h;

		dev_set_avail_event(f, f->vq.avail_idx);
		h = add_rx(f, 512, cookie_of(5));
		vxpath_vq_publish(&f->vq);
		assert_true(vxpath_vq_kick_needed(&f->vq));
		dev_set_avail_event(f, (uint16_t)(f->vq.avail_idx - 2));
		assert_false(vxpath_vq_kick_needed(&f->vq));
		assert_true(dev_pop(f, &g));
		assert_int_equal(g, h);
		dev_push(f, h, 0);
		assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), 0);
	}
	/* reset keeps event index mode and used_event one behind */
	vxpath_vq_drain(&f->vq, ignore_cookie, NULL);
	assert_true(f->vq.event_idx);
	assert_int_equal(f->vq.avail->ring[f->size], 0xffff);
	assert_int_equal(f->vq.avail->flags, 0);
	vxpath_vq_set_event_idx(&f->vq, false);
	assert_int_equal(f->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	fx_free(f);
}

/* One chain at a time, past the 16-bit wrap of both indexes. */
static void test_index_wrap_one_at_a_time(void **state)
{
	struct fx *f = fx_new(4);
	uint32_t i;

	(void)state;
	for (i = 0; i < 70000; i++) {
		uint16_t h = add_rx(f, 64 + (i & 63), cookie_of(i));
		uint16_t got;

		vxpath_vq_publish(&f->vq);
		assert_int_equal(f->vq.avail->idx, (uint16_t)(i + 1));
		assert_true(dev_pop(f, &got));
		assert_int_equal(got, h);
		dev_push(f, h, i & 63);
		assert_int_equal(vxpath_vq_used_count(&f->vq), 1);
		expect_used(f, cookie_of(i), i & 63);
		assert_int_equal(f->vq.num_free, 4);
	}
	assert_int_equal(f->vq.used->idx, (uint16_t)70000);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* Full rings returned in reverse order, many outstanding across the wrap. */
static void test_index_wrap_batches(void **state)
{
	struct fx *f = fx_new(8);
	uint32_t round, k = 0;

	(void)state;
	for (round = 0; round < 9000; round++) {
		uint16_t heads[8], h;
		int i;

		for (i = 0; i < 8; i++)
			heads[i] = add_rx(f, 256, cookie_of(k + i));
		assert_int_equal(f->vq.num_free, 0);
		vxpath_vq_publish(&f->vq);
		for (i = 0; i < 8; i++) {
			assert_true(dev_pop(f, &h));
			assert_int_equal(h, heads[i]);
		}
		for (i = 7; i >= 0; i--)
			dev_push(f, heads[i], (uint32_t)i);
		assert_int_equal(vxpath_vq_used_count(&f->vq), 8);
		for (i = 7; i >= 0; i--)
			expect_used(f, cookie_of(k + i), (uint32_t)i);
		k += 8;
	}
	assert_int_equal(f->vq.avail->idx, (uint16_t)(9000 * 8));
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* A ring whose indexes start just below the wrap, with a partial batch. */
static void test_index_wrap_partial(void **state)
{
	struct fx *f = fx_new(16);
	uint32_t i;

	(void)state;
	/* move both indexes to 65530 */
	for (i = 0; i < 65530; i++) {
		uint16_t h = add_rx(f, 64, cookie_of(1)), g;

		vxpath_vq_publish(&f->vq);
		assert_true(dev_pop(f, &g));
		dev_push(f, h, 0);
		expect_used(f, cookie_of(1), 0);
	}
	/* 12 chains straddle 65535 -> 0; returned in two halves */
	{
		uint16_t heads[12], g;

		for (i = 0; i < 12; i++)
			heads[i] = add_rx(f, 64, cookie_of(100 + i));
		vxpath_vq_publish(&f->vq);
		assert_int_equal(f->vq.avail->idx, (uint16_t)(65530 + 12));
		for (i = 0; i < 12; i++)
			assert_true(dev_pop(f, &g));
		for (i = 0; i < 12; i += 2)
			dev_push(f, heads[i], i);
		assert_int_equal(vxpath_vq_used_count(&f->vq), 6);
		for (i = 0; i < 12; i += 2)
			expect_used(f, cookie_of(100 + i), i);
		for (i = 1; i < 12; i += 2)
			dev_push(f, heads[i], i);
		assert_int_equal(vxpath_vq_used_count(&f->vq), 6);
		for (i = 1; i < 12; i += 2)
			expect_used(f, cookie_of(100 + i), i);
	}
	assert_int_equal(f->vq.num_free, 16);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

static void test_peek_used(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t heads[3], h;
	unsigned int i, pass;
	void *c;
	uint32_t l;

	(void)state;
	for (i = 0; i < 3; i++)
		heads[i] = add_rx(f, 2000, cookie_of(i));
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &h));
	dev_push(f, heads[2], 22);
	dev_push(f, heads[0], 0);
	dev_push(f, heads[1], 2000);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 3);
	for (pass = 0; pass < 2; pass++) {
		l = 1;
		assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 0, &l),
				 cookie_of(2));
		assert_int_equal(l, 22);
		assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 1, &l),
				 cookie_of(0));
		assert_int_equal(l, 0);
		assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 2, &l),
				 cookie_of(1));
		assert_int_equal(l, 2000);
	}
	/* peeking consumes nothing */
	assert_int_equal(vxpath_vq_used_count(&f->vq), 3);
	assert_int_equal(f->vq.num_free, 5);
	expect_used(f, cookie_of(2), 22);
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 0, &l), cookie_of(0));
	assert_int_equal(l, 0);
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 1, &l), cookie_of(1));
	assert_int_equal(l, 2000);
	expect_used(f, cookie_of(0), 0);
	expect_used(f, cookie_of(1), 2000);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Hardening: what a broken or hostile device writes. */

static void test_bad_id_out_of_range(void **state)
{
	static const uint32_t bad_ids[] = { 8, 9, 0xffff, 0x10000, 0xffffffff };
	unsigned int k;

	(void)state;
	for (k = 0; k < sizeof(bad_ids) / sizeof(bad_ids[0]); k++) {
		struct fx *f = fx_new(8);
		uint16_t h1, h2, g;
		void *c;
		uint32_t l;

		h1 = add_rx(f, 512, cookie_of(1));
		h2 = add_rx(f, 512, cookie_of(2));
		vxpath_vq_publish(&f->vq);
		assert_true(dev_pop(f, &g));
		assert_true(dev_pop(f, &g));
		dev_push(f, bad_ids[k], 10);
		assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
		expect_broken(f);
		/* a later valid entry does not mend it */
		dev_push(f, h1, 10);
		expect_broken(f);
		(void)h2;
		fx_free(f);
	}
}

static void test_bad_id_free_descriptor(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h, g, other;
	void *c;
	uint32_t l;

	(void)state;
	h = add_rx(f, 512, cookie_of(1));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	other = (uint16_t)((h + 3) & 7);    /* a descriptor in no chain */
	dev_push(f, other, 10);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);
}

/* The id of a descriptor inside an outstanding chain, but not its head. */
static void test_bad_id_not_a_head(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t h = 0;
	int ret;
	void *c;
	uint32_t l;

	(void)state;
	ret = add_simple(f, 1, 2, 100, cookie_of(1));
	assert_true(ret >= 0);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &h));
	dev_walk(f, h, &cv);
	assert_int_equal(cv.n, 3);
	dev_push(f, cv.idx[1], 10);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);
}

static void test_bad_id_twice(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h1, h2, g;
	void *c;
	uint32_t l;

	(void)state;
	h1 = add_rx(f, 512, cookie_of(1));
	h2 = add_rx(f, 512, cookie_of(2));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	assert_true(dev_pop(f, &g));
	dev_push(f, h1, 10);
	dev_push(f, h1, 11);
	expect_used(f, cookie_of(1), 10);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	(void)h2;
	fx_free(f);
}

/* Returned, consumed, then returned again while another chain is out. */
static void test_bad_id_after_consumed(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h1, h2, g;
	void *c;
	uint32_t l;

	(void)state;
	h1 = add_rx(f, 512, cookie_of(1));
	h2 = add_rx(f, 512, cookie_of(2));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	assert_true(dev_pop(f, &g));
	dev_push(f, h1, 10);
	expect_used(f, cookie_of(1), 10);
	dev_push(f, h1, 10);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	(void)h2;
	fx_free(f);
}

static void test_bad_len(void **state)
{
	static const uint32_t bad_len[] = { 501, 1000, 0x80000000, 0xffffffff };
	unsigned int k;

	(void)state;
	for (k = 0; k < sizeof(bad_len) / sizeof(bad_len[0]); k++) {
		struct fx *f = fx_new(8);
		struct vxpath_vq_buf b[3] = {
			{ .addr = 0x1000, .len = 100, .writable = false },
			{ .addr = 0x2000, .len = 200, .writable = true },
			{ .addr = 0x3000, .len = 300, .writable = true },
		};
		int h1, h2;
		uint16_t g;
		void *c;
		uint32_t l;

		h1 = vxpath_vq_add(&f->vq, b, 3, cookie_of(1));
		assert_true(h1 >= 0);
		h2 = vxpath_vq_add(&f->vq, b, 3, cookie_of(2));
		assert_true(h2 >= 0);
		vxpath_vq_publish(&f->vq);
		assert_true(dev_pop(f, &g));
		assert_true(dev_pop(f, &g));
		/* exactly the writable bytes: fine */
		dev_push(f, (uint32_t)h1, 500);
		expect_used(f, cookie_of(1), 500);
		/* one byte more than the device may write: broken */
		dev_push(f, (uint32_t)h2, bad_len[k]);
		assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
		expect_broken(f);
		fx_free(f);
	}
}

static void test_readonly_chain_len_ignored(void **state)
{
	struct fx *f = fx_new(8);
	int h;
	uint16_t g;

	(void)state;
	h = add_simple(f, 2, 0, 1514, cookie_of(7));
	assert_true(h >= 0);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	dev_push(f, (uint32_t)h, 0xdeadbeef);
	expect_used(f, cookie_of(7), 0);
	assert_false(f->vq.fault.broken);
	assert_int_equal(f->vq.num_free, 8);
	fx_free(f);
}

static void test_used_idx_jump(void **state)
{
	/* used->idx values relative to the 2 chains outstanding */
	static const uint16_t jumps[] = { 3, 8, 100, 0x8000, 0xffff };
	unsigned int k;

	(void)state;
	for (k = 0; k < sizeof(jumps) / sizeof(jumps[0]); k++) {
		struct fx *f = fx_new(8);
		uint16_t h1, h2, g;

		h1 = add_rx(f, 512, cookie_of(1));
		h2 = add_rx(f, 512, cookie_of(2));
		vxpath_vq_publish(&f->vq);
		assert_true(dev_pop(f, &g));
		assert_true(dev_pop(f, &g));
		dev_write_elem(f, 0, h1, 1);
		dev_write_elem(f, 1, h2, 1);
		dev_set_used_idx(f, jumps[k]);
		assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
		expect_broken(f);
		fx_free(f);
	}
}

static void test_used_idx_moves_with_nothing_outstanding(void **state)
{
	struct fx *f = fx_new(8);

	(void)state;
	dev_write_elem(f, 0, 0, 0);
	dev_set_used_idx(f, 1);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	expect_broken(f);
	fx_free(f);
}

static void test_peek_bad_entry(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t g;
	uint32_t l;

	(void)state;
	add_rx(f, 512, cookie_of(1));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	dev_push(f, 8, 10);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 1);
	assert_null(vxpath_vq_peek_used(&f->vq, 0, &l));
	expect_broken(f);
	fx_free(f);
}

/*
 * The same id twice among unconsumed entries: peek_used checks "as
 * vxpath_vq_get_used() does", and get_used refuses a chain returned twice,
 * so peeking past the first copy must not hand out the same cookie again
 * (a caller assembling a packet from several peeked entries would otherwise
 * use one buffer twice).
 */
static void test_peek_duplicate_id(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h1, h2, g;
	uint32_t l;

	(void)state;
	h1 = add_rx(f, 512, cookie_of(1));
	h2 = add_rx(f, 512, cookie_of(2));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	assert_true(dev_pop(f, &g));
	dev_push(f, h1, 10);
	dev_push(f, h1, 20);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 2);
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 0, &l), cookie_of(1));
	assert_int_equal(l, 10);
	assert_null(vxpath_vq_peek_used(&f->vq, 1, &l));
	expect_broken(f);
	(void)h2;
	fx_free(f);
}

/*
 * A device scribbling over the descriptor table after reading it must not
 * steer the driver's free list (the links are private, virtqueue.h).
 */
static void test_device_scribbles_desc_table(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t heads[4], g = 0;
	bool seen[8] = { false };
	struct chain_view cv;
	unsigned int i, j;
	int ret;

	(void)state;
	for (i = 0; i < 4; i++) {
		ret = add_simple(f, 1, 1, 64, cookie_of(i));
		assert_true(ret >= 0);
		heads[i] = (uint16_t)ret;
	}
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 4; i++)
		assert_true(dev_pop(f, &g));
	memset(f->vq.desc, 0xff, sizeof(*f->vq.desc) * 8);
	for (i = 0; i < 4; i++)
		dev_push(f, heads[i], 64);
	for (i = 0; i < 4; i++)
		expect_used(f, cookie_of(i), 64);
	assert_int_equal(f->vq.num_free, 8);
	/* the whole ring as one chain: 8 distinct descriptors */
	ret = add_simple(f, 3, 5, 32, cookie_of(10));
	assert_true(ret >= 0);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	dev_walk(f, g, &cv);
	assert_int_equal(cv.n, 8);
	for (i = 0; i < 8; i++) {
		assert_false(seen[cv.idx[i]]);
		seen[cv.idx[i]] = true;
	}
	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			assert_true(seen[j]);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Drain and reset. */

struct drained {
	unsigned int n;
	void *cookies[64];
};

static void collect(void *arg, void *cookie)
{
	struct drained *d = arg;

	assert_true(d->n < 64);
	d->cookies[d->n++] = cookie;
}

static unsigned int count_cookie(const struct drained *d, void *cookie)
{
	unsigned int i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->cookies[i] == cookie;
	return n;
}

/* The queue behaves as freshly initialised (checked with a full cycle). */
static void expect_fresh(struct fx *f)
{
	uint16_t h, g;
	void *c;
	uint32_t l;

	assert_false(f->vq.fault.broken);
	assert_int_equal(f->vq.num_free, f->size);
	assert_true(f->vq.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(f->vq.avail->idx, 0);
	assert_int_equal(f->vq.used->idx, 0);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EAGAIN);
	dev_reset(f);
	h = add_rx(f, 100, cookie_of(500));
	vxpath_vq_publish(&f->vq);
	assert_int_equal(f->vq.avail->idx, 1);
	assert_true(dev_pop(f, &g));
	assert_int_equal(g, h);
	dev_push(f, h, 42);
	expect_used(f, cookie_of(500), 42);
	assert_int_equal(f->vq.num_free, f->size);
	assert_false(f->vq.fault.broken);
}

static void test_drain(void **state)
{
	struct fx *f = fx_new(16);
	struct drained d = { 0 };
	uint16_t heads[5], g;
	unsigned int i;
	int ret;

	(void)state;
	for (i = 0; i < 5; i++) {
		ret = add_simple(f, i % 3, 1, 64, cookie_of(i));
		assert_true(ret >= 0);
		heads[i] = (uint16_t)ret;
	}
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 5; i++)
		assert_true(dev_pop(f, &g));
	/* chain 1 returned and consumed; chain 3 returned, not consumed */
	dev_push(f, heads[1], 1);
	dev_push(f, heads[3], 3);
	expect_used(f, cookie_of(1), 1);
	/* one more added but never published */
	ret = add_simple(f, 1, 0, 64, cookie_of(5));
	assert_true(ret >= 0);

	assert_int_equal(vxpath_vq_drain(&f->vq, collect, &d), 5);
	assert_int_equal(d.n, 5);
	assert_int_equal(count_cookie(&d, cookie_of(0)), 1);
	assert_int_equal(count_cookie(&d, cookie_of(1)), 0);
	assert_int_equal(count_cookie(&d, cookie_of(2)), 1);
	assert_int_equal(count_cookie(&d, cookie_of(3)), 1);
	assert_int_equal(count_cookie(&d, cookie_of(4)), 1);
	assert_int_equal(count_cookie(&d, cookie_of(5)), 1);
	expect_fresh(f);
	fx_free(f);
}

static void test_drain_empty_and_full(void **state)
{
	struct fx *f = fx_new(8);
	struct drained d = { 0 };
	unsigned int i;

	(void)state;
	assert_int_equal(vxpath_vq_drain(&f->vq, collect, &d), 0);
	assert_int_equal(d.n, 0);
	expect_fresh(f);

	for (i = 0; i < 8; i++)
		add_rx(f, 64, cookie_of(i));
	vxpath_vq_publish(&f->vq);
	assert_int_equal(vxpath_vq_drain(&f->vq, collect, &d), 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(count_cookie(&d, cookie_of(i)), 1);
	expect_fresh(f);
	fx_free(f);
}

static void test_drain_broken(void **state)
{
	struct fx *f = fx_new(8);
	struct drained d = { 0 };
	uint16_t g;
	unsigned int i;
	void *c;
	uint32_t l;

	(void)state;
	for (i = 0; i < 3; i++)
		add_rx(f, 64, cookie_of(i));
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &g));
	dev_push(f, 0xffff, 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	assert_true(f->vq.fault.broken);
	/* stop must still get every cookie back to free its buffers */
	assert_int_equal(vxpath_vq_drain(&f->vq, collect, &d), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(count_cookie(&d, cookie_of(i)), 1);
	expect_fresh(f);
	fx_free(f);
}

static void test_reset_clears_broken(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t g;

	(void)state;
	add_rx(f, 64, cookie_of(1));
	add_rx(f, 64, cookie_of(2));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	dev_set_used_idx(f, 5);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	assert_true(f->vq.fault.broken);
	vxpath_vq_reset(&f->vq);
	expect_fresh(f);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Randomised traffic against a model, device returning in any order. */

struct model_chain {
	void *cookie;
	uint16_t n;
	struct vxpath_vq_buf bufs[6];
	uint32_t in_len;
	bool popped;
	struct chain_view cv;
};

static uint32_t rng_state = 0x12345678;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_random_traffic(void **state)
{
	const uint16_t size = 32;
	struct fx *f = fx_new(size);
	/* indexed by head descriptor */
	struct model_chain *m = calloc(size, sizeof(*m));
	bool desc_busy[32] = { false };
	uint16_t popped[32], npopped = 0;   /* popped, not yet pushed */
	struct { void *cookie; uint32_t len; uint16_t head; } fifo[32];
	unsigned int fifo_r = 0, fifo_w = 0; /* pushed, not yet consumed */
	unsigned int step, outstanding_descs = 0, next_cookie = 1;

	(void)state;
	assert_non_null(m);
	for (step = 0; step < 200000; step++) {
		uint32_t op = rnd() % 4;

		if (op == 0) {
			/* add */
			struct vxpath_vq_buf bufs[6];
			uint16_t n = 1 + rnd() % 6, r = rnd() % (n + 1), i;
			uint32_t in_len = 0;
			int ret;

			for (i = 0; i < n; i++) {
				bufs[i].addr = ((uint64_t)next_cookie << 16) +
					i;
				bufs[i].len = 1 + rnd() % 4096;
				bufs[i].writable = i >= r;
				if (bufs[i].writable)
					in_len += bufs[i].len;
			}
			ret = vxpath_vq_add(&f->vq, bufs, n,
					    cookie_of(next_cookie));
			if (size - outstanding_descs < n) {
				assert_int_equal(ret, -ENOSPC);
				continue;
			}
			assert_true(ret >= 0 && ret < size);
			assert_null(m[ret].cookie);
			m[ret].cookie = cookie_of(next_cookie++);
			m[ret].n = n;
			memcpy(m[ret].bufs, bufs, sizeof(bufs));
			m[ret].in_len = in_len;
			m[ret].popped = false;
			outstanding_descs += n;
		} else if (op == 1) {
			/* publish; the device takes everything available */
			uint16_t h, i;

			vxpath_vq_publish(&f->vq);
			while (dev_pop(f, &h)) {
				struct model_chain *c;

				assert_true(h < size);
				c = &m[h];
				assert_non_null(c->cookie);
				assert_false(c->popped);
				dev_walk(f, h, &c->cv);
				assert_int_equal(c->cv.n, c->n);
				assert_int_equal(c->cv.in_len, c->in_len);
				for (i = 0; i < c->n; i++) {
					uint16_t di = c->cv.idx[i];

					assert_int_equal(c->cv.bufs[i].addr,
							 c->bufs[i].addr);
					assert_int_equal(c->cv.bufs[i].len,
							 c->bufs[i].len);
					assert_int_equal(
						c->cv.bufs[i].writable,
						c->bufs[i].writable);
					/* no descriptor in two chains */
					assert_false(desc_busy[di]);
					desc_busy[di] = true;
				}
				c->popped = true;
				popped[npopped++] = h;
			}
		} else if (op == 2 && npopped > 0) {
			/* the device returns a random chain it holds */
			uint16_t k = rnd() % npopped, h = popped[k];
			struct model_chain *c = &m[h];
			uint32_t len = c->in_len ? rnd() % (c->in_len + 1) :
				rnd();

			popped[k] = popped[--npopped];
			fifo[fifo_w % 32].cookie = c->cookie;
			fifo[fifo_w % 32].len = c->in_len ? len : 0;
			fifo[fifo_w % 32].head = h;
			fifo_w++;
			dev_push(f, h, len);
		} else if (op == 3) {
			/* the driver consumes what is ready */
			uint16_t ready = vxpath_vq_used_count(&f->vq);
			uint16_t i, take = ready ? rnd() % (ready + 1) : 0;

			assert_int_equal(ready, fifo_w - fifo_r);
			for (i = 0; i < take; i++) {
				uint16_t h = fifo[fifo_r % 32].head, j;
				uint32_t len;
				void *cookie = vxpath_vq_peek_used(&f->vq, 0,
								   &len);

				assert_ptr_equal(cookie,
						 fifo[fifo_r % 32].cookie);
				assert_int_equal(len, fifo[fifo_r % 32].len);
				expect_used(f, fifo[fifo_r % 32].cookie,
					    fifo[fifo_r % 32].len);
				for (j = 0; j < m[h].n; j++)
					desc_busy[m[h].cv.idx[j]] = false;
				outstanding_descs -= m[h].n;
				m[h].cookie = NULL;
				fifo_r++;
			}
			if (take == ready) {
				void *c;
				uint32_t l;

				assert_int_equal(vxpath_vq_get_used(&f->vq,
								    &c, &l),
						 -EAGAIN);
			}
		}
		assert_int_equal(f->vq.num_free, size - outstanding_descs);
		assert_false(f->vq.fault.broken);
	}
	free(m);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Used-buffer notifications for a sleeping driver (2.7.7, 2.7.10). */

/*
 * Return one used chain as a device does and say whether the device then
 * notifies the driver: without event index unless the driver set
 * VRING_AVAIL_F_NO_INTERRUPT, with it when the new used index passed the
 * entry at used_event (the device's half of 2.7.10).
 */
static bool dev_push_notifies(struct fx *f, uint32_t id, uint32_t len)
{
	uint16_t old = f->dev_used, new, event;

	dev_push(f, id, len);
	new = f->dev_used;
	if (!f->vq.event_idx)
		return !(f->vq.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	event = f->vq.avail->ring[f->size];
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

/* Post one Rx buffer and let the device take it; return its head. */
static uint16_t post_and_pop(struct fx *f, unsigned int i)
{
	uint16_t h, g;

	h = add_rx(f, 256, cookie_of(i));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &g));
	assert_int_equal(g, h);
	return h;
}

static void test_interrupts_flags(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h;

	(void)state;
	/* polling after init: no interrupt asked */
	assert_int_equal(f->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	h = post_and_pop(f, 1);
	assert_false(dev_push_notifies(f, h, 10));
	/* an entry is waiting: enabling says so, the caller must not sleep */
	assert_true(vxpath_vq_enable_interrupts(&f->vq));
	assert_int_equal(f->vq.avail->flags, 0);
	expect_used(f, cookie_of(1), 10);
	/* nothing waiting: sleep, and the next entry notifies */
	assert_false(vxpath_vq_enable_interrupts(&f->vq));
	h = post_and_pop(f, 2);
	assert_true(dev_push_notifies(f, h, 20));
	expect_used(f, cookie_of(2), 20);
	/* back to polling */
	vxpath_vq_disable_interrupts(&f->vq);
	assert_int_equal(f->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	h = post_and_pop(f, 3);
	assert_false(dev_push_notifies(f, h, 30));
	expect_used(f, cookie_of(3), 30);
	/* the descriptors and rings were not touched beyond the flags */
	assert_int_equal(f->vq.num_free, f->size);
	fx_free(f);
}

static void test_interrupts_event_idx(void **state)
{
	struct fx *f = fx_new(8);
	uint16_t h, h2;
	unsigned int i;

	(void)state;
	vxpath_vq_set_event_idx(&f->vq, true);
	h = post_and_pop(f, 1);
	/* polling: used_event one behind, the device does not notify */
	assert_false(dev_push_notifies(f, h, 10));
	/* enabling with an entry waiting says so */
	assert_true(vxpath_vq_enable_interrupts(&f->vq));
	assert_int_equal(f->vq.avail->flags, 0);
	expect_used(f, cookie_of(1), 10);
	/* used_event = used index: the very next entry notifies, once */
	assert_false(vxpath_vq_enable_interrupts(&f->vq));
	assert_int_equal(f->vq.avail->ring[f->size], f->vq.used_idx);
	assert_int_equal(f->vq.avail->flags, 0);
	h = post_and_pop(f, 2);
	h2 = post_and_pop(f, 3);
	assert_true(dev_push_notifies(f, h, 20));
	assert_false(dev_push_notifies(f, h2, 30));
	expect_used(f, cookie_of(2), 20);
	expect_used(f, cookie_of(3), 30);
	/* disabled: one behind again, no notification */
	vxpath_vq_disable_interrupts(&f->vq);
	assert_int_equal(f->vq.avail->ring[f->size],
			 (uint16_t)(f->vq.used_idx - 1));
	assert_int_equal(f->vq.avail->flags, 0);
	h = post_and_pop(f, 4);
	assert_false(dev_push_notifies(f, h, 40));
	expect_used(f, cookie_of(4), 40);
	/* sleep/wake cycles across the 16-bit index wrap: one notification
	 * per cycle, none while polling
	 */
	for (i = 0; i < 70000; i++) {
		assert_false(vxpath_vq_enable_interrupts(&f->vq));
		h = post_and_pop(f, 5);
		assert_true(dev_push_notifies(f, h, 50));
		vxpath_vq_disable_interrupts(&f->vq);
		expect_used(f, cookie_of(5), 50);
		h = post_and_pop(f, 6);
		assert_false(dev_push_notifies(f, h, 60));
		expect_used(f, cookie_of(6), 60);
	}
	fx_free(f);
}

static void test_interrupts_broken(void **state)
{
	struct fx *f = fx_new(8);
	uint32_t l;
	void *c;

	(void)state;
	post_and_pop(f, 1);
	/* an id out of range breaks the queue when it is read */
	dev_push(f, 99, 10);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	/* nothing will come from a broken queue: not "entries waiting" */
	assert_false(vxpath_vq_enable_interrupts(&f->vq));
	vxpath_vq_disable_interrupts(&f->vq);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* VIRTIO_F_IN_ORDER (2.7.9): one used entry may stand for a batch. */

/*
 * The device returns the next @n chains it popped (heads in @heads) as one
 * batch: a single used entry at the slot of the batch's first chain, naming
 * the last, with @len; used->idx moves by @n.
 */
static void dev_push_batch(struct fx *f, const uint16_t *heads, uint16_t n,
			   uint32_t len)
{
	dev_write_elem(f, f->dev_used, heads[n - 1], len);
	dev_set_used_idx(f, (uint16_t)(f->dev_used + n));
}

static struct fx *fx_new_in_order(uint16_t size)
{
	struct fx *f = fx_new(size);

	vxpath_vq_set_in_order(&f->vq, true);
	return f;
}

static void test_in_order_batch(void **state)
{
	struct fx *f = fx_new_in_order(16);
	uint16_t heads[4] = { 0 };
	uint32_t l;
	unsigned int i;

	(void)state;
	/* Tx-like chains (driver-readable), of 1, 2, 3 and 1 descriptors. */
	assert_true(add_simple(f, 1, 0, 64, cookie_of(0)) >= 0);
	assert_true(add_simple(f, 2, 0, 64, cookie_of(1)) >= 0);
	assert_true(add_simple(f, 3, 0, 64, cookie_of(2)) >= 0);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(3)) >= 0);
	assert_int_equal(f->vq.num_free, 16 - 7);
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 4; i++)
		assert_true(dev_pop(f, &heads[i]));
	/* the first two as one batch, the last two as another */
	dev_push_batch(f, heads, 2, 0);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 2);
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 1, &l), cookie_of(1));
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 0, &l), cookie_of(0));
	assert_int_equal(l, 0);
	expect_used(f, cookie_of(0), 0);
	expect_used(f, cookie_of(1), 0);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	dev_push_batch(f, heads + 2, 2, 1234);
	expect_used(f, cookie_of(2), 0);
	expect_used(f, cookie_of(3), 0);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 0);
	assert_int_equal(f->vq.num_free, 16);
	assert_int_equal(f->vq.inflight, 0);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* Rx: one entry per chain, each with its length; peek across entries. */
static void test_in_order_rx_each_entry(void **state)
{
	struct fx *f = fx_new_in_order(8);
	uint16_t head = 0;
	uint32_t l;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++)
		add_rx(f, 1500, cookie_of(i));
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 3; i++) {
		assert_true(dev_pop(f, &head));
		dev_push(f, head, 100 + i);
	}
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 2, &l), cookie_of(2));
	assert_int_equal(l, 102);
	assert_ptr_equal(vxpath_vq_peek_used(&f->vq, 1, &l), cookie_of(1));
	assert_int_equal(l, 101);
	for (i = 0; i < 3; i++)
		expect_used(f, cookie_of(i), 100 + i);
	fx_free(f);
}

/* A batch that skips a device-writable chain: its length is unknown. */
static void test_in_order_batch_skips_writable(void **state)
{
	struct fx *f = fx_new_in_order(8);
	uint16_t heads[2] = { 0 };

	(void)state;
	add_rx(f, 1500, cookie_of(0));
	add_rx(f, 1500, cookie_of(1));
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &heads[0]));
	assert_true(dev_pop(f, &heads[1]));
	dev_push_batch(f, heads, 2, 60);
	assert_int_equal(vxpath_vq_used_count(&f->vq), 2);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &(void *){NULL},
					    &(uint32_t){0}), -EIO);
	expect_broken(f);
	fx_free(f);
}

/* Ids against availability order break the ring. */
static void test_in_order_bad_ids(void **state)
{
	struct fx *f;
	uint16_t heads[3] = { 0 };
	unsigned int i;
	void *c;
	uint32_t l;

	(void)state;
	/* An id already consumed (behind the oldest outstanding chain). */
	f = fx_new_in_order(8);
	for (i = 0; i < 3; i++)
		assert_true(add_simple(f, 1, 0, 64, cookie_of(i)) >= 0);
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &heads[i]));
	dev_push_batch(f, heads, 1, 0);
	expect_used(f, cookie_of(0), 0);
	dev_push(f, heads[0], 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);

	/* The last chain of a batch beyond what used->idx covers. */
	f = fx_new_in_order(8);
	for (i = 0; i < 3; i++)
		assert_true(add_simple(f, 1, 0, 64, cookie_of(i)) >= 0);
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &heads[i]));
	dev_write_elem(f, 0, heads[2], 0);
	dev_set_used_idx(f, 2);
	assert_null(vxpath_vq_peek_used(&f->vq, 0, &l));
	expect_broken(f);
	fx_free(f);

	/* A free descriptor, and an id out of range. */
	f = fx_new_in_order(8);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(0)) >= 0);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &heads[0]));
	dev_push(f, (uint16_t)(heads[0] + 1), 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	vxpath_vq_reset(&f->vq);
	dev_reset(f);
	assert_true(f->vq.in_order);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(1)) >= 0);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &heads[0]));
	dev_push(f, 8, 0);
	assert_int_equal(vxpath_vq_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);
}

/*
 * Under IN_ORDER a chain takes the next descriptors of the table (2.7.9
 * lets the driver choose): heads follow each other, the links run to the
 * next slot and wrap at the table's end.
 */
static void test_in_order_ring_order(void **state)
{
	struct fx *f = fx_new_in_order(8);
	uint16_t heads[3] = { 0 };
	struct chain_view cv;
	unsigned int i;

	(void)state;
	assert_int_equal(add_simple(f, 3, 0, 64, cookie_of(0)), 0);
	assert_int_equal(add_simple(f, 2, 0, 64, cookie_of(1)), 3);
	assert_int_equal(add_simple(f, 1, 0, 64, cookie_of(2)), 5);
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &heads[i]));
	assert_int_equal(heads[0], 0);
	assert_int_equal(heads[1], 3);
	assert_int_equal(heads[2], 5);
	dev_walk(f, 0, &cv);
	assert_int_equal(cv.n, 3);
	assert_int_equal(cv.idx[1], 1);
	assert_int_equal(cv.idx[2], 2);
	dev_push_batch(f, heads, 3, 0);
	for (i = 0; i < 3; i++)
		expect_used(f, cookie_of(i), 0);
	/* the next chain starts at 6 and wraps: 6, 7, 0 */
	assert_int_equal(add_simple(f, 3, 0, 64, cookie_of(3)), 6);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &heads[0]));
	assert_int_equal(heads[0], 6);
	dev_walk(f, 6, &cv);
	assert_int_equal(cv.n, 3);
	assert_int_equal(cv.idx[1], 7);
	assert_int_equal(cv.idx[2], 0);
	dev_push(f, 6, 0);
	expect_used(f, cookie_of(3), 0);
	assert_int_equal(f->vq.num_free, 8);

	/*
	 * The driver writes an available-ring slot only when it does not
	 * already hold the head (after a lap of equal chains it does): a
	 * slot holding something else must still be written.
	 */
	f->vq.avail->ring[4] = 0xffff;  /* slot of the next head, 1 */
	assert_int_equal(add_simple(f, 1, 0, 64, cookie_of(4)), 1);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &heads[0]));
	assert_int_equal(heads[0], 1);
	dev_push(f, 1, 0);
	expect_used(f, cookie_of(4), 0);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* Many laps of random batches of random chains: the indexes wrap. */
static void test_in_order_wrap(void **state)
{
	struct fx *f = fx_new_in_order(8);
	uint16_t heads[8] = { 0 };
	unsigned int next = 0, done = 0, round;

	(void)state;
	for (round = 0; round < 2000; round++) {
		unsigned int n = 0, b, i;

		/* fill with chains of 1..3 readable descriptors */
		for (;;) {
			uint16_t nd = (uint16_t)(1 + rnd() % 3);

			if (nd > f->vq.num_free || rnd() % 4 == 0)
				break;
			assert_true(add_simple(f, nd, 0, 64,
					       cookie_of(next++)) >= 0);
		}
		vxpath_vq_publish(&f->vq);
		while (dev_pop(f, &heads[n]))
			n++;
		/* return them in random batches, the last maybe an Rx-like
		 * entry with a length (ignored: readable chains)
		 */
		for (i = 0; i < n; i += b) {
			unsigned int k;

			b = 1 + rnd() % (n - i);
			dev_push_batch(f, heads + i, (uint16_t)b, rnd() % 100);
			assert_int_equal(vxpath_vq_used_count(&f->vq), b);
			for (k = 0; k < b; k++)
				expect_used(f, cookie_of(done++), 0);
		}
		assert_int_equal(f->vq.inflight, 0);
	}
	assert_int_equal(done, next);
	assert_int_equal(f->vq.num_free, 8);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* Drain mid-batch: every outstanding cookie once, then a fresh ring. */
static void test_in_order_drain(void **state)
{
	struct fx *f = fx_new_in_order(8);
	struct drained d;
	uint16_t heads[4] = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_true(add_simple(f, 1, 0, 64, cookie_of(i)) >= 0);
	vxpath_vq_publish(&f->vq);
	for (i = 0; i < 4; i++)
		assert_true(dev_pop(f, &heads[i]));
	dev_push_batch(f, heads, 3, 0);
	expect_used(f, cookie_of(0), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(vxpath_vq_drain(&f->vq, collect, &d), 3);
	for (i = 1; i < 4; i++)
		assert_int_equal(count_cookie(&d, cookie_of(i)), 1);
	expect_fresh(f);
	assert_true(f->vq.in_order);
	assert_int_equal(f->vq.inorder_left, 0);
	/* and batches work again after the reset */
	assert_true(add_simple(f, 1, 0, 64, cookie_of(9)) >= 0);
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &heads[0]));
	dev_push_batch(f, heads, 1, 0);
	expect_used(f, cookie_of(9), 0);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Indirect descriptors (VIRTIO_RING_F_INDIRECT_DESC, 2.7.5.3). */

static void test_add_indirect(void **state)
{
	struct fx *f = fx_new(4);
	struct vring_desc table[3];
	struct vxpath_vq_buf bufs[3];
	uint16_t head = 0, i;
	int h;

	(void)state;
	for (i = 0; i < 3; i++) {
		bufs[i].addr = 0x7f0000000000ull + i * 0x1000;
		bufs[i].len = 100 + i;
		bufs[i].writable = false;
	}
	h = vxpath_vq_add_indirect(&f->vq, table, bufs, 3, cookie_of(1));
	assert_true(h >= 0);
	assert_int_equal(f->vq.num_free, 3);
	assert_int_equal(f->vq.desc[h].flags, VRING_DESC_F_INDIRECT);
	assert_int_equal(f->vq.desc[h].addr, (uint64_t)(uintptr_t)table);
	assert_int_equal(f->vq.desc[h].len, 3 * sizeof(struct vring_desc));
	for (i = 0; i < 3; i++) {
		assert_int_equal(table[i].addr, bufs[i].addr);
		assert_int_equal(table[i].len, bufs[i].len);
		assert_int_equal(table[i].flags,
				 i < 2 ? VRING_DESC_F_NEXT : 0);
		if (i < 2)
			assert_int_equal(table[i].next, i + 1);
	}
	vxpath_vq_publish(&f->vq);
	assert_true(dev_pop(f, &head));
	assert_int_equal(head, h);
	dev_push(f, head, 0);
	expect_used(f, cookie_of(1), 0);
	assert_int_equal(f->vq.num_free, 4);
	/* writable buffers, no table, too many: refused, nothing taken */
	bufs[2].writable = true;
	assert_int_equal(vxpath_vq_add_indirect(&f->vq, table, bufs, 3,
						cookie_of(2)), -EINVAL);
	bufs[2].writable = false;
	assert_int_equal(vxpath_vq_add_indirect(&f->vq, NULL, bufs, 3,
						cookie_of(2)), -EINVAL);
	assert_int_equal(vxpath_vq_add_indirect(&f->vq, table, bufs, 0,
						cookie_of(2)), -EINVAL);
	assert_int_equal(vxpath_vq_add_indirect(&f->vq, table, bufs, 5,
						cookie_of(2)), -EINVAL);
	assert_int_equal(f->vq.num_free, 4);
	/* a full ring: -ENOSPC */
	for (i = 0; i < 4; i++)
		assert_true(vxpath_vq_add_indirect(&f->vq, table, bufs, 2,
						   cookie_of(10 + i)) >= 0);
	assert_int_equal(vxpath_vq_add_indirect(&f->vq, table, bufs, 2,
						cookie_of(20)), -ENOSPC);
	fx_free(f);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_size_and_layout),
		cmocka_unit_test(test_init_bad_sizes),
		cmocka_unit_test(test_init_state),
		cmocka_unit_test(test_add_chain_shapes),
		cmocka_unit_test(test_publish_moves_avail_idx),
		cmocka_unit_test(test_add_einval),
		cmocka_unit_test(test_enospc_and_num_free),
		cmocka_unit_test(test_fill_single_descriptors),
		cmocka_unit_test(test_used_in_device_order),
		cmocka_unit_test(test_used_needs_used_idx),
		cmocka_unit_test(test_kick_needed),
		cmocka_unit_test(test_kick_needed_event_idx),
		cmocka_unit_test(test_index_wrap_one_at_a_time),
		cmocka_unit_test(test_index_wrap_batches),
		cmocka_unit_test(test_index_wrap_partial),
		cmocka_unit_test(test_peek_used),
		cmocka_unit_test(test_bad_id_out_of_range),
		cmocka_unit_test(test_bad_id_free_descriptor),
		cmocka_unit_test(test_bad_id_not_a_head),
		cmocka_unit_test(test_bad_id_twice),
		cmocka_unit_test(test_bad_id_after_consumed),
		cmocka_unit_test(test_bad_len),
		cmocka_unit_test(test_readonly_chain_len_ignored),
		cmocka_unit_test(test_used_idx_jump),
		cmocka_unit_test(test_used_idx_moves_with_nothing_outstanding),
		cmocka_unit_test(test_peek_bad_entry),
		cmocka_unit_test(test_peek_duplicate_id),
		cmocka_unit_test(test_device_scribbles_desc_table),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_drain_empty_and_full),
		cmocka_unit_test(test_drain_broken),
		cmocka_unit_test(test_reset_clears_broken),
		cmocka_unit_test(test_random_traffic),
		cmocka_unit_test(test_interrupts_flags),
		cmocka_unit_test(test_interrupts_event_idx),
		cmocka_unit_test(test_interrupts_broken),
		cmocka_unit_test(test_in_order_batch),
		cmocka_unit_test(test_in_order_rx_each_entry),
		cmocka_unit_test(test_in_order_batch_skips_writable),
		cmocka_unit_test(test_in_order_bad_ids),
		cmocka_unit_test(test_in_order_ring_order),
		cmocka_unit_test(test_in_order_wrap),
		cmocka_unit_test(test_in_order_drain),
		cmocka_unit_test(test_add_indirect),
	};

	return cmocka_run_group_tests_name("vxpath_virtqueue_split", tests,
					   NULL, NULL);
}
