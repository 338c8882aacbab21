/* Reading manifests from files, directories and stdin, and running the validator over all of them. */
#include "schema/manifest.h"
#include "schema/load.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

static int
read_all (int fd, const char *name, pp_input_t *in, pp_error_t *err)
{
  pp_buf_t b = { 0 };
  char chunk[65536];
  for (;;)
    {
      ssize_t r = PP_RETRY (read (fd, chunk, sizeof chunk));
      if (r < 0)
        {
          pp_buf_free (&b);
          return pp_error_make (err, errno, "read `%s`", name);
        }
      if (r == 0)
        break;
      pp_buf_append (&b, chunk, (size_t) r);
    }
  in->data = b.data ? b.data : xstrdup ("");
  in->len = b.len;
  return 0;
}

int
pp_input_open (const char *path, pp_input_t *in, pp_error_t *err)
{
  memset (in, 0, sizeof *in);
  in->name = xstrdup (path);
  if (strcmp (path, "-") == 0)
    return read_all (STDIN_FILENO, "standard input", in, err);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s`", path);
  struct stat st;
  if (fstat (fd, &st) < 0)
    return pp_error_make (err, errno, "stat `%s`", path);
  if (S_ISDIR (st.st_mode))
    return pp_error_make (err, EISDIR, "read `%s`", path);
  if (S_ISREG (st.st_mode) && st.st_size > 0)
    {
      void *p = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED)
        {
          in->data = p;
          in->len = (size_t) st.st_size;
          in->mapped = true;
          return 0;
        }
    }
  return read_all (fd, path, in, err);
}

void
pp_input_close (pp_input_t *in)
{
  if (in->mapped)
    munmap (in->data, in->len);
  else
    free (in->data);
  free (in->name);
  memset (in, 0, sizeof *in);
}

bool
pp_manifest_name (const char *name)
{
  size_t n = strlen (name);
  if (name[0] == '.')
    return false;
  return (n > 5 && strcmp (name + n - 5, ".yaml") == 0) || (n > 4 && strcmp (name + n - 4, ".yml") == 0)
         || (n > 5 && strcmp (name + n - 5, ".json") == 0);
}

typedef struct
{
  char **v;
  size_t n, cap;
} strv_t;

static void
strv_push (strv_t *s, char *str)
{
  if (s->n == s->cap)
    {
      s->cap = s->cap ? s->cap * 2 : 8;
      s->v = xrealloc (s->v, s->cap * sizeof (char *));
    }
  s->v[s->n++] = str;
}

static int
str_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
expand_dir (const char *dir, bool recursive, strv_t *out, int depth, pp_error_t *err)
{
  if (depth > 32)
    return pp_error_make (err, ELOOP, "read directory `%s`", dir);
  cleanup_dir DIR *d = opendir (dir);
  if (d == NULL)
    return pp_error_make (err, errno, "open directory `%s`", dir);
  strv_t names = { 0 };
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      strv_push (&names, xstrdup (de->d_name));
  if (names.n)
    qsort (names.v, names.n, sizeof (char *), str_cmp);
  int ret = 0;
  for (size_t i = 0; i < names.n; i++)
    {
      char *path = xasprintf ("%s%s%s", dir, dir[strlen (dir) - 1] == '/' ? "" : "/", names.v[i]);
      struct stat st;
      if (ret == 0 && stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        {
          if (recursive && names.v[i][0] != '.')
            ret = expand_dir (path, recursive, out, depth + 1, err);
          free (path);
        }
      else if (ret == 0 && pp_manifest_name (names.v[i]))
        strv_push (out, path);
      else
        free (path);
      free (names.v[i]);
    }
  free (names.v);
  return ret;
}

int
pp_manifest_expand (const char *const *args, size_t n, bool recursive, char ***paths, size_t *n_paths,
                    pp_error_t *err)
{
  strv_t out = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      if (strcmp (args[i], "-") != 0 && stat (args[i], &st) == 0 && S_ISDIR (st.st_mode))
        {
          size_t before = out.n;
          if (expand_dir (args[i], recursive, &out, 0, err) < 0)
            {
              pp_manifest_paths_free (out.v, out.n);
              return -1;
            }
          if (out.n == before)
            {
              pp_manifest_paths_free (out.v, out.n);
              return pp_error_make (err, 0, "directory `%s` holds no .yaml, .yml or .json file", args[i]);
            }
        }
      else
        strv_push (&out, xstrdup (args[i]));
    }
  *paths = out.v;
  *n_paths = out.n;
  return 0;
}

void
pp_manifest_paths_free (char **paths, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (paths[i]);
  free (paths);
}

/* One part of a file, validated by its own thread with its own diagnostics. */
typedef struct
{
  const char *display;
  const char *data;
  size_t len;
  uint32_t first_line;
  const pp_validate_opts_t *opts;
  pp_diags_t diags;
  size_t objects;
  uint32_t documents;
} part_t;

static void *
validate_part (void *arg)
{
  part_t *p = arg;
  pp_loader_t *l = pp_loader_new (p->display, p->data, p->len, &p->diags);
  pp_loader_set_first_line (l, p->first_line);
  pp_doc_t *doc;
  while (pp_loader_next (l, &doc) > 0)
    {
      p->objects += pp_validate_doc (doc, p->opts, &p->diags);
      pp_doc_free (doc);
    }
  p->documents = pp_loader_count (l);
  pp_loader_free (l);
  return NULL;
}

/* The offset of the next line that is a document marker (`---` alone or before a space) at or after `from`. */
static size_t
next_marker (const char *data, size_t len, size_t from)
{
  for (size_t i = from; i + 3 <= len; i++)
    {
      const char *nl = memchr (data + i, '\n', len - i);
      if (nl == NULL)
        break;
      i = (size_t) (nl - data) + 1;
      if (i + 3 <= len && memcmp (data + i, "---", 3) == 0
          && (i + 3 == len || data[i + 3] == '\n' || data[i + 3] == ' ' || data[i + 3] == '\r'))
        return i;
      i--;
    }
  return len;
}

static uint32_t
count_lines (const char *data, size_t len)
{
  uint32_t n = 0;
  for (const char *p = data; (p = memchr (p, '\n', (size_t) (data + len - p))) != NULL; p++)
    n++;
  return n;
}

#define PART_MIN (1024 * 1024)
#define MAX_PARTS 8

/* A big stream of many documents is cut at document markers and its parts validated on every core: documents
   share nothing (anchors and directives end with their document), so the result is the same, sooner. */
static size_t
split_input (const pp_input_t *in, part_t *parts, const char *display, const pp_validate_opts_t *opts)
{
  long cpus = sysconf (_SC_NPROCESSORS_ONLN);
  size_t want = in->len / PART_MIN;
  if (want > (size_t) (cpus > 0 ? cpus : 1))
    want = (size_t) (cpus > 0 ? cpus : 1);
  if (want > MAX_PARTS)
    want = MAX_PARTS;
  if (want < 1)
    want = 1;
  size_t n = 0, start = 0;
  uint32_t line = 1;
  while (start < in->len || n == 0)
    {
      size_t end = n + 1 == want ? in->len : next_marker (in->data, in->len, start + in->len / want);
      parts[n] = (part_t){ .display = display, .data = in->data + start, .len = end - start, .first_line = line,
                           .opts = opts };
      /* The lines of the last part are nobody's first line: counting them would be serial time for nothing. */
      if (end < in->len)
        line += count_lines (in->data + start, end - start);
      n++;
      start = end;
      if (end == in->len)
        break;
    }
  return n;
}

/* A file that yielded no object and no error of its own says so. */
static void
no_object_check (pp_diags_t *diags, const pp_input_t *in, const char *display, size_t objects, size_t errors_before)
{
  if (objects == 0 && diags->errors == errors_before)
    pp_diags_add (diags, PP_DIAG_ERROR, pp_diags_file (diags, display), 0, 1, 1, NULL,
                  in->len == 0 ? "empty file: it holds no Kubernetes object" : "the file holds no Kubernetes object");
}

static void
validate_input (const pp_input_t *in, const pp_validate_opts_t *opts, pp_diags_t *diags, pp_validate_stats_t *stats)
{
  const char *display = strcmp (in->name, "-") == 0 ? "<stdin>" : in->name;
  part_t parts[MAX_PARTS];
  size_t n = split_input (in, parts, display, opts);
  pthread_t threads[MAX_PARTS];
  bool started[MAX_PARTS] = { false };
  for (size_t i = 1; i < n; i++)
    started[i] = pthread_create (&threads[i], NULL, validate_part, &parts[i]) == 0;
  validate_part (&parts[0]);
  for (size_t i = 1; i < n; i++)
    if (started[i])
      pthread_join (threads[i], NULL);
    else
      validate_part (&parts[i]);

  size_t objects = 0, errors = diags->errors;
  uint32_t documents = 0;
  for (size_t i = 0; i < n; i++)
    {
      pp_diags_move (diags, &parts[i].diags, documents);
      objects += parts[i].objects;
      documents += parts[i].documents;
    }
  stats->documents += documents;
  stats->objects += objects;
  no_object_check (diags, in, display, objects, errors);
}

int
pp_validate_files (pp_context_t *ctx, char *const *paths, size_t n, const pp_validate_opts_t *opts,
                   pp_diags_t *diags, pp_validate_stats_t *stats, pp_error_t *err)
{
  memset (stats, 0, sizeof *stats);
  for (size_t i = 0; i < n; i++)
    {
      pp_input_t in;
      if (pp_input_open (paths[i], &in, err) < 0)
        {
          pp_input_close (&in);
          return -1;
        }
      pp_debug (ctx, "validating %s (%zu bytes)", paths[i], in.len);
      validate_input (&in, opts, diags, stats);
      stats->files++;
      pp_input_close (&in);
    }
  return 0;
}

void
pp_docs_free (pp_docs_t *docs)
{
  for (size_t i = 0; i < docs->n; i++)
    pp_doc_free (docs->v[i]);
  free (docs->v);
  memset (docs, 0, sizeof *docs);
}

void
pp_inputs_close (pp_inputs_t *inputs)
{
  for (size_t i = 0; i < inputs->n; i++)
    pp_input_close (&inputs->v[i]);
  free (inputs->v);
  memset (inputs, 0, sizeof *inputs);
}

int
pp_manifest_load_each (pp_context_t *ctx, char *const *paths, size_t n, const pp_validate_opts_t *opts,
                       pp_diags_t *diags, pp_doc_fn fn, void *arg, pp_inputs_t *inputs, pp_error_t *err)
{
  inputs->v = xzalloc ((n + 1) * sizeof *inputs->v);
  for (size_t i = 0; i < n; i++)
    {
      pp_input_t *in = &inputs->v[inputs->n];
      if (pp_input_open (paths[i], in, err) < 0)
        {
          pp_input_close (in);
          return -1;
        }
      inputs->n++;
      pp_debug (ctx, "loading %s (%zu bytes)", paths[i], in->len);
      const char *display = strcmp (in->name, "-") == 0 ? "<stdin>" : in->name;
      size_t objects = 0, errors = diags->errors;
      pp_loader_t *l = pp_loader_new (display, in->data, in->len, diags);
      pp_doc_t *doc;
      while (pp_loader_next (l, &doc) > 0)
        {
          objects += pp_validate_doc (doc, opts, diags);
          fn (arg, doc, i);
        }
      pp_loader_free (l);
      no_object_check (diags, in, display, objects, errors);
    }
  return 0;
}

static void
keep_doc (void *arg, pp_doc_t *doc, size_t input)
{
  pp_docs_t *docs = arg;
  (void) input;
  docs->v = xrealloc (docs->v, (docs->n + 1) * sizeof (pp_doc_t *));
  docs->v[docs->n++] = doc;
}

int
pp_manifest_load (pp_context_t *ctx, char *const *paths, size_t n, const pp_validate_opts_t *opts,
                  pp_diags_t *diags, pp_docs_t *docs, pp_error_t *err)
{
  pp_inputs_t inputs = { 0 };
  int ret = pp_manifest_load_each (ctx, paths, n, opts, diags, keep_doc, docs, &inputs, err);
  pp_inputs_close (&inputs);
  return ret;
}
