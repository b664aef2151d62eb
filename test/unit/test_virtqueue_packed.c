/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the driver side of a packed virtqueue
 * (drivers/net/vxpath/virtqueue_packed.h), written against the header's
 * contract and virtio 1.2 section 2.8. The test plays the device itself: it
 * polls the next descriptor in ring order for the avail/used flag bits of
 * the Driver Ring Wrap Counter it expects there and reads chains as a
 * device would (2.8.1, 2.8.6, 2.8.21), and writes used descriptors with its
 * own Device Ring Wrap Counter, skipping each chain's length (2.8.6,
 * 2.8.22), in any completion order, including the orders and values a
 * broken or hostile device would write. Notification decisions are checked
 * against a brute-force model of the event suppression rules (2.8.10,
 * 2.8.14). A last test runs the device in a thread of its own, concurrently
 * with the driver, and catches partial chains and lost notifications in
 * both directions (the memory barriers of kick_needed and
 * enable_interrupts); it also runs clean under -fsanitize=thread.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rte_log.h>

#include "virtqueue_test.h"
#include "vxpath_log.h"

#define F_AVAIL ((uint16_t)(1u << VRING_PACKED_DESC_F_AVAIL))
#define F_USED  ((uint16_t)(1u << VRING_PACKED_DESC_F_USED))

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Fixture: one virtqueue in garbage-filled memory between guard areas. */

#define GUARD_BYTES 256
#define GUARD_FILL 0xee
#define GUARD_CHAINS 4

static void fill_guard_chains(struct vxpath_vq_chain *g)
{
	unsigned int i;

	memset(g, 0, sizeof(*g) * GUARD_CHAINS);
	for (i = 0; i < GUARD_CHAINS; i++) {
		/* look like outstanding, published chains */
		g[i].cookie = (void *)(uintptr_t)0xbad0;
		g[i].in_len = UINT32_MAX;
		g[i].ndescs = 1;
		g[i].next = 0xffff;
	}
}

struct fx {
	struct vxpath_vqp vq;
	unsigned char *block;  /* guard, ring memory, guard */
	void *mem;
	size_t mem_len;
	size_t block_len;
	struct vxpath_vq_chain *chains; /* size + guard entries */
	uint16_t size;
	/* device side */
	uint16_t dev_avail;    /* next descriptor the device reads */
	bool dev_avail_wrap;   /* Driver Ring Wrap Counter expected there */
	uint16_t dev_used;     /* next descriptor the device writes used */
	bool dev_used_wrap;    /* Device Ring Wrap Counter */
	uint16_t *held;        /* per id: descriptors of a chain it holds */
};

static struct fx *fx_new2(uint16_t size, bool event_idx)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->size = size;
	f->mem_len = vxpath_vqp_mem_size(size);
	assert_true(f->mem_len > 0);
	f->block_len = GUARD_BYTES + f->mem_len + GUARD_BYTES;
	f->block_len = (f->block_len + VXPATH_VQ_ALIGN - 1) /
		VXPATH_VQ_ALIGN * VXPATH_VQ_ALIGN;
	f->block = aligned_alloc(VXPATH_VQ_ALIGN, f->block_len);
	assert_non_null(f->block);
	memset(f->block, GUARD_FILL, f->block_len);
	f->mem = f->block + GUARD_BYTES;
	/* what a fresh allocation may hold: init owes us an empty ring */
	memset(f->mem, 0xa5, f->mem_len);
	f->chains = malloc(sizeof(*f->chains) * (size + GUARD_CHAINS));
	assert_non_null(f->chains);
	memset(f->chains, 0x5a, sizeof(*f->chains) * size);
	fill_guard_chains(f->chains + size);
	f->held = calloc(size, sizeof(*f->held));
	assert_non_null(f->held);
	memset(&f->vq, 0x3c, sizeof(f->vq));
	assert_int_equal(vxpath_vqp_init(&f->vq, f->mem, size, f->chains,
					 event_idx), 0);
	f->dev_avail_wrap = true;
	f->dev_used_wrap = true;
	return f;
}

static struct fx *fx_new(uint16_t size)
{
	return fx_new2(size, false);
}

/* Checks that nothing was written outside the areas, then frees. */
static void fx_free(struct fx *f)
{
	struct vxpath_vq_chain guard[GUARD_CHAINS];
	size_t i;

	for (i = 0; i < GUARD_BYTES; i++)
		assert_int_equal(f->block[i], GUARD_FILL);
	for (i = GUARD_BYTES + f->mem_len; i < f->block_len; i++)
		assert_int_equal(f->block[i], GUARD_FILL);
	fill_guard_chains(guard);
	assert_memory_equal(f->chains + f->size, guard, sizeof(guard));
	free(f->block);
	free(f->chains);
	free(f->held);
	free(f);
}

/* The device forgets its state, as at VHOST_SET_VRING_BASE 0x80008000. */
static void dev_reset(struct fx *f)
{
	f->dev_avail = 0;
	f->dev_avail_wrap = true;
	f->dev_used = 0;
	f->dev_used_wrap = true;
	memset(f->held, 0, sizeof(*f->held) * f->size);
}

static void *cookie_of(unsigned int i)
{
	return (void *)(uintptr_t)(0x10000u + i);
}

/* xorshift32: the same sequence on every run */
static uint32_t rng_state = 0x12345678;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void step(uint16_t size, uint16_t *slot, bool *wrap, uint16_t n)
{
	uint32_t s = (uint32_t)*slot + n;

	assert_true(n <= size);
	if (s >= size) {
		s -= size;
		*wrap = !*wrap;
	}
	*slot = (uint16_t)s;
}

/* ------------------------------------------------------------------ */
/* Device side. */

#define MAX_CHAIN 64

struct chain_view {
	uint16_t id;
	uint16_t n;
	uint16_t slot[MAX_CHAIN];
	struct vxpath_vq_buf bufs[MAX_CHAIN];
	uint32_t in_len;
};

static uint16_t desc_flags(struct fx *f, uint16_t slot)
{
	return __atomic_load_n(&f->vq.desc[slot].flags, __ATOMIC_ACQUIRE);
}

/* 2.8.1: available means AVAIL matches the wrap counter, USED does not. */
static bool is_avail(uint16_t flags, bool wrap)
{
	return !!(flags & F_AVAIL) == wrap && !!(flags & F_USED) != wrap;
}

/* Whether the device would find a descriptor at its next slot. */
static bool dev_sees_avail(struct fx *f)
{
	return is_avail(desc_flags(f, f->dev_avail), f->dev_avail_wrap);
}

/*
 * Take the next available chain as a device does (2.8.21): poll the next
 * slot, then read every descriptor of the chain, each of which must be
 * available with the wrap counter of its own slot; the buffer id is in the
 * last one (2.8.6). Returns false if the next slot is not available.
 */
static bool dev_pop(struct fx *f, struct chain_view *cv)
{
	bool seen_writable = false;
	uint16_t i;

	memset(cv, 0, sizeof(*cv));
	if (!dev_sees_avail(f))
		return false;
	for (;;) {
		const struct vring_packed_desc *d = &f->vq.desc[f->dev_avail];
		uint16_t flags = desc_flags(f, f->dev_avail);

		assert_true(is_avail(flags, f->dev_avail_wrap));
		assert_true(cv->n < f->size);
		assert_true(cv->n < MAX_CHAIN);
		assert_false(flags & VRING_DESC_F_INDIRECT);
		cv->slot[cv->n] = f->dev_avail;
		cv->bufs[cv->n].addr = d->addr;
		cv->bufs[cv->n].len = d->len;
		cv->bufs[cv->n].writable = !!(flags & VRING_DESC_F_WRITE);
		if (cv->bufs[cv->n].writable) {
			seen_writable = true;
			cv->in_len += d->len;
		} else {
			/* 2.8.17: readable descriptors precede writable ones */
			assert_false(seen_writable);
		}
		cv->id = d->id;
		cv->n++;
		step(f->size, &f->dev_avail, &f->dev_avail_wrap, 1);
		if (!(flags & VRING_DESC_F_NEXT))
			break;
	}
	/* every descriptor carries the id (the header promises it) */
	for (i = 0; i < cv->n; i++)
		assert_int_equal(f->vq.desc[cv->slot[i]].id, cv->id);
	assert_true(cv->id < f->size);
	/* the driver never hands out an id the device still holds */
	assert_int_equal(f->held[cv->id], 0);
	f->held[cv->id] = cv->n;
	return true;
}

/* Write a used descriptor at the device's next used slot, any values. */
static void dev_write_used_raw(struct fx *f, uint16_t id, uint32_t len,
			       uint16_t flags)
{
	struct vring_packed_desc *d = &f->vq.desc[f->dev_used];

	d->id = id;
	d->len = len;
	__atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
}

static uint16_t used_flags(bool wrap, bool write)
{
	return (wrap ? (F_AVAIL | F_USED) : 0) |
	       (write ? VRING_DESC_F_WRITE : 0);
}

/*
 * Return the chain @id the device holds: one used descriptor with the
 * Device Ring Wrap Counter (2.8.1), id and len written before the flags
 * (release), then skip the chain's length (2.8.6). VRING_DESC_F_WRITE
 * if @len > 0, as devices do.
 */
static void dev_push(struct fx *f, uint16_t id, uint32_t len)
{
	uint16_t n;

	assert_true(id < f->size);
	n = f->held[id];
	assert_true(n > 0);
	dev_write_used_raw(f, id, len, used_flags(f->dev_used_wrap, len > 0));
	f->held[id] = 0;
	step(f->size, &f->dev_used, &f->dev_used_wrap, n);
}

/* A used descriptor the device should not write; skips @n slots. */
static void dev_push_bogus(struct fx *f, uint16_t id, uint32_t len,
			   uint16_t n)
{
	dev_write_used_raw(f, id, len, used_flags(f->dev_used_wrap, true));
	step(f->size, &f->dev_used, &f->dev_used_wrap, n);
}

/* ------------------------------------------------------------------ */
/* Driver-side helpers. */

static int add_simple(struct fx *f, uint16_t nread, uint16_t nwrite,
		      uint32_t len, void *cookie)
{
	struct vxpath_vq_buf bufs[MAX_CHAIN];
	uint16_t i, n = nread + nwrite;

	assert_true(n <= MAX_CHAIN);
	for (i = 0; i < n; i++) {
		bufs[i].addr = 0x7f0000000000ull + (uint64_t)i * 0x10000;
		bufs[i].len = len;
		bufs[i].writable = i >= nread;
	}
	return vxpath_vqp_add(&f->vq, bufs, n, cookie);
}

/* One writable buffer of @len bytes; asserts success, returns the id. */
static uint16_t add_rx(struct fx *f, uint32_t len, void *cookie)
{
	int id = add_simple(f, 0, 1, len, cookie);

	assert_true(id >= 0);
	assert_true(id < f->size);
	return (uint16_t)id;
}

/* Publish, then the device takes one chain, which must be @id. */
static void publish_pop(struct fx *f, uint16_t id, struct chain_view *cv)
{
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, cv));
	assert_int_equal(cv->id, id);
}

static void expect_used(struct fx *f, void *cookie, uint32_t len)
{
	void *c = NULL;
	uint32_t l = 0xffffffff;

	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), 0);
	assert_ptr_equal(c, cookie);
	assert_int_equal(l, len);
}

static void expect_none(struct fx *f)
{
	void *c = NULL;
	uint32_t l;

	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0xffff), 0);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EAGAIN);
	assert_false(f->vq.fault.broken);
}

static void expect_broken(struct fx *f)
{
	void *c;
	uint32_t l;

	assert_true(f->vq.fault.broken);
	assert_non_null(f->vq.fault.why);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0xffff), 0);
	assert_null(vxpath_vqp_peek_used(&f->vq, 0, &l));
	assert_int_equal(add_simple(f, 1, 0, 64, cookie_of(999)), -EIO);
}

/* Log lines of the driver, captured to count "broken" reports. */
static FILE *log_capture;

static void log_start(void)
{
	log_capture = tmpfile();
	assert_non_null(log_capture);
	assert_int_equal(rte_openlog_stream(log_capture), 0);
	/* The ring's own report is a DEBUG line (the port logs the error). */
	assert_int_equal(rte_log_set_level(vxpath_logtype, RTE_LOG_DEBUG), 0);
}

static unsigned int log_stop_count(const char *needle)
{
	char line[512];
	unsigned int n = 0;

	fflush(log_capture);
	rewind(log_capture);
	while (fgets(line, sizeof(line), log_capture) != NULL)
		n += strstr(line, needle) != NULL;
	rte_openlog_stream(NULL);
	fclose(log_capture);
	log_capture = NULL;
	return n;
}

/* ------------------------------------------------------------------ */
/* Layout and init. */

