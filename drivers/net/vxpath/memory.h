/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The memory table shared with a vhost back-end, built from DPDK's memory
 * segments. Addresses in descriptors are the process's virtual addresses, so
 * each region's guest address equals its user address. Memory hot-plug
 * (DPDK allocating or freeing hugepages while the port runs) is followed
 * by the back-end (vhost_user.c's memory event callback), which rebuilds
 * the regions here.
 */
#ifndef VXPATH_MEMORY_H
#define VXPATH_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
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

/**
 * vxpath_memory_regions() for a caller that holds the memory hot-plug lock
 * (a memory event callback, rte_mem_event_callback_register(), runs with
 * it write-locked; rte_mcfg_mem_read_lock() takes it for reading): the
 * memory segments are walked without taking it again. Segments inside
 * [@skip, @skip + @skip_len) are left out: a free event's callback runs
 * before the segments are gone. @skip NULL leaves nothing out.
 * Return: as vxpath_memory_regions().
 */
int vxpath_memory_regions_locked(struct vxpath_mem_region *regions,
				 unsigned int max, unsigned int *n,
				 bool need_fd, const void *skip,
				 size_t skip_len);

/**
 * Whether EAL keeps one file per hugepage smaller than 1 GB (hugepages,
 * no --single-file-segments, a memory segment list of such pages): then
 * each page of DPDK memory is a region of its own for a vhost-user
 * back-end, and memory soon outgrows 8 regions.
 */
bool vxpath_memory_fd_per_small_page(void);

#endif /* VXPATH_MEMORY_H */
