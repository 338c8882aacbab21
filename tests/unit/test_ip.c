/* src/net/ip.c: the address arithmetic that allocation counts in. */
#include "unit.h"

#include <string.h>
#include <sys/socket.h>
#include "net/ip.h"

static void
test_parse_format (void **state PP_UNUSED)
{
  pp_ipnet_t n;
  char buf[PP_IPNET_STRLEN];
  assert_true (pp_ipnet_parse ("10.244.0.0/16", &n));
  assert_int_equal (n.ip.family, AF_INET);
  assert_string_equal (pp_ipnet_format (&n, buf), "10.244.0.0/16");
  assert_true (pp_ipnet_parse ("fd12:3456::/64", &n));
  assert_string_equal (pp_ipnet_format (&n, buf), "fd12:3456::/64");
  static const char *const bad[] = { "10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "x/8", "::/129",
                                     "10.0.0/8", "10.0.0.0/8x", "/8" };
  for (size_t i = 0; i < PP_N_ELEMENTS (bad); i++)
    assert_false (pp_ipnet_parse (bad[i], &n));
  pp_ip_t ip;
  assert_true (pp_ip_parse ("::1", &ip));
  assert_int_equal (ip.family, AF_INET6);
  assert_false (pp_ip_parse ("1.2.3", &ip));
}

static void
test_contains_overlaps (void **state PP_UNUSED)
{
  pp_ipnet_t a, b;
  pp_ip_t ip;
  assert_true (pp_ipnet_parse ("10.244.0.0/16", &a));
  assert_true (pp_ip_parse ("10.244.255.255", &ip));
  assert_true (pp_ipnet_contains (&a, &ip));
  assert_true (pp_ip_parse ("10.245.0.0", &ip));
  assert_false (pp_ipnet_contains (&a, &ip));
  assert_true (pp_ipnet_parse ("10.0.0.0/8", &b));
  assert_true (pp_ipnet_overlaps (&a, &b));
  assert_true (pp_ipnet_overlaps (&b, &a));
  assert_true (pp_ipnet_parse ("10.88.0.0/16", &b));
  assert_false (pp_ipnet_overlaps (&a, &b));
  assert_true (pp_ipnet_parse ("0.0.0.0/0", &b));
  assert_true (pp_ipnet_overlaps (&a, &b));
  assert_true (pp_ipnet_parse ("fd00::/64", &b));
  assert_false (pp_ipnet_overlaps (&a, &b));
  pp_ipnet_t m;
  assert_true (pp_ipnet_parse ("10.244.7.9/16", &m));
  pp_ipnet_mask (&m);
  char buf[PP_IPNET_STRLEN];
  assert_string_equal (pp_ipnet_format (&m, buf), "10.244.0.0/16");
  assert_true (pp_ipnet_parse ("10.244.7.9/21", &m));
  pp_ipnet_mask (&m);
  assert_string_equal (pp_ipnet_format (&m, buf), "10.244.0.0/21");
}

static void
test_nth_offset (void **state PP_UNUSED)
{
  pp_ipnet_t n;
  pp_ip_t ip;
  char buf[PP_IP_STRLEN];
  uint64_t off;
  assert_true (pp_ipnet_parse ("10.244.0.0/16", &n));
  assert_int_equal (pp_ipnet_size (&n), 65536);
  assert_true (pp_ipnet_nth (&n, 257, &ip));
  assert_string_equal (pp_ip_format (&ip, buf), "10.244.1.1");
  assert_true (pp_ipnet_offset (&n, &ip, &off));
  assert_int_equal (off, 257);
  assert_true (pp_ipnet_nth (&n, 65535, &ip));
  assert_string_equal (pp_ip_format (&ip, buf), "10.244.255.255");
  assert_false (pp_ipnet_nth (&n, 65536, &ip));
  assert_true (pp_ipnet_parse ("fd12:3456::/64", &n));
  assert_int_equal (pp_ipnet_size (&n), UINT64_MAX);
  assert_true (pp_ipnet_nth (&n, 0x10002, &ip));
  assert_string_equal (pp_ip_format (&ip, buf), "fd12:3456::1:2");
  assert_true (pp_ipnet_offset (&n, &ip, &off));
  assert_int_equal (off, 0x10002);
  assert_true (pp_ipnet_parse ("fd12::/48", &n));
  assert_true (pp_ip_parse ("fd12:0:0:1::5", &ip));
  assert_false (pp_ipnet_offset (&n, &ip, &off));
  assert_true (pp_ip_parse ("10.0.0.1", &ip));
  assert_false (pp_ipnet_offset (&n, &ip, &off));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_format),
    cmocka_unit_test (test_contains_overlaps),
    cmocka_unit_test (test_nth_offset),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
