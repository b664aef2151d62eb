/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * libFuzzer target: vxpath-gateway's classifier (app/vxpath-gateway/
 * classify.c) on any frame. The input is a 2-byte little-endian split,
 * then the frame: the first min(split, frame length) bytes are the first
 * segment, copied into a buffer of exactly that size so that
 * AddressSanitizer catches any read past it; the frame's length is the
 * packet length. The receiving port's MAC is 02:00:00:00:00:01.
 *
 * What must hold (else the target aborts): the action is one of the four
 * and its reason is in range; for GW_FWD4 and GW_FWD6 the whole IP header
 * is in the first segment, and the fast path's own reads and writes of it
 * (destination address, TTL/hop limit decrement, the RFC 1624 checksum
 * update, which must keep the IPv4 header checksum's validity) stay
 * inside the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

static const struct rte_ether_addr port_mac = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 },
};

/* The Internet checksum of @len bytes (RFC 1071), as stored. */
static uint16_t
csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	uint16_t w;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, p + i, 2);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t pkt_len, seg_len;
	uint8_t *seg, reason = 0xff;
	int action;

	if (size < 2 || size - 2 > 65535)
		return 0;
	pkt_len = (uint32_t)(size - 2);
	seg_len = (uint32_t)data[0] | (uint32_t)data[1] << 8;
	if (seg_len > pkt_len)
		seg_len = pkt_len;
	seg = malloc(seg_len ? seg_len : 1);
	if (seg == NULL)
		return 0;
	memcpy(seg, data + 2, seg_len);

	action = gw_classify(seg, seg_len, pkt_len, &port_mac, &reason);
	switch (action) {
	case GW_PUNT:
		if (reason >= GW_PUNT_MAX)
			abort();
		break;
	case GW_DROP:
		if (reason >= GW_DROP_MAX)
			abort();
		break;
	case GW_FWD4: {
		uint8_t *l3 = seg + GW_L3_OFFSET;
		uint16_t old, new, c;
		int valid;

		if (seg_len < GW_L3_OFFSET + 20 || l3[8] <= 1)
			abort();
		valid = csum(l3, 20) == 0;
		memcpy(&old, l3 + 8, 2);
		l3[8]--;
		memcpy(&new, l3 + 8, 2);
		memcpy(&c, l3 + 10, 2);
		c = gw_csum_update16(c, old, new);
		memcpy(l3 + 10, &c, 2);
		/* A header that was valid stays valid. */
		if (valid && csum(l3, 20) != 0)
			abort();
		break;
	}
	case GW_FWD6:
		if (seg_len < GW_L3_OFFSET + 40 || seg[GW_L3_OFFSET + 7] <= 1)
			abort();
		seg[GW_L3_OFFSET + 7]--;
		break;
	default:
		abort();
	}
	free(seg);
	return 0;
}
