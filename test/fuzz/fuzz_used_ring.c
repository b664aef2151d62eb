/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * libFuzzer target: the driver side of a virtqueue against a device that
 * writes whatever the input says into the shared ring memory. Built twice
 * from this file: fuzz_used_ring_split (virtqueue_split.c, virtio 1.2 2.7)
 * and fuzz_used_ring_packed (FUZZ_PACKED, virtqueue_packed.c, 2.8).
 *
 * The input is a ring set-up byte, then a stream of operations, each an
 * opcode byte and its operands (missing bytes read as 0):
 *   ADD      the driver makes a chain available: buffer count, then per
 *            buffer a length (u16) and a writable bit
 *   PUBLISH  the driver publishes what it added
 *   USED     the device writes a used entry (split: used->ring[slot] id and
 *            len; packed: a descriptor's id, len and flags)
 *   IDX      the device writes used->idx (split) or a descriptor's flags
 *            (packed)
 *   SCRIBBLE the device writes 8 arbitrary bytes anywhere in the ring memory
 *   GET      the driver takes up to N used chains
 *   PEEK     the driver counts the used entries and peeks at one
 *   DRAIN    the driver takes every chain back (as at port stop)
 *   ADD1     the datapath's one-buffer add (vxpath_vq(p)_add1): a
 *            writable bit and a length (u16)
 *   BURST    the datapath's burst of used chains (get_used_burst), up to N
 *
 * What must hold whatever the device wrote (else the target aborts, and
 * AddressSanitizer catches any access outside the ring memory and the
 * driver's arrays): every cookie the driver hands back names a chain that
 * is outstanding (added and not yet returned), each exactly once; a
 * returned length is at most the device-writable bytes of that chain (0
 * for a driver-readable chain); a drain returns exactly the chains still
 * outstanding.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "virtqueue_test.h"

#define MAX_SIZE 256          /* descriptors, largest ring fuzzed */
#define TOKENS (2 * MAX_SIZE) /* cookies: more than can be outstanding */

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t
u8(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static uint16_t
u16(struct input *in)
{
	return (uint16_t)(u8(in) | u8(in) << 8);
}

static uint32_t
u32(struct input *in)
{
	return (uint32_t)u16(in) | (uint32_t)u16(in) << 16;
}

/* The driver's view of its own chains: the cookie is &tokens[i]. */
static struct token {
	bool outstanding;
	uint32_t in_len;    /* device-writable bytes posted */
} tokens[TOKENS];

static struct token *
token_of(void *cookie)
{
	struct token *t = cookie;

	/* A cookie the driver never got from us is a corrupted pointer. */
	CHECK(t >= tokens && t < tokens + TOKENS);
	CHECK(((uintptr_t)t - (uintptr_t)tokens) % sizeof(*t) == 0);
	return t;
}

static void
returned(void *cookie, uint32_t len)
{
	struct token *t = token_of(cookie);

	CHECK(t->outstanding);
	CHECK(len <= t->in_len);
	t->outstanding = false;
}

static unsigned int drained;

static void
drain_one(void *arg, void *cookie)
{
	(void)arg;
	returned(cookie, 0);
	drained++;
}

static unsigned int
outstanding(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < TOKENS; i++)
		n += tokens[i].outstanding;
	return n;
}

#ifdef FUZZ_PACKED
typedef struct vxpath_vqp ring_t;
#define R(fn) vxpath_vqp_ ## fn
#define ring_used_count(vq) vxpath_vqp_used_count(vq, (vq)->size)
#else
typedef struct vxpath_vq ring_t;
#define R(fn) vxpath_vq_ ## fn
#define ring_used_count(vq) vxpath_vq_used_count(vq)
#endif

enum { OP_ADD, OP_PUBLISH, OP_USED, OP_IDX, OP_SCRIBBLE, OP_GET, OP_PEEK,
       OP_DRAIN, OP_ADD1, OP_BURST, OP_COUNT };

static struct token *
free_token(void)
{
	unsigned int i;

	for (i = 0; i < TOKENS; i++)
		if (!tokens[i].outstanding)
			return &tokens[i];
	CHECK(false);
	return NULL;
}

/* One chain of one buffer through the datapath's producer, in the ring's
 * own mode, as rxtx.c's burst functions add them.
 */
#ifdef FUZZ_PACKED
static void
add1(ring_t *vq, uint64_t addr, uint32_t len, bool writable, void *cookie)
{
	struct vxpath_vqp_prod p;

	if (vq->in_order) {
		vxpath_vqp_prod_begin(vq, &p, true);
		vxpath_vqp_prod_add1(&p, addr, len, writable, cookie, true);
		vxpath_vqp_prod_end(vq, &p, true);
	} else {
		vxpath_vqp_prod_begin(vq, &p, false);
		vxpath_vqp_prod_add1(&p, addr, len, writable, cookie, false);
		vxpath_vqp_prod_end(vq, &p, false);
	}
}
#else
static void
add1(ring_t *vq, uint64_t addr, uint32_t len, bool writable, void *cookie)
{
	struct vxpath_vq_prod p;

	vxpath_vq_prod_begin(vq, &p);
	if (vq->in_order)
		vxpath_vq_prod_add1(&p, addr, len, writable, cookie, true);
	else
		vxpath_vq_prod_add1(&p, addr, len, writable, cookie, false);
	vxpath_vq_prod_end(vq, &p);
}
#endif

/* The datapath's one-buffer add (inline, no argument checks: the caller
 * guarantees a free descriptor and a queue not broken, as rxtx.c does).
 */
static void
op_add1(ring_t *vq, struct input *in)
{
	uint8_t b = u8(in);
	uint32_t len = u16(in);
	struct token *t;

	if (vq->fault.broken || vq->num_free == 0)
		return;
	t = free_token();
	t->in_len = (b & 1) ? len : 0;
	t->outstanding = true;
	add1(vq, 0x200000, len, b & 1, t);
}

/* The datapath's burst of used chains. */
static void
op_burst(ring_t *vq, struct input *in)
{
	void *cookies[64];
	uint32_t lens[64];
	uint16_t max = (uint16_t)(1 + u8(in) % 64), n, i;

	/* The burst function's call, for the ring's own mode. */
	n = vq->in_order ?
		R(get_used_burst_mode)(vq, cookies, lens, max, true) :
		R(get_used_burst_mode)(vq, cookies, lens, max, false);
	CHECK(n <= max);
	for (i = 0; i < n; i++)
		returned(cookies[i], lens[i]);
}

static void
op_add(ring_t *vq, struct input *in)
{
	struct vxpath_vq_buf bufs[4];
	unsigned int n = 1 + u8(in) % 4, i;
	uint32_t in_len = 0;
	struct token *t = free_token();

	for (i = 0; i < n; i++) {
		uint8_t b = u8(in);

		bufs[i].addr = 0x100000 + 0x1000 * i;
		bufs[i].len = u16(in);
		bufs[i].writable = b & 1;
		if (bufs[i].writable)
			in_len += bufs[i].len;
	}
	t->in_len = in_len;
	if (R(add)(vq, bufs, (uint16_t)n, t) >= 0)
		t->outstanding = true;
}

static void
op_device_used(ring_t *vq, void *mem, struct input *in)
{
	uint16_t slot = u16(in) & (vq->size - 1);
#ifdef FUZZ_PACKED
	struct vring_packed_desc *d = &vq->desc[slot];

	(void)mem;
	d->id = u16(in);
	d->len = u32(in);
	/* The flags last, as a device publishes a used descriptor. */
	__atomic_store_n(&d->flags, u16(in), __ATOMIC_RELEASE);
#else
	struct vring_used_elem *e = &vq->used->ring[slot];

	(void)mem;
	e->id = u32(in);
	e->len = u32(in);
#endif
}

static void
op_device_idx(ring_t *vq, struct input *in)
{
#ifdef FUZZ_PACKED
	uint16_t slot = u16(in) & (vq->size - 1);

	__atomic_store_n(&vq->desc[slot].flags, u16(in), __ATOMIC_RELEASE);
#else
	__atomic_store_n(&vq->used->idx, u16(in), __ATOMIC_RELEASE);
#endif
}

static void
op_scribble(void *mem, size_t mem_size, struct input *in)
{
	size_t off = u32(in) % (mem_size - 7);
	uint8_t b[8];
	unsigned int i;

	for (i = 0; i < sizeof(b); i++)
		b[i] = u8(in);
	memcpy((char *)mem + off, b, sizeof(b));
}

static void
op_get(ring_t *vq, struct input *in)
{
	unsigned int n = 1 + u8(in) % 8, i;

	for (i = 0; i < n; i++) {
		void *cookie = NULL;
		uint32_t len = 0;
		int ret = R(get_used)(vq, &cookie, &len);

		if (ret != 0) {
			CHECK(ret == -EAGAIN || ret == -EIO);
			CHECK(ret != -EIO || vq->fault.broken);
			return;
		}
		returned(cookie, len);
	}
}

static void
op_peek(ring_t *vq, struct input *in)
{
	uint16_t count = ring_used_count(vq);
	uint16_t offset;
	uint32_t len = 0;
	void *cookie;

	CHECK(count <= vq->size);
	if (count == 0)
		return;
	offset = u8(in) % count;
	cookie = R(peek_used)(vq, offset, &len);
	if (cookie != NULL) {
		struct token *t = token_of(cookie);

		/* Peeked, not taken: it stays outstanding. */
		CHECK(t->outstanding);
		CHECK(len <= t->in_len);
	}
}

static void
op_drain(ring_t *vq)
{
	unsigned int before = outstanding();

	drained = 0;
	CHECK(R(drain)(vq, drain_one, NULL) == before);
	CHECK(drained == before);
	CHECK(outstanding() == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vxpath_vq_chain chains[MAX_SIZE];
	struct input in = { data, size };
	uint8_t setup = u8(&in);
	uint16_t qsize = (uint16_t)(1u << (setup % 9)); /* 1 .. 256 */
	size_t mem_size;
	void *mem;
	ring_t vq;
	int ret;

	memset(tokens, 0, sizeof(tokens));
	memset(&vq, 0, sizeof(vq));
#ifdef FUZZ_PACKED
	mem_size = vxpath_vqp_mem_size(qsize);
	mem = aligned_alloc(VXPATH_VQ_ALIGN,
			    RTE_ALIGN_CEIL(mem_size, VXPATH_VQ_ALIGN));
	CHECK(mem != NULL);
	ret = vxpath_vqp_init(&vq, mem, qsize, chains, setup & 0x40);
#else
	mem_size = vxpath_vq_mem_size(qsize);
	mem = aligned_alloc(VXPATH_VQ_ALIGN,
			    RTE_ALIGN_CEIL(mem_size, VXPATH_VQ_ALIGN));
	CHECK(mem != NULL);
	ret = vxpath_vq_init(&vq, mem, qsize, chains);
	if (ret == 0 && (setup & 0x40))
		vxpath_vq_set_event_idx(&vq, true);
#endif
	if (ret != 0) {
		/* Every size here is a power of two in range. */
		free(mem);
		return 0;
	}
	if (setup & 0x80)
		R(set_in_order)(&vq, true);

	while (in.left > 0) {
		switch (u8(&in) % OP_COUNT) {
		case OP_ADD:
			op_add(&vq, &in);
			break;
		case OP_PUBLISH:
			R(publish)(&vq);
			(void)R(kick_needed)(&vq);
			break;
		case OP_USED:
			op_device_used(&vq, mem, &in);
			break;
		case OP_IDX:
			op_device_idx(&vq, &in);
			break;
		case OP_SCRIBBLE:
			op_scribble(mem, mem_size, &in);
			break;
		case OP_GET:
			op_get(&vq, &in);
			break;
		case OP_PEEK:
			op_peek(&vq, &in);
			break;
		case OP_DRAIN:
			op_drain(&vq);
			break;
		case OP_ADD1:
			op_add1(&vq, &in);
			break;
		case OP_BURST:
			op_burst(&vq, &in);
			break;
		}
	}
	op_drain(&vq);
	free(mem);
	return 0;
}
