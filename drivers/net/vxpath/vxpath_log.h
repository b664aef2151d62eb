/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Logging for the vxpath PMD: one rte_log type, "pmd.net.vxpath".
 */
#ifndef VXPATH_LOG_H
#define VXPATH_LOG_H

#include <rte_log.h>

/** The driver's log type, registered by log.c as "pmd.net.vxpath". */
extern int vxpath_logtype;

/**
 * Log one line through rte_log, prefixed with the calling function.
 * @level: ERR, WARNING, NOTICE, INFO or DEBUG.
 * A newline is appended; fmt must not end with one.
 */
#define VXPATH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vxpath_logtype, "vxpath: %s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

#endif /* VXPATH_LOG_H */