static void check_layout(uint16_t n)
{
	struct fx *f = fx_new((uint16_t)n);
	uintptr_t base = (uintptr_t)f->mem;
	uintptr_t d = (uintptr_t)f->vq.desc;
	uintptr_t drv = (uintptr_t)f->vq.driver;
	uintptr_t dev = (uintptr_t)f->vq.device;
	/* 2.8.10.1: sizes of the three parts */
	size_t dl = 16 * (size_t)n, el = 4;

	assert_true(f->mem_len >= dl + 2 * el);
	assert_int_equal(f->vq.size, n);
	/* each part aligned to VXPATH_VQ_ALIGN (>= 16 and 4), inside */
	assert_int_equal(d % VXPATH_VQ_ALIGN, 0);
	assert_int_equal(drv % VXPATH_VQ_ALIGN, 0);
	assert_int_equal(dev % VXPATH_VQ_ALIGN, 0);
	assert_true(d >= base && d + dl <= base + f->mem_len);
	assert_true(drv >= base && drv + el <= base + f->mem_len);
	assert_true(dev >= base && dev + el <= base + f->mem_len);
	/* no two parts overlap */
	assert_true(d + dl <= drv || drv + el <= d);
	assert_true(d + dl <= dev || dev + el <= d);
	assert_true(drv + el <= dev || dev + el <= drv);
	/* the addresses handed to VHOST_SET_VRING_ADDR */
	assert_int_equal(vxpath_vqp_desc_addr(&f->vq), d);
	assert_int_equal(vxpath_vqp_driver_addr(&f->vq), drv);
	assert_int_equal(vxpath_vqp_device_addr(&f->vq), dev);
	/* the whole area zeroed but for the driver's event flags */
	assert_int_equal(f->vq.driver->flags,
			 VRING_PACKED_EVENT_FLAG_DISABLE);
	fx_free(f);
}

static void test_mem_size_and_layout(void **state)
{
	static const uint16_t big[] = {
		1000, 1023, 1024, 1025, 4095, 4096, 32767, 32768,
	};
	unsigned int n;

	(void)state;
	for (n = 1; n <= 300; n++)
		check_layout((uint16_t)n);
	for (n = 0; n < ARRAY_LEN(big); n++)
		check_layout(big[n]);
}

static void test_init_bad_args(void **state)
{
	static const uint16_t bad[] = { 0, 32769, 32770, 40000, 65535 };
	static const uint16_t good[] = {
		1, 2, 3, 5, 6, 7, 12, 100, 255, 257, 1000, 32767, 32768,
	};
	size_t len = vxpath_vqp_mem_size(65535) + VXPATH_VQ_ALIGN;
	unsigned char *mem = aligned_alloc(VXPATH_VQ_ALIGN, len);
	struct vxpath_vq_chain *chains = calloc(65536, sizeof(*chains));
	struct vxpath_vqp vq;
	size_t i;

	(void)state;
	assert_non_null(mem);
	assert_non_null(chains);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		memset(&vq, 0, sizeof(vq));
		assert_int_equal(vxpath_vqp_init(&vq, mem, bad[i], chains,
						 false), -EINVAL);
	}
	/* no power of two needed (2.8.10.1) */
	for (i = 0; i < ARRAY_LEN(good); i++) {
		assert_int_equal(vxpath_vqp_init(&vq, mem, good[i], chains,
						 false), 0);
		assert_int_equal(vq.size, good[i]);
		assert_int_equal(vq.num_free, good[i]);
		assert_false(vq.event_idx);
		assert_int_equal(vxpath_vqp_init(&vq, mem, good[i], chains,
						 true), 0);
		assert_true(vq.event_idx);
	}
	assert_int_equal(vxpath_vqp_init(&vq, NULL, 8, chains, false),
			 -EINVAL);
	assert_int_equal(vxpath_vqp_init(&vq, mem, 8, NULL, false), -EINVAL);
	/* the alignment the header asks for */
	assert_int_equal(vxpath_vqp_init(&vq, mem + 16, 8, chains, false),
			 -EINVAL);
	assert_int_equal(vxpath_vqp_init(&vq, mem + 1, 8, chains, false),
			 -EINVAL);
	free(mem);
	free(chains);
}

static void test_init_state(void **state)
{
	struct fx *f = fx_new(256);
	unsigned int i;

	(void)state;
	assert_int_equal(f->vq.size, 256);
	assert_int_equal(f->vq.num_free, 256);
	assert_int_equal(f->vq.inflight, 0);
	assert_false(f->vq.fault.broken);
	assert_null(f->vq.fault.why);
	/* 2.8.1: both wrap counters start at 1 */
	assert_true(f->vq.avail_wrap);
	assert_true(f->vq.used_wrap);
	/* 2.8.13: the ring starts zeroed whatever the memory held */
	for (i = 0; i < 256; i++) {
		assert_int_equal(f->vq.desc[i].flags, 0);
		assert_int_equal(f->vq.desc[i].id, 0);
		assert_int_equal(f->vq.desc[i].addr, 0);
		assert_int_equal(f->vq.desc[i].len, 0);
	}
	/* the driver polls: no used buffer notifications */
	assert_int_equal(f->vq.driver->flags,
			 VRING_PACKED_EVENT_FLAG_DISABLE);
	assert_int_equal(f->vq.driver->off_wrap, 0);
	assert_int_equal(f->vq.device->flags, 0);
	assert_int_equal(f->vq.device->off_wrap, 0);
	assert_false(dev_sees_avail(f));
	expect_none(f);
	expect_none(f);
	fx_free(f);
}

static void test_vring_base(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t id;

	(void)state;
	/* fresh ring: index 0, wrap counter 1 on both sides */
	assert_int_equal(vxpath_vqp_avail_base(&f->vq), 0x8000);
	assert_int_equal(vxpath_vqp_vring_base(&f->vq), 0x80008000u);
	/* a whole ring posted before the device starts (Rx buffers at port
	 * start): the driver's avail wrap counter has flipped, but the device
	 * still starts at slot 0 with wrap counter 1
	 */
	for (id = 0; id < 8; id++)
		add_rx(f, 64, cookie_of(id + 1));
	vxpath_vqp_publish(&f->vq);
	assert_int_equal(f->vq.next_avail, 0);
	assert_false(f->vq.avail_wrap);
	assert_int_equal(vxpath_vqp_avail_base(&f->vq), 0x8000);
	assert_int_equal(vxpath_vqp_vring_base(&f->vq), 0x80008000u);
	vxpath_vqp_reset(&f->vq);
	/* after one chain came back: the device goes on from slot 1 */
	id = add_rx(f, 64, cookie_of(1));
	add_rx(f, 64, cookie_of(2));
	add_rx(f, 64, cookie_of(3));
	publish_pop(f, id, &cv);
	dev_push(f, id, 1);
	expect_used(f, cookie_of(1), 1);
	assert_int_equal(vxpath_vqp_avail_base(&f->vq), 0x8001);
	assert_int_equal(vxpath_vqp_vring_base(&f->vq), 0x80018001u);
	vxpath_vqp_reset(&f->vq);
	assert_int_equal(vxpath_vqp_avail_base(&f->vq), 0x8000);
	assert_int_equal(vxpath_vqp_vring_base(&f->vq), 0x80008000u);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Adding and publishing chains. */

/* Every chain shape 1..size descriptors, every readable/writable split,
 * on a ring whose size is and is not a power of two.
 */
static void check_chain_shapes(uint16_t size)
{
	struct fx *f = fx_new(size);
	unsigned int n, r, i, round = 0;

	for (n = 1; n <= size; n++) {
		for (r = 0; r <= n; r++, round++) {
			struct vxpath_vq_buf bufs[MAX_CHAIN];
			struct chain_view cv;
			uint16_t slot0 = f->vq.next_avail;
			bool wrap0 = f->vq.avail_wrap, w;
			uint32_t wbytes = 0;
			uint16_t s;
			int ret;

			for (i = 0; i < n; i++) {
				bufs[i].addr = 0x100000000ull * (n + 1) +
					0x1000ull * i + r;
				bufs[i].len = 100 * (i + 1) + n;
				bufs[i].writable = i >= r;
				if (bufs[i].writable)
					wbytes += bufs[i].len;
			}
			ret = vxpath_vqp_add(&f->vq, bufs, n,
					     cookie_of(round));
			assert_true(ret >= 0 && ret < size);
			assert_int_equal(f->vq.num_free, size - n);
			assert_int_equal(f->vq.inflight, 1);
			/* visible only at publish */
			assert_false(dev_sees_avail(f));
			vxpath_vqp_publish(&f->vq);
			assert_true(dev_pop(f, &cv));
			assert_int_equal(cv.id, ret);
			assert_int_equal(cv.n, n);
			assert_int_equal(cv.in_len, wbytes);
			/* in ring order from where the last chain ended */
			s = slot0;
			w = wrap0;
			for (i = 0; i < n; i++) {
				const struct vring_packed_desc *d =
					&f->vq.desc[cv.slot[i]];

				assert_int_equal(cv.slot[i], s);
				assert_int_equal(d->addr, bufs[i].addr);
				assert_int_equal(d->len, bufs[i].len);
				assert_int_equal(d->flags,
					(w ? F_AVAIL : F_USED) |
					(bufs[i].writable ?
					 VRING_DESC_F_WRITE : 0) |
					(i + 1 < n ? VRING_DESC_F_NEXT : 0));
				step(size, &s, &w, 1);
			}
			assert_int_equal(f->vq.next_avail, s);
			assert_int_equal(f->vq.avail_wrap, w);
			assert_false(dev_sees_avail(f));
			dev_push(f, cv.id, wbytes);
			assert_int_equal(vxpath_vqp_used_count(&f->vq, 10), 1);
			expect_used(f, cookie_of(round), wbytes);
			assert_int_equal(f->vq.num_free, size);
			assert_int_equal(f->vq.inflight, 0);
			expect_none(f);
		}
	}
	fx_free(f);
}

static void test_add_chain_shapes(void **state)
{
	(void)state;
	check_chain_shapes(16);
	check_chain_shapes(7);
	check_chain_shapes(1);
}

/*
 * 2.8.21: the device must not see any chain of a batch before publish;
 * the first descriptor's flags are the last thing written. Everything but
 * that descriptor's flags may already be there.
 */
static void test_publish_visibility(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t before;
	int id[3];
	unsigned int i;

	(void)state;
	/* three chains of 2, 3 and 1 descriptors */
	id[0] = add_simple(f, 1, 1, 100, cookie_of(0));
	before = f->vq.desc[0].flags;
	id[1] = add_simple(f, 2, 1, 100, cookie_of(1));
	id[2] = add_simple(f, 0, 1, 100, cookie_of(2));
	for (i = 0; i < 3; i++)
		assert_true(id[i] >= 0);
	/* ids distinct */
	assert_int_not_equal(id[0], id[1]);
	assert_int_not_equal(id[0], id[2]);
	assert_int_not_equal(id[1], id[2]);
	/* the batch's first descriptor still has its old (zero) flags */
	assert_int_equal(f->vq.desc[0].flags, 0);
	assert_int_equal(before, 0);
	assert_false(dev_sees_avail(f));
	assert_false(dev_pop(f, &cv));
	/* its other fields are written already */
	assert_int_equal(f->vq.desc[0].len, 100);
	assert_int_equal(f->vq.desc[0].id, id[0]);

	vxpath_vqp_publish(&f->vq);
	assert_int_equal(f->vq.desc[0].flags, F_AVAIL | VRING_DESC_F_NEXT);
	for (i = 0; i < 3; i++) {
		assert_true(dev_pop(f, &cv));
		assert_int_equal(cv.id, id[i]);
	}
	assert_false(dev_pop(f, &cv));
	/* publishing nothing new changes nothing */
	vxpath_vqp_publish(&f->vq);
	assert_false(dev_pop(f, &cv));

	/* the next batch starts at slot 6: withheld while 0..5 are out */
	id[0] = add_simple(f, 1, 0, 50, cookie_of(3));
	assert_true(id[0] >= 0);
	assert_int_equal(f->vq.desc[6].flags, 0);
	assert_false(dev_pop(f, &cv));
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	assert_int_equal(cv.id, id[0]);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/*
 * A batch whose chains cross the end of the ring: the first descriptor is
 * withheld; the ones after the wrap carry the toggled wrap counter, and
 * the stale descriptors of the last lap never look available.
 */
static void test_publish_visibility_across_wrap(void **state)
{
	struct fx *f = fx_new(5);
	struct chain_view cv;
	uint16_t stale;
	int a, b;

	(void)state;
	/* move to slot 3 of the first lap */
	a = add_simple(f, 0, 3, 10, cookie_of(0));
	publish_pop(f, (uint16_t)a, &cv);
	dev_push(f, (uint16_t)a, 30);
	expect_used(f, cookie_of(0), 30);
	/* a 3-descriptor chain over slots 3, 4 | 0, then one at slot 1 */
	stale = f->vq.desc[3].flags;
	a = add_simple(f, 1, 2, 10, cookie_of(1));
	b = add_simple(f, 1, 0, 10, cookie_of(2));
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(f->vq.desc[3].flags, stale);
	assert_false(dev_sees_avail(f));
	/* slots 4, 0, 1 are written already; 0 and 1 with wrap counter 0 */
	assert_int_equal(f->vq.desc[4].flags,
			 F_AVAIL | VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
	assert_int_equal(f->vq.desc[0].flags, F_USED | VRING_DESC_F_WRITE);
	assert_int_equal(f->vq.desc[1].flags, F_USED);
	assert_false(f->vq.avail_wrap);
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	assert_int_equal(cv.id, a);
	assert_int_equal(cv.n, 3);
	assert_int_equal(cv.slot[2], 0);
	assert_true(dev_pop(f, &cv));
	assert_int_equal(cv.id, b);
	assert_false(dev_pop(f, &cv));
	fx_free(f);
}

/*
 * A chain as long as the ring, from every starting slot: the wrap counter
 * must toggle exactly once per lap, whatever the chain length.
 */
static void test_chain_whole_ring(void **state)
{
	static const uint16_t sizes[] = { 1, 2, 3, 8 };
	unsigned int k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(sizes); k++) {
		uint16_t size = sizes[k];
		struct fx *f = fx_new(size);
		unsigned int lap, start;

		for (lap = 0; lap < 5; lap++) {
			for (start = 0; start < size; start++) {
				struct chain_view cv;
				uint16_t one;
				int id;

				/* the whole ring */
				id = add_simple(f, 1, size - 1, 64,
						cookie_of(start));
				assert_true(id >= 0);
				assert_int_equal(f->vq.num_free, 0);
				assert_int_equal(add_simple(f, 1, 0, 1,
							    cookie_of(0)),
						 -ENOSPC);
				publish_pop(f, (uint16_t)id, &cv);
				assert_int_equal(cv.n, size);
				dev_push(f, (uint16_t)id,
					 size > 1 ? 64 : 0);
				expect_used(f, cookie_of(start),
					    size > 1 ? 64 : 0);
				/* a full lap: both counters toggled */
				expect_none(f);
				/* then one more descriptor to move on */
				one = add_rx(f, 8, cookie_of(100 + start));
				publish_pop(f, one, &cv);
				dev_push(f, one, 8);
				expect_used(f, cookie_of(100 + start), 8);
			}
		}
		assert_int_equal(f->vq.num_free, size);
		assert_false(f->vq.fault.broken);
		fx_free(f);
	}
}

static void test_add_einval(void **state)
{
	struct fx *f = fx_new(8);
	struct vxpath_vq_buf b[3] = {
		{ .addr = 0x1000, .len = 64, .writable = false },
		{ .addr = 0x2000, .len = 64, .writable = true },
		{ .addr = 0x3000, .len = 64, .writable = false },
	};

	(void)state;
	assert_int_equal(vxpath_vqp_add(&f->vq, b, 0, cookie_of(1)), -EINVAL);
	assert_int_equal(vxpath_vqp_add(&f->vq, b, 1, NULL), -EINVAL);
	/* readable after writable */
	assert_int_equal(vxpath_vqp_add(&f->vq, b, 3, cookie_of(1)), -EINVAL);
	assert_int_equal(vxpath_vqp_add(&f->vq, b + 1, 2, cookie_of(1)),
			 -EINVAL);
	assert_int_equal(f->vq.num_free, 8);
	assert_int_equal(f->vq.inflight, 0);
	assert_int_equal(f->vq.next_avail, 0);
	vxpath_vqp_publish(&f->vq);
	assert_false(dev_sees_avail(f));
	assert_false(f->vq.fault.broken);
	/* a refused add leaves the free list intact: 8 chains fit */
	{
		unsigned int i;

		for (i = 0; i < 8; i++)
			add_rx(f, 1, cookie_of(i));
	}
	fx_free(f);
}

static void test_enospc_and_num_free(void **state)
{
	struct fx *f = fx_new(7);
	struct chain_view cv;
	int a, b, c;

	(void)state;
	/* more descriptors than the whole ring */
	assert_int_equal(add_simple(f, 4, 4, 64, cookie_of(0)), -ENOSPC);
	assert_int_equal(f->vq.num_free, 7);

	a = add_simple(f, 1, 2, 64, cookie_of(1));
	assert_true(a >= 0);
	assert_int_equal(f->vq.num_free, 4);
	b = add_simple(f, 2, 1, 64, cookie_of(2));
	assert_true(b >= 0);
	assert_int_equal(f->vq.num_free, 1);
	assert_int_equal(add_simple(f, 2, 0, 64, cookie_of(3)), -ENOSPC);
	assert_int_equal(f->vq.num_free, 1);
	c = add_simple(f, 0, 1, 64, cookie_of(4));
	assert_true(c >= 0);
	assert_int_equal(f->vq.num_free, 0);
	assert_int_equal(f->vq.inflight, 3);
	assert_int_equal(add_simple(f, 1, 0, 64, cookie_of(5)), -ENOSPC);
	vxpath_vqp_publish(&f->vq);
	/* the refused chains took no slot */
	assert_true(dev_pop(f, &cv));
	assert_int_equal(cv.id, a);
	assert_true(dev_pop(f, &cv));
	assert_int_equal(cv.id, b);
	assert_true(dev_pop(f, &cv));
	assert_int_equal(cv.id, c);
	assert_false(dev_pop(f, &cv));

	/* b (3 descriptors) back first: 3 slots free, ids still held */
	dev_push(f, (uint16_t)b, 64);
	expect_used(f, cookie_of(2), 64);
	assert_int_equal(f->vq.num_free, 3);
	assert_int_equal(add_simple(f, 4, 0, 64, cookie_of(6)), -ENOSPC);
	/* a 3-descriptor chain fits exactly, in the second lap */
	a = add_simple(f, 3, 0, 64, cookie_of(7));
	assert_true(a >= 0);
	assert_int_equal(f->vq.num_free, 0);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Used descriptors. */

static void test_used_out_of_order(void **state)
{
	static const unsigned int order[] = { 3, 0, 5, 1, 4, 2 };
	struct fx *f = fx_new(20);
	struct chain_view cv;
	uint16_t ids[6];
	unsigned int i, freed = 0;

	(void)state;
	/* chains of 1..5 descriptors and one more of 5: the whole ring */
	for (i = 0; i < 6; i++) {
		int id = add_simple(f, 1, i < 5 ? i : 4, 100, cookie_of(i));

		assert_true(id >= 0);
		ids[i] = (uint16_t)id;
	}
	assert_int_equal(f->vq.num_free, 0);
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 6; i++) {
		assert_true(dev_pop(f, &cv));
		assert_int_equal(cv.id, ids[i]);
	}
	for (i = 0; i < 6; i++) {
		unsigned int k = order[i];

		dev_push(f, ids[k], 7 * k);
	}
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0xffff), 6);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 4), 4);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0), 0);
	for (i = 0; i < 6; i++) {
		unsigned int k = order[i];

		/* chain 0 is driver-readable only: len 0 */
		expect_used(f, cookie_of(k), k == 0 ? 0 : 7 * k);
		freed += 1 + (k < 5 ? k : 4);
		assert_int_equal(f->vq.num_free, freed);
		assert_int_equal(vxpath_vqp_used_count(&f->vq, 100), 5 - i);
	}
	/* next_used moved by the chains' lengths, to where it started */
	assert_int_equal(f->vq.next_used, 0);
	assert_false(f->vq.used_wrap);
	expect_none(f);
	fx_free(f);
}

