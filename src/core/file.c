/* Files written whole or not at all. */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

int
pp_write_whole (const char *path, const char *data, size_t len, mode_t mode, pp_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.XXXXXX", path);
  int fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "create a file beside `%s`", path);
  int ret = 0;
  for (size_t off = 0; ret == 0 && off < len;)
    {
      ssize_t w = write (fd, data + off, len - off);
      if (w < 0 && errno != EINTR)
        ret = pp_error_make (err, errno, "write `%s`", path);
      else if (w > 0)
        off += (size_t)w;
    }
  if (ret == 0 && fchmod (fd, mode) < 0)
    ret = pp_error_make (err, errno, "write `%s`", path);
  if (close (fd) < 0 && ret == 0)
    ret = pp_error_make (err, errno, "write `%s`", path);
  if (ret == 0 && rename (tmp, path) < 0)
    ret = pp_error_make (err, errno, "write `%s`", path);
  if (ret < 0)
    unlink (tmp);
  return ret;
}

void
pp_file_first_line (const char *path, char *buf, size_t size)
{
  cleanup_file FILE *f = fopen (path, "re");
  buf[0] = '\0';
  if (f && fgets (buf, (int) size, f) == NULL)
    buf[0] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
}

int64_t
pp_disk_usage (int dir)
{
  int fd = openat (dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL && fd >= 0)
    close (fd);
  int64_t total = 0;
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      struct stat st;
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      total += (int64_t) st.st_blocks * 512;
      if (S_ISDIR (st.st_mode))
        {
          cleanup_close int sub = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0)
            total += pp_disk_usage (sub);
        }
    }
  return total;
}
