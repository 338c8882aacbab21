/* The runtime table (names to backends, where an external runtime keeps state), which container a name picks for
   exec, and a forked child's error report. */
#include "unit.h"
#include "runtime/podctl.h"
#include "runtime/runtime.h"

#include <string.h>

static void
test_runtime_find (void **state)
{
  (void)state;
  pp_error_t err = NULL;
  assert_ptr_equal (pp_runtime_find (NULL, &err), &pp_runtime_builtin);
  assert_ptr_equal (pp_runtime_find ("builtin", &err), &pp_runtime_builtin);
  assert_ptr_equal (pp_runtime_find ("runc", &err), &pp_runtime_runc);
  assert_ptr_equal (pp_runtime_find ("crun", &err), &pp_runtime_crun);
  assert_null (err);
  assert_false (pp_runtime_builtin.external);
  assert_true (pp_runtime_runc.external && pp_runtime_crun.external);
  assert_null (pp_runtime_find ("youki", &err));
  assert_non_null (err);
  assert_non_null (strstr (err->msg, "youki"));
  pp_error_release (&err);
  /* Every backend has every operation. */
  for (size_t i = 0; pp_runtimes[i]; i++)
    {
      const pp_runtime_t *rt = pp_runtimes[i];
      assert_ptr_equal (pp_runtime_find (rt->name, NULL), rt);
      assert_true (rt->console_open && rt->console_receive && rt->start && rt->exec && rt->kill && rt->delete);
    }
}

static void
test_runtime_state_root (void **state)
{
  (void)state;
  assert_null (pp_runtime_state_root (&pp_runtime_builtin, "/run/podplay"));
  char *root = pp_runtime_state_root (&pp_runtime_runc, "/run/podplay");
  assert_string_equal (root, "/run/podplay/runc");
  free (root);
}

static void
test_ctr_match (void **state)
{
  (void)state;
  char s_web[] = "web", s_db[] = "db", s_main[] = "main", s_side[] = "side";
  char id1[] = "abc123", id2[] = "abd456", id3[] = "fff789";
  pp_pod_rec_t pods[] = { { .name = s_web }, { .name = s_db } };
  pp_container_rec_t web[] = { { .id = id1, .name = s_main }, { .id = id2, .name = s_side } };
  pp_container_rec_t db[] = { { .id = id3, .name = s_main } };
  pp_container_rec_t *cs[] = { web, db };
  size_t n_cs[] = { 2, 1 }, pi = 9, ci = 9;
  pp_error_t err = NULL;
  assert_int_equal (pp_ctr_match (pods, 2, cs, n_cs, "db-main", &pi, &ci, &err), 0);
  assert_true (pi == 1 && ci == 0);
  assert_int_equal (pp_ctr_match (pods, 2, cs, n_cs, "side", &pi, &ci, &err), 0);
  assert_true (pi == 0 && ci == 1);
  assert_int_equal (pp_ctr_match (pods, 2, cs, n_cs, "fff", &pi, &ci, &err), 0);
  assert_true (pi == 1 && ci == 0);
  /* Two pods have a "main"; "ab" is too short a prefix, "ab" + "c" names one. */
  assert_int_equal (pp_ctr_match (pods, 2, cs, n_cs, "main", &pi, &ci, &err), -1);
  assert_non_null (strstr (err->msg, "more than one"));
  pp_error_release (&err);
  assert_int_equal (pp_ctr_match (pods, 2, cs, n_cs, "ab", &pi, &ci, &err), -1);
  assert_int_equal (err->status, ENOENT);
  pp_error_release (&err);
  assert_int_equal (pp_ctr_match (pods, 2, cs, n_cs, "abc", &pi, &ci, &err), 0);
  assert_true (pi == 0 && ci == 0);
}

static void
test_child_report (void **state)
{
  (void)state;
  int p[2];
  assert_int_equal (pipe (p), 0);
  pp_child_report (p[1], "mount", "/proc", ENOENT);
  pp_child_report (p[1], "; unshare", NULL, EPERM);
  close (p[1]);
  char buf[256] = { 0 };
  assert_true (read (p[0], buf, sizeof buf - 1) > 0);
  close (p[0]);
  assert_string_equal (buf, "mount /proc: No such file or directory; unshare: Operation not permitted");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_runtime_find),
    cmocka_unit_test (test_runtime_state_root),
    cmocka_unit_test (test_ctr_match),
    cmocka_unit_test (test_child_report),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
