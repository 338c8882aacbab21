/* src/core/safepath: lookups inside an untrusted root stay there, whatever symlinks, FIFOs and devices it holds. */
#include "unit.h"

#include "core/safepath.h"
#include "tmproot.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

/* A root holding: etc/passwd (a file), etc/abs -> /etc/hostname (a host file, by an absolute target),
   etc/up -> ../../../../etc/hostname, etc/fifo (a FIFO), etc/zero -> /dev/zero, etc/dirlink -> / , big (too large). */
static int
root_setup (void **state)
{
  tmproot_t *r = tmproot_new ();
  tmproot_put (r, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
  assert_int_equal (symlinkat ("/etc/hostname", r->fd, "etc/abs"), 0);
  assert_int_equal (symlinkat ("../../../../etc/hostname", r->fd, "etc/up"), 0);
  assert_int_equal (mkfifoat (r->fd, "etc/fifo", 0644), 0);
  assert_int_equal (symlinkat ("/dev/zero", r->fd, "etc/zero"), 0);
  assert_int_equal (symlinkat ("/", r->fd, "etc/dirlink"), 0);
  int f = openat (r->fd, "big", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  assert_true (f >= 0);
  assert_int_equal (ftruncate (f, 4096), 0);
  close (f);
  *state = r;
  return 0;
}

static void
test_read_regular (void **state)
{
  tmproot_t *r = *state;
  cleanup_free char *data = NULL;
  size_t len = 0;
  pp_error_t err = NULL;
  assert_int_equal (pp_read_file_at (r->fd, "/etc/passwd", PP_RESOLVE_IN_ROOT, 1024, "passwd", &data, &len, &err), 0);
  assert_int_equal (len, 26);
  assert_string_equal (data, "root:x:0:0::/root:/bin/sh\n");
}

/* A symlink at the last component is refused, whether its target would be inside or out: no host file is read. */
static void
test_read_refuses_symlinks (void **state)
{
  tmproot_t *r = *state;
  const char *links[] = { "etc/abs", "etc/up", "etc/zero" };
  for (size_t i = 0; i < PP_N_ELEMENTS (links); i++)
    {
      cleanup_free char *data = NULL;
      size_t len = 0;
      pp_error_t err = NULL;
      assert_int_equal (pp_read_file_at (r->fd, links[i], PP_RESOLVE_IN_ROOT, 1024, "f", &data, &len, &err), -1);
      assert_null (data);
      assert_string_equal (err->msg, "f is a symbolic link, which is not followed");
      pp_error_release (&err);
    }
}

/* A FIFO does not hang the reader; a file over the cap is an error, not a truncation. */
static void
test_read_refuses_fifo_and_big (void **state)
{
  tmproot_t *r = *state;
  cleanup_free char *data = NULL;
  size_t len = 0;
  pp_error_t err = NULL;
  assert_int_equal (pp_read_file_at (r->fd, "etc/fifo", PP_RESOLVE_IN_ROOT, 1024, "the fifo", &data, &len, &err), -1);
  assert_string_equal (err->msg, "the fifo is not a regular file");
  pp_error_release (&err);
  assert_int_equal (pp_read_file_at (r->fd, "big", PP_RESOLVE_IN_ROOT, 1024, "big", &data, &len, &err), -1);
  assert_string_equal (err->msg, "big is larger than 1024 bytes");
  pp_error_release (&err);
}

/* A symlink to / on the way resolves to the root itself in the root, and is refused beneath. */
static void
test_open_in_root_and_beneath (void **state)
{
  tmproot_t *r = *state;
  int fd = pp_open_at (r->fd, "etc/dirlink/etc/passwd", PP_RESOLVE_IN_ROOT, O_RDONLY, 0);
  assert_true (fd >= 0);
  struct stat a, b;
  assert_int_equal (fstat (fd, &a), 0);
  assert_int_equal (fstatat (r->fd, "etc/passwd", &b, 0), 0);
  assert_int_equal (a.st_ino, b.st_ino);
  close (fd);
  assert_int_equal (pp_open_at (r->fd, "etc/dirlink/etc/passwd", PP_RESOLVE_BENEATH, O_RDONLY, 0), -1);
  assert_int_equal (errno, ELOOP);
  assert_int_equal (pp_open_at (r->fd, "../etc", PP_RESOLVE_BENEATH, O_PATH, 0), -1);
  assert_int_equal (errno, EXDEV);
  fd = pp_open_at (r->fd, "", PP_RESOLVE_BENEATH, O_PATH | O_DIRECTORY, 0);
  assert_true (fd >= 0);
  close (fd);
}

static void
test_mkdir_at (void **state)
{
  tmproot_t *r = *state;
  int fd = pp_mkdir_at (r->fd, "a/b//c/", 0755);
  assert_true (fd >= 0);
  close (fd);
  struct stat st;
  assert_int_equal (fstatat (r->fd, "a/b/c", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISDIR (st.st_mode));
  /* Never through a symlink, never above the root. */
  assert_int_equal (pp_mkdir_at (r->fd, "etc/dirlink/tmp/x", 0755), -1);
  assert_int_equal (errno, ELOOP);
  assert_int_equal (pp_mkdir_at (r->fd, "a/../../x", 0755), -1);
  assert_int_equal (errno, EXDEV);
  assert_int_equal (pp_mkdir_at (r->fd, "etc/passwd/x", 0755), -1);
  assert_int_equal (errno, ENOTDIR);
}

/* Whether `path` below the root is of type `fmt` (S_IFREG, S_IFDIR), not following a last symlink. */
static bool
is_in_root (const tmproot_t *r, const char *path, mode_t fmt)
{
  struct stat st;
  return fstatat (r->fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == fmt;
}

/* A mount target: what is missing is made, and a symlink on the way (absolute, relative, climbing above the root,
   to /) leads to a place inside the root, made there too. */
static void
test_create_at_stays_in_root (void **state)
{
  tmproot_t *r = *state;
  static const struct
  {
    const char *path;
    bool file;
    const char *made; /* where it lands, below the root */
    mode_t fmt;
  } cases[] = {
    { "/new/dir/", false, "new/dir", S_IFDIR },
    { "new/file", true, "new/file", S_IFREG },
    { "etc/abs", true, "etc/hostname", S_IFREG },     /* -> /etc/hostname */
    { "etc/up", true, "etc/hostname", S_IFREG },      /* -> ../../../../etc/hostname */
    { "etc/dirlink/tmp/x", false, "tmp/x", S_IFDIR }, /* -> / */
    { "etc/resolv.conf", true, "run/systemd/resolve/stub-resolv.conf", S_IFREG },
    { "etc/chain", true, "run/systemd/resolve/stub-resolv.conf", S_IFREG },
  };
  assert_int_equal (symlinkat ("../run/systemd/resolve/stub-resolv.conf", r->fd, "etc/resolv.conf"), 0);
  assert_int_equal (symlinkat ("resolv.conf", r->fd, "etc/chain"), 0);
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      int fd = pp_create_at (r->fd, cases[i].path, cases[i].file);
      assert_true (fd >= 0);
      struct stat a, b;
      assert_int_equal (fstat (fd, &a), 0);
      close (fd);
      assert_true (is_in_root (r, cases[i].made, cases[i].fmt));
      assert_int_equal (fstatat (r->fd, cases[i].made, &b, AT_SYMLINK_NOFOLLOW), 0);
      assert_int_equal (a.st_ino, b.st_ino);
    }
  /* What exists is opened as it is; a loop of links is an error, not a hang. */
  int fd = pp_create_at (r->fd, "etc/passwd", false);
  assert_true (fd >= 0);
  close (fd);
  assert_true (is_in_root (r, "etc/passwd", S_IFREG));
  assert_int_equal (symlinkat ("loop-b", r->fd, "loop-a"), 0);
  assert_int_equal (symlinkat ("loop-a", r->fd, "loop-b"), 0);
  assert_int_equal (pp_create_at (r->fd, "loop-a/x", false), -1);
  assert_int_equal (errno, ELOOP);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_read_regular, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_read_refuses_symlinks, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_read_refuses_fifo_and_big, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_open_in_root_and_beneath, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_mkdir_at, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_create_at_stays_in_root, root_setup, tmproot_teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
