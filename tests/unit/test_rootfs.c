/* A container's root filesystem: an image loaded from the fixtures, mounted as an overlay of its layers. */
#include "rootfs_fixture.h"

#include <sys/mount.h>

static char dir[] = "/tmp/podplay-rootfs-XXXXXX";

static void
test_overlay_of_layered (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (dir));
  rootfs_fixture_t fx;
  cleanup_free char *target = xasprintf ("%s/rootfs", dir);
  rootfs_fixture_mount (&fx, dir, "layered", target);
  cleanup_free char *upper = xasprintf ("%s/upper", dir);
  cleanup_free char *root = xasprintf ("%s/root", dir);

  /* The merged tree is the image's, whiteouts and opaque directories applied by the kernel. */
  cleanup_free char *got = xasprintf ("%s/got.tree", dir);
  assert_int_equal (run_cmd ("python3 fixtures/images/tree.py %s > %s", target, got), 0);
  cleanup_free char *expected = xasprintf ("%s/images/expected/layered.tree", dir);
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
  rootfs_fixture_release (&fx);
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