/* What is not a used descriptor with the right wrap counter is not ready. */
static void test_used_not_ready(void **state)
{
	struct fx *f = fx_new(4);
	struct chain_view cv;
	uint16_t id, i;
	static const uint16_t wrong[] = {
		0, F_AVAIL, F_USED, F_AVAIL | VRING_DESC_F_WRITE,
		F_USED | VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	};

	(void)state;
	id = add_rx(f, 512, cookie_of(1));
	publish_pop(f, id, &cv);
	/* id and len written, flags not yet */
	f->vq.desc[0].id = id;
	f->vq.desc[0].len = 60;
	expect_none(f);
	/* used flag only, avail flag only, the old lap's used pattern */
	for (i = 0; i < ARRAY_LEN(wrong); i++) {
		f->vq.desc[0].flags = wrong[i];
		expect_none(f);
	}
	f->vq.desc[0].flags = F_AVAIL | F_USED | VRING_DESC_F_WRITE;
	f->held[id] = 0;
	step(4, &f->dev_used, &f->dev_used_wrap, 1);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 8), 1);
	expect_used(f, cookie_of(1), 60);
	expect_none(f);

	/* round to slot 1 of the second lap (wrap counter 0) */
	for (i = 0; i < 4; i++) {
		id = add_rx(f, 512, cookie_of(10 + i));
		publish_pop(f, id, &cv);
		dev_push(f, id, 1);
		expect_used(f, cookie_of(10 + i), 1);
	}
	assert_false(f->vq.used_wrap);
	assert_int_equal(f->vq.next_used, 1);
	id = add_rx(f, 512, cookie_of(20));
	publish_pop(f, id, &cv);
	f->vq.desc[1].id = id;
	f->vq.desc[1].len = 5;
	/* the first lap's used pattern, its available pattern, ours */
	f->vq.desc[1].flags = F_AVAIL | F_USED | VRING_DESC_F_WRITE;
	expect_none(f);
	f->vq.desc[1].flags = F_AVAIL | VRING_DESC_F_WRITE;
	expect_none(f);
	f->vq.desc[1].flags = F_USED | VRING_DESC_F_WRITE;
	expect_none(f);
	/* used in the second lap: both bits 0 */
	f->vq.desc[1].flags = VRING_DESC_F_WRITE;
	expect_used(f, cookie_of(20), 5);
	expect_none(f);
	fx_free(f);
}

/* 2.8.4: the length counts only with VRING_DESC_F_WRITE. */
static void test_used_write_flag_and_len(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	int id;

	(void)state;
	/* writable chain of 300 bytes returned without the write flag */
	id = add_simple(f, 1, 2, 150, cookie_of(1));
	assert_true(id >= 0);
	publish_pop(f, (uint16_t)id, &cv);
	dev_write_used_raw(f, (uint16_t)id, 0xdeadbeef,
			   used_flags(f->dev_used_wrap, false));
	step(8, &f->dev_used, &f->dev_used_wrap, 3);
	f->held[id] = 0;
	expect_used(f, cookie_of(1), 0);
	/* exactly the writable bytes */
	id = add_simple(f, 1, 2, 150, cookie_of(2));
	publish_pop(f, (uint16_t)id, &cv);
	dev_push(f, (uint16_t)id, 300);
	expect_used(f, cookie_of(2), 300);
	/* a driver-readable chain: whatever the device says, 0 */
	id = add_simple(f, 2, 0, 1514, cookie_of(3));
	publish_pop(f, (uint16_t)id, &cv);
	dev_push(f, (uint16_t)id, 0xffffffff);
	expect_used(f, cookie_of(3), 0);
	assert_false(f->vq.fault.broken);
	assert_int_equal(f->vq.num_free, 8);
	fx_free(f);
}

static void test_peek_used(void **state)
{
	struct fx *f = fx_new(9);
	struct chain_view cv;
	uint16_t ids[3];
	unsigned int i, pass;
	uint32_t l;

	(void)state;
	for (i = 0; i < 3; i++) {
		int id = add_simple(f, 0, i + 1, 1000, cookie_of(i));

		assert_true(id >= 0);
		ids[i] = (uint16_t)id;
	}
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &cv));
	dev_push(f, ids[2], 22);
	dev_push(f, ids[0], 0);
	dev_push(f, ids[1], 2000);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 9), 3);
	for (pass = 0; pass < 2; pass++) {
		l = 1;
		assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 0, &l),
				 cookie_of(2));
		assert_int_equal(l, 22);
		assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 1, &l),
				 cookie_of(0));
		assert_int_equal(l, 0);
		assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 2, &l),
				 cookie_of(1));
		assert_int_equal(l, 2000);
	}
	/* past the ready ones: NULL, and nothing is broken */
	assert_null(vxpath_vqp_peek_used(&f->vq, 3, &l));
	assert_null(vxpath_vqp_peek_used(&f->vq, 0xffff, &l));
	assert_false(f->vq.fault.broken);
	/* peeking consumes nothing */
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 9), 3);
	assert_int_equal(f->vq.num_free, 3);
	expect_used(f, cookie_of(2), 22);
	assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 0, &l), cookie_of(0));
	assert_int_equal(l, 0);
	assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 1, &l), cookie_of(1));
	assert_int_equal(l, 2000);
	expect_used(f, cookie_of(0), 0);
	expect_used(f, cookie_of(1), 2000);
	expect_none(f);
	assert_int_equal(f->vq.num_free, 9);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Available buffer notifications (2.8.10, 2.8.14, 2.8.21.3). */

static void set_dev_event(struct fx *f, uint16_t flags, uint16_t off,
			  bool wrap)
{
	f->vq.device->off_wrap = (uint16_t)(off | (wrap ? 0x8000 : 0));
	f->vq.device->flags = flags;
}

