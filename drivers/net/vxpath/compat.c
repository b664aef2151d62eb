/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The DPDK release a vxpath plugin was built for, and the check, at load,
 * that the process runs the same release series.
 *
 * A plugin built for DPDK 22.11 needs librte_*.so.23; DPDK 24.11 has
 * librte_*.so.25 and 25.11 librte_*.so.26. Loaded with -d into a process of
 * another series, one of two things happens:
 *  - the plugin's libraries are not installed (the usual case): dlopen
 *    fails, EAL prints the loader's error naming the missing library
 *    ("librte_ethdev.so.23: cannot open shared object file") and stops, and
 *    no code of this plugin runs;
 *  - they are installed too (old library packages left behind after an
 *    upgrade from Debian 12 to 13, say): the loader maps a second copy of
 *    every DPDK library, whose internal symbols (version INTERNAL in every
 *    series) bind to the process's own copies. Two EALs, two ethdevs and
 *    two vdev buses with different structure layouts then share the
 *    process, and the first probe or bus scan corrupts memory. The check
 *    below runs first of this plugin's constructors, says what is wrong
 *    and ends the process before it gets there.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_version.h>

#include "compat.h"

#define BUILT_FOR RTE_STR(RTE_VER_YEAR) "." RTE_STR(RTE_VER_MONTH) "." \
	RTE_STR(RTE_VER_MINOR)

static const char *running = "unknown";

const char *
vxpath_dpdk_built_for(void)
{
	return BUILT_FOR;
}

const char *
vxpath_dpdk_running(void)
{
	return running;
}

/*
 * Look up rte_version_year/month/rte_version in the process's global scope.
 * RTLD_DEFAULT searches the application and the libraries it was linked
 * with before anything a dlopen brought in, so these are the process's own
 * EAL functions even when this plugin's links brought a second EAL.
 */
RTE_INIT_PRIO(vxpath_dpdk_check, LOG)
{
	unsigned int (*year)(void);
	unsigned int (*month)(void);
	const char *(*version)(void);

	*(void **)&year = dlsym(RTLD_DEFAULT, "rte_version_year");
	*(void **)&month = dlsym(RTLD_DEFAULT, "rte_version_month");
	*(void **)&version = dlsym(RTLD_DEFAULT, "rte_version");
	if (version != NULL)
		running = version();
	if (year == NULL || month == NULL)
		return; /* a static application: it was built with us */
	if (year() == RTE_VER_YEAR && month() == RTE_VER_MONTH)
		return;
	/* rte_log here would be the plugin's own EAL's: stderr instead. */
	fprintf(stderr,
		"vxpath: error: librte_net_vxpath.so was built for DPDK %s, but this process runs %s: a plugin runs only in the DPDK release series it was built for; build vxpath against this DPDK (see vxpath's README, \"Supported DPDK releases\"). Exiting.\n",
		BUILT_FOR, running);
	fflush(stderr);
	_exit(1);
}
