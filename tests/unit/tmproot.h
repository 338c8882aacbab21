/* For the tests of lookups inside a root: a fresh directory under /tmp, open, removed whole afterwards.
   Header-only: each test program includes it once. */
#ifndef PP_TMPROOT_H
#define PP_TMPROOT_H

#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  char dir[64];
  int fd;
} tmproot_t;

/* A new empty root with an etc/ directory. */
static tmproot_t *
tmproot_new (void)
{
  tmproot_t *r = xzalloc (sizeof *r);
  strcpy (r->dir, "/tmp/pp-root-XXXXXX");
  assert_non_null (mkdtemp (r->dir));
  r->fd = open (r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (r->fd >= 0);
  assert_int_equal (mkdirat (r->fd, "etc", 0755), 0);
  return r;
}

/* Writes `text` to `path` below the root, replacing whatever was there (a FIFO too, which it would block on). */
static void
tmproot_put (tmproot_t *r, const char *path, const char *text)
{
  unlinkat (r->fd, path, 0);
  int f = openat (r->fd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  assert_true (f >= 0);
  assert_int_equal (write (f, text, strlen (text)), (ssize_t)strlen (text));
  close (f);
}

static int
tmproot_teardown (void **state)
{
  tmproot_t *r = *state;
  close (r->fd);
  cleanup_close int parent = open ("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  pp_remove_tree (parent, r->dir + strlen ("/tmp/"));
  free (r);
  return 0;
}

#endif