static void test_kick_needed_modes(void **state)
{
	unsigned int ei;

	(void)state;
	for (ei = 0; ei < 2; ei++) {
		struct fx *f = fx_new2(8, ei == 1);

		add_rx(f, 512, cookie_of(1));
		vxpath_vqp_publish(&f->vq);
		set_dev_event(f, VRING_PACKED_EVENT_FLAG_ENABLE, 5, true);
		assert_true(vxpath_vqp_kick_needed(&f->vq));
		/* ENABLE asks for a kick even with nothing new */
		assert_true(vxpath_vqp_kick_needed(&f->vq));
		set_dev_event(f, VRING_PACKED_EVENT_FLAG_DISABLE, 0, true);
		add_rx(f, 512, cookie_of(2));
		vxpath_vqp_publish(&f->vq);
		assert_false(vxpath_vqp_kick_needed(&f->vq));
		/* the reserved value: notify, it is always allowed */
		set_dev_event(f, 3, 0, true);
		assert_true(vxpath_vqp_kick_needed(&f->vq));
		/* reserved bits beside DISABLE do not turn it into ENABLE */
		set_dev_event(f, 0xfffc | VRING_PACKED_EVENT_FLAG_DISABLE, 0,
			      true);
		assert_false(vxpath_vqp_kick_needed(&f->vq));
		/* DESC at the next descriptor to publish */
		set_dev_event(f, VRING_PACKED_EVENT_FLAG_DESC, 2, true);
		add_rx(f, 512, cookie_of(3));
		vxpath_vqp_publish(&f->vq);
		/* without event_idx DESC is invalid: notify anyway */
		assert_true(vxpath_vqp_kick_needed(&f->vq));
		/* nothing published since: only event_idx can say no */
		assert_int_equal(vxpath_vqp_kick_needed(&f->vq), ei == 0);
		fx_free(f);
	}
}

/* Publish @n single-descriptor chains and let the device use them. */
static void cycle(struct fx *f, unsigned int n)
{
	struct chain_view cv;
	uint16_t ids[64];
	unsigned int i;

	assert_true(n <= 64);
	for (i = 0; i < n; i++)
		ids[i] = add_rx(f, 64, cookie_of(i));
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < n; i++) {
		assert_true(dev_pop(f, &cv));
		dev_push(f, ids[i], 1);
	}
	for (i = 0; i < n; i++)
		expect_used(f, cookie_of(i), 1);
}

/* The device uses everything available; the driver takes it back. */
static void dev_take_all(struct fx *f)
{
	struct chain_view cv;
	unsigned int n = 0;
	void *c;
	uint32_t l;

	while (dev_pop(f, &cv)) {
		dev_push(f, cv.id, 0);
		n++;
	}
	while (n-- > 0)
		assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), 0);
	expect_none(f);
}

/*
 * Ring of 8 where slots 0..5 went round once and were checked, then
 * slots 6, 7 (wrap counter 1) and 0, 1 (wrap counter 0) were published
 * in two batches: the range kick_needed() judges.
 */
static void event_idx_setup(struct fx *f)
{
	vxpath_vqp_reset(&f->vq);
	dev_reset(f);
	cycle(f, 6);
	set_dev_event(f, VRING_PACKED_EVENT_FLAG_DISABLE, 0, true);
	assert_false(vxpath_vqp_kick_needed(&f->vq));
	add_rx(f, 1, cookie_of(0));
	add_rx(f, 1, cookie_of(1));
	add_rx(f, 1, cookie_of(2));
	vxpath_vqp_publish(&f->vq);
	add_rx(f, 1, cookie_of(3));
	vxpath_vqp_publish(&f->vq);
}

static void test_kick_needed_event_idx(void **state)
{
	static const struct {
		uint16_t off;
		bool wrap;
		bool kick;
	} c[] = {
		/* in the range */
		{ 6, true, true }, { 7, true, true },
		{ 0, false, true }, { 1, false, true },
		/* right offsets, other lap */
		{ 6, false, false }, { 7, false, false },
		{ 0, true, false }, { 1, true, false },
		/* before and after the range */
		{ 5, true, false }, { 2, false, false }, { 3, false, false },
		{ 4, true, false },
		/* not a slot of this ring: notify to be safe */
		{ 8, true, true }, { 0x7fff, false, true },
	};
	struct fx *f = fx_new2(8, true);
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(c); i++) {
		event_idx_setup(f);
		set_dev_event(f, VRING_PACKED_EVENT_FLAG_DESC, c[i].off,
			      c[i].wrap);
		assert_int_equal(vxpath_vqp_kick_needed(&f->vq), c[i].kick);
		/* the range is not judged twice */
		assert_int_equal(vxpath_vqp_kick_needed(&f->vq),
				 c[i].off >= 8);
	}
	/* a whole ring published since the last check: always notify */
	event_idx_setup(f);
	dev_take_all(f);
	cycle(f, 4);
	set_dev_event(f, VRING_PACKED_EVENT_FLAG_DESC, 5, false);
	assert_true(vxpath_vqp_kick_needed(&f->vq));
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/*
 * Whether the descriptor (@off, @wrap) was made available in the absolute
 * descriptor range [@from, @to): brute force over the range, with the
 * wrap counter of absolute position p being 1 in even laps (2.8.1).
 */
static bool model_kick(uint16_t size, uint64_t from, uint64_t to,
		       uint16_t off, bool wrap)
{
	uint64_t p;

	if (to - from >= size)
		return true;
	for (p = from; p < to; p++)
		if (p % size == off && ((p / size) % 2 == 0) == wrap)
			return true;
	return false;
}

/*
 * Every event position (every offset, both wrap counters) against the
 * model, after batches of every length, over many laps.
 */
static void test_kick_needed_event_idx_exhaustive(void **state)
{
	static const uint16_t sizes[] = { 1, 2, 3, 8, 13, 256 };
	unsigned int k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(sizes); k++) {
		uint16_t size = sizes[k];
		struct fx *f = fx_new2(size, true);
		uint64_t published = 0, last_check = 0;
		unsigned int round;

		for (round = 0; round < 600; round++) {
			unsigned int n = 1 + rnd() % size, i, w;
			uint16_t off;

			/* n descriptors in one to n publishes */
			for (i = 0; i < n; i++) {
				add_rx(f, 8, cookie_of(i));
				if (rnd() % 3 == 0)
					vxpath_vqp_publish(&f->vq);
			}
			vxpath_vqp_publish(&f->vq);
			published += n;
			dev_take_all(f);
			/* ranges of one or more rounds */
			if (rnd() % 3 == 0)
				continue;
			/* every event, judged on copies of the state */
			for (w = 0; w < 2; w++) {
				for (off = 0; off <= size; off++) {
					struct vxpath_vqp copy = f->vq;
					bool want = off >= size ||
						model_kick(size, last_check,
							   published, off, w);

					set_dev_event(f,
						VRING_PACKED_EVENT_FLAG_DESC,
						off, w);
					assert_int_equal(
						vxpath_vqp_kick_needed(&copy),
						want);
				}
			}
			set_dev_event(f, VRING_PACKED_EVENT_FLAG_DISABLE, 0, 1);
			assert_false(vxpath_vqp_kick_needed(&f->vq));
			last_check = published;
		}
		assert_false(f->vq.fault.broken);
		fx_free(f);
	}
}

/* ------------------------------------------------------------------ */
/* Many laps of both wrap counters. */

static const uint16_t lap_sizes[] = { 1, 3, 8, 256 };

/* One chain at a time, chain lengths 1..min(size, 5). */
static void test_laps_one_at_a_time(void **state)
{
	unsigned int k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(lap_sizes); k++) {
		uint16_t size = lap_sizes[k];
		struct fx *f = fx_new(size);
		unsigned int maxn = size < 5 ? size : 5;
		uint32_t i, descs = 0;

		for (i = 0; descs < 200u * size + 70000; i++) {
			unsigned int n = 1 + i % maxn;
			struct chain_view cv;
			bool wrap_before = f->vq.avail_wrap;
			uint16_t slot_before = f->vq.next_avail;
			int id = add_simple(f, n / 2, n - n / 2, 64,
					    cookie_of(i));

			assert_true(id >= 0 && id < size);
			/* the wrap counter toggles iff the chain passes
			 * the last slot
			 */
			assert_int_equal(f->vq.avail_wrap != wrap_before,
					 slot_before + n >= size);
			publish_pop(f, (uint16_t)id, &cv);
			assert_int_equal(cv.n, n);
			dev_push(f, (uint16_t)id, i % 64);
			assert_int_equal(vxpath_vqp_used_count(&f->vq, 4), 1);
			expect_used(f, cookie_of(i), i % 64);
			assert_int_equal(f->vq.num_free, size);
			assert_int_equal(f->vq.next_used, f->vq.next_avail);
			assert_int_equal(f->vq.used_wrap, f->vq.avail_wrap);
			assert_int_equal(f->vq.used_wrap, f->dev_used_wrap);
			descs += n;
		}
		assert_false(f->vq.fault.broken);
		fx_free(f);
	}
}

/* Full rings of random chains, returned in reverse or random order. */
static void test_laps_batches(void **state)
{
	unsigned int k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(lap_sizes); k++) {
		uint16_t size = lap_sizes[k];
		struct fx *f = fx_new(size);
		uint16_t *ids = calloc(size, sizeof(*ids));
		unsigned int round, next = 0;
		uint64_t descs = 0;

		assert_non_null(ids);
		for (round = 0; descs < 100000 + 300u * size; round++) {
			unsigned int nch = 0, i;
			struct chain_view cv;

			/* fill the ring */
			while (f->vq.num_free > 0) {
				unsigned int n = 1 + rnd() % 4;
				int id;

				if (n > f->vq.num_free)
					n = f->vq.num_free;
				id = add_simple(f, 0, n, 32,
						cookie_of(next + nch));
				assert_true(id >= 0);
				ids[nch++] = (uint16_t)id;
				descs += n;
				if (rnd() % 4 == 0)
					vxpath_vqp_publish(&f->vq);
			}
			assert_int_equal(add_simple(f, 1, 0, 1, cookie_of(0)),
					 -ENOSPC);
			vxpath_vqp_publish(&f->vq);
			for (i = 0; i < nch; i++) {
				assert_true(dev_pop(f, &cv));
				assert_int_equal(cv.id, ids[i]);
			}
			assert_false(dev_pop(f, &cv));
			if (round % 2 == 0) {
				/* reverse */
				for (i = nch; i-- > 0;)
					dev_push(f, ids[i], i % 33);
				assert_int_equal(
					vxpath_vqp_used_count(&f->vq, 0xffff),
					nch);
				for (i = nch; i-- > 0;)
					expect_used(f, cookie_of(next + i),
						    i % 33);
			} else {
				/* shuffled, consumed while returned */
				uint16_t perm[256];
				unsigned int got;

				for (i = 0; i < nch; i++)
					perm[i] = (uint16_t)i;
				for (i = nch; i > 1; i--) {
					unsigned int j = rnd() % i;
					uint16_t t = perm[i - 1];

					perm[i - 1] = perm[j];
					perm[j] = t;
				}
				for (i = 0, got = 0; i < nch; i++) {
					dev_push(f, ids[perm[i]], 1);
					assert_int_equal(
					  vxpath_vqp_used_count(&f->vq, 0xffff),
					  i + 1 - got);
					if (rnd() % 2)
						continue;
					for (; got <= i; got++)
						expect_used(f,
						  cookie_of(next + perm[got]),
						  1);
				}
				for (; got < nch; got++)
					expect_used(f,
						    cookie_of(next + perm[got]),
						    1);
			}
			expect_none(f);
			assert_int_equal(f->vq.num_free, size);
			assert_int_equal(f->vq.inflight, 0);
			next += nch;
		}
		assert_false(f->vq.fault.broken);
		free(ids);
		fx_free(f);
	}
}

/* ------------------------------------------------------------------ */
/* Hardening: what a broken or hostile device writes. */

static void test_bad_id_out_of_range(void **state)
{
	static const uint16_t bad_ids[] = { 8, 9, 0x7fff, 0x8000, 0xffff };
	unsigned int k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(bad_ids); k++) {
		struct fx *f = fx_new(8);
		struct chain_view cv;
		uint16_t a, b;
		void *c;
		uint32_t l;

		a = add_rx(f, 512, cookie_of(1));
		b = add_rx(f, 512, cookie_of(2));
		vxpath_vqp_publish(&f->vq);
		assert_true(dev_pop(f, &cv));
		assert_true(dev_pop(f, &cv));
		log_start();
		dev_push_bogus(f, bad_ids[k], 10, 1);
		assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
		expect_broken(f);
		/* a later valid descriptor does not mend it */
		dev_push(f, a, 10);
		expect_broken(f);
		/* one error line, whatever the number of calls */
		assert_int_equal(log_stop_count("broken by the device"), 1);
		assert_string_equal(f->vq.fault.why, "used id out of range");
		(void)b;
		fx_free(f);
	}
}

/* An id that names no outstanding chain: never used, or freed. */
static void test_bad_id_free(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t a;
	void *c;
	uint32_t l;

	(void)state;
	a = add_rx(f, 512, cookie_of(1));
	publish_pop(f, a, &cv);
	dev_push_bogus(f, (uint16_t)((a + 3) % 8), 10, 1);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 8), 0);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	assert_string_equal(f->vq.fault.why, "used id is not an outstanding chain");
	fx_free(f);
}

/* Returned, consumed, then returned again while another chain is out. */
static void test_bad_id_after_consumed(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t a, b;
	void *c;
	uint32_t l;

	(void)state;
	a = add_rx(f, 512, cookie_of(1));
	b = add_rx(f, 512, cookie_of(2));
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	assert_true(dev_pop(f, &cv));
	dev_push(f, a, 10);
	expect_used(f, cookie_of(1), 10);
	dev_push_bogus(f, a, 10, 1);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	(void)b;
	fx_free(f);
}

