/* src/runtime/user: a container's user and groups come from its own /etc/passwd and /etc/group, never the host's. */
#include "unit.h"

#include "runtime/user.h"
#include "tmproot.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# a comment\n"
                             "\n"
                             "nobody:x:65534:65534:nobody:/home:/bin/false\n"
                             "app:x:1000:1001::/app:/bin/sh\n"
                             "broken:x:abc:def::/:/bin/sh\n"
                             "short:x\n";
static const char group[] = "root:x:0:\n"
                            "adm:x:4:nobody,app\n"
                            "users:x:100:nobody,root\n"
                            "nogroup:x:65533:\n"
                            "appgrp:x:1001:\n"
                            "weird:x:nan:app\n"
                            "staff:x:50:app\n";

static int
root_setup (void **state)
{
  tmproot_t *r = tmproot_new ();
  tmproot_put (r, "etc/passwd", passwd);
  tmproot_put (r, "etc/group", group);
  *state = r;
  return 0;
}

/* Resolves `user`; -1 when it fails, with the message in `msg`. */
static int
resolve (tmproot_t *r, const char *user, uint32_t *uid, uint32_t *gid, char *msg, size_t len)
{
  pp_error_t err = NULL;
  int ret = pp_user_resolve (r->fd, user, uid, gid, &err);
  snprintf (msg, len, "%s", err ? err->msg : "");
  pp_error_release (&err);
  return ret;
}

static void
test_names_and_ids (void **state)
{
  tmproot_t *r = *state;
  static const struct
  {
    const char *user;
    uint32_t uid, gid;
  } cases[] = {
    { NULL, 0, 0 },
    { "", 0, 0 },
    { "nobody", 65534, 65534 },
    { "app", 1000, 1001 },
    { "nobody:nogroup", 65534, 65533 }, /* a group name is looked up, never read as a number (it was gid 0) */
    { "app:adm", 1000, 4 },
    { "nobody:100", 65534, 100 },
    { "1000", 1000, 1001 }, /* a uid alone takes the gid of its /etc/passwd line */
    { "4242", 4242, 0 },    /* ... or root's group when it has none */
    { "4242:4343", 4242, 4343 },
    { "4242:staff", 4242, 50 },
    { "app:", 1000, 1001 },
    { "2147483647", 2147483647, 0 },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      uint32_t uid = 7, gid = 7;
      char msg[256];
      assert_int_equal (resolve (r, cases[i].user, &uid, &gid, msg, sizeof msg), 0);
      assert_int_equal (uid, cases[i].uid);
      assert_int_equal (gid, cases[i].gid);
    }
}

