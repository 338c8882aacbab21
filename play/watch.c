/* `kube play --watch`: inotify on the folders that hold a play's files, filtered by name.  A folder, not the file:
   an editor that saves by a rename over the file (vim, sed -i) or by a delete and a create leaves a watch on the
   file's inode on the old inode, or on none. */
#include "play/watch.h"
#include "schema/manifest.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* A saved file: written and closed, moved or linked in, or gone (removed, moved away). */
#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

/* A name watched in a folder: `name`, or any manifest when NULL (a directory argument); `shown` is how a change of
   it is named (the argument as given, or the directory's with the file's name). */
typedef struct
{
  int wd;
  char *dir, *name, *shown;
} entry_t;

struct pp_watch_s
{
  int fd;
  entry_t *v;
  size_t n;
  char **args;
  size_t n_args;
  char **changed;
  size_t n_changed;
};

static int
add_entry (pp_watch_t *w, const char *dir, const char *name, const char *shown, pp_error_t *err)
{
  int wd = inotify_add_watch (w->fd, dir, FILE_EVENTS | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
  if (wd < 0)
    return pp_error_make (err, errno, "watch the folder `%s`", dir);
  w->v = xrealloc (w->v, (w->n + 1) * sizeof *w->v);
  w->v[w->n++] = (entry_t){ wd, xstrdup (dir), name ? xstrdup (name) : NULL, shown ? xstrdup (shown) : NULL };
  return 0;
}

/* A file argument: its folder, for its name; and where it is a link, the folder of what it names. */
static int
add_file (pp_watch_t *w, const char *arg, pp_error_t *err)
{
  cleanup_free char *copy = xstrdup (arg);
  char *slash = strrchr (copy, '/');
  const char *name = slash ? slash + 1 : copy;
  if (*name == '\0')
    return pp_error_make (err, EISDIR, "watch `%s`", arg);
  if (slash)
    *slash = '\0';
  if (add_entry (w, slash ? (*copy ? copy : "/") : ".", name, arg, err) < 0)
    return -1;
  char real[PATH_MAX];
  struct stat st;
  if (lstat (arg, &st) < 0 || !S_ISLNK (st.st_mode) || realpath (arg, real) == NULL)
    return 0;
  slash = strrchr (real, '/');
  *slash = '\0';
  return add_entry (w, *real ? real : "/", slash + 1, arg, err);
}

int
pp_watch_new (char *const *args, size_t n, pp_watch_t **out, pp_error_t *err)
{
  pp_watch_t *w = xzalloc (sizeof *w);
  w->fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0)
    {
      pp_watch_free (w);
      return pp_error_make (err, errno, "inotify_init1");
    }
  w->args = xzalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      w->args[w->n_args++] = xstrdup (args[i]);
      int ret = stat (args[i], &st) == 0 && S_ISDIR (st.st_mode) ? add_entry (w, args[i], NULL, NULL, err)
                                                                 : add_file (w, args[i], err);
      if (ret < 0)
        {
          pp_watch_free (w);
          return -1;
        }
    }
  *out = w;
  return 0;
}

void
pp_watch_free (pp_watch_t *w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  for (size_t i = 0; i < w->n; i++)
    {
      free (w->v[i].dir);
      free (w->v[i].name);
      free (w->v[i].shown);
    }
  free (w->v);
  pp_strv_free (w->args);
  for (size_t i = 0; i < w->n_changed; i++)
    free (w->changed[i]);
  free (w->changed);
  free (w);
}

int
pp_watch_fd (const pp_watch_t *w)
{
  return w->fd;
}

static void
mark (pp_watch_t *w, char *shown)
{
  for (size_t i = 0; i < w->n_changed; i++)
    if (strcmp (w->changed[i], shown) == 0)
      {
        free (shown);
        return;
      }
  w->changed = xrealloc (w->changed, (w->n_changed + 1) * sizeof (char *));
  w->changed[w->n_changed++] = shown;
}

/* A new empty regular file is one being written: its close tells when it is whole.  A link made, or a file
   renamed in, is whole as it appears. */
static bool
written_later (const entry_t *e, const char *name)
{
  cleanup_free char *path = xasprintf ("%s/%s", e->dir, name);
  struct stat st;
  return lstat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == 0 && st.st_nlink == 1;
}

/* Whether the event concerns a watched file of entry `e`; marks it changed. */
static bool
event_matches (pp_watch_t *w, const entry_t *e, const struct inotify_event *ev)
{
  if (ev->len == 0 || (ev->mask & IN_ISDIR))
    return false;
  if (e->name ? strcmp (e->name, ev->name) != 0 : !pp_manifest_name (ev->name))
    return false;
  if ((ev->mask & IN_CREATE) && written_later (e, ev->name))
    return false;
  size_t len = strlen (e->dir);
  mark (w, e->shown ? xstrdup (e->shown)
                    : xasprintf ("%s%s%s", e->dir, len && e->dir[len - 1] == '/' ? "" : "/", ev->name));
  return true;
}

/* The folder of watch `wd` is gone or moved away: its entries go; the first one's folder is named in `lost`. */
static void
drop_watch (pp_watch_t *w, int wd, char **lost)
{
  size_t k = 0;
  for (size_t i = 0; i < w->n; i++)
    if (w->v[i].wd != wd)
      w->v[k++] = w->v[i];
    else
      {
        if (lost && *lost == NULL)
          *lost = xstrdup (w->v[i].dir);
        free (w->v[i].dir);
        free (w->v[i].name);
        free (w->v[i].shown);
      }
  w->n = k;
}

static int
handle_event (pp_watch_t *w, const struct inotify_event *ev, char **lost)
{
  int hits = 0;
  if (ev->mask & IN_Q_OVERFLOW)
    {
      for (size_t i = 0; i < w->n_args; i++)
        mark (w, xstrdup (w->args[i]));
      return (int)w->n_args;
    }
  if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
    {
      if (ev->mask & IN_MOVE_SELF)
        inotify_rm_watch (w->fd, ev->wd);
      drop_watch (w, ev->wd, lost);
      return 0;
    }
  for (size_t i = 0; i < w->n; i++)
    if (w->v[i].wd == ev->wd && event_matches (w, &w->v[i], ev))
      hits++;
  return hits;
}

int
pp_watch_read (pp_watch_t *w, char **lost, pp_error_t *err)
{
  char buf[8192] __attribute__ ((aligned (__alignof__(struct inotify_event))));
  int hits = 0;
  for (;;)
    {
      ssize_t len = PP_RETRY (read (w->fd, buf, sizeof buf));
      if (len < 0 && errno == EAGAIN)
        break;
      if (len <= 0)
        return pp_error_make (err, len < 0 ? errno : EIO, "read the inotify events");
      for (char *p = buf; p < buf + len;)
        {
          const struct inotify_event *ev = (const struct inotify_event *)p;
          hits += handle_event (w, ev, lost);
          p += sizeof *ev + ev->len;
        }
    }
  if (w->n == 0)
    return pp_error_make (err, ENOENT, "nothing is left to watch: the folders of the files are gone");
  return hits;
}

char **
pp_watch_take (pp_watch_t *w)
{
  char **v = xrealloc (w->changed, (w->n_changed + 1) * sizeof (char *));
  v[w->n_changed] = NULL;
  w->changed = NULL;
  w->n_changed = 0;
  return v;
}
