/* subPath mounts resolved at each start and bound from a descriptor: see subpath.h. */
#include "runtime/subpath.h"
#include "core/safepath.h"
#include "runtime/mounts.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

char *
pp_subpath_dir (pp_context_t *ctx, const char *pod_id)
{
  return xasprintf ("%s/pods/%s/subpaths", ctx->runroot, pod_id);
}

int
pp_subpath_open (const char *volume, const char *sub, pp_error_t *err)
{
  /* The volume's own directory is podplay's (or a hostPath the manifest names): only what is inside it is the
     containers'. */
  cleanup_close int root = open (volume, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return pp_error_make (err, errno, "its volume `%s` cannot be opened", volume);
  int fd = pp_open_at (root, sub, PP_RESOLVE_BENEATH, O_PATH, 0);
  if (fd < 0 && errno == ENOENT)
    fd = pp_mkdir_at (root, sub, 0755);
  if (fd < 0 && (errno == ELOOP || errno == EXDEV))
    return pp_error_make (err, 0, "`%s` goes through a symlink or out of its volume", sub);
  if (fd < 0)
    return pp_error_make (err, errno, "`%s` cannot be opened in its volume", sub);
  return fd;
}

/* Detaches whatever is bound at `path` (binds stack: each goes); true when nothing is left there. */
static bool
unbind (const char *path)
{
  for (int i = 0; i < 64; i++)
    if (pp_mount_detach (path) < 0)
      return errno == EINVAL || errno == ENOENT;
  return false;
}

/* A fresh staging point at `path` (unbound already), of the kind of `src` (a directory, else a file), with `src`
   bound on it. */
static int
stage_one (int src, const char *path, pp_error_t *err)
{
  cleanup_free char *parent = xstrdup (path);
  char *base = strrchr (parent, '/');
  *base++ = '\0';
  if (pp_mkdir_p (parent, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", parent);
  cleanup_close int dir = open (parent, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (dir < 0 || fstat (src, &st) < 0)
    return pp_error_make (err, errno, "open `%s`", parent);
  /* What a former start made there may be of the other kind (the subPath was a file, is a directory now). */
  if (unlinkat (dir, base, AT_REMOVEDIR) < 0 && errno == ENOTDIR)
    unlinkat (dir, base, 0);
  int made = S_ISDIR (st.st_mode) ? mkdirat (dir, base, 0700)
                                  : openat (dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (made < 0)
    return pp_error_make (err, errno, "create `%s`", path);
  if (!S_ISDIR (st.st_mode))
    close (made);
  cleanup_close int target = openat (dir, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  int mnt = target < 0 ? -1 : pp_mount_bind (src, target, MS_REC, -1);
  if (mnt < 0)
    return pp_error_make (err, errno, "bind the subPath on `%s`", path);
  close (mnt);
  return 0;
}

int
pp_subpath_stage (json_t *entries, pp_error_t *err)
{
  size_t i;
  json_t *e;
  json_array_foreach (entries, i, e)
  {
    const char *volume = json_string_value (json_object_get (e, "volume"));
    const char *sub = json_string_value (json_object_get (e, "subPath"));
    const char *staging = json_string_value (json_object_get (e, "staging"));
    const char *field = json_string_value (json_object_get (e, "field")) ?: "subPath";
    if (volume == NULL || sub == NULL || staging == NULL || strchr (staging, '/') == NULL)
      return pp_error_make (err, 0, "%s: pod.json has no volume, subPath or staging point for it", field);
    /* What a former start bound goes first, whether this one binds again or is refused. */
    if (!unbind (staging))
      return pp_error_make (err, errno, "%s: unbind `%s`", field, staging);
    cleanup_close int src = pp_subpath_open (volume, sub, err);
    if (src < 0 || stage_one (src, staging, err) < 0)
      return pp_error_wrap (err, "%s", field);
  }
  return 0;
}

/* Unbinds and removes the entries of the directory `path`; false (err set) when one stays mounted. */
static bool
release_dir (const char *path, bool nested, pp_error_t *err)
{
  cleanup_dir DIR *d = opendir (path);
  if (d == NULL && errno == ENOENT)
    return true;
  if (d == NULL)
    {
      pp_error_make (err, errno, "open `%s`", path);
      return false;
    }
  bool all = true;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      cleanup_free char *p = xasprintf ("%s/%s", path, de->d_name);
      bool ok = nested ? release_dir (p, false, err) : unbind (p);
      if (!ok && !nested && err && *err == NULL)
        pp_error_make (err, errno, "unbind the subPath staging point `%s`", p);
      /* Removed only once nothing is mounted there: a removal would reach into the volume. */
      if (ok && unlinkat (dirfd (d), de->d_name, nested ? AT_REMOVEDIR : 0) < 0 && errno == EISDIR)
        unlinkat (dirfd (d), de->d_name, AT_REMOVEDIR);
      all = all && ok;
    }
  return all;
}

int
pp_subpath_release (const char *dir, pp_error_t *err)
{
  if (!release_dir (dir, true, err))
    return -1;
  if (rmdir (dir) < 0 && errno != ENOENT)
    return pp_error_make (err, errno, "remove `%s`", dir);
  return 0;
}