static void
test_unknown_and_invalid (void **state)
{
  tmproot_t *r = *state;
  static const struct
  {
    const char *user, *msg;
  } cases[] = {
    { "ghost", "user `ghost` is not in the container's /etc/passwd" },
    { "nobody:ghosts", "group `ghosts` is not in the container's /etc/group" },
    { "0:ghosts", "group `ghosts` is not in the container's /etc/group" },
    { "broken", "user `broken` is not in the container's /etc/passwd" }, /* its ids are not numbers */
    { "short", "user `short` is not in the container's /etc/passwd" },
    { "app:weird", "group `weird` is not in the container's /etc/group" },
    { "4294967296", "user id `4294967296` is out of range (0 to 2147483647)" }, /* it wrapped to root */
    { "0:4294967296", "group id `4294967296` is out of range (0 to 2147483647)" },
    { "-1", "user `-1` is not in the container's /etc/passwd" },
    { ":adm", "the user is empty" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      uint32_t uid, gid;
      char msg[256];
      assert_int_equal (resolve (r, cases[i].user, &uid, &gid, msg, sizeof msg), -1);
      assert_string_equal (msg, cases[i].msg);
    }
}

/* No /etc/passwd or /etc/group: ids still work, names do not, and nobody has extra groups. */
static void
test_missing_files (void **state)
{
  tmproot_t *r = *state;
  assert_int_equal (unlinkat (r->fd, "etc/passwd", 0), 0);
  assert_int_equal (unlinkat (r->fd, "etc/group", 0), 0);
  uint32_t uid, gid, groups[4];
  char msg[256];
  assert_int_equal (resolve (r, "1000", &uid, &gid, msg, sizeof msg), 0);
  assert_int_equal (gid, 0);
  assert_int_equal (resolve (r, "1000:1000", &uid, &gid, msg, sizeof msg), 0);
  assert_int_equal (resolve (r, "app", &uid, &gid, msg, sizeof msg), -1);
  assert_int_equal (resolve (r, "0:adm", &uid, &gid, msg, sizeof msg), -1);
  size_t n = 9;
  pp_error_t err = NULL;
  assert_int_equal (pp_user_groups (r->fd, 0, 0, groups, 4, &n, &err), 0);
  assert_int_equal (n, 0);
}

/* The files are the container's: a symlink out of the root, a FIFO or a huge file is an error, never followed,
   waited on or read whole. */
static void
test_hostile_files (void **state)
{
  tmproot_t *r = *state;
  assert_int_equal (unlinkat (r->fd, "etc/passwd", 0), 0);
  assert_int_equal (symlinkat ("/etc/passwd", r->fd, "etc/passwd"), 0);
  uint32_t uid, gid, groups[4];
  char msg[256];
  assert_int_equal (resolve (r, "root", &uid, &gid, msg, sizeof msg), -1);
  assert_string_equal (msg, "the container's /etc/passwd is a symbolic link, which is not followed");
  assert_int_equal (unlinkat (r->fd, "etc/passwd", 0), 0);
  assert_int_equal (mkfifoat (r->fd, "etc/passwd", 0644), 0);
  assert_int_equal (resolve (r, "1000", &uid, &gid, msg, sizeof msg), -1);
  assert_string_equal (msg, "the container's /etc/passwd is not a regular file");
  /* Numbers alone need no file. */
  assert_int_equal (resolve (r, "1000:1000", &uid, &gid, msg, sizeof msg), 0);

  tmproot_put (r, "etc/passwd", passwd);
  assert_int_equal (unlinkat (r->fd, "etc/group", 0), 0);
  assert_int_equal (symlinkat ("/dev/zero", r->fd, "etc/group"), 0);
  assert_int_equal (resolve (r, "nobody:nogroup", &uid, &gid, msg, sizeof msg), -1);
  assert_string_equal (msg, "the container's /etc/group is a symbolic link, which is not followed");
  size_t n;
  pp_error_t err = NULL;
  assert_int_equal (pp_user_groups (r->fd, 0, 0, groups, 4, &n, &err), -1);
  assert_string_equal (err->msg, "the container's /etc/group is a symbolic link, which is not followed");
  pp_error_release (&err);
  assert_int_equal (unlinkat (r->fd, "etc/group", 0), 0);
  int f = openat (r->fd, "etc/group", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  assert_true (f >= 0);
  assert_int_equal (ftruncate (f, (off_t)PP_USER_FILE_MAX + 1), 0);
  close (f);
  assert_int_equal (resolve (r, "0:adm", &uid, &gid, msg, sizeof msg), -1);
  assert_string_equal (msg, "the container's /etc/group is larger than 4194304 bytes");
}

/* Merge: the groups /etc/group lists the user's name in, without its own gid and without repeats. */
static void
test_groups (void **state)
{
  tmproot_t *r = *state;
  uint32_t groups[8];
  size_t n;
  pp_error_t err = NULL;
  assert_int_equal (pp_user_groups (r->fd, 1000, 1001, groups, 8, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_int_equal (groups[0], 4);
  assert_int_equal (groups[1], 50);
  assert_int_equal (pp_user_groups (r->fd, 65534, 4, groups, 8, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_int_equal (groups[0], 100);
  assert_int_equal (pp_user_groups (r->fd, 1000, 1001, groups, 1, &n, &err), 0);
  assert_int_equal (n, 1);
  /* A uid /etc/passwd does not name is in no group. */
  assert_int_equal (pp_user_groups (r->fd, 4242, 0, groups, 8, &n, &err), 0);
  assert_int_equal (n, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_names_and_ids, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_unknown_and_invalid, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_missing_files, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_hostile_files, root_setup, tmproot_teardown),
    cmocka_unit_test_setup_teardown (test_groups, root_setup, tmproot_teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
