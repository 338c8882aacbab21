/* Collecting, ordering and printing validation diagnostics. */
#include "schema/diag.h"

#include <string.h>

const char *
pp_diags_file (pp_diags_t *d, const char *name)
{
  if (d->n_files && strcmp (d->files[d->n_files - 1], name) == 0)
    return d->files[d->n_files - 1];
  d->files = xrealloc (d->files, (d->n_files + 1) * sizeof (char *));
  d->files[d->n_files] = xstrdup (name);
  return d->files[d->n_files++];
}

void
pp_diags_add (pp_diags_t *d, pp_severity_t sev, const char *file, uint32_t doc, uint32_t line, uint32_t col,
              const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  pp_diags_vadd (d, sev, file, doc, line, col, path, fmt, ap);
  va_end (ap);
}

void
pp_diags_vadd (pp_diags_t *d, pp_severity_t sev, const char *file, uint32_t doc, uint32_t line, uint32_t col,
               const char *path, const char *fmt, va_list ap)
{
  if (d->n == d->cap)
    {
      d->cap = d->cap ? d->cap * 2 : 16;
      d->v = xrealloc (d->v, d->cap * sizeof (pp_diag_t));
    }
  pp_diag_t *g = &d->v[d->n++];
  memset (g, 0, sizeof *g);
  g->severity = sev;
  g->seq = d->n - 1;
  g->file = file;
  g->doc = doc;
  g->line = line;
  g->col = col;
  g->path = path && *path ? xstrdup (path) : NULL;
  if (vasprintf (&g->msg, fmt, ap) < 0)
    g->msg = xstrdup ("?");
  if (sev == PP_DIAG_ERROR)
    d->errors++;
  else if (sev == PP_DIAG_WARNING)
    d->warnings++;
  else
    d->notes++;
}

static int
diag_cmp (const void *a, const void *b)
{
  const pp_diag_t *x = a, *y = b;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
pp_diags_sort_from (pp_diags_t *d, size_t from)
{
  if (from >= d->n)
    return;
  qsort (d->v + from, d->n - from, sizeof (pp_diag_t), diag_cmp);
}

void
pp_diags_set_object (pp_diags_t *d, size_t from, const char *kind, const char *name)
{
  for (size_t i = from; i < d->n; i++)
    {
      if (kind && d->v[i].kind == NULL)
        d->v[i].kind = xstrdup (kind);
      if (name && d->v[i].name == NULL)
        d->v[i].name = xstrdup (name);
    }
}

void
pp_diags_move (pp_diags_t *dst, pp_diags_t *src, uint32_t doc_base)
{
  for (size_t i = 0; i < src->n; i++)
    {
      pp_diag_t *g = &src->v[i];
      pp_diags_add (dst, g->severity, pp_diags_file (dst, g->file), g->doc ? g->doc + doc_base : 0, g->line, g->col,
                    g->path, "%s", g->msg);
      pp_diag_t *ng = &dst->v[dst->n - 1];
      ng->kind = steal_pointer (&g->kind);
      ng->name = steal_pointer (&g->name);
    }
  pp_diags_free (src);
}

void
pp_diags_free (pp_diags_t *d)
{
  for (size_t i = 0; i < d->n; i++)
    {
      free (d->v[i].path);
      free (d->v[i].msg);
      free (d->v[i].kind);
      free (d->v[i].name);
    }
  free (d->v);
  for (size_t i = 0; i < d->n_files; i++)
    free (d->files[i]);
  free (d->files);
  memset (d, 0, sizeof *d);
}

const char *
pp_severity_name (pp_severity_t sev)
{
  return sev == PP_DIAG_ERROR ? "error" : sev == PP_DIAG_WARNING ? "warning" : "note";
}

void
pp_diag_print (FILE *out, const pp_diag_t *g)
{
  if (g->line)
    fprintf (out, "%s:%u:%u: %s: ", g->file, g->line, g->col, pp_severity_name (g->severity));
  else
    fprintf (out, "%s: %s: ", g->file, pp_severity_name (g->severity));
  if (g->path)
    fprintf (out, "%s: ", g->path);
  fprintf (out, "%s\n", g->msg);
}
