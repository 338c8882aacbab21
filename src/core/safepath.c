/* Paths inside untrusted roots, resolved by the kernel from a directory descriptor (openat2) when they are used. */
#include "core/safepath.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int
pp_open_at (int dirfd, const char *path, pp_resolve_t how, int flags, mode_t mode)
{
  struct open_how oh = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
    .resolve = how == PP_RESOLVE_IN_ROOT ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
                                         : RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  /* "" names the descriptor itself for openat2 only with AT_EMPTY_PATH, which it does not take: "." does. */
  if (path == NULL || *path == '\0')
    path = ".";
  for (int tries = 0;; tries++)
    {
      long fd = syscall (SYS_openat2, dirfd, path, &oh, sizeof oh);
      if (fd >= 0)
        return (int)fd;
      if (errno != EINTR && (errno != EAGAIN || tries >= 64))
        return -1;
    }
}

int
pp_open_regular_at (int dirfd, const char *path, pp_resolve_t how, const char *what, struct stat *st, pp_error_t *err)
{
  /* Looked at through an O_PATH descriptor first: opening a device for reading can act on it (a watchdog, a
     tape), and a FIFO would block; only a regular file is then opened for reading, through that descriptor, so
     what is read is what was looked at. */
  cleanup_close int pfd = pp_open_at (dirfd, path, how, O_PATH | O_NOFOLLOW, 0);
  if (pfd < 0 && errno == EXDEV)
    return pp_error_make (err, 0, "%s is out of the folder it must be in", what);
  if (pfd < 0 && errno == ELOOP && how == PP_RESOLVE_BENEATH)
    return pp_error_make (err, 0, "%s is reached through a symbolic link, which is not followed", what);
  if (pfd < 0)
    return pp_error_make (err, errno, "open %s", what);
  if (fstat (pfd, st) < 0)
    return pp_error_make (err, errno, "stat %s", what);
  if (S_ISLNK (st->st_mode))
    return pp_error_make (err, 0, "%s is a symbolic link, which is not followed", what);
  if (!S_ISREG (st->st_mode))
    return pp_error_make (err, 0, "%s is not a regular file", what);
  char proc[64];
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", pfd);
  int fd = open (proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "open %s", what);
  return fd;
}

int
pp_read_file_at (int dirfd, const char *path, pp_resolve_t how, size_t max, const char *what, char **data, size_t *len,
                 pp_error_t *err)
{
  *data = NULL;
  *len = 0;
  struct stat st;
  cleanup_close int fd = pp_open_regular_at (dirfd, path, how, what, &st, err);
  if (fd < 0)
    return -1;
  if ((uint64_t)st.st_size > max)
    return pp_error_make (err, 0, "%s is larger than %zu bytes", what, max);
  /* The size may change under us (a running container writes it): the buffer starts at the size seen and grows
     as more comes, up to max + 1 bytes, and what came is judged. */
  size_t cap = (size_t)st.st_size + 1, got = 0;
  cleanup_free char *buf = xmalloc (cap + 1);
  for (;;)
    {
      if (got == cap)
        {
          cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
          buf = xrealloc (buf, cap + 1);
        }
      ssize_t r = PP_RETRY (read (fd, buf + got, cap - got));
      if (r < 0)
        return pp_error_make (err, errno, "read %s", what);
      if (r == 0)
        break;
      got += (size_t)r;
      if (got > max)
        return pp_error_make (err, 0, "%s is larger than %zu bytes", what, max);
    }
  buf[got] = '\0';
  *len = got;
  *data = steal_pointer (&buf);
  return 0;
}

int
pp_mkdir_at (int dirfd, const char *path, mode_t mode)
{
  int fd = fcntl (dirfd, F_DUPFD_CLOEXEC, 0);
  const char *p = path;
  while (fd >= 0 && *p)
    {
      p += strspn (p, "/");
      size_t n = strcspn (p, "/");
      if (n == 0)
        break;
      if (n >= 256 || (n == 2 && p[0] == '.' && p[1] == '.'))
        {
          close (fd);
          errno = n >= 256 ? ENAMETOOLONG : EXDEV;
          return -1;
        }
      char comp[256];
      memcpy (comp, p, n);
      comp[n] = '\0';
      p += n;
      if (strcmp (comp, ".") == 0)
        continue;
      if (mkdirat (fd, comp, mode) < 0 && errno != EEXIST)
        {
          int e = errno;
          close (fd);
          errno = e;
          return -1;
        }
      int next = pp_open_at (fd, comp, PP_RESOLVE_BENEATH, O_PATH | O_DIRECTORY, 0);
      int e = errno;
      close (fd);
      errno = e;
      fd = next;
    }
  if (fd < 0)
    return -1;
  /* The descriptor is O_PATH for every caller alike (the first one was a dup of whatever dirfd was). */
  int ret = pp_open_at (fd, ".", PP_RESOLVE_BENEATH, O_PATH | O_DIRECTORY, 0);
  int e = errno;
  close (fd);
  errno = e;
  return ret;
}

