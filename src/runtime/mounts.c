/* The closed set of mount operations, on descriptors: see mounts.h. */
#include "runtime/mounts.h"
#include "core/util.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* mount(2)'s per-mount flags as mount_setattr and fsmount take them; *atime says whether an atime mode was asked
   for (relatime is 0 there, and setting one needs the whole atime field cleared first). */
static uint64_t
attr_of (unsigned long flags, bool *atime)
{
  static const struct
  {
    unsigned long ms;
    uint64_t attr;
  } map[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },     { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },       { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NOATIME, MOUNT_ATTR_NOATIME },   { MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
    { MS_RELATIME, MOUNT_ATTR_RELATIME },
  };
  uint64_t attr = 0;
  for (size_t i = 0; i < PP_N_ELEMENTS (map); i++)
    if (flags & map[i].ms)
      attr |= map[i].attr;
  *atime = (flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) != 0;
  return attr;
}

static int
setattr (int mnt, unsigned long flags, bool recursive)
{
  bool atime;
  struct mount_attr attr = { .attr_set = attr_of (flags, &atime) };
  if (atime)
    attr.attr_clr = MOUNT_ATTR__ATIME;
  if (attr.attr_set == 0 && attr.attr_clr == 0)
    return 0;
  return (int)syscall (SYS_mount_setattr, mnt, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr);
}

/* Attaches the detached mount `mnt` onto `target`, or closes it and fails. */
static int
attach (int mnt, int target)
{
  if (target >= 0
      && syscall (SYS_move_mount, mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    {
      int e = errno;
      close (mnt);
      errno = e;
      return -1;
    }
  return mnt;
}

int
pp_mount_bind (int src, int target, unsigned long flags, int userns_fd)
{
  bool rec = (flags & MS_REC) != 0;
  int mnt = (int)syscall (SYS_open_tree, src, "",
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0));
  if (mnt < 0)
    return -1;
  struct mount_attr idmap = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
  /* The flags go on the top mount alone, as a bind's remount does; the idmapping on all it holds. */
  if ((userns_fd >= 0
       && syscall (SYS_mount_setattr, mnt, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &idmap, sizeof idmap) < 0)
      || setattr (mnt, flags, false) < 0)
    {
      int e = errno;
      close (mnt);
      errno = e;
      return -1;
    }
  return attach (mnt, target);
}

/* Passes the comma-separated options of `data` to the filesystem context `fs`: "key=value" as strings, "key" as
   flags. */
static int
configure (int fs, const char *data)
{
  char buf[1024];
  if (data == NULL)
    return 0;
  if (strlen (data) >= sizeof buf)
    return errno = E2BIG, -1;
  strcpy (buf, data);
  for (char *save = NULL, *o = strtok_r (buf, ",", &save); o; o = strtok_r (NULL, ",", &save))
    {
      char *eq = strchr (o, '=');
      if (eq)
        *eq = '\0';
      if (syscall (SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, eq ? eq + 1 : NULL, 0) < 0)
        return -1;
    }
  return 0;
}

/* Creates the filesystem configured in `fs` and attaches it onto `target`; closes `fs`. */
static int
create (int fs, unsigned long flags, int target)
{
  bool atime;
  int mnt = -1;
  if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
    mnt = (int)syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, (unsigned int)attr_of (flags, &atime));
  int e = errno;
  close (fs);
  errno = e;
  return mnt < 0 ? -1 : attach (mnt, target);
}

int
pp_mount_fs (const char *type, const char *source, const char *data, unsigned long flags, int target)
{
  int fs = (int)syscall (SYS_fsopen, type, FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  if ((source && syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) < 0) || configure (fs, data) < 0)
    {
      int e = errno;
      close (fs);
      errno = e;
      return -1;
    }
  return create (fs, flags, target);
}

/* The overlay's layers by descriptor: -1 at the first one when the kernel takes none so (before 6.13): EINVAL,
   or EOPNOTSUPP where the overlay still parses its options the legacy way (before 6.5, Debian 12's 6.1). */
static int
overlay_by_fd (int fs, const int *lowers, size_t n, int upper, int work)
{
  for (size_t i = 0; i < n; i++)
    if (syscall (SYS_fsconfig, fs, FSCONFIG_SET_FD, "lowerdir+", NULL, lowers[i]) < 0)
      return -1;
  if (upper >= 0
      && (syscall (SYS_fsconfig, fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) < 0
          || syscall (SYS_fsconfig, fs, FSCONFIG_SET_FD, "workdir", NULL, work) < 0))
    return -1;
  return 0;
}

/* The same by /proc/self/fd paths, which the overlay resolves when it is made: short, so that a hundred layers fit
   the page the options must fit in, and no working directory changed for relative names. */
