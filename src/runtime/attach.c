/* The attach socket of a container and its frames (attach.h). */
#include "runtime/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The socket's address through a descriptor of its folder: a runroot's path may be longer than sun_path takes. */
static int
attach_addr (pp_context_t *ctx, const char *ctr_id, int *dirfd, struct sockaddr_un *sa, pp_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s/containers/%s", ctx->runroot, ctr_id);
  *dirfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*dirfd < 0)
    return pp_error_make (err, errno, "open `%s`", dir);
  memset (sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  snprintf (sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/attach", *dirfd);
  return 0;
}

int
pp_attach_listen (pp_context_t *ctx, const char *ctr_id, pp_error_t *err)
{
  struct sockaddr_un sa;
  cleanup_close int dirfd = -1;
  if (attach_addr (ctx, ctr_id, &dirfd, &sa, err) < 0)
    return -1;
  unlinkat (dirfd, "attach", 0);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return pp_error_make (err, errno, "the attach socket of container %.12s", ctr_id);
  /* Only root (podplay's user) may attach: the socket is made mode 0600. */
  mode_t old = umask (0177);
  int r = bind (fd, (struct sockaddr *)&sa, sizeof sa);
  umask (old);
  if (r < 0 || listen (fd, 4) < 0)
    {
      int e = errno;
      close (fd);
      return pp_error_make (err, e, "the attach socket of container %.12s", ctr_id);
    }
  return fd;
}

int
pp_attach_connect (pp_context_t *ctx, const char *ctr_id, pp_error_t *err)
{
  struct sockaddr_un sa;
  cleanup_close int dirfd = -1;
  if (attach_addr (ctx, ctr_id, &dirfd, &sa, err) < 0)
    return -1;
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *)&sa, sizeof sa) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      errno = e;
      return pp_error_make (err, e, "attach to container %.12s", ctr_id);
    }
  return fd;
}

void
pp_attach_frame (pp_buf_t *out, int type, const void *data, uint32_t len)
{
  unsigned char head[5] = { (unsigned char)type };
  memcpy (head + 1, &len, sizeof len);
  pp_buf_append (out, head, sizeof head);
  if (len)
    pp_buf_append (out, data, len);
}

int
pp_attach_send (int fd, int type, const void *data, uint32_t len)
{
  pp_buf_t f = { 0 };
  pp_attach_frame (&f, type, data, len);
  size_t off = 0;
  while (off < f.len)
    {
      ssize_t w = send (fd, f.data + off, f.len - off, MSG_NOSIGNAL);
      if (w < 0 && errno == EAGAIN)
        {
          struct pollfd p = { fd, POLLOUT, 0 };
          poll (&p, 1, -1);
          continue;
        }
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          int e = errno;
          pp_buf_free (&f);
          errno = e;
          return -1;
        }
      off += (size_t)w;
    }
  pp_buf_free (&f);
  return 0;
}

int
pp_attach_read (int fd, pp_attach_reader_t *r, void (*fn) (void *arg, int type, const char *data, uint32_t len),
                void *arg)
{
  char chunk[65536];
  ssize_t n = PP_RETRY (read (fd, chunk, sizeof chunk));
  if (n < 0)
    return errno == EAGAIN ? 1 : -1;
  if (n == 0)
    return 0;
  pp_buf_append (&r->buf, chunk, (size_t)n);
  size_t off = 0;
  while (r->buf.len - off >= 5)
    {
      uint32_t len;
      memcpy (&len, r->buf.data + off + 1, sizeof len);
      if (len > PP_ATTACH_MAX_FRAME)
        {
          errno = EPROTO;
          return -1;
        }
      if (r->buf.len - off - 5 < len)
        break;
      fn (arg, (unsigned char)r->buf.data[off], r->buf.data + off + 5, len);
      off += 5 + len;
    }
  if (off)
    {
      memmove (r->buf.data, r->buf.data + off, r->buf.len - off);
      r->buf.len -= off;
      r->buf.data[r->buf.len] = '\0';
    }
  return 1;
}
