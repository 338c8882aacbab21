/* An ordinary user's podplay: subordinate ids, and the user namespace that gives it root over its own files. */
#include "runtime/rootless.h"
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

size_t
pp_subid_parse (const char *text, const char *user, unsigned long id, pp_idrange_t *out, size_t max)
{
  size_t n = 0;
  char idtext[24];
  snprintf (idtext, sizeof idtext, "%lu", id);
  for (const char *line = text; line && *line && n < max;)
    {
      const char *end = strchr (line, '\n');
      size_t len = end ? (size_t)(end - line) : strlen (line);
      char buf[256];
      if (len < sizeof buf)
        {
          memcpy (buf, line, len);
          buf[len] = '\0';
          char *first = strchr (buf, ':');
          char *second = first ? strchr (first + 1, ':') : NULL;
          if (second && buf[0] != '#')
            {
              *first = '\0';
              char *e1, *e2;
              errno = 0;
              unsigned long long start = strtoull (first + 1, &e1, 10);
              unsigned long long count = strtoull (second + 1, &e2, 10);
              bool ours = strcmp (buf, user) == 0 || strcmp (buf, idtext) == 0;
              if (ours && errno == 0 && e1 == second && *e2 == '\0' && first + 1 != second && count > 0
                  && start + count <= UINT32_MAX)
                out[n++] = (pp_idrange_t){ .start = (uint32_t)start, .count = (uint32_t)count };
            }
        }
      line = end ? end + 1 : NULL;
    }
  return n;
}

static size_t
read_ranges (const char *path, const pp_rootless_ids_t *ids, unsigned long id, pp_idrange_t *out)
{
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL)
    return 0;
  char text[16384];
  size_t len = fread (text, 1, sizeof text - 1, f);
  text[len] = '\0';
  return pp_subid_parse (text, ids->user, id, out, PP_SUBID_MAX);
}

void
pp_rootless_ids (pp_rootless_ids_t *ids)
{
  memset (ids, 0, sizeof *ids);
  ids->uid = getuid ();
  ids->gid = getgid ();
  struct passwd *pw = getpwuid (ids->uid);
  snprintf (ids->user, sizeof ids->user, "%s", pw ? pw->pw_name : "");
  if (pw == NULL)
    snprintf (ids->user, sizeof ids->user, "%u", (unsigned)ids->uid);
  ids->n_uids = read_ranges ("/etc/subuid", ids, ids->uid, ids->uids);
  ids->n_gids = read_ranges ("/etc/subgid", ids, ids->uid, ids->gids);
}

/* The ids after 0 that the map file `path` maps without a gap. */
static uint64_t
contiguous_above_root (const char *path)
{
  pp_idmap_line_t lines[PP_SUBID_MAX + 8];
  size_t n = 0;
  cleanup_file FILE *f = fopen (path, "re");
  unsigned long long in, out, count;
  while (f && n < PP_N_ELEMENTS (lines) && fscanf (f, "%llu %llu %llu", &in, &out, &count) == 3)
    lines[n++] = (pp_idmap_line_t){ in, out, count };
  uint64_t next = 1;
  for (bool grew = true; grew;)
    {
      grew = false;
      for (size_t i = 0; i < n; i++)
        if (lines[i].inner <= next && next < lines[i].inner + lines[i].count)
          {
            next = lines[i].inner + lines[i].count;
            grew = true;
          }
    }
  return next - 1;
}

uint64_t
pp_rootless_ids_above_root (void)
{
  uint64_t u = contiguous_above_root ("/proc/self/uid_map"), g = contiguous_above_root ("/proc/self/gid_map");
  return u < g ? u : g;
}

size_t
pp_rootless_map (uint32_t self, const pp_idrange_t *r, size_t n, pp_idmap_line_t *out)
{
  uint64_t inner = 0;
  for (size_t i = 0; i <= n; i++)
    {
      out[i] = (pp_idmap_line_t){ .inner = inner,
                                  .outer = i == 0 ? self : r[i - 1].start,
                                  .count = i == 0 ? 1 : r[i - 1].count };
      inner += out[i].count;
    }
  return n + 1;
}

