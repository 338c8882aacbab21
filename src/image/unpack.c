/* Unpacks image layers into directories in overlay form, refusing any entry that would land outside its layer. */
#include "image/unpack.h"
#include "core/ondemand.h"
#include "image/digest.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

/* Every path is walked one component at a time with O_NOFOLLOW from the layer's directory fd, so neither `..`
   nor a symlink, planted by this layer or any other, can carry a write outside it (the bubblewrap way, which
   works where openat2 does not). */

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER ".wh..wh..opq"

/* Checks a tar entry name and returns it without a leading "./"; NULL (with *why) when it must be refused. */
static const char *
clean_name (const char *name, const char **why)
{
  while (name[0] == '.' && name[1] == '/')
    name += 2;
  if (name[0] == '/')
    {
      *why = "an absolute path";
      return NULL;
    }
  for (const char *p = name; *p;)
    {
      const char *e = strchr (p, '/');
      size_t n = e ? (size_t) (e - p) : strlen (p);
      if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          *why = "a path with `..`";
          return NULL;
        }
      if (e == NULL)
        break;
      p = e + 1;
    }
  return name;
}

/* Opens (creating, when asked) the directory `path` below `root`, never following a symlink. */
static int
open_dir_beneath (int root, const char *path, bool create, const char **why)
{
  cleanup_free char *copy = xstrdup (path);
  int fd = fcntl (root, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    {
      *why = "out of file descriptors";
      return -1;
    }
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      int next = openat (fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create)
        {
          if (mkdirat (fd, c, 0755) == 0 || errno == EEXIST)
            next = openat (fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      int saved = errno;
      close (fd);
      if (next < 0)
        {
          *why = saved == ELOOP || saved == ENOTDIR ? "a path through a symlink or a file" : "a missing directory";
          errno = saved;
          return -1;
        }
      fd = next;
    }
  return fd;
}

static void
split_path (const char *path, char **parent, const char **base)
{
  const char *slash = strrchr (path, '/');
  *parent = slash ? xstrndup (path, (size_t) (slash - path)) : xstrdup (".");
  *base = slash ? slash + 1 : path;
}

typedef struct
{
  struct archive *raw; /* the decompressed stream */
  pp_sha256_t *sha;    /* of the decompressed stream: the layer's diff_id */
  char buf[65536];
} stream_t;

static la_ssize_t
stream_read (struct archive *a, void *opaque, const void **out)
{
  (void) a;
  stream_t *s = opaque;
  la_ssize_t n = archive_read_data (s->raw, s->buf, sizeof s->buf);
  if (n > 0)
    pp_sha256_update (s->sha, s->buf, (size_t) n);
  *out = s->buf;
  return n;
}

static int
write_data (struct archive *a, int fd)
{
  const void *buf;
  size_t size;
  la_int64_t offset;
  int r;
  off_t end = 0;
  while ((r = archive_read_data_block (a, &buf, &size, &offset)) == ARCHIVE_OK)
    {
      const char *p = buf;
      while (size > 0)
        {
          ssize_t w = PP_RETRY (pwrite (fd, p, size, (off_t) offset));
          if (w < 0)
            return -1;
          p += w;
          size -= (size_t) w;
          offset += w;
        }
      end = (off_t) offset;
    }
  if (r != ARCHIVE_EOF)
    {
      errno = EIO;
      return -1;
    }
  /* A sparse file's last hole. */
  return ftruncate (fd, end > 0 ? end : 0) == 0 || errno == EINVAL ? 0 : -1;
}

/* The entry's xattrs but overlayfs's own: it reads trusted.overlay.* of a lower layer (user.overlay.* when mounted
   in a user namespace, with userxattr), and redirect, metacopy or origin there would steer its lookups; a layer
   says opaque with its .wh..wh..opq marker only. */
static void
set_xattrs (struct archive_entry *e, int fd)
{
  const char *name;
  const void *value;
  size_t size;
  archive_entry_xattr_reset (e);
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    if (strncmp (name, "trusted.", 8) != 0 && strncmp (name, "user.overlay.", 13) != 0)
      fsetxattr (fd, name, value, size, 0);
}

typedef struct
{
  struct archive *a;
  int root;
  const char *what;
  pp_error_t *err;
  const char *opaque_xattr; /* where a directory is marked opaque */
} unpack_t;

static int
refuse (unpack_t *u, const char *name, const char *why)
{
  return pp_error_make (u->err, 0, "%s: entry `%s`: refusing %s", u->what, name, why);
}

static int
fail_entry (unpack_t *u, const char *name, const char *what)
{
  return pp_error_make (u->err, errno, "%s: entry `%s`: %s", u->what, name, what);
}

static int
make_node (unpack_t *u, struct archive_entry *e, int parent, const char *base, const char *name)
{
  mode_t type = archive_entry_filetype (e);
  const char *hardlink = archive_entry_hardlink (e);
  const char *why = NULL;
  if (hardlink)
    {
      const char *target = clean_name (hardlink, &why);
      if (target == NULL)
        return refuse (u, name, why);
      cleanup_free char *tparent = NULL;
      const char *tbase;
      split_path (target, &tparent, &tbase);
      cleanup_close int tfd = open_dir_beneath (u->root, tparent, false, &why);
      if (tfd < 0)
        return refuse (u, name, why);
      if (linkat (tfd, tbase, parent, base, 0) < 0)
        return fail_entry (u, name, "hard link");
      return 0;
    }
  switch (type)
    {
    case AE_IFDIR:
      if (mkdirat (parent, base, 0700) < 0 && errno != EEXIST)
        return fail_entry (u, name, "mkdir");
      return 0;
    case AE_IFREG:
      {
        cleanup_close int fd = openat (parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 || write_data (u->a, fd) < 0)
          return fail_entry (u, name, "write");
        set_xattrs (e, fd);
        return 0;
      }
    case AE_IFLNK:
      if (symlinkat (archive_entry_symlink (e), parent, base) < 0)
        return fail_entry (u, name, "symlink");
      return 0;
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
      if (mknodat (parent, base, type | 0600, archive_entry_rdev (e)) == 0)
        return 0;
      /* No user namespace may make a device: an ordinary user's copy of the image goes without it, as Podman's
         does (a container's /dev is podplay's, never its image's). */
      if (errno == EPERM && type != AE_IFIFO && pp_in_user_namespace ())
        return 1;
      return fail_entry (u, name, "mknod");
    default:
      return pp_error_make (u->err, 0, "%s: entry `%s`: unsupported file type %o", u->what, name, (unsigned) type);
    }
}

static int
apply_metadata (unpack_t *u, struct archive_entry *e, int parent, const char *base, const char *name)
{
  mode_t type = archive_entry_filetype (e);
  if (fchownat (parent, base, (uid_t) archive_entry_uid (e), (gid_t) archive_entry_gid (e), AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == EINVAL && pp_in_user_namespace ())
        return pp_error_make (u->err, 0,
                              "%s: entry `%s`: its owner %lld:%lld is not mapped in the user's namespace: give the "
                              "user subordinate ids in /etc/subuid and /etc/subgid (see `podplay info`)",
                              u->what, name, (long long) archive_entry_uid (e), (long long) archive_entry_gid (e));
      return fail_entry (u, name, "chown");
    }
  if (type == AE_IFLNK)
    return 0;
  /* chown clears set-id bits, so the mode comes after it. */
  if (fchmodat (parent, base, archive_entry_perm (e) & 07777, 0) < 0)
    return fail_entry (u, name, "chmod");
  if (type == AE_IFDIR)
    {
      cleanup_close int dfd = openat (parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dfd >= 0)
        set_xattrs (e, dfd);
      return 0;
    }
  struct timespec ts[2] = { { archive_entry_atime (e), 0 }, { archive_entry_mtime (e), 0 } };
  utimensat (parent, base, ts, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int
unpack_entry (unpack_t *u, struct archive_entry *e)
{
  const char *why = NULL;
  const char *raw = archive_entry_pathname (e);
  const char *name = clean_name (raw ? raw : "", &why);
  if (name == NULL)
    return refuse (u, raw, why);
  if (*name == '\0' || strcmp (name, ".") == 0)
    return 0;
  cleanup_free char *trimmed = xstrdup (name);
  size_t len = strlen (trimmed);
  while (len > 1 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  cleanup_free char *pdir = NULL;
  const char *base;
  split_path (trimmed, &pdir, &base);
  cleanup_close int parent = open_dir_beneath (u->root, pdir, true, &why);
  if (parent < 0)
    return refuse (u, raw, why);

  if (strcmp (base, OPAQUE_MARKER) == 0)
    {
      if (fsetxattr (parent, u->opaque_xattr, "y", 1, 0) < 0)
        return fail_entry (u, raw, "mark the directory opaque");
      return 0;
    }
  if (strncmp (base, WHITEOUT_PREFIX, strlen (WHITEOUT_PREFIX)) == 0)
    {
      const char *hidden = base + strlen (WHITEOUT_PREFIX);
      if (*hidden == '\0' || strcmp (hidden, ".") == 0 || strcmp (hidden, "..") == 0)
        return refuse (u, raw, "a malformed whiteout");
      if (pp_remove_tree (parent, hidden) < 0 || mknodat (parent, hidden, S_IFCHR | 0000, makedev (0, 0)) < 0)
        return fail_entry (u, raw, "whiteout");
      return 0;
    }

  /* A later entry replaces an earlier one, except that a directory stays a directory. */
  struct stat st;
  if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0
      && !(S_ISDIR (st.st_mode) && archive_entry_filetype (e) == AE_IFDIR && !archive_entry_hardlink (e)))
    if (pp_remove_tree (parent, base) < 0)
      return fail_entry (u, raw, "replace");
  int made = make_node (u, e, parent, base, raw);
  if (made < 0)
    return -1;
  if (made > 0 || archive_entry_hardlink (e))
    return 0;
  return apply_metadata (u, e, parent, base, raw);
}

int
pp_layer_unpack (int blob_fd, int dest_fd, const char *what, char diff_id[72], pp_error_t *err)
{
  if (pp_ondemand_need (PP_LIB_ARCHIVE, err) < 0 || pp_ondemand_need (PP_LIB_CRYPTO, err) < 0)
    return -1;
  stream_t *s = xzalloc (sizeof *s);
  s->raw = archive_read_new ();
  /* The compressions images and image archives use, all decompressed in-process: never filter_all, which would run
     an external program (lrzip, lzop, grzip) on bytes an image chose. */
  archive_read_support_filter_gzip (s->raw);
  archive_read_support_filter_zstd (s->raw);
  archive_read_support_filter_xz (s->raw);
  archive_read_support_filter_bzip2 (s->raw);
  archive_read_support_format_raw (s->raw);
  struct archive *a = archive_read_new ();
  archive_read_support_format_tar (a);
  s->sha = pp_sha256_new ();
  int ret = 0;
  struct archive_entry *e;
  if (archive_read_open_fd (s->raw, blob_fd, 65536) != ARCHIVE_OK || archive_read_next_header (s->raw, &e) != ARCHIVE_OK)
    ret = pp_error_make (err, 0, "%s: not a layer: %s", what, archive_error_string (s->raw));
  else if (archive_read_open2 (a, s, NULL, stream_read, NULL, NULL) != ARCHIVE_OK)
    ret = pp_error_make (err, 0, "%s: not a tar archive: %s", what, archive_error_string (a));
  else
    {
      /* Only the host's root may set trusted.*; in a user namespace overlay reads user.overlay.* instead. */
      unpack_t u = { .a = a,
                     .root = dest_fd,
                     .what = what,
                     .err = err,
                     .opaque_xattr = pp_in_user_namespace () ? "user.overlay.opaque" : "trusted.overlay.opaque" };
      int r;
      while (ret == 0 && (r = archive_read_next_header (a, &e)) != ARCHIVE_EOF)
        {
          if (r < ARCHIVE_WARN)
            ret = pp_error_make (err, 0, "%s: %s", what, archive_error_string (a));
          else
            ret = unpack_entry (&u, e);
        }
      /* The diff_id covers the whole stream, padding after the tar's end included. */
      const void *p;
      while (ret == 0 && stream_read (NULL, s, &p) > 0)
        ;
      if (ret == 0 && archive_errno (s->raw) != 0 && archive_error_string (s->raw))
        ret = pp_error_make (err, 0, "%s: %s", what, archive_error_string (s->raw));
    }
  pp_sha256_finish (s->sha, diff_id);
  archive_read_free (a);
  archive_read_free (s->raw);
  free (s);
  return ret;
}
