/* A container's root filesystem: an image loaded from the fixtures, mounted as an overlay of its layers. */
#include "unit.h"
#include "image/load.h"
#include "image/store.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char dir[] = "/tmp/podplay-rootfs-XXXXXX";

static int PP_PRINTF (1, 2) run_cmd (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *cmd = NULL;
  int n = vasprintf (&cmd, fmt, ap);
  va_end (ap);
  int ret = n < 0 ? -1 : system (cmd);
  free (cmd);
  return ret;
}

static void
test_overlay_of_layered (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (dir));
  cleanup_free char *images = xasprintf ("%s/images", dir);
  assert_int_equal (run_cmd ("python3 fixtures/images/build.py %s >/dev/null", images), 0);

  pp_context_t ctx;
  pp_context_init (&ctx);
  cleanup_free char *root = xasprintf ("%s/root", dir);
  pp_context_set_root (&ctx, root);
  pp_store_t store;
  pp_load_result_t result;
  pp_image_t image;
  cleanup_error pp_error_t err = NULL;
  cleanup_free char *layout = xasprintf ("%s/layered", images);
  assert_int_equal (pp_store_open (&ctx, &store, &err), 0);
  assert_int_equal (pp_image_load (&ctx, &store, layout, &result, &err), 0);
  assert_int_equal (pp_store_lookup (&store, "localhost/layered:latest", &image, &err), 0);

  cleanup_free char *upper = xasprintf ("%s/upper", dir);
  cleanup_free char *work = xasprintf ("%s/work", dir);
  cleanup_free char *target = xasprintf ("%s/rootfs", dir);
  assert_int_equal (mkdir (upper, 0755), 0);
  assert_int_equal (mkdir (work, 0700), 0);
  assert_int_equal (mkdir (target, 0755), 0);
  int mounted = pp_store_mount_rootfs (&store, &image, upper, work, target, &err);
  if (mounted < 0)
    fail_msg ("%s", err->msg);

  /* The merged tree is the image's, whiteouts and opaque directories applied by the kernel. */
  cleanup_free char *got = xasprintf ("%s/got.tree", dir);
  assert_int_equal (run_cmd ("python3 fixtures/images/tree.py %s > %s", target, got), 0);
  cleanup_free char *expected = xasprintf ("%s/expected/layered.tree", images);
  assert_int_equal (run_cmd ("diff -u %s %s", expected, got), 0);

  /* Writes land in the upper directory; the shared layers stay as they were. */
  cleanup_free char *file = xasprintf ("%s/data/new", target);
  FILE *f = fopen (file, "w");
  assert_non_null (f);
  fputs ("hello\n", f);
  fclose (f);
  cleanup_free char *in_upper = xasprintf ("%s/data/new", upper);
  struct stat st;
  assert_int_equal (stat (in_upper, &st), 0);
  assert_int_not_equal (run_cmd ("find %s/layers -name new | grep -q .", root), 0);

  assert_int_equal (umount2 (target, MNT_DETACH), 0);
  pp_image_release (&image);
  pp_load_result_release (&result);
  pp_store_close (&store);
  pp_context_release (&ctx);
}

/* Runs whether the test passed or not: nothing stays mounted or on disk. */
static int
cleanup (void **state)
{
  (void) state;
  cleanup_free char *target = xasprintf ("%s/rootfs", dir);
  umount2 (target, MNT_DETACH);
  return run_cmd ("rm -rf %s", dir) == 0 ? 0 : -1;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown (test_overlay_of_layered, cleanup),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
