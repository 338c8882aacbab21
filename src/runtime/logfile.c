/* k8s-file logs: written by the monitor, read by `podplay logs`. */
#include "runtime/logfile.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#define PP_LOG_LINE_MAX 16384

static const char *const stream_names[] = { "stdout", "stderr" };

static void
write_record (int fd, int stream, bool partial, const char *text, size_t len)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  struct tm tm;
  gmtime_r (&now.tv_sec, &tm);
  char head[96];
  size_t n = strftime (head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
  n += (size_t) snprintf (head + n, sizeof head - n, ".%09ldZ %s %c ", now.tv_nsec, stream_names[stream],
                          partial ? 'P' : 'F');
  static char newline[] = "\n";
  struct iovec iov[3] = { { head, n }, { NULL, len }, { newline, 1 } };
  memcpy (&iov[1].iov_base, &text, sizeof text); /* writev does not write through it */
  /* One writev per record, so that a reader never sees half of one (the file is opened O_APPEND). */
  PP_RETRY (writev (fd, iov, 3));
}

void
pp_logw_feed (pp_logw_t *w, int stream, const char *data, size_t len)
{
  pp_buf_t *p = &w->pending[stream];
  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      size_t take = nl ? (size_t) (nl - data) : len;
      if (nl)
        {
          if (p->len)
            {
              pp_buf_append (p, data, take);
              write_record (w->fd, stream, false, p->data, p->len);
              pp_buf_reset (p);
            }
          else
            write_record (w->fd, stream, false, data, take);
          data += take + 1;
          len -= take + 1;
          continue;
        }
      pp_buf_append (p, data, take);
      data += take;
      len -= take;
      if (p->len >= PP_LOG_LINE_MAX)
        {
          write_record (w->fd, stream, true, p->data, p->len);
          pp_buf_reset (p);
        }
    }
}

void
pp_logw_flush (pp_logw_t *w, int stream)
{
  pp_buf_t *p = &w->pending[stream];
  if (p->len)
    write_record (w->fd, stream, true, p->data, p->len);
  pp_buf_reset (p);
}

void
pp_logw_release (pp_logw_t *w)
{
  pp_buf_free (&w->pending[0]);
  pp_buf_free (&w->pending[1]);
}

bool
pp_log_parse (const char *line, size_t len, pp_log_record_t *rec)
{
  const char *sp = memchr (line, ' ', len);
  if (sp == NULL || (size_t) (sp - line) >= sizeof rec->ts)
    return false;
  memcpy (rec->ts, line, (size_t) (sp - line));
  rec->ts[sp - line] = '\0';
  const char *p = sp + 1;
  size_t left = len - (size_t) (p - line);
  if (left >= 7 && memcmp (p, "stdout ", 7) == 0)
    rec->stream = PP_LOG_STDOUT;
  else if (left >= 7 && memcmp (p, "stderr ", 7) == 0)
    rec->stream = PP_LOG_STDERR;
  else
    return false;
  p += 7;
  left -= 7;
  if (left < 2 || (p[0] != 'F' && p[0] != 'P') || p[1] != ' ')
    return false;
  rec->partial = p[0] == 'P';
  rec->text = p + 2;
  rec->len = left - 2;
  return true;
}

typedef struct
{
  const pp_log_read_opts_t *opts;
  int fds[2];
  bool at_line_start[2];
} printer_t;

static void
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = PP_RETRY (write (fd, data, len));
      if (n <= 0)
        return;
      data += n;
      len -= (size_t) n;
    }
}

static void
print_record (printer_t *pr, const pp_log_record_t *rec)
{
  int fd = pr->fds[rec->stream];
  if (pr->opts->timestamps && pr->at_line_start[rec->stream])
    {
      write_all (fd, rec->ts, strlen (rec->ts));
      write_all (fd, " ", 1);
    }
  write_all (fd, rec->text, rec->len);
  if (!rec->partial)
    write_all (fd, "\n", 1);
  pr->at_line_start[rec->stream] = !rec->partial;
}

/* Prints the complete records in buf[0..len); returns how many bytes it used. */
static size_t
print_records (printer_t *pr, const char *buf, size_t len, size_t skip_lines)
{
  size_t used = 0, lines = 0;
  while (used < len)
    {
      const char *nl = memchr (buf + used, '\n', len - used);
      if (nl == NULL)
        break;
      pp_log_record_t rec;
      size_t n = (size_t) (nl - (buf + used));
      if (pp_log_parse (buf + used, n, &rec))
        {
          if (lines >= skip_lines)
            print_record (pr, &rec);
          if (!rec.partial)
            lines++;
        }
      used += n + 1;
    }
  return used;
}

/* Full lines (F records) in the buffer. */
static size_t
count_lines (const char *buf, size_t len)
{
  size_t lines = 0;
  for (const char *p = buf; p < buf + len;)
    {
      const char *nl = memchr (p, '\n', (size_t) (buf + len - p));
      if (nl == NULL)
        break;
      pp_log_record_t rec;
      if (pp_log_parse (p, (size_t) (nl - p), &rec) && !rec.partial)
        lines++;
      p = nl + 1;
    }
  return lines;
}

int
pp_log_print (const char *path, const pp_log_read_opts_t *opts, int out_fd, int err_fd, bool (*alive) (void *),
              void *data, pp_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    return pp_error_make (err, errno, "open `%s`", path);
  printer_t pr = { opts, { out_fd, err_fd }, { true, true } };
  pp_buf_t buf = { 0 };
  bool first = true, last_pass = false;
  for (;;)
    {
      if (fd < 0)
        fd = open (path, O_RDONLY | O_CLOEXEC);
      bool more = false;
      char chunk[65536];
      ssize_t n;
      while (fd >= 0 && (n = PP_RETRY (read (fd, chunk, sizeof chunk))) > 0)
        {
          pp_buf_append (&buf, chunk, (size_t) n);
          more = true;
        }
      if (first)
        {
          /* The whole file is in: --tail counts from its end. */
          size_t total = buf.len ? count_lines (buf.data, buf.len) : 0;
          size_t skip = opts->tail >= 0 && (size_t) opts->tail < total ? total - (size_t) opts->tail : 0;
          size_t used = buf.len ? print_records (&pr, buf.data, buf.len, skip) : 0;
          if (used)
            memmove (buf.data, buf.data + used, buf.len - used);
          buf.len -= used;
          first = false;
        }
      else if (more)
        {
          size_t used = print_records (&pr, buf.data, buf.len, 0);
          if (used)
            memmove (buf.data, buf.data + used, buf.len - used);
          buf.len -= used;
        }
      if (!opts->follow)
        break;
      if (more)
        continue;
      if (last_pass)
        break;
      /* The writer gone: one more pass reads what it wrote last, then the end. */
      if (!(alive && alive (data)))
        last_pass = true;
      else
        usleep (50000);
    }
  pp_buf_free (&buf);
  return 0;
}
