/* What `stats` reads, from fixture text: v2 io.stat, v1 blkio.throttle.io_service_bytes, memory.stat's keys,
   /proc/<pid>/net/dev; the CPU share of two samples, and sizes as Podman prints them. */
#include "unit.h"
#include "runtime/cgroup_internal.h"
#include "runtime/stats.h"

#include <string.h>

static void
test_io_stat (void **state)
{
  (void)state;
  uint64_t r = 1, w = 1;
  /* Two devices, keys in the kernel's order, a device with only some keys (no dbytes before 5.x). */
  const char *text = "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
                     "259:0 rbytes=1000 wbytes=24 rios=3 wios=1\n";
  assert_int_equal (pp_cgroup_parse_io_stat (text, &r, &w), 0);
  assert_int_equal (r, 5096);
  assert_int_equal (w, 8216);
  /* No I/O yet: an empty file. */
  assert_int_equal (pp_cgroup_parse_io_stat ("", &r, &w), 0);
  assert_int_equal (r, 0);
  assert_int_equal (w, 0);
  /* Something else. */
  assert_int_equal (pp_cgroup_parse_io_stat ("max\n", &r, &w), -1);
}

static void
test_blkio (void **state)
{
  (void)state;
  uint64_t r = 1, w = 1;
  const char *text = "8:0 Read 12288\n8:0 Write 4096\n8:0 Sync 16384\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 16384\n"
                     "8:16 Read 100\n8:16 Write 1\n8:16 Total 101\nTotal 16485\n";
  assert_int_equal (pp_cgroup_parse_blkio (text, &r, &w), 0);
  assert_int_equal (r, 12388);
  assert_int_equal (w, 4097);
  /* A cgroup that did no I/O. */
  assert_int_equal (pp_cgroup_parse_blkio ("Total 0\n", &r, &w), 0);
  assert_int_equal (r, 0);
  assert_int_equal (w, 0);
  assert_int_equal (pp_cgroup_parse_blkio ("garbage\n", &r, &w), -1);
}

static void
test_memory_stat (void **state)
{
  (void)state;
  uint64_t v = 0;
  /* v2 and v1's keys: inactive_file must not match total_inactive_file's line, nor a key it begins. */
  const char *v2 = "anon 135168\nfile 4096\ninactive_anon 0\ninactive_file_x 7\ninactive_file 8192\n";
  assert_int_equal (pp_cgroup_text_u64 (v2, "inactive_file", &v), 0);
  assert_int_equal (v, 8192);
  const char *v1 = "cache 73728\nrss 151552\ninactive_file 40960\ntotal_cache 73728\ntotal_inactive_file 45056\n";
  assert_int_equal (pp_cgroup_text_u64 (v1, "total_inactive_file", &v), 0);
  assert_int_equal (v, 45056);
  assert_int_equal (pp_cgroup_text_u64 (v1, "inactive_file", &v), 0);
  assert_int_equal (v, 40960);
  assert_int_equal (pp_cgroup_text_u64 (v1, "shmem", &v), -1);
  /* A whole file: memory.current. */
  assert_int_equal (pp_cgroup_text_u64 ("249856\n", NULL, &v), 0);
  assert_int_equal (v, 249856);
  assert_int_equal (pp_cgroup_text_u64 ("max\n", NULL, &v), -1);
}

static void
test_net_dev (void **state)
{
  (void)state;
  uint64_t rx = 1, tx = 1;
  const char *text
      = "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n"
        "    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       "
        "0          0\n"
        "  eth0:     660       8    0    0    0     0          0         0      110       2    0    0    0     0       "
        "0          0\n"
        "  net1:1000000000   9    0    0    0     0          0         0        5       1    0    0    0     0       "
        "0          0\n";
  assert_int_equal (pp_stats_parse_net_dev (text, &rx, &tx), 0);
  assert_int_equal (rx, 1000000660);
  assert_int_equal (tx, 115);
  /* Loopback only (a pod of --network none). */
  const char *lo = "h1\nh2\n    lo:     10 1 0 0 0 0 0 0 20 1 0 0 0 0 0 0\n";
  assert_int_equal (pp_stats_parse_net_dev (lo, &rx, &tx), 0);
  assert_int_equal (rx, 0);
  assert_int_equal (tx, 0);
  assert_int_equal (pp_stats_parse_net_dev ("h1\nh2\nnot a device line\n", &rx, &tx), -1);
}

static void
test_cpu_percent (void **state)
{
  (void)state;
  pp_stats_sample_t a = { .at_us = 1000000 }, b = { .at_us = 1500000 };
  a.cg.cpu_ns = 2000000000;
  b.cg.cpu_ns = 2000000000ULL + 500000000; /* a whole core for the half second */
  assert_float_equal (pp_stats_cpu_percent (&a, &b), 100.0, 1e-9);
  b.cg.cpu_ns = 2000000000ULL + 250000000;
  assert_float_equal (pp_stats_cpu_percent (&a, &b), 50.0, 1e-9);
  /* Two cores: 200%, as Podman counts one core as 100%. */
  b.cg.cpu_ns = 2000000000ULL + 1000000000;
  assert_float_equal (pp_stats_cpu_percent (&a, &b), 200.0, 1e-9);
  /* A counter that went back (the cgroup made anew), or no time between them. */
  b.cg.cpu_ns = 1;
  assert_float_equal (pp_stats_cpu_percent (&a, &b), 0.0, 1e-9);
  assert_float_equal (pp_stats_cpu_percent (&a, &a), 0.0, 1e-9);
}

static void
test_human_size (void **state)
{
  (void)state;
  char buf[32];
  pp_human_size (67108864, 4, false, "", buf, sizeof buf);
  assert_string_equal (buf, "67.11MB");
  pp_human_size (67108864, 4, true, "", buf, sizeof buf);
  assert_string_equal (buf, "64MiB");
  pp_human_size (0, 4, false, "", buf, sizeof buf);
  assert_string_equal (buf, "0B");
  pp_human_size (245760, 4, false, "", buf, sizeof buf);
  assert_string_equal (buf, "245.8kB");
  pp_human_size (1460000, 3, false, " ", buf, sizeof buf);
  assert_string_equal (buf, "1.46 MB");
  /* Rounding up to the next unit: never "1e+03 kB". */
  pp_human_size (999970, 3, false, " ", buf, sizeof buf);
  assert_string_equal (buf, "1 MB");
  pp_human_size (999, 3, false, " ", buf, sizeof buf);
  assert_string_equal (buf, "999 B");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_io_stat), cmocka_unit_test (test_blkio),       cmocka_unit_test (test_memory_stat),
    cmocka_unit_test (test_net_dev), cmocka_unit_test (test_cpu_percent), cmocka_unit_test (test_human_size),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