/* The same chain twice among unconsumed descriptors. */
static void test_bad_id_twice_unconsumed(void **state)
{
	unsigned int how;

	(void)state;
	for (how = 0; how < 3; how++) {
		struct fx *f = fx_new(8);
		struct chain_view cv;
		uint16_t a, b;
		uint32_t l;

		a = add_rx(f, 512, cookie_of(1));
		b = add_rx(f, 512, cookie_of(2));
		vxpath_vqp_publish(&f->vq);
		assert_true(dev_pop(f, &cv));
		assert_true(dev_pop(f, &cv));
		dev_push(f, a, 10);
		dev_push_bogus(f, a, 20, 1);
		if (how == 0) {
			/* the count must not hand out one chain twice */
			assert_int_equal(vxpath_vqp_used_count(&f->vq, 8), 0);
		} else if (how == 1) {
			assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 0, &l),
					 cookie_of(1));
			assert_int_equal(l, 10);
			assert_null(vxpath_vqp_peek_used(&f->vq, 1, &l));
		} else {
			/* a count stopping before the copy is fine */
			assert_int_equal(vxpath_vqp_used_count(&f->vq, 1), 1);
			expect_used(f, cookie_of(1), 10);
			assert_int_equal(vxpath_vqp_used_count(&f->vq, 1), 0);
		}
		expect_broken(f);
		assert_string_equal(f->vq.fault.why,
				    how < 2 ? "used id returned twice" :
				    "used id is not an outstanding chain");
		(void)b;
		fx_free(f);
	}
}

/* A chain added but not published cannot have been used. */
static void test_bad_id_unpublished(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t a, b;
	void *c;
	uint32_t l;

	(void)state;
	a = add_rx(f, 512, cookie_of(1));
	publish_pop(f, a, &cv);
	b = add_rx(f, 512, cookie_of(2));
	/* the device guesses the next id */
	dev_push_bogus(f, b, 10, 1);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	assert_string_equal(f->vq.fault.why,
			    "used id names a chain not yet made available");
	fx_free(f);
}

static void test_bad_len(void **state)
{
	static const uint32_t bad_len[] = { 501, 1000, 0x80000000, 0xffffffff };
	unsigned int k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(bad_len); k++) {
		struct fx *f = fx_new(8);
		struct vxpath_vq_buf b[3] = {
			{ .addr = 0x1000, .len = 100, .writable = false },
			{ .addr = 0x2000, .len = 200, .writable = true },
			{ .addr = 0x3000, .len = 300, .writable = true },
		};
		struct chain_view cv;
		int a, c2;
		void *c;
		uint32_t l;

		a = vxpath_vqp_add(&f->vq, b, 3, cookie_of(1));
		c2 = vxpath_vqp_add(&f->vq, b, 3, cookie_of(2));
		assert_true(a >= 0 && c2 >= 0);
		vxpath_vqp_publish(&f->vq);
		assert_true(dev_pop(f, &cv));
		assert_true(dev_pop(f, &cv));
		/* exactly the writable bytes: fine */
		dev_push(f, (uint16_t)a, 500);
		expect_used(f, cookie_of(1), 500);
		/* more than the device may write: broken */
		dev_push(f, (uint16_t)c2, bad_len[k]);
		assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
		expect_broken(f);
		assert_string_equal(f->vq.fault.why,
				    "used length exceeds the buffers posted");
		fx_free(f);
	}
}

/* A used descriptor where none was made available. */
static void test_used_with_nothing_published(void **state)
{
	unsigned int how;

	(void)state;
	for (how = 0; how < 3; how++) {
		struct fx *f = fx_new(8);
		struct chain_view cv;
		uint16_t a;

		if (how == 1) {
			/* one chain out, unpublished: id looks good */
			a = add_rx(f, 512, cookie_of(1));
			dev_push_bogus(f, a, 1, 1);
		} else if (how == 2) {
			/* after a full round trip, at the next slot */
			a = add_rx(f, 512, cookie_of(1));
			publish_pop(f, a, &cv);
			dev_push(f, a, 1);
			expect_used(f, cookie_of(1), 1);
			a = add_rx(f, 512, cookie_of(2));
			dev_push_bogus(f, a, 1, 1);
		} else {
			/* fresh ring */
			dev_push_bogus(f, 0, 0, 1);
		}
		assert_int_equal(vxpath_vqp_used_count(&f->vq, 8), 0);
		expect_broken(f);
		assert_string_equal(f->vq.fault.why,
			"used descriptor past the ones made available");
		fx_free(f);
	}
}

/* A used descriptor beyond the published ones, after valid ones. */
static void test_used_past_published(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t a, b;
	void *c;
	uint32_t l;

	(void)state;
	a = add_rx(f, 512, cookie_of(1));
	publish_pop(f, a, &cv);
	b = add_rx(f, 512, cookie_of(2));
	dev_push(f, a, 3);
	/* slot 1 holds b, unpublished: the device marks it used */
	dev_push_bogus(f, b, 3, 1);
	/* the count stops before it... */
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 1), 1);
	expect_used(f, cookie_of(1), 3);
	/* ...and finds it next */
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);
}

/* The first violation is the one kept; reset mends everything. */
static void test_broken_sticky_and_reset(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t a, b;
	void *c;
	uint32_t l;

	(void)state;
	a = add_rx(f, 512, cookie_of(1));
	b = add_rx(f, 512, cookie_of(2));
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	assert_true(dev_pop(f, &cv));
	dev_push(f, a, 513);
	log_start();
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	dev_push_bogus(f, 77, 1, 1);
	expect_broken(f);
	vxpath_vqp_publish(&f->vq);
	(void)vxpath_vqp_kick_needed(&f->vq);
	assert_int_equal(log_stop_count("broken by the device"), 1);
	assert_string_equal(f->vq.fault.why,
			    "used length exceeds the buffers posted");
	(void)b;
	vxpath_vqp_reset(&f->vq);
	dev_reset(f);
	assert_false(f->vq.fault.broken);
	assert_null(f->vq.fault.why);
	a = add_rx(f, 64, cookie_of(3));
	publish_pop(f, a, &cv);
	dev_push(f, a, 64);
	expect_used(f, cookie_of(3), 64);
	fx_free(f);
}

/*
 * A device scribbling over the descriptors it holds (ids, addresses,
 * lengths; not the flags it has yet to write) must not steer the driver:
 * ids come from the private free list.
 */
static void test_device_scribbles_ring(void **state)
{
	struct fx *f = fx_new(8);
	struct chain_view cv;
	uint16_t ids[4];
	bool seen[8] = { false };
	unsigned int i;
	int ret;

	(void)state;
	for (i = 0; i < 4; i++) {
		ret = add_simple(f, 1, 1, 64, cookie_of(i));
		assert_true(ret >= 0);
		ids[i] = (uint16_t)ret;
	}
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 4; i++)
		assert_true(dev_pop(f, &cv));
	for (i = 0; i < 8; i++) {
		f->vq.desc[i].id = 0xffff;
		f->vq.desc[i].addr = ~0ull;
		f->vq.desc[i].len = 0xffffffff;
	}
	for (i = 0; i < 4; i++)
		dev_push(f, ids[i], 64);
	for (i = 0; i < 4; i++)
		expect_used(f, cookie_of(i), 64);
	assert_int_equal(f->vq.num_free, 8);
	/* eight chains: eight distinct ids */
	for (i = 0; i < 8; i++) {
		ret = add_rx(f, 1, cookie_of(10 + i));
		assert_false(seen[ret]);
		seen[ret] = true;
	}
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 8; i++)
		assert_true(dev_pop(f, &cv));
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Drain and reset. */

struct drained {
	unsigned int n;
	void *cookies[512];
};

static void collect(void *arg, void *cookie)
{
	struct drained *d = arg;

	assert_true(d->n < 512);
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
	struct chain_view cv;
	uint16_t id, i;

	assert_false(f->vq.fault.broken);
	assert_int_equal(f->vq.num_free, f->size);
	assert_int_equal(f->vq.inflight, 0);
	assert_int_equal(f->vq.driver->flags,
			 VRING_PACKED_EVENT_FLAG_DISABLE);
	assert_int_equal(vxpath_vqp_vring_base(&f->vq), 0x80008000u);
	for (i = 0; i < f->size; i++)
		assert_int_equal(f->vq.desc[i].flags, 0);
	expect_none(f);
	dev_reset(f);
	assert_false(dev_sees_avail(f));
	id = add_rx(f, 100, cookie_of(500));
	publish_pop(f, id, &cv);
	assert_int_equal(cv.slot[0], 0);
	dev_push(f, id, 42);
	expect_used(f, cookie_of(500), 42);
	assert_int_equal(f->vq.num_free, f->size);
	assert_false(f->vq.fault.broken);
}

static void test_drain(void **state)
{
	struct fx *f = fx_new(16);
	struct drained d = { 0 };
	struct chain_view cv;
	uint16_t ids[5];
	unsigned int i;
	int ret;

	(void)state;
	for (i = 0; i < 5; i++) {
		ret = add_simple(f, i % 3, 1, 64, cookie_of(i));
		assert_true(ret >= 0);
		ids[i] = (uint16_t)ret;
	}
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 5; i++)
		assert_true(dev_pop(f, &cv));
	/* chain 1 returned and consumed; chain 3 returned, not consumed */
	dev_push(f, ids[1], 1);
	dev_push(f, ids[3], 3);
	expect_used(f, cookie_of(1), 1);
	/* one more added but never published */
	ret = add_simple(f, 1, 0, 64, cookie_of(5));
	assert_true(ret >= 0);

	assert_int_equal(vxpath_vqp_drain(&f->vq, collect, &d), 5);
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
	assert_int_equal(vxpath_vqp_drain(&f->vq, collect, &d), 0);
	assert_int_equal(d.n, 0);
	expect_fresh(f);

	for (i = 0; i < 8; i++)
		add_rx(f, 64, cookie_of(i));
	vxpath_vqp_publish(&f->vq);
	assert_int_equal(vxpath_vqp_drain(&f->vq, collect, &d), 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(count_cookie(&d, cookie_of(i)), 1);
	expect_fresh(f);
	fx_free(f);
}

