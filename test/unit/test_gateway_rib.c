/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of vxpath-gateway's routing table (app/vxpath-gateway/rib.h)
 * against its contract: the lowest metric of a prefix reaches the fast
 * path's table, a higher one waits behind it and takes over when it goes,
 * a route of a metric the prefix has replaces it, the last route's
 * deletion deletes the prefix, host bits are ignored, and each error
 * return. gw_fib_route() is a stub here that records what it was asked.
 * EAL runs without hugepages (rte_hash).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "rib.h"

int gw_logtype = RTE_LOGTYPE_USER1;

/* What the last gw_fib_route() call asked, and how many calls. */
static struct {
	unsigned int calls;
	int family;
	uint8_t dst[16];
	uint8_t depth;
	enum gw_route_kind kind;
	uint16_t port;
	bool has_gw;
	uint8_t gw[16];
	bool add;
} fib_last;

int
gw_fib_route(struct gw_fib *fib, int family, const uint8_t *dst,
	     uint8_t depth, enum gw_route_kind kind, uint16_t port,
	     const uint8_t *gw, bool add)
{
	(void)fib;
	fib_last.calls++;
	fib_last.family = family;
	memcpy(fib_last.dst, dst, family == AF_INET ? 4 : 16);
	fib_last.depth = depth;
	fib_last.kind = kind;
	fib_last.port = port;
	fib_last.has_gw = gw != NULL;
	if (gw != NULL)
		memcpy(fib_last.gw, gw, family == AF_INET ? 4 : 16);
	fib_last.add = add;
	return 0;
}

static const uint8_t net4[4] = { 10, 9, 9, 0 };
static const uint8_t gw_b[4] = { 10, 2, 0, 2 };
static const uint8_t gw_c[4] = { 10, 2, 0, 3 };

static struct gw_rib_route
via(uint32_t metric, uint16_t port, const uint8_t *gw)
{
	struct gw_rib_route r = {
		.metric = metric, .kind = GW_ROUTE_VIA, .port = port,
	};

	if (gw != NULL) {
		r.has_gw = true;
		memcpy(r.gw, gw, 4);
	}
	return r;
}

static struct gw_rib_route
kernel(uint32_t metric)
{
	return (struct gw_rib_route){ .metric = metric,
				      .kind = GW_ROUTE_KERNEL };
}

static int
add4(struct gw_rib *rib, const uint8_t *dst, uint8_t depth,
     struct gw_rib_route r)
{
	return gw_rib_update(rib, NULL, AF_INET, dst, depth, &r, true);
}

static int
del4(struct gw_rib *rib, const uint8_t *dst, uint8_t depth, uint32_t metric)
{
	struct gw_rib_route r = { .metric = metric };

	return gw_rib_update(rib, NULL, AF_INET, dst, depth, &r, false);
}

static int
setup(void **state)
{
	*state = gw_rib_create(64, SOCKET_ID_ANY);
	memset(&fib_last, 0, sizeof(fib_last));
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	gw_rib_free(*state);
	return 0;
}

/* A fallback of a higher metric never replaces the route in use. */
static void
test_lowest_metric_wins(void **state)
{
	struct gw_rib *rib = *state;

	assert_int_equal(add4(rib, net4, 24, via(100, 1, gw_b)), 0);
	assert_int_equal(fib_last.calls, 1);
	assert_true(fib_last.add);
	assert_int_equal(fib_last.kind, GW_ROUTE_VIA);
	assert_int_equal(fib_last.port, 1);
	assert_memory_equal(fib_last.gw, gw_b, 4);
	assert_int_equal(fib_last.depth, 24);

	/* unreachable ... metric 200: kept, the fast path unchanged */
	assert_int_equal(add4(rib, net4, 24, kernel(200)), 0);
	assert_int_equal(fib_last.calls, 1);
	assert_int_equal(gw_rib_nb_routes(rib), 2);

	/* a better route to the kernel takes over... */
	assert_int_equal(add4(rib, net4, 24, kernel(50)), 0);
	assert_int_equal(fib_last.calls, 2);
	assert_int_equal(fib_last.kind, GW_ROUTE_KERNEL);
	assert_true(fib_last.add);

	/* ...and gives way again when it goes */
	assert_int_equal(del4(rib, net4, 24, 50), 0);
	assert_int_equal(fib_last.calls, 3);
	assert_int_equal(fib_last.kind, GW_ROUTE_VIA);
	assert_memory_equal(fib_last.gw, gw_b, 4);

	/* the route in use deleted: the fallback, not a deleted prefix */
	assert_int_equal(del4(rib, net4, 24, 100), 0);
	assert_int_equal(fib_last.calls, 4);
	assert_true(fib_last.add);
	assert_int_equal(fib_last.kind, GW_ROUTE_KERNEL);

	/* a route not kept */
	assert_int_equal(del4(rib, net4, 24, 100), -ENOENT);
	assert_int_equal(fib_last.calls, 4);

	/* the last one: the prefix leaves the fast path */
	assert_int_equal(del4(rib, net4, 24, 200), 0);
	assert_int_equal(fib_last.calls, 5);
	assert_false(fib_last.add);
	assert_int_equal(gw_rib_nb_routes(rib), 0);
	assert_int_equal(del4(rib, net4, 24, 200), -ENOENT);
}

