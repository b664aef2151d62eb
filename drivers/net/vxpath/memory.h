/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The memory table shared with a vhost back-end, built from DPDK's memory
 * segments. Addresses in descriptors are the process's virtual addresses, so
 * each region's guest address equals its user address.
 */
#ifndef VXPATH_MEMORY_H
#define VXPATH_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

/** One contiguous range of DPDK memory. */
struct vxpath_mem_region {
	uint64_t addr;       /**< start, our virtual address */
	uint64_t size;       /**< bytes */
	int fd;              /**< backing file, -1 if none; not owned (EAL's) */
	uint64_t fd_offset;  /**< bytes from the file's start to @addr */
};

/**
 * Collect the process's DPDK memory as regions, merging segments that are
 * contiguous in virtual address space (and, with @need_fd, in the same file
 * at contiguous offsets).
 * @regions: array of @max entries, filled; the fds stay owned by EAL.
 * @n:       set to the number of regions needed, also when it exceeds @max.
 * @need_fd: true for vhost-user, which maps the memory through fds.
 * Return: 0; -E2BIG if more than @max regions are needed (*@n tells how
 * many); -ENOTSUP if @need_fd and some memory has no fd (--no-huge or
 * anonymous memory); -ENOENT if there is no DPDK memory at all.
 */
int vxpath_memory_regions(struct vxpath_mem_region *regions, unsigned int max,
			  unsigned int *n, bool need_fd);

#endif /* VXPATH_MEMORY_H */
