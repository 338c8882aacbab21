/* Files written whole or not at all. */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