/* The next component of *rest, copied to `comp` (NUL-terminated): 1, or 0 when none is left, or -1 (errno
   ENAMETOOLONG) when it does not fit. */
static int
next_component (const char **rest, char *comp, size_t size)
{
  const char *p = *rest + strspn (*rest, "/");
  size_t n = strcspn (p, "/");
  if (n == 0)
    return 0;
  if (n >= size)
    return errno = ENAMETOOLONG, -1;
  memcpy (comp, p, n);
  comp[n] = '\0';
  *rest = p + n;
  return 1;
}

/* One walk of `path` below `rootfd`, the way RESOLVE_IN_ROOT goes, creating each missing component where the
   walk has got to.  `done` is where it has got to (relative to the root, no symlink in it as walked); a symlink
   met puts its target before what is left to walk. */
static int
create_missing (int rootfd, const char *path, bool file)
{
  char todo[PATH_MAX], done[PATH_MAX] = "", comp[NAME_MAX + 1], link[PATH_MAX];
  if (strlen (path) >= sizeof todo)
    return errno = ENAMETOOLONG, -1;
  strcpy (todo, path);
  const char *rest = todo;
  int links = 0, more;
  while ((more = next_component (&rest, comp, sizeof comp)) > 0)
    {
      if (strcmp (comp, ".") == 0)
        continue;
      size_t dlen = strlen (done);
      if (strcmp (comp, "..") == 0)
        {
          /* Lexically: `done` has no symlink, and ".." at the root stays there, as in the kernel's walk. */
          char *slash = strrchr (done, '/');
          *(slash ? slash : done) = '\0';
          continue;
        }
      int parent = pp_open_at (rootfd, done, PP_RESOLVE_IN_ROOT, O_PATH | O_DIRECTORY, 0);
      if (parent < 0)
        return -1;
      bool last = rest[strspn (rest, "/")] == '\0';
      struct stat st;
      int r = fstatat (parent, comp, &st, AT_SYMLINK_NOFOLLOW);
      if (r == 0 && S_ISLNK (st.st_mode))
        {
          ssize_t n = readlinkat (parent, comp, link, sizeof link - 1);
          close (parent);
          /* EINVAL: no symlink any more, something swapped it meanwhile; the caller walks again. */
          if (n < 0)
            {
              if (errno == EINVAL)
                errno = EAGAIN;
              return -1;
            }
          link[n] = '\0';
          if (++links > 40)
            return errno = ELOOP, -1;
          if ((size_t)n + 1 + strlen (rest) >= sizeof todo)
            return errno = ENAMETOOLONG, -1;
          /* The target, then what was left after the link (moved first: `rest` points into `todo`). */
          memmove (todo + n + 1, rest, strlen (rest) + 1);
          memcpy (todo, link, (size_t)n);
          todo[n] = '/';
          rest = todo;
          if (link[0] == '/')
            done[0] = '\0';
          continue;
        }
      if (r < 0 && errno == ENOENT)
        {
          if (last && file)
            {
              int f = openat (parent, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
              r = f < 0 && errno != EEXIST ? -1 : 0;
              if (f >= 0)
                close (f);
            }
          else
            r = mkdirat (parent, comp, 0755) < 0 && errno != EEXIST ? -1 : 0;
        }
      int e = errno;
      close (parent);
      if (r < 0)
        return errno = e, -1;
      if (dlen + 1 + strlen (comp) >= sizeof done)
        return errno = ENAMETOOLONG, -1;
      snprintf (done + dlen, sizeof done - dlen, "%s%s", dlen ? "/" : "", comp);
    }
  return more;
}

int
pp_create_at (int rootfd, const char *path, bool file)
{
  /* What another process changes meanwhile (a container sharing the volume) may undo a walk: a few more tries,
     each ending with the kernel's own lookup in the root, which is what makes the result safe. */
  int e = ENOENT;
  for (int tries = 0; tries < 16; tries++)
    {
      int fd = pp_open_at (rootfd, path, PP_RESOLVE_IN_ROOT, O_PATH, 0);
      if (fd >= 0 || errno != ENOENT)
        return fd;
      if (create_missing (rootfd, path, file) < 0)
        {
          e = errno;
          if (e != ENOENT && e != EAGAIN)
            return -1;
        }
    }
  errno = e;
  return -1;
}