/* Starts `tool PID 0 SELF 1 1 START COUNT ...`: its pid, or -1. */
static pid_t
start_map_tool (char *tool, pid_t pid, unsigned self, const pp_idrange_t *r, size_t n)
{
  char args[1 + 3 * (PP_SUBID_MAX + 1)][24];
  char *argv[PP_N_ELEMENTS (args) + 2];
  size_t a = 0, k = 0;
  argv[a++] = tool;
  snprintf (args[k], sizeof args[k], "%d", (int)pid);
  argv[a++] = args[k++];
  pp_idmap_line_t map[PP_SUBID_MAX + 1];
  size_t lines = pp_rootless_map (self, r, n, map);
  for (size_t i = 0; i < lines; i++)
    {
      const uint64_t v[3] = { map[i].inner, map[i].outer, map[i].count };
      for (size_t j = 0; j < 3; j++)
        {
          snprintf (args[k], sizeof args[k], "%llu", (unsigned long long)v[j]);
          argv[a++] = args[k++];
        }
    }
  argv[a] = NULL;
  pid_t child = fork ();
  if (child == 0)
    {
      execv (tool, argv);
      _exit (127);
    }
  return child;
}

/* What the helper does, forked before the caller leaves its namespace: waits until it has, maps its ids, and exits
   with 0, or with 1 (newuidmap failed) or 2 (newgidmap failed). */
static int
map_helper (int sync, pid_t target, const pp_rootless_ids_t *ids, char *uidtool, char *gidtool)
{
  char c;
  if (PP_RETRY (read (sync, &c, 1)) != 1)
    return 3;
  /* Both at once: each writes a file of its own, and each exec of a set-uid program costs milliseconds. */
  pid_t u = start_map_tool (uidtool, target, (unsigned)ids->uid, ids->uids, ids->n_uids);
  pid_t g = start_map_tool (gidtool, target, (unsigned)ids->gid, ids->gids, ids->n_gids);
  int us = u < 0 ? 127 : pp_wait_status (u);
  int gs = g < 0 ? 127 : pp_wait_status (g);
  return us != 0 ? 1 : gs != 0 ? 2 : 0;
}

static int
write_proc_self (const char *name, const char *text, pp_error_t *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/%s", name);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (text);
  if (fd < 0 || PP_RETRY (write (fd, text, len)) != (ssize_t)len)
    return pp_error_make (err, errno, "write `%s`", path);
  return 0;
}

/* The user's own ids alone, written by the process itself: no group may be dropped then (setgroups deny). */
static int
map_self (const pp_rootless_ids_t *ids, pp_error_t *err)
{
  char line[48];
  snprintf (line, sizeof line, "0 %u 1\n", (unsigned)ids->uid);
  if (write_proc_self ("uid_map", line, err) < 0 || write_proc_self ("setgroups", "deny", err) < 0)
    return -1;
  snprintf (line, sizeof line, "0 %u 1\n", (unsigned)ids->gid);
  return write_proc_self ("gid_map", line, err);
}

/* unshare(2), then the maps by the helper (whose status it returns) or by the process itself. */
static int
unshare_and_map (const pp_rootless_ids_t *ids, char *uidtool, char *gidtool, pp_error_t *err)
{
  if (uidtool == NULL)
    {
      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
        return pp_error_make (err, errno, "unshare a user namespace");
      return map_self (ids, err);
    }
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return pp_error_make (err, errno, "pipe");
  pid_t self = getpid ();
  pid_t helper = fork ();
  if (helper < 0)
    {
      close (p[0]), close (p[1]);
      return pp_error_make (err, errno, "fork");
    }
  if (helper == 0)
    {
      close (p[1]);
      _exit (map_helper (p[0], self, ids, uidtool, gidtool));
    }
  close (p[0]);
  cleanup_close int sync = p[1];
  int saved = unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0 ? errno : 0;
  if (saved == 0 && PP_RETRY (write (sync, "x", 1)) != 1)
    saved = errno;
  close (pp_steal_fd (&sync)); /* the helper, when told nothing, reads EOF and exits */
  int status = pp_wait_status (helper);
  if (saved != 0)
    return pp_error_make (err, saved, "unshare a user namespace");
  if (status == 0)
    return 0;
  const char *tool = status == 2 ? gidtool : uidtool;
  return pp_error_make (err, 0,
                        "%s could not map the ranges of %s for %s (its message is above): check that they are "
                        "the user's own and do not overlap other users' ranges",
                        tool, status == 2 ? "/etc/subgid" : "/etc/subuid", ids->user);
}

