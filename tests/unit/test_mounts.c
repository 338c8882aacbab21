/* src/runtime/mounts: each operation mounts onto the descriptor it is given, with its flags before anything sees
   the mount; in a private mount namespace of the test's own, so that nothing reaches the host's. */
#include "unit.h"

#include "runtime/mounts.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char dir[] = "/tmp/pp-mounts-XXXXXX";
static int dfd = -1;

static int
group_setup (void **state)
{
  (void)state;
  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return -1;
  /* A tmpfs of its own: its one lazy unmount at the end takes every mount the tests made below it. */
  if (mkdtemp (dir) == NULL || mount ("tmpfs", dir, "tmpfs", 0, "size=16m") < 0)
    return -1;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return dfd < 0 ? -1 : 0;
}

static int
group_teardown (void **state)
{
  (void)state;
  close (dfd);
  return umount2 (dir, MNT_DETACH) == 0 && rmdir (dir) == 0 ? 0 : -1;
}

/* A directory `name` below the test's directory, opened O_PATH. */
static int
make_dir (const char *name)
{
  assert_int_equal (mkdirat (dfd, name, 0755), 0);
  int fd = openat (dfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true (fd >= 0);
  return fd;
}

static void
write_file (int at, const char *name, const char *data)
{
  int f = openat (at, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true (f >= 0);
  assert_int_equal (write (f, data, strlen (data)), (ssize_t)strlen (data));
  close (f);
}

/* The target is the descriptor: a directory renamed away and replaced by a symlink after it was opened still gets
   the mount, read-only from the start. */
static void
test_bind_onto_descriptor (void **state)
{
  (void)state;
  cleanup_close int src = make_dir ("src");
  cleanup_close int target = make_dir ("t");
  write_file (dfd, "src/f", "from src\n");
  int other = make_dir ("elsewhere");
  close (other);
  assert_int_equal (renameat (dfd, "t", dfd, "t.moved"), 0);
  assert_int_equal (symlinkat ("elsewhere", dfd, "t"), 0);
  cleanup_close int mnt = pp_mount_bind (src, target, MS_REC | MS_RDONLY | MS_NOSUID, -1);
  assert_true (mnt >= 0);
  struct stat st;
  assert_int_equal (fstatat (dfd, "t.moved/f", &st, 0), 0);
  assert_int_equal (fstatat (dfd, "elsewhere/f", &st, 0), -1);
  assert_int_equal (openat (dfd, "t.moved/g", O_WRONLY | O_CREAT | O_CLOEXEC, 0644), -1);
  assert_int_equal (errno, EROFS);
}

/* A new filesystem with options, its root the returned descriptor; attributes set afterwards; detached. */
static void
test_fs_set_and_detach (void **state)
{
  (void)state;
  cleanup_close int target = make_dir ("tmpfs");
  cleanup_close int mnt = pp_mount_fs ("tmpfs", "tmpfs", "mode=700,size=1m", MS_NOSUID | MS_NODEV, target);
  assert_true (mnt >= 0);
  struct stat st;
  assert_int_equal (fstat (mnt, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0700);
  assert_int_equal (mkdirat (mnt, "sub", 0755), 0);
  assert_int_equal (pp_mount_set (mnt, MS_RDONLY, false), 0);
  assert_int_equal (mkdirat (mnt, "other", 0755), -1);
  assert_int_equal (errno, EROFS);
  cleanup_free char *path = xasprintf ("%s/tmpfs", dir);
  assert_int_equal (pp_mount_detach (path), 0);
  assert_int_equal (pp_mount_detach (path), -1);
  assert_int_equal (errno, EINVAL);
  assert_int_equal (fstatat (dfd, "tmpfs/sub", &st, 0), -1);
}

/* An overlay of two layers by descriptor: both seen, writes in the upper directory. */
static void
test_overlay (void **state)
{
  (void)state;
  cleanup_close int low = make_dir ("low");
  cleanup_close int high = make_dir ("high");
  cleanup_close int upper = make_dir ("upper");
  cleanup_close int work = make_dir ("work");
  cleanup_close int target = make_dir ("merged");
  write_file (dfd, "low/a", "low\n");
  write_file (dfd, "high/b", "high\n");
  int lowers[] = { high, low };
  cleanup_close int mnt = pp_mount_overlay (lowers, 2, upper, work, 0, target);
  assert_true (mnt >= 0);
  struct stat st;
  assert_int_equal (fstatat (mnt, "a", &st, 0), 0);
  assert_int_equal (fstatat (mnt, "b", &st, 0), 0);
  write_file (mnt, "c", "new\n");
  assert_int_equal (fstatat (dfd, "upper/c", &st, 0), 0);
  assert_int_equal (fstatat (dfd, "low/c", &st, 0), -1);
}

/* A namespace file: bound, and bound again over a stale bind without stacking. */
static void
test_ns_file (void **state)
{
  (void)state;
  cleanup_free char *path = xasprintf ("%s/net", dir);
  assert_int_equal (pp_mount_ns_file (getpid (), "net", path), 0);
  assert_int_equal (pp_mount_ns_file (getpid (), "net", path), 0);
  struct stat a, b;
  assert_int_equal (stat (path, &a), 0);
  assert_int_equal (stat ("/proc/self/ns/net", &b), 0);
  assert_int_equal (a.st_ino, b.st_ino);
  assert_int_equal (pp_mount_detach (path), 0);
  assert_int_equal (pp_mount_detach (path), -1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_bind_onto_descriptor),
    cmocka_unit_test (test_fs_set_and_detach),
    cmocka_unit_test (test_overlay),
    cmocka_unit_test (test_ns_file),
  };
  return cmocka_run_group_tests (tests, group_setup, group_teardown);
}