/* The same metric again replaces; the fast path follows a new path only. */
static void
test_replace(void **state)
{
	struct gw_rib *rib = *state;

	assert_int_equal(add4(rib, net4, 24, via(0, 1, gw_b)), 0);
	assert_int_equal(add4(rib, net4, 24, via(0, 1, gw_b)), 0);
	assert_int_equal(fib_last.calls, 1);
	assert_int_equal(gw_rib_nb_routes(rib), 1);
	assert_int_equal(add4(rib, net4, 24, via(0, 1, gw_c)), 0);
	assert_int_equal(fib_last.calls, 2);
	assert_memory_equal(fib_last.gw, gw_c, 4);
	assert_int_equal(add4(rib, net4, 24, via(0, 2, NULL)), 0);
	assert_int_equal(fib_last.calls, 3);
	assert_false(fib_last.has_gw);
	assert_int_equal(fib_last.port, 2);
	assert_int_equal(gw_rib_nb_routes(rib), 1);
	/* equal metrics elsewhere: the first kept stays in use */
	assert_int_equal(add4(rib, net4, 25, via(5, 1, gw_b)), 0);
	assert_int_equal(add4(rib, net4, 25, kernel(6)), 0);
	assert_int_equal(fib_last.calls, 4);
	assert_int_equal(fib_last.kind, GW_ROUTE_VIA);
}

/* Host bits are not part of the prefix; depth is checked. */
static void
test_prefix_bits(void **state)
{
	static const uint8_t host[4] = { 10, 9, 9, 9 };
	static const uint8_t net6[16] = { 0xfd, 0x08 };
	struct gw_rib *rib = *state;
	struct gw_rib_route r = kernel(1024);

	assert_int_equal(add4(rib, host, 24, via(0, 1, gw_b)), 0);
	assert_memory_equal(fib_last.dst, net4, 4);
	assert_int_equal(del4(rib, net4, 24, 0), 0);
	assert_false(fib_last.add);
	assert_int_equal(add4(rib, net4, 33, kernel(0)), -EINVAL);
	/* the same bytes in both families are two prefixes */
	assert_int_equal(gw_rib_update(rib, NULL, AF_INET6, net6, 16, &r,
				       true), 0);
	assert_int_equal(fib_last.family, AF_INET6);
	assert_int_equal(gw_rib_update(rib, NULL, AF_INET6, net6, 129, &r,
				       true), -EINVAL);
	assert_int_equal(add4(rib, net6, 16, kernel(1024)), 0);
	assert_int_equal(gw_rib_nb_routes(rib), 2);
}

/* GW_RIB_PATHS metrics per prefix, then -ENOSPC, nothing changed. */
static void
test_paths_limit(void **state)
{
	struct gw_rib *rib = *state;
	uint32_t m;

	for (m = 0; m < GW_RIB_PATHS; m++)
		assert_int_equal(add4(rib, net4, 24, kernel(10 + m)), 0);
	assert_int_equal(add4(rib, net4, 24, kernel(1)), -ENOSPC);
	assert_int_equal(gw_rib_nb_routes(rib), GW_RIB_PATHS);
	/* replacing one that is there still works */
	assert_int_equal(add4(rib, net4, 24, via(10, 1, gw_b)), 0);
	assert_int_equal(fib_last.kind, GW_ROUTE_VIA);
}

int
main(int argc, char **argv)
{
	static char no_huge[] = "--no-huge", no_shconf[] = "--no-shconf",
		    mem[] = "-m64", no_pci[] = "--no-pci",
		    quiet[] = "--log-level=lib.eal:error";
	char *eal[] = { argv[0], no_huge, no_shconf, mem, no_pci, quiet,
			NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lowest_metric_wins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_paths_limit, setup,
						teardown),
	};

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