/* The run root under /tmp (no XDG_RUNTIME_DIR): a directory of the user's own that no one else can enter, so
   that another user cannot make it first and watch or replace what podplay puts there. */
static int
private_runroot (const char *path, uid_t uid, pp_error_t *err)
{
  if (mkdir (path, 0700) < 0 && errno != EEXIST)
    return pp_error_make (err, errno, "mkdir `%s`", path);
  struct stat st;
  if (lstat (path, &st) < 0)
    return pp_error_make (err, errno, "stat `%s`", path);
  if (!S_ISDIR (st.st_mode) || st.st_uid != uid || (st.st_mode & 077) != 0)
    return pp_error_make (err, 0,
                          "run root `%s` is not a private directory of user %u (mode 0700): someone else may have "
                          "made it; remove it, or set XDG_RUNTIME_DIR or --runroot",
                          path, (unsigned)uid);
  return 0;
}

/* The inode of namespace `kind` ("user", "mnt") of process `pid` (a name under /proc, or "self"), or 0. */
static unsigned long long
ns_inode (const char *pid, const char *kind)
{
  char path[300], link[64];
  snprintf (path, sizeof path, "/proc/%s/ns/%s", pid, kind);
  ssize_t n = readlink (path, link, sizeof link - 1);
  if (n < 0)
    return 0;
  link[n] = '\0';
  size_t k = strlen (kind);
  if (strncmp (link, kind, k) != 0 || link[k] != ':' || link[k + 1] != '[')
    return 0;
  return strtoull (link + k + 2, NULL, 10);
}

/* Whether process `pid` (a name under /proc) is the user's, in the user and mount namespaces of inodes `ino` and
   `mnt` (a container's process is in the user namespace but in a mount namespace of its own: never joined), with
   the user's id mapped to 0. */
static bool
holds_namespace (const char *pid, uid_t uid, unsigned long long ino, unsigned long long mnt)
{
  char path[300];
  struct stat st;
  snprintf (path, sizeof path, "/proc/%s", pid);
  if (stat (path, &st) < 0 || st.st_uid != uid || ns_inode (pid, "user") != ino || ns_inode (pid, "mnt") != mnt)
    return false;
  snprintf (path, sizeof path, "/proc/%s/uid_map", pid);
  cleanup_file FILE *f = fopen (path, "re");
  unsigned long inner = 1, outer = 0;
  return f && fscanf (f, "%lu %lu", &inner, &outer) == 2 && inner == 0 && outer == uid;
}

/* Joins the user and mount namespaces of a process still in them, found through /proc; 1 when joined, 0 when no
   process is left in them (the namespaces are gone with their mounts). */
static int
join_namespace (unsigned long long ino, unsigned long long mnt, uid_t uid, pp_error_t *err)
{
  cleanup_dir DIR *d = opendir ("/proc");
  struct dirent *de;
  while (d && (de = readdir (d)))
    {
      if (de->d_name[0] < '1' || de->d_name[0] > '9' || !holds_namespace (de->d_name, uid, ino, mnt))
        continue;
      char path[300];
      snprintf (path, sizeof path, "/proc/%s/ns/user", de->d_name);
      cleanup_close int userfd = open (path, O_RDONLY | O_CLOEXEC);
      snprintf (path, sizeof path, "/proc/%s/ns/mnt", de->d_name);
      cleanup_close int mntfd = open (path, O_RDONLY | O_CLOEXEC);
      struct stat st, mst;
      if (userfd < 0 || mntfd < 0 || fstat (userfd, &st) < 0 || st.st_ino != ino || fstat (mntfd, &mst) < 0
          || mst.st_ino != mnt)
        continue; /* gone meanwhile */
      /* Joining a mount namespace moves to its root: the working directory (where a manifest's relative paths
         start) is taken along by name. */
      char cwd[4096];
      bool have_cwd = getcwd (cwd, sizeof cwd) != NULL;
      if (setns (userfd, CLONE_NEWUSER) < 0)
        return pp_error_make (err, errno, "join the user namespace of process %s", de->d_name);
      if (setns (mntfd, CLONE_NEWNS) < 0)
        return pp_error_make (err, errno, "join the mount namespace of process %s", de->d_name);
      if (have_cwd && chdir (cwd) < 0)
        return pp_error_make (err, errno, "return to the working directory `%s`", cwd);
      return 1;
    }
  return 0;
}