static int
overlay_by_path (int fs, const int *lowers, size_t n, int upper, int work)
{
  char buf[4096], dir[32];
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      int w = snprintf (buf + len, sizeof buf - len, "%s/proc/self/fd/%d", i ? ":" : "", lowers[i]);
      if (w < 0 || (size_t)w >= sizeof buf - len)
        return errno = E2BIG, -1;
      len += (size_t)w;
    }
  if (syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", buf, 0) < 0)
    return -1;
  if (upper < 0)
    return 0;
  snprintf (dir, sizeof dir, "/proc/self/fd/%d", upper);
  if (syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", dir, 0) < 0)
    return -1;
  snprintf (dir, sizeof dir, "/proc/self/fd/%d", work);
  return (int)syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", dir, 0);
}

/* A new overlay's context, named "overlay" in the mount table as mount(8) names it; -1 on failure.  In a user
   namespace (an ordinary user's) it reads user.overlay.* (userxattr), where the layers were unpacked with their
   opaque directories marked so: only the host's root may set trusted.*. */
static int
overlay_context (void)
{
  int fs = (int)syscall (SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs >= 0
      && (syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0
          || (pp_in_user_namespace () && syscall (SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)))
    {
      int e = errno;
      close (fs);
      errno = e;
      return -1;
    }
  return fs;
}

int
pp_mount_overlay (const int *lowers, size_t n, int upper, int work, unsigned long flags, int target)
{
  int fs = overlay_context ();
  if (fs < 0)
    return -1;
  int r = overlay_by_fd (fs, lowers, n, upper, work);
  if (r < 0 && (errno == EINVAL || errno == EOPNOTSUPP))
    {
      /* A context that refused an option is spent: the paths go to a new one. */
      close (fs);
      fs = overlay_context ();
      r = fs < 0 ? -1 : overlay_by_path (fs, lowers, n, upper, work);
    }
  if (r < 0)
    {
      int e = errno;
      if (fs >= 0)
        close (fs);
      errno = e;
      return -1;
    }
  return create (fs, flags, target);
}

int
pp_mount_move (int mnt, int target)
{
  return (int)syscall (SYS_move_mount, mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int
pp_mount_set (int mnt, unsigned long flags, bool recursive)
{
  return setattr (mnt, flags, recursive);
}

int
pp_mount_propagation (int mnt, unsigned long propagation)
{
  struct mount_attr attr = { .propagation = propagation & (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE) };
  return (int)syscall (SYS_mount_setattr, mnt, "", AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0), &attr,
                       sizeof attr);
}

int
pp_mount_share_path (const char *path)
{
  int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int mnt = pp_mount_bind (fd, fd, MS_REC, -1);
  int r = mnt < 0 ? -1 : pp_mount_propagation (mnt, MS_SHARED);
  int e = errno;
  close (fd);
  if (mnt >= 0)
    close (mnt);
  errno = e;
  return r;
}

int
pp_mount_ns_file (pid_t pid, const char *ns, const char *path)
{
  char src[64];
  snprintf (src, sizeof src, "/proc/%d/ns/%s", (int)pid, ns);
  int nsfd = open (src, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    return -1;
  /* A bind left by a run that ended uncleanly (binds stack: each goes). */
  for (int i = 0; i < 16 && pp_mount_detach (path) == 0; i++)
    ;
  int f = open (path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  int target = f < 0 ? -1 : open (path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  int mnt = target < 0 ? -1 : pp_mount_bind (nsfd, target, 0, -1);
  int e = errno;
  close (nsfd);
  if (f >= 0)
    close (f);
  if (target >= 0)
    close (target);
  if (mnt >= 0)
    close (mnt);
  errno = e;
  return mnt < 0 ? -1 : 0;
}

int
pp_mount_detach (const char *path)
{
  return umount2 (path, MNT_DETACH | UMOUNT_NOFOLLOW);
}

int
pp_mount_pivot_root (int root, bool old_slave)
{
  int old = old_slave ? open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  if (old_slave && old < 0)
    return -1;
  /* pivot_root(".", "."): the old root ends up stacked on the new one, where "." finds it to detach it. */
  int r = fchdir (root) < 0 || syscall (SYS_pivot_root, ".", ".") < 0 ? -1 : 0;
  /* Made a slave by its descriptor, so that its unmount cannot reach the host's mounts it has peers in. */
  if (r == 0 && old >= 0)
    r = pp_mount_propagation (old, MS_SLAVE | MS_REC);
  if (r == 0)
    r = umount2 (".", MNT_DETACH);
  if (r == 0)
    r = chdir ("/");
  int e = errno;
  if (old >= 0)
    close (old);
  errno = e;
  return r;
}
