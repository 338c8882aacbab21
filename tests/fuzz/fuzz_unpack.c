/* libFuzzer target: arbitrary bytes as an image layer, unpacked into a directory as the store does; nothing may be
   written outside that directory, whatever names, links, whiteouts or compression the bytes hold. */
#include "image/unpack.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The process gets a /tmp of its own, a small tmpfs, where the seeds' absolute names and links point:
     /tmp/unpack/root              where each input is unpacked
     /tmp/unpack/outside/sentinel  what no input may reach
   After each input, /tmp holds exactly that, and the sentinel is as it was. */
#define SANDBOX "/tmp/unpack"
#define SENTINEL_TEXT "untouched\n"

static struct stat sentinel;

static void
die (const char *what)
{
  perror (what);
  abort ();
}

static void
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t)strlen (text) || close (fd) < 0)
    die (path);
}

/* A mount namespace with a private tmpfs on /tmp, as root or else in a user namespace of our own. */
static void
private_tmp (void)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  if (unshare (CLONE_NEWNS) < 0)
    {
      char map[64];
      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
        die ("unshare");
      int fd = open ("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
      if (fd >= 0)
        {
          (void)!write (fd, "deny", 4);
          close (fd);
        }
      snprintf (map, sizeof map, "0 %u 1", (unsigned)uid);
      fd = open ("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, map, strlen (map)) < 0 || close (fd) < 0)
        die ("uid_map");
      snprintf (map, sizeof map, "0 %u 1", (unsigned)gid);
      fd = open ("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, map, strlen (map)) < 0 || close (fd) < 0)
        die ("gid_map");
    }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    die ("make / private");
  /* Small, so that a decompression bomb ends in ENOSPC; nodev, so that no device an input makes can be opened. */
  if (mount ("fuzz", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=0755") < 0)
    die ("mount a tmpfs on /tmp");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  private_tmp ();
  if (mkdir (SANDBOX, 0755) < 0 || mkdir (SANDBOX "/root", 0755) < 0 || mkdir (SANDBOX "/outside", 0755) < 0)
    die ("mkdir " SANDBOX);
  write_file (SANDBOX "/outside/sentinel", SENTINEL_TEXT);
  if (lstat (SANDBOX "/outside/sentinel", &sentinel) < 0)
    die ("stat the sentinel");
  return 0;
}

/* Aborts unless the directory `path` holds exactly the names `want` (NULL-terminated). */
static void
expect_entries (const char *path, const char *const *want)
{
  DIR *d = opendir (path);
  if (d == NULL)
    die (path);
  size_t seen = 0, n = 0;
  while (want[n])
    n++;
  for (struct dirent *e; (e = readdir (d));)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      bool known = false;
      for (size_t i = 0; i < n && !known; i++)
        known = strcmp (e->d_name, want[i]) == 0;
      if (!known)
        {
          fprintf (stderr, "fuzz_unpack: %s/%s was written outside the layer's directory\n", path, e->d_name);
          abort ();
        }
      seen++;
    }
  closedir (d);
  if (seen != n)
    {
      fprintf (stderr, "fuzz_unpack: something in %s was removed from outside the layer's directory\n", path);
      abort ();
    }
}

/* The sentinel and the folders around the layer's directory are as they were. */
static void
check_outside (void)
{
  static const char *const tmp[] = { "unpack", NULL }, *sandbox[] = { "root", "outside", NULL },
                           *outside[] = { "sentinel", NULL };
  expect_entries ("/tmp", tmp);
  expect_entries (SANDBOX, sandbox);
  expect_entries (SANDBOX "/outside", outside);
  struct stat st;
  char text[64] = "", names[64];
  int fd = open (SANDBOX "/outside/sentinel", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, text, sizeof text - 1);
  if (fd < 0 || fstat (fd, &st) < 0 || n < 0)
    die ("read the sentinel");
  close (fd);
  text[n] = '\0';
  if (strcmp (text, SENTINEL_TEXT) != 0 || st.st_ino != sentinel.st_ino || st.st_mode != sentinel.st_mode
      || st.st_uid != sentinel.st_uid || st.st_gid != sentinel.st_gid || st.st_nlink != 1
      || st.st_mtim.tv_sec != sentinel.st_mtim.tv_sec || st.st_mtim.tv_nsec != sentinel.st_mtim.tv_nsec
      || llistxattr (SANDBOX "/outside/sentinel", names, sizeof names) != 0)
    {
      fprintf (stderr, "fuzz_unpack: the sentinel outside the layer's directory was changed or linked to\n");
      abort ();
    }
}

/* Aborts when anything below `dirfd` carries an xattr of the trusted.* namespace but the opaque marker that overlayfs
   reads (trusted.overlay.redirect or metacopy would steer its lookups): a layer says opaque with .wh..wh..opq only. */
static void
check_xattrs (int dirfd)
{
  DIR *d = fdopendir (dirfd);
  if (d == NULL)
    die ("fdopendir");
  for (struct dirent *e; (e = readdir (d));)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      char path[64], names[4096];
      int fd = openat (dirfd, e->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        die (e->d_name);
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
      ssize_t n = e->d_type == DT_LNK ? 0 : listxattr (path, names, sizeof names);
      for (ssize_t i = 0; i < n; i += (ssize_t)strlen (names + i) + 1)
        if (strncmp (names + i, "trusted.", 8) == 0 && strcmp (names + i, "trusted.overlay.opaque") != 0)
          {
            fprintf (stderr, "fuzz_unpack: %s carries %s\n", e->d_name, names + i);
            abort ();
          }
      if (e->d_type == DT_DIR)
        check_xattrs (openat (dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      close (fd);
    }
  closedir (d);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int blob = memfd_create ("layer", MFD_CLOEXEC);
  if (blob < 0 || write (blob, data, size) != (ssize_t)size || lseek (blob, 0, SEEK_SET) < 0)
    die ("memfd");
  int dest = open (SANDBOX "/root", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dest < 0)
    die (SANDBOX "/root");
  char diff_id[72];
  pp_error_t err = NULL;
  if (pp_layer_unpack (blob, dest, "fuzz", diff_id, &err) < 0 && (err == NULL || err->msg == NULL))
    abort ();
  pp_error_release (&err);
  close (blob);
  check_xattrs (dest);
  check_outside ();
  int sandbox = open (SANDBOX, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sandbox < 0 || pp_remove_tree (sandbox, "root") < 0 || mkdirat (sandbox, "root", 0755) < 0)
    die ("empty the layer's directory");
  close (sandbox);
  return 0;
}