static void test_drain_broken(void **state)
{
	struct fx *f = fx_new(8);
	struct drained d = { 0 };
	struct chain_view cv;
	unsigned int i;
	void *c;
	uint32_t l;

	(void)state;
	for (i = 0; i < 3; i++)
		add_rx(f, 64, cookie_of(i));
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 3; i++)
		assert_true(dev_pop(f, &cv));
	dev_push_bogus(f, 0xffff, 0, 1);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	assert_true(f->vq.fault.broken);
	/* stop must still get every cookie back to free its buffers */
	assert_int_equal(vxpath_vqp_drain(&f->vq, collect, &d), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(count_cookie(&d, cookie_of(i)), 1);
	expect_fresh(f);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Used buffer notifications for a sleeping driver (2.8.10, 2.8.14). */

/*
 * Whether a device that just wrote used descriptors over the two-lap
 * positions [@from, @to) notifies the driver, by its event suppression.
 */
static bool dev_should_call(struct fx *f, uint32_t from, uint32_t to)
{
	uint16_t flags = f->vq.driver->flags & 0x3;
	uint16_t ow = f->vq.driver->off_wrap;
	uint32_t two = 2u * f->size, ev;

	if (flags == VRING_PACKED_EVENT_FLAG_DISABLE)
		return false;
	if (flags != VRING_PACKED_EVENT_FLAG_DESC)
		return true;
	ev = (ow & 0x7fff) + ((ow & 0x8000) ? 0 : f->size);
	return (ev + two - from) % two < (to + two - from) % two;
}

static uint32_t dev_used_pos(struct fx *f)
{
	return f->dev_used + (f->dev_used_wrap ? 0 : f->size);
}

static void test_set_event_idx(void **state)
{
	struct fx *f = fx_new(8);

	(void)state;
	assert_false(f->vq.event_idx);
	add_rx(f, 64, cookie_of(1));
	vxpath_vqp_publish(&f->vq);
	/* DESC is not valid yet: notify */
	set_dev_event(f, VRING_PACKED_EVENT_FLAG_DESC, 5, true);
	assert_true(vxpath_vqp_kick_needed(&f->vq));
	vxpath_vqp_set_event_idx(&f->vq, true);
	assert_true(f->vq.event_idx);
	assert_int_equal(f->vq.driver->flags,
			 VRING_PACKED_EVENT_FLAG_DISABLE);
	add_rx(f, 64, cookie_of(2));
	vxpath_vqp_publish(&f->vq);
	/* slot 1 published, the device waits for 5 */
	assert_false(vxpath_vqp_kick_needed(&f->vq));
	/* a reset keeps the setting, like init's */
	vxpath_vqp_reset(&f->vq);
	assert_true(f->vq.event_idx);
	vxpath_vqp_set_event_idx(&f->vq, false);
	assert_false(f->vq.event_idx);
	fx_free(f);
}

static void test_mark_broken(void **state)
{
	struct fx *f = fx_new(8);

	(void)state;
	add_rx(f, 64, cookie_of(1));
	log_start();
	vxpath_vqp_mark_broken(&f->vq, "first reason", 1, 2);
	vxpath_vqp_mark_broken(&f->vq, "second reason", 3, 4);
	assert_int_equal(log_stop_count("broken by the device"), 1);
	assert_string_equal(f->vq.fault.why, "first reason");
	expect_broken(f);
	assert_false(vxpath_vqp_enable_interrupts(&f->vq));
	vxpath_vqp_reset(&f->vq);
	assert_false(f->vq.fault.broken);
	fx_free(f);
}

static void test_enable_interrupts(void **state)
{
	unsigned int ei;

	(void)state;
	for (ei = 0; ei < 2; ei++) {
		struct fx *f = fx_new2(5, ei == 1);
		struct chain_view cv;
		unsigned int lap;

		for (lap = 0; lap < 7; lap++) {
			uint16_t a, b;
			uint32_t from;

			/* two chains out: a of 3 descriptors, b of 1 */
			a = (uint16_t)add_simple(f, 0, 3, 64, cookie_of(1));
			b = add_rx(f, 64, cookie_of(2));
			vxpath_vqp_publish(&f->vq);
			assert_true(dev_pop(f, &cv));
			assert_true(dev_pop(f, &cv));
			/* nothing used: the device will call */
			assert_false(vxpath_vqp_enable_interrupts(&f->vq));
			if (ei) {
				uint16_t ow = f->vq.driver->off_wrap;

				assert_int_equal(f->vq.driver->flags,
					VRING_PACKED_EVENT_FLAG_DESC);
				/* the next used slot, with its wrap */
				assert_int_equal(ow & 0x7fff,
						 f->vq.next_used);
				assert_int_equal(!!(ow & 0x8000),
						 f->vq.used_wrap);
			} else {
				assert_int_equal(f->vq.driver->flags,
					VRING_PACKED_EVENT_FLAG_ENABLE);
			}
			/* the device returns b: that write must call */
			from = dev_used_pos(f);
			dev_push(f, b, 10);
			assert_true(dev_should_call(f, from, dev_used_pos(f)));
			/* and the driver, looking again, sees it waiting */
			assert_true(vxpath_vqp_enable_interrupts(&f->vq));
			vxpath_vqp_disable_interrupts(&f->vq);
			assert_int_equal(f->vq.driver->flags,
					 VRING_PACKED_EVENT_FLAG_DISABLE);
			/* disabled: returning a does not call */
			from = dev_used_pos(f);
			dev_push(f, a, 10);
			assert_false(dev_should_call(f, from,
						     dev_used_pos(f)));
			expect_used(f, cookie_of(2), 10);
			expect_used(f, cookie_of(1), 10);
			expect_none(f);
		}
		assert_false(f->vq.fault.broken);
		fx_free(f);
	}
}

/* ------------------------------------------------------------------ */
/* Randomised traffic against a model. */

enum mstate { M_FREE, M_ADDED, M_PUBLISHED, M_HELD, M_RETURNED };

struct model_chain {
	enum mstate st;
	void *cookie;
	uint16_t n;
	struct vxpath_vq_buf bufs[8];
	uint32_t in_len;
	uint32_t ret_len;   /* what the driver must report */
};

struct model {
	uint16_t size;
	struct model_chain *c;      /* by id */
	uint16_t *added;            /* ids in add order, not yet popped */
	unsigned int added_r, added_w, published_w;
	uint16_t *held;             /* ids the device holds */
	unsigned int nheld;
	uint16_t *used;             /* ids in return order, not consumed */
	unsigned int used_r, used_w;
	unsigned int descs;         /* descriptors in chains */
	uint64_t published;         /* descriptors ever published */
	uint64_t last_check;        /* 'published' at the last kick check */
};

static void model_random_traffic(uint16_t size, bool event_idx,
				 unsigned int steps)
{
	struct fx *f = fx_new2(size, event_idx);
	struct model m = { .size = size };
	unsigned int s, next_cookie = 1, q = size + 1;
	/* what the run went through, to prove it covered something */
	unsigned long n_enospc = 0, n_ooo = 0, n_consumed = 0, n_peek = 0;
	unsigned long n_kick[2] = { 0, 0 }, n_full = 0;

	m.c = calloc(size, sizeof(*m.c));
	m.added = calloc(q, sizeof(*m.added));
	m.held = calloc(size, sizeof(*m.held));
	m.used = calloc(q, sizeof(*m.used));
	assert_non_null(m.c);
	assert_non_null(m.added);
	assert_non_null(m.held);
	assert_non_null(m.used);

	for (s = 0; s < steps; s++) {
		/* add twice as often as the rest, consume twice too */
		static const uint8_t ops[] = { 0, 0, 1, 2, 3, 4, 4, 5 };
		uint32_t op = ops[rnd() % ARRAY_LEN(ops)];

		if (op == 0) {
			/* add */
			struct vxpath_vq_buf bufs[8];
			uint16_t maxn = size < 8 ? size : 8;
			uint16_t n = 1 + rnd() % maxn, r = rnd() % (n + 1), i;
			uint64_t in_len = 0;
			int id;

			for (i = 0; i < n; i++) {
				bufs[i].addr = ((uint64_t)next_cookie << 16) +
					i;
				bufs[i].len = rnd() % 4096;
				bufs[i].writable = i >= r;
				if (bufs[i].writable)
					in_len += bufs[i].len;
			}
			id = vxpath_vqp_add(&f->vq, bufs, n,
					    cookie_of(next_cookie));
			if (size - m.descs < n) {
				assert_int_equal(id, -ENOSPC);
				n_enospc++;
				continue;
			}
			assert_true(id >= 0 && id < size);
			assert_int_equal(m.c[id].st, M_FREE);
			m.c[id].st = M_ADDED;
			m.c[id].cookie = cookie_of(next_cookie++);
			m.c[id].n = n;
			memcpy(m.c[id].bufs, bufs, sizeof(bufs));
			m.c[id].in_len = (uint32_t)in_len;
			m.added[m.added_w++ % q] = (uint16_t)id;
			m.descs += n;
		} else if (op == 1) {
			/* publish */
			vxpath_vqp_publish(&f->vq);
			for (; m.published_w != m.added_w; m.published_w++) {
				uint16_t id = m.added[m.published_w % q];

				m.c[id].st = M_PUBLISHED;
				m.published += m.c[id].n;
			}
		} else if (op == 2) {
			/* the device takes some of what is available */
			unsigned int take = 1 + rnd() % 4, i;
			struct chain_view cv;

			for (i = 0; i < take; i++) {
				struct model_chain *c;
				uint16_t j;

				if (m.added_r == m.published_w) {
					/* nothing published is left */
					assert_false(dev_pop(f, &cv));
					break;
				}
				assert_true(dev_pop(f, &cv));
				assert_int_equal(cv.id,
						 m.added[m.added_r % q]);
				m.added_r++;
				c = &m.c[cv.id];
				assert_int_equal(c->st, M_PUBLISHED);
				assert_int_equal(cv.n, c->n);
				for (j = 0; j < c->n; j++) {
					assert_int_equal(cv.bufs[j].addr,
							 c->bufs[j].addr);
					assert_int_equal(cv.bufs[j].len,
							 c->bufs[j].len);
					assert_int_equal(cv.bufs[j].writable,
							 c->bufs[j].writable);
				}
				c->st = M_HELD;
				m.held[m.nheld++] = cv.id;
			}
		} else if (op == 3 && m.nheld > 0) {
			/* the device returns a random chain it holds */
			unsigned int k = rnd() % m.nheld;
			uint16_t id = m.held[k];
			struct model_chain *c = &m.c[id];
			uint32_t len = c->in_len ? rnd() % (c->in_len + 1) :
				rnd();
			bool wflag = c->in_len ? len > 0 || rnd() % 2 :
				rnd() % 2;

			/* not the oldest chain the device holds */
			n_ooo += k != 0 && m.nheld > 1;
			m.held[k] = m.held[--m.nheld];
			/* sometimes without the write flag: len reserved */
			if (c->in_len && rnd() % 8 == 0)
				wflag = false;
			dev_write_used_raw(f, id, len,
					   used_flags(f->dev_used_wrap, wflag));
			f->held[id] = 0;
			step(size, &f->dev_used, &f->dev_used_wrap, c->n);
			c->st = M_RETURNED;
			c->ret_len = c->in_len && wflag ? len : 0;
			m.used[m.used_w++ % q] = id;
		} else if (op == 4) {
			/* the driver looks and consumes */
			uint16_t max = rnd() % (size + 2);
			uint16_t ready = vxpath_vqp_used_count(&f->vq, max);
			unsigned int have = m.used_w - m.used_r, take, i;
			uint32_t len;

			assert_int_equal(ready, have < max ? have : max);
			if (have > 0) {
				uint16_t off = rnd() % have;
				uint16_t id = m.used[(m.used_r + off) % q];

				assert_ptr_equal(vxpath_vqp_peek_used(&f->vq,
								      off,
								      &len),
						 m.c[id].cookie);
				assert_int_equal(len, m.c[id].ret_len);
				n_peek += off > 0;
			}
			assert_null(vxpath_vqp_peek_used(&f->vq, have, &len));
			take = have ? rnd() % (have + 1) : 0;
			for (i = 0; i < take; i++) {
				uint16_t id = m.used[m.used_r++ % q];

				expect_used(f, m.c[id].cookie,
					    m.c[id].ret_len);
				m.descs -= m.c[id].n;
				m.c[id].st = M_FREE;
				n_consumed++;
			}
			if (take == have)
				expect_none(f);
		} else if (op == 5) {
			/* available buffer notification decision */
			uint16_t flags = rnd() % 4;
			uint16_t off = rnd() % (size + size / 4 + 1);
			bool wrap = rnd() % 2, want;

			set_dev_event(f, flags, off, wrap);
			if (flags == VRING_PACKED_EVENT_FLAG_DISABLE)
				want = false;
			else if (flags == VRING_PACKED_EVENT_FLAG_DESC &&
				 event_idx)
				want = off >= size ||
					model_kick(size, m.last_check,
						   m.published, off, wrap);
			else
				want = true;
			assert_int_equal(vxpath_vqp_kick_needed(&f->vq),
					 want);
			n_kick[want]++;
			m.last_check = m.published;
		}
		n_full += m.descs == size;
		assert_int_equal(f->vq.num_free, size - m.descs);
		assert_int_equal(f->vq.inflight,
				 (m.added_w - m.added_r) + m.nheld +
				 (m.used_w - m.used_r));
		assert_false(f->vq.fault.broken);
	}
	printf("# size %u: %llu laps, %lu consumed, %lu out of order, %lu peeks past the first, %lu -ENOSPC, %lu steps full, kicks %lu/%lu\n",
	       size, (unsigned long long)(m.published / size), n_consumed,
	       n_ooo, n_peek, n_enospc, n_full, n_kick[1], n_kick[0]);
	assert_true(m.published / size >= 100);
	assert_true(n_consumed > steps / 50);
	assert_true(n_ooo > 0 || size == 1);
	assert_true(n_peek > 0 || size == 1);
	assert_true(n_enospc > 0);
	assert_true(n_full > 0);
	assert_true(n_kick[0] > 0 && n_kick[1] > 0);
	/* stop: drain hands back every chain still out, once */
	{
		unsigned int out = 0, i, n;
		struct drained *d = calloc(1, sizeof(*d));

		assert_non_null(d);
		for (i = 0; i < size; i++)
			out += m.c[i].st != M_FREE;
		n = vxpath_vqp_drain(&f->vq, collect, d);
		assert_int_equal(n, out);
		for (i = 0; i < size; i++)
			if (m.c[i].st != M_FREE)
				assert_int_equal(count_cookie(d,
							      m.c[i].cookie),
						 1);
		expect_fresh(f);
		free(d);
	}
	free(m.c);
	free(m.added);
	free(m.held);
	free(m.used);
	fx_free(f);
}

static void test_random_traffic(void **state)
{
	(void)state;
	model_random_traffic(1, false, 100000);
	model_random_traffic(3, true, 150000);
	model_random_traffic(8, true, 200000);
	model_random_traffic(31, false, 200000);
	model_random_traffic(256, true, 300000);
}

/* ------------------------------------------------------------------ */
/*
 * A device thread against the driver, concurrently: the device must never
 * see part of a chain or a chain twice, and with notifications armed
 * (ENABLE, or DESC at the next descriptor it waits for with event_idx)
 * the driver's kick_needed() after each publish must wake it. A lost
 * wake-up shows as a deadlock: the device asleep with descriptors
 * available, the driver with a full ring waiting for used ones.
 * The device thread uses no cmocka assertion (they do not cross threads):
 * it records the first violation for the main thread to check.
 */

#define CONC_HOLD 6

struct conc {
	struct fx *f;
	bool event_idx;
	uint16_t maxn;
	/* written by the device thread, read after join */
	unsigned long dev_errors;
	const char *dev_error;
	unsigned long lost_wakeups;
	unsigned long sleeps;
	unsigned long dev_chains;
	bool driver_sleeps;  /* the driver waits for used notifications */
	unsigned long lost_calls;
	/* shared, atomics */
	unsigned long kicks;
	unsigned long calls;
	int driver_waits;   /* ring full and published: only polls used */
	int dev_asleep;     /* waiting for a kick, holding nothing */
	int stop;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void conc_fail(struct conc *c, const char *why)
{
	if (c->dev_errors++ == 0)
		c->dev_error = why;
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
}

/* Chains are encoded in their addresses: sequence, length, position. */
static uint64_t conc_addr(uint32_t seq, uint16_t n, uint16_t i)
{
	return ((uint64_t)seq << 24) | ((uint64_t)n << 12) | i;
}

/* Device: take the next chain if there is one, checking all of it. */
static bool conc_dev_pop(struct conc *c, uint32_t *seq, uint16_t *id,
			 uint16_t *n, uint32_t *wlen)
{
	struct fx *f = c->f;
	uint16_t k = 0, cid = 0, cn = 0;
	bool writable_seen = false;

	if (!dev_sees_avail(f))
		return false;
	*wlen = 0;
	for (;;) {
		const struct vring_packed_desc *d = &f->vq.desc[f->dev_avail];
		uint16_t flags = desc_flags(f, f->dev_avail);
		uint64_t a;

		if (!is_avail(flags, f->dev_avail_wrap)) {
			conc_fail(c, "device saw part of a chain");
			return false;
		}
		a = d->addr;
		if (k == 0) {
			cid = d->id;
			cn = (a >> 12) & 0xfff;
			if ((uint32_t)(a >> 24) != *seq) {
				conc_fail(c, "chains out of order or twice");
				return false;
			}
		}
		if (d->id != cid || cid >= f->size || (a & 0xfff) != k ||
		    ((a >> 12) & 0xfff) != cn || (uint32_t)(a >> 24) != *seq) {
			conc_fail(c, "descriptor of another chain");
			return false;
		}
		if (flags & VRING_DESC_F_WRITE) {
			writable_seen = true;
			*wlen += d->len;
		} else if (writable_seen) {
			conc_fail(c, "readable after writable");
			return false;
		}
		k++;
		step(f->size, &f->dev_avail, &f->dev_avail_wrap, 1);
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (k >= cn) {
			conc_fail(c, "chain longer than added");
			return false;
		}
	}
	if (k != cn || f->held[cid] != 0) {
		conc_fail(c, "chain short, or its id still held");
		return false;
	}
	f->held[cid] = cn;
	*id = cid;
	*n = cn;
	(*seq)++;
	return true;
}

/* Device: return a chain, then notify the driver if it asked (2.8.14). */
static void conc_dev_push(struct conc *c, uint16_t id, uint32_t len)
{
	struct fx *f = c->f;
	uint16_t n = f->held[id];
	uint32_t from = dev_used_pos(f), two = 2u * f->size, ev;
	uint16_t flags, ow;
	bool call;

	dev_write_used_raw(f, id, len, used_flags(f->dev_used_wrap, len > 0));
	f->held[id] = 0;
	step(f->size, &f->dev_used, &f->dev_used_wrap, n);
	/* the used descriptor before the driver's event (full barrier) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = __atomic_load_n(&f->vq.driver->flags, __ATOMIC_ACQUIRE) & 3;
	ow = __atomic_load_n(&f->vq.driver->off_wrap, __ATOMIC_RELAXED);
	if (flags == VRING_PACKED_EVENT_FLAG_DISABLE) {
		call = false;
	} else if (flags == VRING_PACKED_EVENT_FLAG_DESC) {
		ev = (ow & 0x7fff) + ((ow & 0x8000) ? 0 : f->size);
		call = (ev + two - from) % two <
			(dev_used_pos(f) + two - from) % two;
	} else {
		call = true;
	}
	if (call)
		__atomic_fetch_add(&c->calls, 1, __ATOMIC_RELEASE);
}

static void conc_set_event(struct fx *f, uint16_t flags, uint16_t off_wrap)
{
	__atomic_store_n(&f->vq.device->off_wrap, off_wrap, __ATOMIC_RELAXED);
	__atomic_store_n(&f->vq.device->flags, flags, __ATOMIC_RELEASE);
}

static void *conc_device(void *arg)
{
	struct conc *c = arg;
	struct fx *f = c->f;
	struct { uint16_t id; uint32_t len; } held[CONC_HOLD];
	unsigned int nheld = 0;
	uint32_t seq = 0, r = 0x9e3779b9;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		bool worked = false;
		unsigned long k0;
		double t0;

		while (nheld < CONC_HOLD) {
			uint16_t id, n;
			uint32_t wlen;

			if (!conc_dev_pop(c, &seq, &id, &n, &wlen))
				break;
			held[nheld].id = id;
			held[nheld].len = wlen;
			nheld++;
			c->dev_chains++;
			worked = true;
		}
		if (c->dev_errors)
			break;
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		/* return one held chain, not necessarily the oldest */
		if (nheld > 0 && (nheld == CONC_HOLD || !worked || r % 2)) {
			unsigned int k = r % nheld;

			conc_dev_push(c, held[k].id, held[k].len);
			held[k] = held[--nheld];
			continue;
		}
		if (worked)
			continue;
		/* idle: arm the notification, look again, then sleep */
		if (c->event_idx)
			conc_set_event(f, VRING_PACKED_EVENT_FLAG_DESC,
				       (uint16_t)(f->dev_avail |
				       (f->dev_avail_wrap ? 0x8000 : 0)));
		else
			conc_set_event(f, VRING_PACKED_EVENT_FLAG_ENABLE, 0);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		k0 = __atomic_load_n(&c->kicks, __ATOMIC_ACQUIRE);
		if (!dev_sees_avail(f)) {
			__atomic_fetch_add(&c->sleeps, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&c->dev_asleep, 1, __ATOMIC_RELEASE);
			t0 = 0;
			while (__atomic_load_n(&c->kicks, __ATOMIC_ACQUIRE) ==
			       k0 &&
			       !__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
				/* both sides stuck for good: lost wake-up */
				if (dev_sees_avail(f) &&
				    __atomic_load_n(&c->driver_waits,
						    __ATOMIC_ACQUIRE)) {
					if (t0 == 0)
						t0 = now_s();
					else if (now_s() - t0 > 0.2) {
						c->lost_wakeups++;
						break;
					}
				} else {
					t0 = 0;
				}
				sched_yield();
			}
			__atomic_store_n(&c->dev_asleep, 0, __ATOMIC_RELEASE);
		}
		conc_set_event(f, VRING_PACKED_EVENT_FLAG_DISABLE, 0);
	}
	return NULL;
}

static void conc_run(uint16_t size, bool event_idx, bool driver_sleeps,
		     double seconds)
{
	struct fx *f = fx_new2(size, event_idx);
	struct conc c = {
		.f = f, .event_idx = event_idx, .driver_sleeps = driver_sleeps,
	};
	uint32_t *exp_len = calloc(1u << 16, sizeof(*exp_len));
	unsigned long done = 0, kick_no = 0, publishes = 0, waits = 0;
	uint32_t seq = 0;
	struct drained *d = calloc(1, sizeof(*d));
	pthread_t th;
	double t0 = now_s(), t;
	bool busy = false;
	/* no cmocka assertion while the device thread runs: it would jump
	 * out of here and leave the thread on this frame
	 */
	const char *err = NULL;

	assert_non_null(exp_len);
	assert_non_null(d);
	c.maxn = size < 4 ? size : 4;
	conc_set_event(f, VRING_PACKED_EVENT_FLAG_DISABLE, 0);
	assert_int_equal(pthread_create(&th, NULL, conc_device, &c), 0);
	for (;;) {
		double el = now_s() - t0;
		unsigned int nb = 1 + rnd() % 4, j, added = 0, got = 0;
		void *ck;
		uint32_t len;

		if (err != NULL || __atomic_load_n(&c.stop, __ATOMIC_ACQUIRE))
			break;
		/*
		 * Run for @seconds and until every path was taken; on a
		 * machine too busy for that, give up on the coverage (not on
		 * the checks) a few seconds later.
		 */
		if (el >= seconds && done >= 200 && kick_no > 0 &&
		    __atomic_load_n(&c.sleeps, __ATOMIC_RELAXED) > 0 &&
		    (!driver_sleeps || waits > 0))
			break;
		if (el >= seconds + 5) {
			busy = true;
			break;
		}

		for (j = 0; j < nb; j++) {
			struct vxpath_vq_buf bufs[4];
			uint16_t n = 1 + rnd() % c.maxn, r = rnd() % (n + 1);
			uint32_t wlen = 0;
			uint16_t i;
			int id;

			if (n > f->vq.num_free)
				break;
			for (i = 0; i < n; i++) {
				bufs[i].addr = conc_addr(seq, n, i);
				bufs[i].len = 100 + i;
				bufs[i].writable = i >= r;
				wlen += bufs[i].writable ? bufs[i].len : 0;
			}
			id = vxpath_vqp_add(&f->vq, bufs, n,
					    (void *)(uintptr_t)(seq + 1));
			if (id < 0) {
				err = "add failed with descriptors free";
				break;
			}
			exp_len[seq & 0xffff] = wlen;
			seq++;
			added++;
		}
		if (added > 0) {
			__atomic_store_n(&c.driver_waits, 0, __ATOMIC_RELEASE);
			vxpath_vqp_publish(&f->vq);
			publishes++;
			if (vxpath_vqp_kick_needed(&f->vq)) {
				__atomic_fetch_add(&c.kicks, 1,
						   __ATOMIC_RELEASE);
				kick_no++;
			}
		}
		while (vxpath_vqp_get_used(&f->vq, &ck, &len) == 0) {
			uint32_t sq = (uint32_t)(uintptr_t)ck - 1;

			if (len != exp_len[sq & 0xffff])
				err = "used length not the chain's";
			done++;
			got++;
		}
		if (f->vq.fault.broken) {
			err = f->vq.fault.why;
			break;
		}
		if (f->vq.num_free == 0)
			__atomic_store_n(&c.driver_waits, 1, __ATOMIC_RELEASE);
		if (added == 0 && got == 0 && f->vq.num_free == 0 &&
		    driver_sleeps) {
			/* nothing to do: sleep until the device calls */
			unsigned long k0 = __atomic_load_n(&c.calls,
							   __ATOMIC_ACQUIRE);
			double ts = 0;

			if (!vxpath_vqp_enable_interrupts(&f->vq)) {
				waits++;
				while (__atomic_load_n(&c.calls,
						__ATOMIC_ACQUIRE) == k0 &&
				       !__atomic_load_n(&c.stop,
							__ATOMIC_ACQUIRE)) {
					if (f->vq.fault.broken ||
					    now_s() - t0 > seconds + 10) {
						err = "driver stuck asleep";
						break;
					}
					/* stuck for good: lost call */
					if (__atomic_load_n(&c.dev_asleep,
							__ATOMIC_ACQUIRE) &&
					    vxpath_vqp_used_count(&f->vq, 1)) {
						if (ts == 0)
							ts = now_s();
						else if (now_s() - ts > 0.2) {
							c.lost_calls++;
							break;
						}
					} else {
						ts = 0;
					}
					sched_yield();
				}
			}
			vxpath_vqp_disable_interrupts(&f->vq);
		} else if (added == 0 && got == 0) {
			sched_yield();
		}
	}
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	t = now_s() - t0;
	printf("# concurrent, size %u, event_idx %d: %lu chains, %lu publishes, %lu kicks, %lu device sleeps, %lu lost wake-ups; %lu driver sleeps, %lu calls, %lu lost; %.2f s\n",
	       size, event_idx, done, publishes, kick_no, c.sleeps,
	       c.lost_wakeups, waits, c.calls, c.lost_calls, t);
	if (c.dev_errors)
		fail_msg("device: %s", c.dev_error);
	if (err != NULL)
		fail_msg("driver: %s", err);
	assert_int_equal(c.lost_wakeups, 0);
	assert_int_equal(c.lost_calls, 0);
	if (busy) {
		printf("# machine too busy: coverage not asserted\n");
	} else {
		if (driver_sleeps)
			assert_true(waits > 0);
		assert_true(done >= 200);
		assert_true(c.sleeps > 0);
		assert_true(kick_no > 0);
	}
	assert_true(vxpath_vqp_drain(&f->vq, collect, d) <= size);
	free(d);
	free(exp_len);
	fx_free(f);
}

/*
 * About 4 s in all on an idle machine, at most 6 s a run on a busy one:
 * timing-dependent by nature, bounded in time.
 */
static void test_concurrent_device(void **state)
{
	(void)state;
	conc_run(1, false, false, 0.5);
	conc_run(1, true, true, 0.5);
	conc_run(7, false, true, 0.75);
	conc_run(7, true, false, 0.75);
	conc_run(7, true, true, 0.75);
	conc_run(64, true, true, 0.75);
}

/* ------------------------------------------------------------------ */
/* VIRTIO_F_IN_ORDER (2.8.20): one used descriptor may stand for a batch. */

/*
 * The device returns the @n chains it holds with ids @ids (in the order it
 * took them) as one batch: a single used descriptor at its next used slot
 * naming the last, with @len; then it skips the slots of the whole batch.
 */
static void dev_push_batch(struct fx *f, const uint16_t *ids, uint16_t n,
			   uint32_t len)
{
	uint32_t skip = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		assert_true(f->held[ids[i]] > 0);
		skip += f->held[ids[i]];
		f->held[ids[i]] = 0;
	}
	dev_write_used_raw(f, ids[n - 1], len,
			   used_flags(f->dev_used_wrap, len > 0));
	while (skip > 0) {
		uint16_t k = (uint16_t)(skip > f->size ? f->size : skip);

		step(f->size, &f->dev_used, &f->dev_used_wrap, k);
		skip -= k;
	}
}