/* A new user namespace with the user's ids, and a mount namespace of its own. */
static int
make_namespace (pp_context_t *ctx, pp_error_t *err)
{
  pp_rootless_ids_t ids;
  pp_rootless_ids (&ids);
  cleanup_free char *uidtool = pp_find_program ("newuidmap");
  cleanup_free char *gidtool = pp_find_program ("newgidmap");
  if (ids.n_uids == 0 || ids.n_gids == 0 || !uidtool || !gidtool)
    {
      if (ids.n_uids == 0 || ids.n_gids == 0)
        pp_warning (ctx,
                    "%s has no subordinate ids in /etc/%s: only the user's own id is mapped, and an image with "
                    "files of other owners cannot be used; add a range, for example as root: usermod "
                    "--add-subuids 100000-165535 --add-subgids 100000-165535 %s",
                    ids.user, ids.n_uids == 0 ? "subuid" : "subgid", ids.user);
      else
        pp_warning (ctx, "newuidmap and newgidmap are not installed: only the user's own id is mapped; install "
                         "Debian's uidmap (apt-get install uidmap) to use the ranges of /etc/subuid and /etc/subgid");
      free (pp_steal_pointer (&uidtool));
    }
  if (unshare_and_map (&ids, uidtool, gidtool, err) < 0)
    return pp_error_wrap (err, "entering a user namespace as %s", ids.user);
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return pp_error_make (err, errno, "become root of the user namespace");
  /* Mounts made here stay here; the host's still reach this namespace. */
  if (mount (NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return pp_error_make (err, errno, "make the mounts of the user namespace slaves of the host's");
  ctx->in_userns = true;
  return 0;
}

/* What this process starts (monitors, resolvers, Job controllers) knows it runs in the user's namespace
   (pp_context_init): root of another user namespace (podplay in a container) is root as on a host. */
static void
mark_children (void)
{
  setenv (PP_ROOTLESS_ENV, "1", 1);
}

int
pp_rootless_enter (pp_context_t *ctx, pp_error_t *err)
{
  if (!ctx->rootless || ctx->in_userns)
    return 0;
  if (ctx->runroot_fallback && private_runroot (ctx->runroot, geteuid (), err) < 0)
    return -1;
  if (pp_mkdir_p (ctx->runroot, 0700) < 0)
    return pp_error_make (err, errno, "create the run root `%s`", ctx->runroot);
  /* One namespace for all the user's podplays while anything runs in it, so that every command sees the mounts
     and namespaces of the pods the others made: its inode is recorded, a process in it found and joined.  The
     lock keeps two commands from making two. */
  cleanup_free char *record = xasprintf ("%s/userns", ctx->runroot);
  cleanup_free char *lockpath = xasprintf ("%s/userns.lock", ctx->runroot);
  cleanup_close int lock = open (lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0 || PP_RETRY (flock (lock, LOCK_EX)) < 0)
    return pp_error_make (err, errno, "lock `%s`", lockpath);
  unsigned long long ino = 0, mnt = 0;
  cleanup_file FILE *rf = fopen (record, "re");
  if (rf && fscanf (rf, "%llu %llu", &ino, &mnt) == 2 && ino != 0)
    {
      int joined = join_namespace (ino, mnt, geteuid (), err);
      if (joined < 0)
        return -1;
      if (joined > 0)
        {
          ctx->in_userns = true;
          mark_children ();
          return 0;
        }
    }
  if (make_namespace (ctx, err) < 0)
    return -1;
  mark_children ();
  char text[64];
  int len = snprintf (text, sizeof text, "%llu %llu\n", ns_inode ("self", "user"), ns_inode ("self", "mnt"));
  return pp_write_whole (record, text, (size_t) len, 0600, err);
}

