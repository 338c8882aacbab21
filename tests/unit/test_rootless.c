/* src/runtime/rootless: an ordinary user's subordinate ids, as /etc/subuid and /etc/subgid give them. */
#include "unit.h"

#include "runtime/rootless.h"

#include <string.h>

static void
test_subid_ranges (void **state)
{
  (void)state;
  static const char text[] = "# a comment: alice:1:1\n"
                             "alice:100000:65536\n"
                             "bob:165536:65536\n"
                             "1000:300000:10\n"
                             "alice:400000:5\n"
                             "alice:500000:0\n"
                             "alice:x:5\n"
                             "alice:600000:\n"
                             "alice::5\n"
                             "alice:4294967295:2\n"
                             "alicex:700000:1\n"
                             "alice:800000:3";
  pp_idrange_t r[PP_SUBID_MAX];
  /* The user's ranges by name and by id, in file order; empty, malformed and overflowing ones left out. */
  size_t n = pp_subid_parse (text, "alice", 1000, r, PP_SUBID_MAX);
  assert_int_equal (n, 4);
  assert_int_equal (r[0].start, 100000);
  assert_int_equal (r[0].count, 65536);
  assert_int_equal (r[1].start, 300000);
  assert_int_equal (r[1].count, 10);
  assert_int_equal (r[2].start, 400000);
  assert_int_equal (r[2].count, 5);
  assert_int_equal (r[3].start, 800000);
  assert_int_equal (r[3].count, 3);
  /* At most `max`; none for a user the file does not name. */
  assert_int_equal (pp_subid_parse (text, "alice", 1000, r, 1), 1);
  assert_int_equal (pp_subid_parse (text, "carol", 1002, r, PP_SUBID_MAX), 0);
  assert_int_equal (pp_subid_parse ("", "alice", 1000, r, PP_SUBID_MAX), 0);
  /* A line too long to be a range is skipped whole, never read in parts. */
  char longline[600];
  memset (longline, '9', sizeof longline);
  memcpy (longline, "alice:1", 7);
  longline[sizeof longline - 1] = '\0';
  assert_int_equal (pp_subid_parse (longline, "alice", 1000, r, PP_SUBID_MAX), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_subid_ranges),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