static struct fx *fx_new_in_order(uint16_t size)
{
	struct fx *f = fx_new(size);

	vxpath_vqp_set_in_order(&f->vq, true);
	return f;
}

static void test_in_order_batch(void **state)
{
	struct fx *f = fx_new_in_order(16);
	struct chain_view cv;
	uint16_t ids[4] = { 0 };
	uint32_t l;
	unsigned int i;

	(void)state;
	assert_true(add_simple(f, 1, 0, 64, cookie_of(0)) >= 0);
	assert_true(add_simple(f, 2, 0, 64, cookie_of(1)) >= 0);
	assert_true(add_simple(f, 3, 0, 64, cookie_of(2)) >= 0);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(3)) >= 0);
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 4; i++) {
		assert_true(dev_pop(f, &cv));
		ids[i] = cv.id;
	}
	dev_push_batch(f, ids, 2, 0);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0xffff), 2);
	assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 1, &l), cookie_of(1));
	assert_null(vxpath_vqp_peek_used(&f->vq, 2, &l));
	assert_false(f->vq.fault.broken);
	dev_push_batch(f, ids + 2, 2, 0);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0xffff), 4);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 3), 3);
	assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 3, &l), cookie_of(3));
	assert_int_equal(l, 0);
	expect_used(f, cookie_of(0), 0);
	/* the rest of the first batch is read: counted and peeked */
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 0xffff), 3);
	assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 0, &l), cookie_of(1));
	assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 2, &l), cookie_of(3));
	for (i = 1; i < 4; i++)
		expect_used(f, cookie_of(i), 0);
	expect_none(f);
	assert_int_equal(f->vq.num_free, 16);
	assert_int_equal(f->vq.avail_descs, 0);
	assert_int_equal(f->vq.next_used, 7);
	fx_free(f);
}

