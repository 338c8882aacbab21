/* Pods in a user namespace of their own: maps, idmapped mounts, ownership of their volumes, processes inside. */
#include "runtime/userns.h"
#include "runtime/mounts.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
pp_userns_write_maps (pid_t pid, uint32_t base, pp_error_t *err)
{
  static const char *const maps[] = { "uid_map", "gid_map" };
  char line[64];
  int len = snprintf (line, sizeof line, "0 %u %u\n", base, PP_USERNS_SIZE);
  for (size_t i = 0; i < PP_N_ELEMENTS (maps); i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, maps[i]);
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || PP_RETRY (write (fd, line, (size_t) len)) != len)
        return pp_error_make (err, errno, "write `%s`", path);
    }
  return 0;
}

/* Shifts one entry (`name` in `dirfd`, or `dirfd` itself when `name` is ""), keeping its set-id bits, which a
   chown clears on files. */
static int
shift_one (int dirfd, const char *name, const struct stat *st, uint32_t base)
{
  uid_t uid = st->st_uid < PP_USERNS_SIZE ? (uid_t) (base + st->st_uid) : st->st_uid;
  gid_t gid = st->st_gid < PP_USERNS_SIZE ? (gid_t) (base + st->st_gid) : st->st_gid;
  if (uid == st->st_uid && gid == st->st_gid)
    return 0;
  /* A read-only mount (an image volume) keeps its owners: what is in it is readable by all. */
  if (fchownat (dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
    return errno == EROFS ? 0 : -1;
  if (!S_ISLNK (st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)))
    return *name ? fchmodat (dirfd, name, st->st_mode & 07777, 0) : fchmod (dirfd, st->st_mode & 07777);
  return 0;
}

typedef struct
{
  uint32_t base;
  int depth;
} shift_t;

static int
shift_entry (int dirfd, const char *name, void *data)
{
  shift_t *sh = data;
  struct stat st;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || shift_one (dirfd, name, &st, sh->base) < 0)
    return -1;
  if (!S_ISDIR (st.st_mode) || sh->depth > 64)
    return 0;
  int sub = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  shift_t deeper = { sh->base, sh->depth + 1 };
  return sub < 0 ? -1 : pp_dir_each (sub, shift_entry, &deeper);
}

int
pp_userns_shift_tree (const char *path, uint32_t base, pp_error_t *err)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0 || fstat (fd, &st) < 0 || shift_one (fd, "", &st, base) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      return pp_error_make (err, e, "give `%s` to the pod's user namespace", path);
    }
  shift_t sh = { base, 0 };
  if (pp_dir_each (fd, shift_entry, &sh) < 0)
    return pp_error_make (err, errno, "give what is under `%s` to the pod's user namespace", path);
  return 0;
}

pid_t
pp_userns_fork (int userns_fd, int pidns_fd, int flags)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return -1;
  pid_t helper = fork ();
  if (helper < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return -1;
    }
  if (helper == 0)
    {
      close (pipefd[0]);
      /* The PID namespace is joined here, not by the caller: the pid the clone returns is then one the caller's
         namespace knows too. */
      pid_t child = -1;
      if (setns (userns_fd, CLONE_NEWUSER) == 0 && (pidns_fd < 0 || setns (pidns_fd, CLONE_NEWPID) == 0))
        {
          /* clone3 takes no exit signal with CLONE_PARENT: the child inherits ours, SIGCHLD. */
          struct clone_args args = { .flags = (uint64_t) (CLONE_PARENT | flags) };
          child = (pid_t) syscall (SYS_clone3, &args, sizeof args);
          if (child == 0)
            {
              close (pipefd[1]);
              return 0;
            }
        }
      int32_t msg[2] = { child, child < 0 ? errno : 0 };
      PP_RETRY (write (pipefd[1], msg, sizeof msg));
      _exit (0);
    }
  close (pipefd[1]);
  int32_t msg[2] = { -1, EIO };
  ssize_t n = PP_RETRY (read (pipefd[0], msg, sizeof msg));
  close (pipefd[0]);
  pp_wait_status (helper);
  if (n != (ssize_t) sizeof msg || msg[0] <= 0)
    {
      errno = n == (ssize_t) sizeof msg ? msg[1] : EIO;
      return -1;
    }
  return (pid_t) msg[0];
}

int
pp_userns_idmapped_bind (const char *source, const char *target, int userns_fd, pp_error_t *err)
{
  if (mkdir (target, 0700) < 0 && errno != EEXIST)
    return pp_error_make (err, errno, "create `%s`", target);
  cleanup_close int src = open (source, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int dst = open (target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0 || dst < 0)
    return pp_error_make (err, errno, "open `%s` or `%s`", source, target);
  int mnt = pp_mount_bind (src, dst, MS_REC, userns_fd);
  if (mnt < 0)
    return pp_error_make (err, errno, "mount `%s`, idmapped (mount_setattr MOUNT_ATTR_IDMAP), on `%s`", source, target);
  close (mnt);
  return 0;
}
