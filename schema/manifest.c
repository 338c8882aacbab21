/* Reading manifests from files, directories and stdin, and running the validator over all of them. */
#include "schema/manifest.h"
#include "schema/load.h"

#include <fcntl.h>
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

static bool
is_manifest_name (const char *name)
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
      else if (ret == 0 && is_manifest_name (names.v[i]))
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

static void
validate_input (const pp_input_t *in, const pp_validate_opts_t *opts, pp_diags_t *diags, pp_validate_stats_t *stats)
{
  const char *display = strcmp (in->name, "-") == 0 ? "<stdin>" : in->name;
  pp_loader_t *l = pp_loader_new (display, in->data, in->len, diags);
  size_t objects = 0, errors = diags->errors;
  pp_doc_t *doc;
  while (pp_loader_next (l, &doc) > 0)
    {
      objects += pp_validate_doc (doc, opts, diags);
      pp_doc_free (doc);
    }
  stats->documents += pp_loader_count (l);
  stats->objects += objects;
  if (objects == 0 && diags->errors == errors)
    pp_diags_add (diags, PP_DIAG_ERROR, pp_diags_file (diags, display), 0, 1, 1, NULL,
                  in->len == 0 ? "empty file: it holds no Kubernetes object" : "the file holds no Kubernetes object");
  pp_loader_free (l);
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