/* Rx: one used descriptor per chain, each with its length. */
static void test_in_order_rx_each_entry(void **state)
{
	struct fx *f = fx_new_in_order(5);
	struct chain_view cv;
	unsigned int i, round;
	uint32_t l;

	(void)state;
	for (round = 0; round < 7; round++) {
		for (i = 0; i < 3; i++)
			add_rx(f, 1500, cookie_of(i));
		vxpath_vqp_publish(&f->vq);
		for (i = 0; i < 3; i++) {
			assert_true(dev_pop(f, &cv));
			dev_push(f, cv.id, 100 + i);
		}
		assert_ptr_equal(vxpath_vqp_peek_used(&f->vq, 2, &l),
				 cookie_of(2));
		assert_int_equal(l, 102);
		for (i = 0; i < 3; i++)
			expect_used(f, cookie_of(i), 100 + i);
	}
	expect_none(f);
	fx_free(f);
}

static void test_in_order_batch_skips_writable(void **state)
{
	struct fx *f = fx_new_in_order(8);
	struct chain_view cv;
	uint16_t ids[2] = { 0 };
	void *c;
	uint32_t l;

	(void)state;
	add_rx(f, 1500, cookie_of(0));
	add_rx(f, 1500, cookie_of(1));
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	ids[0] = cv.id;
	assert_true(dev_pop(f, &cv));
	ids[1] = cv.id;
	dev_push_batch(f, ids, 2, 60);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);
}

static void test_in_order_bad_ids(void **state)
{
	struct fx *f;
	struct chain_view cv;
	uint16_t ids[3] = { 0 };
	unsigned int i;
	void *c;
	uint32_t l;

	(void)state;
	/* An id already consumed. */
	f = fx_new_in_order(8);
	for (i = 0; i < 3; i++)
		assert_true(add_simple(f, 1, 0, 64, cookie_of(i)) >= 0);
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 3; i++) {
		assert_true(dev_pop(f, &cv));
		ids[i] = cv.id;
	}
	dev_push_batch(f, ids, 1, 0);
	expect_used(f, cookie_of(0), 0);
	dev_push_bogus(f, ids[0], 0, 1);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);

	/* An id not made available yet (added, not published). */
	f = fx_new_in_order(8);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(0)) >= 0);
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	ids[0] = cv.id;
	ids[1] = (uint16_t)add_simple(f, 1, 0, 64, cookie_of(1));
	dev_push_bogus(f, ids[1], 0, 2);
	assert_int_equal(vxpath_vqp_used_count(&f->vq, 8), 0);
	expect_broken(f);
	fx_free(f);

	/* Out of range, then a free id after a reset. */
	f = fx_new_in_order(8);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(0)) >= 0);
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	dev_push_bogus(f, 8, 0, 1);
	assert_null(vxpath_vqp_peek_used(&f->vq, 0, &l));
	expect_broken(f);
	vxpath_vqp_reset(&f->vq);
	dev_reset(f);
	assert_true(f->vq.in_order);
	assert_true(add_simple(f, 1, 0, 64, cookie_of(1)) >= 0);
	vxpath_vqp_publish(&f->vq);
	assert_true(dev_pop(f, &cv));
	dev_push_bogus(f, (uint16_t)(cv.id + 1), 0, 1);
	assert_int_equal(vxpath_vqp_get_used(&f->vq, &c, &l), -EIO);
	expect_broken(f);
	fx_free(f);
}

/* Laps of random batches of random chains on rings of odd sizes. */
static void test_in_order_wrap(void **state)
{
	static const uint16_t sizes[] = { 1, 3, 8, 13 };
	unsigned int s;

	(void)state;
	for (s = 0; s < ARRAY_LEN(sizes); s++) {
		struct fx *f = fx_new_in_order(sizes[s]);
		unsigned int next = 0, done = 0, round;
		struct chain_view cv;
		uint16_t ids[16];

		for (round = 0; round < 1000; round++) {
			unsigned int n = 0, b, i, k;

			for (;;) {
				uint16_t nd = (uint16_t)(1 + rnd() % 3);

				if (nd > f->vq.num_free || rnd() % 4 == 0)
					break;
				assert_true(add_simple(f, nd, 0, 64,
						cookie_of(next++)) >= 0);
			}
			vxpath_vqp_publish(&f->vq);
			while (dev_pop(f, &cv))
				ids[n++] = cv.id;
			for (i = 0; i < n; i += b) {
				b = 1 + rnd() % (n - i);
				dev_push_batch(f, ids + i, (uint16_t)b, 0);
				assert_int_equal(vxpath_vqp_used_count(&f->vq,
								       0xffff), b);
				for (k = 0; k < b; k++)
					expect_used(f, cookie_of(done++), 0);
			}
			assert_int_equal(f->vq.inflight, 0);
		}
		assert_int_equal(done, next);
		assert_int_equal(f->vq.num_free, sizes[s]);
		assert_false(f->vq.fault.broken);
		fx_free(f);
	}
}

/* Drain mid-batch; interrupts see the chains of a batch already read. */
static void test_in_order_drain(void **state)
{
	struct fx *f = fx_new_in_order(8);
	struct drained d = { 0 };
	struct chain_view cv;
	uint16_t ids[4] = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_true(add_simple(f, 1, 0, 64, cookie_of(i)) >= 0);
	vxpath_vqp_publish(&f->vq);
	for (i = 0; i < 4; i++) {
		assert_true(dev_pop(f, &cv));
		ids[i] = cv.id;
	}
	dev_push_batch(f, ids, 3, 0);
	expect_used(f, cookie_of(0), 0);
	assert_true(vxpath_vqp_enable_interrupts(&f->vq));
	vxpath_vqp_disable_interrupts(&f->vq);
	assert_int_equal(vxpath_vqp_drain(&f->vq, collect, &d), 3);
	for (i = 1; i < 4; i++)
		assert_int_equal(count_cookie(&d, cookie_of(i)), 1);
	assert_true(f->vq.in_order);
	assert_int_equal(f->vq.inorder_left, 0);
	expect_fresh(f);
	fx_free(f);
}

/* ------------------------------------------------------------------ */
/* Indirect descriptors (VIRTIO_RING_F_INDIRECT_DESC, 2.8.19). */

static void test_add_indirect(void **state)
{
	struct fx *f = fx_new(3);
	struct vring_packed_desc table[3];
	struct vxpath_vq_buf bufs[3];
	uint16_t i, round;
	int id;

	(void)state;
	for (i = 0; i < 3; i++) {
		bufs[i].addr = 0x7f0000000000ull + i * 0x1000;
		bufs[i].len = 100 + i;
		bufs[i].writable = false;
	}
	/* laps of an indirect chain behind a plain one and alone, so the
	 * indirect descriptor is the batch's first and a later one
	 */
	for (round = 0; round < 7; round++) {
		uint16_t slot = f->vq.next_avail, plain;
		bool alone = round % 2;
		uint16_t flags;

		plain = alone ? 0 : add_rx(f, 64, cookie_of(50));
		if (!alone)
			slot = f->vq.next_avail;
		id = vxpath_vqp_add_indirect(&f->vq, table, bufs, 3,
					     cookie_of(round));
		assert_true(id >= 0);
		/* not visible before publish */
		assert_false(dev_sees_avail(f));
		vxpath_vqp_publish(&f->vq);
		flags = desc_flags(f, slot);
		assert_true(flags & VRING_DESC_F_INDIRECT);
		assert_false(flags & VRING_DESC_F_NEXT);
		assert_int_equal(f->vq.desc[slot].addr,
				 (uint64_t)(uintptr_t)table);
		assert_int_equal(f->vq.desc[slot].len, 3 * 16);
		assert_int_equal(f->vq.desc[slot].id, id);
		for (i = 0; i < 3; i++) {
			assert_int_equal(table[i].addr, bufs[i].addr);
			assert_int_equal(table[i].len, bufs[i].len);
			assert_int_equal(table[i].flags, 0);
		}
		if (!alone) {
			struct chain_view cv;

			assert_true(dev_pop(f, &cv));
			assert_int_equal(cv.id, plain);
			dev_push(f, plain, 10);
			expect_used(f, cookie_of(50), 10);
		}
		/* the device model refuses INDIRECT: take it by hand */
		f->held[id] = 1;
		step(f->size, &f->dev_avail, &f->dev_avail_wrap, 1);
		dev_push(f, (uint16_t)id, 0);
		expect_used(f, cookie_of(round), 0);
		assert_int_equal(f->vq.num_free, 3);
	}
	bufs[0].writable = true;
	assert_int_equal(vxpath_vqp_add_indirect(&f->vq, table, bufs, 3,
						 cookie_of(2)), -EINVAL);
	bufs[0].writable = false;
	assert_int_equal(vxpath_vqp_add_indirect(&f->vq, table, bufs, 4,
						 cookie_of(2)), -EINVAL);
	assert_int_equal(vxpath_vqp_add_indirect(&f->vq, NULL, bufs, 2,
						 cookie_of(2)), -EINVAL);
	assert_int_equal(f->vq.num_free, 3);
	fx_free(f);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_size_and_layout),
		cmocka_unit_test(test_init_bad_args),
		cmocka_unit_test(test_init_state),
		cmocka_unit_test(test_vring_base),
		cmocka_unit_test(test_add_chain_shapes),
		cmocka_unit_test(test_publish_visibility),
		cmocka_unit_test(test_publish_visibility_across_wrap),
		cmocka_unit_test(test_chain_whole_ring),
		cmocka_unit_test(test_add_einval),
		cmocka_unit_test(test_enospc_and_num_free),
		cmocka_unit_test(test_used_out_of_order),
		cmocka_unit_test(test_used_not_ready),
		cmocka_unit_test(test_used_write_flag_and_len),
		cmocka_unit_test(test_peek_used),
		cmocka_unit_test(test_kick_needed_modes),
		cmocka_unit_test(test_kick_needed_event_idx),
		cmocka_unit_test(test_kick_needed_event_idx_exhaustive),
		cmocka_unit_test(test_laps_one_at_a_time),
		cmocka_unit_test(test_laps_batches),
		cmocka_unit_test(test_bad_id_out_of_range),
		cmocka_unit_test(test_bad_id_free),
		cmocka_unit_test(test_bad_id_after_consumed),
		cmocka_unit_test(test_bad_id_twice_unconsumed),
		cmocka_unit_test(test_bad_id_unpublished),
		cmocka_unit_test(test_bad_len),
		cmocka_unit_test(test_used_with_nothing_published),
		cmocka_unit_test(test_used_past_published),
		cmocka_unit_test(test_broken_sticky_and_reset),
		cmocka_unit_test(test_device_scribbles_ring),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_drain_empty_and_full),
		cmocka_unit_test(test_drain_broken),
		cmocka_unit_test(test_set_event_idx),
		cmocka_unit_test(test_mark_broken),
		cmocka_unit_test(test_enable_interrupts),
		cmocka_unit_test(test_random_traffic),
		cmocka_unit_test(test_concurrent_device),
		cmocka_unit_test(test_in_order_batch),
		cmocka_unit_test(test_in_order_rx_each_entry),
		cmocka_unit_test(test_in_order_batch_skips_writable),
		cmocka_unit_test(test_in_order_bad_ids),
		cmocka_unit_test(test_in_order_wrap),
		cmocka_unit_test(test_in_order_drain),
		cmocka_unit_test(test_add_indirect),
	};

	return cmocka_run_group_tests_name("vxpath_virtqueue_packed", tests,
					   NULL, NULL);
}
