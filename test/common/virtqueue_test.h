/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What the tests of the virtqueues (test/unit/test_virtqueue_split.c,
 * test/unit/test_virtqueue_packed.c, test/fuzz/fuzz_used_ring.c) call
 * beyond the driver's headers: one-at-a-time forms of taking used chains
 * back, which check each entry as the datapath's burst forms do
 * (vxpath_vq_get_used_burst_mode(), vxpath_vqp_get_used_burst_mode()) and
 * let a test look at one entry at a time. Defined in
 * drivers/net/vxpath/virtqueue_split.c and virtqueue_packed.c; never
 * included by the driver.
 */
#ifndef VXPATH_TEST_VIRTQUEUE_TEST_H
#define VXPATH_TEST_VIRTQUEUE_TEST_H

#include <stdint.h>

#include "virtqueue_packed.h"
#include "virtqueue_split.h"

/* --- split ring (virtio 1.2, 2.7) --- */

/**
 * Number of used entries the device has returned and the driver has not yet
 * read (acquire on used->idx). A device claiming more entries than chains
 * are outstanding breaks the queue.
 * Return: entries (0..size); 0 if broken.
 */
uint16_t vxpath_vq_used_count(struct vxpath_vq *vq);

/**
 * Read the used entry @offset places past the next unread one without
 * consuming it (2.7.8), checking id and length as vxpath_vq_get_used() does,
 * and that no unconsumed entry before it names the same chain.
 * Caller guarantees @offset < vxpath_vq_used_count().
 * Return: the chain's cookie with *@len = bytes written by the device;
 * NULL if the entry is invalid (the queue is then broken).
 */
void *vxpath_vq_peek_used(struct vxpath_vq *vq, uint16_t offset,
			  uint32_t *len);

/**
 * Consume the next used entry and free its chain's descriptors.
 * Checks: id < size; the chain is outstanding (not free, not returned
 * twice); for a chain with device-writable buffers, len <= their total
 * bytes. For a driver-readable-only chain, *@len is 0 whatever the device
 * wrote.
 * Return: 0 with *@cookie and *@len set; -EAGAIN if no entry is ready;
 * -EIO if the entry is invalid or the queue broken (queue marked broken).
 */
int vxpath_vq_get_used(struct vxpath_vq *vq, void **cookie, uint32_t *len);

/* --- packed ring (2.8) --- */

/**
 * Read the used descriptor @offset places (chains) past the next unread
 * one without consuming it, checking it and the ones before it as
 * vxpath_vqp_used_count() does (so no earlier unconsumed one names the same
 * chain). Caller guarantees @offset < vxpath_vqp_used_count(). Cost: a
 * walk over @offset + 1 descriptors.
 * Return: the chain's cookie with *@len = bytes written by the device;
 * NULL if the descriptor is invalid (the queue is then broken) or, against
 * the caller's guarantee, not ready (the queue is not marked broken).
 */
void *vxpath_vqp_peek_used(struct vxpath_vqp *vq, uint16_t offset,
			   uint32_t *len);

/**
 * Consume the next used descriptor: give its buffer id back to the free
 * list and move next_used by the chain's descriptor count (2.8.6), toggling
 * the expected Device Ring Wrap Counter past the ring's end (2.8.22).
 * Checks: id < size; the id names an outstanding chain (not free, not
 * returned twice) that was published; the descriptor lies within the
 * published descriptors; for a chain with device-writable buffers and a
 * used descriptor with VRING_DESC_F_WRITE, len <= their total bytes.
 * *@len is 0 for a driver-readable-only chain whatever the device wrote, and
 * when the used descriptor lacks VRING_DESC_F_WRITE (2.8.4: its length is
 * then reserved).
 * Return: 0 with *@cookie and *@len set; -EAGAIN if no used descriptor is
 * ready; -EIO if it is invalid or the queue broken (queue marked broken).
 */
int vxpath_vqp_get_used(struct vxpath_vqp *vq, void **cookie, uint32_t *len);

#endif /* VXPATH_TEST_VIRTQUEUE_TEST_H */
