/* k8s-file logs: written by the monitor, read by `podplay logs`. */
#include "runtime/logfile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

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

/* One line of a log: a F record, with the P records before it of the same stream. */
typedef struct
{
  char ts[64];
  int stream;
  bool ended; /* false for a line the writer left unfinished */
  char *text;
  size_t len;
} log_line_t;

typedef struct
{
  log_line_t *v;
  size_t n, next;
} line_list_t;

struct pp_log_source
{
  char *key, *label, *path;
  off_t off;
  bool read_once;
  pp_buf_t data;       /* bytes read that do not make a whole record yet */
  pp_buf_t partial[2]; /* per stream: the P records of a line not ended yet */
  char partial_ts[2][64];
};

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
line_add (line_list_t *l, const char *ts, int stream, bool ended, const char *text, size_t len)
{
  l->v = xrealloc (l->v, (l->n + 1) * sizeof *l->v);
  log_line_t *line = &l->v[l->n++];
  snprintf (line->ts, sizeof line->ts, "%s", ts);
  line->stream = stream;
  line->ended = ended;
  line->text = xmalloc (len + 1);
  memcpy (line->text, text, len);
  line->text[len] = '\0';
  line->len = len;
}

static void
lines_free (line_list_t *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->v[i].text);
  free (l->v);
}

/* A record joins the line its stream has going; a F record ends it. */
static void
take_record (pp_log_source_t *src, const pp_log_record_t *rec, line_list_t *out)
{
  pp_buf_t *p = &src->partial[rec->stream];
  if (p->len == 0 && !rec->partial)
    {
      line_add (out, rec->ts, rec->stream, true, rec->text, rec->len);
      return;
    }
  if (p->len == 0)
    snprintf (src->partial_ts[rec->stream], sizeof src->partial_ts[rec->stream], "%s", rec->ts);
  pp_buf_append (p, rec->text, rec->len);
  if (rec->partial)
    return;
  line_add (out, src->partial_ts[rec->stream], rec->stream, true, p->data, p->len);
  pp_buf_reset (p);
}

/* The lines written since the last read; `last` when the writer is gone: its unfinished lines too. */
static int
source_read (pp_log_source_t *src, bool last, long tail, line_list_t *out, pp_error_t *err)
{
  cleanup_close int fd = open (src->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    return pp_error_make (err, errno, "open `%s`", src->path);
  char chunk[65536];
  ssize_t n;
  while (fd >= 0 && (n = PP_RETRY (pread (fd, chunk, sizeof chunk, src->off))) > 0)
    {
      src->off += n;
      pp_buf_append (&src->data, chunk, (size_t) n);
    }
  size_t used = 0;
  for (char *nl; used < src->data.len && (nl = memchr (src->data.data + used, '\n', src->data.len - used));)
    {
      size_t len = (size_t) (nl - (src->data.data + used));
      pp_log_record_t rec;
      if (pp_log_parse (src->data.data + used, len, &rec))
        take_record (src, &rec, out);
      used += len + 1;
    }
  /* Nothing read yet (a log not written to) has no buffer at all. */
  if (used > 0)
    memmove (src->data.data, src->data.data + used, src->data.len - used);
  src->data.len -= used;
  for (int s = 0; last && s < 2; s++)
    if (src->partial[s].len)
      {
        line_add (out, src->partial_ts[s], s, false, src->partial[s].data, src->partial[s].len);
        pp_buf_reset (&src->partial[s]);
      }
  /* --tail counts from the end of what the log held when it was first read. */
  if (!src->read_once && tail >= 0 && (size_t) tail < out->n)
    {
      size_t drop = out->n - (size_t) tail;
      for (size_t i = 0; i < drop; i++)
        free (out->v[i].text);
      memmove (out->v, out->v + drop, (out->n - drop) * sizeof *out->v);
      out->n -= drop;
    }
  src->read_once = true;
  return 0;
}

static void
print_line (const pp_log_set_t *s, const pp_log_source_t *src, const log_line_t *line)
{
  pp_buf_t b = { 0 };
  if (src->label)
    pp_buf_printf (&b, "%s | ", src->label);
  if (s->opts.timestamps)
    pp_buf_printf (&b, "%s ", line->ts);
  pp_buf_append (&b, line->text, line->len);
  /* A labelled line ends, whatever the writer left: the next label starts a line of its own. */
  if (line->ended || src->label)
    pp_buf_append (&b, "\n", 1);
  write_all (s->fds[line->stream], b.data, b.len);
  pp_buf_free (&b);
}

void
pp_log_set_add (pp_log_set_t *s, const char *key, const char *label, const char *path)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp (s->v[i]->key, key) == 0)
      return;
  s->v = xrealloc (s->v, (s->n + 1) * sizeof *s->v);
  pp_log_source_t *src = xzalloc (sizeof *src);
  src->key = xstrdup (key);
  src->label = label ? xstrdup (label) : NULL;
  src->path = xstrdup (path);
  s->v[s->n++] = src;
}

int
pp_log_set_read (pp_log_set_t *s, bool last, pp_error_t *err)
{
  line_list_t *lists = xzalloc ((s->n + 1) * sizeof *lists);
  int ret = 0;
  for (size_t i = 0; i < s->n && ret == 0; i++)
    ret = source_read (s->v[i], last, s->opts.tail, &lists[i], err);
  /* Each log in its own order, the logs merged by time: the earliest next line goes first. */
  for (; ret == 0;)
    {
      size_t best = s->n;
      for (size_t i = 0; i < s->n; i++)
        if (lists[i].next < lists[i].n
            && (best == s->n || strcmp (lists[i].v[lists[i].next].ts, lists[best].v[lists[best].next].ts) < 0))
          best = i;
      if (best == s->n)
        break;
      print_line (s, s->v[best], &lists[best].v[lists[best].next++]);
    }
  for (size_t i = 0; i < s->n; i++)
    lines_free (&lists[i]);
  free (lists);
  return ret;
}

int
pp_log_set_follow (pp_log_set_t *s, int (*alive) (pp_log_set_t *, void *, pp_error_t *), void *data, pp_error_t *err)
{
  for (;;)
    {
      /* Alive asked first: when the writers are gone, the read that follows holds all they wrote. */
      int running = s->opts.follow && alive ? alive (s, data, err) : 0;
      if (running < 0 || pp_log_set_read (s, running == 0, err) < 0)
        return -1;
      if (running == 0)
        return 0;
      usleep (100000);
    }
}

void
pp_log_set_release (pp_log_set_t *s)
{
  for (size_t i = 0; i < s->n; i++)
    {
      pp_log_source_t *src = s->v[i];
      free (src->key);
      free (src->label);
      free (src->path);
      pp_buf_free (&src->data);
      pp_buf_free (&src->partial[0]);
      pp_buf_free (&src->partial[1]);
      free (src);
    }
  free (s->v);
  s->v = NULL;
  s->n = 0;
}
