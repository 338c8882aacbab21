/* The differential check of the YAML loader, shared by its unit test and fuzz target: a text loaded with the fast
   reader and with libyaml alone must give the same documents, trees, positions and diagnostics. */
#ifndef PP_LOAD_DIFF_H
#define PP_LOAD_DIFF_H

#include "schema/load.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  pp_diags_t diags;
  pp_doc_t **docs;
  size_t n;
  int last;
  uint32_t count, fast;
} load_run_t;

static void
load_run (load_run_t *r, const char *data, size_t len, bool fast)
{
  memset (r, 0, sizeof *r);
  pp_loader_t *l = pp_loader_new ("diff.yaml", data, len, &r->diags);
  pp_loader_set_fast (l, fast);
  pp_doc_t *doc;
  while ((r->last = pp_loader_next (l, &doc)) > 0)
    {
      if ((r->n & (r->n - 1)) == 0) /* doubled at each power of two */
        r->docs = xrealloc (r->docs, (r->n ? 2 * r->n : 1) * sizeof (pp_doc_t *));
      r->docs[r->n++] = doc;
    }
  r->count = pp_loader_count (l);
  r->fast = pp_loader_fast_count (l);
  pp_loader_free (l);
}

static void
load_run_free (load_run_t *r)
{
  for (size_t i = 0; i < r->n; i++)
    pp_doc_free (r->docs[i]);
  free (r->docs);
  pp_diags_free (&r->diags);
}

static bool PP_PRINTF (3, 4) say (char *why, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (why, size, fmt, ap);
  va_end (ap);
  return true;
}

/* The first difference of two trees, written into `why`; false when there is none. */
static bool
node_diff (const pp_node_t *a, const pp_node_t *b, char *why, size_t size)
{
  if ((a == NULL) != (b == NULL))
    return say (why, size, "root %s vs %s", a ? "set" : "NULL", b ? "set" : "NULL");
  if (a == NULL)
    return false;
  if (a->type != b->type || a->tag != b->tag || a->quoted != b->quoted || a->line != b->line || a->col != b->col
      || a->n != b->n || a->weight != b->weight || a->len != b->len
      || (a->type == PP_NODE_SCALAR && memcmp (a->u.str, b->u.str, a->len + 1) != 0))
    return say (why, size,
                "node at %u:%u (type %u tag %u quoted %u n %u weight %llu len %zu '%.40s') vs %u:%u (type %u "
                "tag %u quoted %u n %u weight %llu len %zu '%.40s')",
                a->line, a->col, a->type, a->tag, a->quoted, a->n, (unsigned long long) a->weight, a->len,
                a->type == PP_NODE_SCALAR ? a->u.str : "", b->line, b->col, b->type, b->tag, b->quoted, b->n,
                (unsigned long long) b->weight, b->len, b->type == PP_NODE_SCALAR ? b->u.str : "");
  for (uint32_t i = 0; i < a->n; i++)
    if (a->type == PP_NODE_MAP
            ? node_diff (a->u.pairs[i].key, b->u.pairs[i].key, why, size)
                  || node_diff (a->u.pairs[i].value, b->u.pairs[i].value, why, size)
            : node_diff (a->u.items[i], b->u.items[i], why, size))
      return true;
  return false;
}

/* Loads `data` both ways: false when they agree, else true with the difference in `why`.  *fast counts the
   documents the fast reader took. */
static bool
load_diff (const char *data, size_t len, char *why, size_t size, uint32_t *fast)
{
  load_run_t f, s;
  bool differ = false;
  load_run (&f, data, len, true);
  load_run (&s, data, len, false);
  *fast = f.fast;
  if (s.fast != 0)
    differ = say (why, size, "the fast reader took documents when told not to");
  else if (f.n != s.n || f.last != s.last || f.count != s.count)
    differ = say (why, size, "documents %zu/%d/%u vs %zu/%d/%u", f.n, f.last, f.count, s.n, s.last, s.count);
  for (size_t i = 0; !differ && i < f.n; i++)
    {
      if (f.docs[i]->index != s.docs[i]->index || f.docs[i]->line != s.docs[i]->line)
        differ = say (why, size, "document %zu: index %u line %u vs index %u line %u", i + 1, f.docs[i]->index,
                           f.docs[i]->line, s.docs[i]->index, s.docs[i]->line);
      else
        differ = node_diff (f.docs[i]->root, s.docs[i]->root, why, size);
    }
  if (!differ && f.diags.n != s.diags.n)
    differ = say (why, size, "%zu diagnostics vs %zu", f.diags.n, s.diags.n);
  for (size_t i = 0; !differ && i < f.diags.n; i++)
    {
      const pp_diag_t *x = &f.diags.v[i], *y = &s.diags.v[i];
      if (x->severity != y->severity || x->line != y->line || x->col != y->col || x->doc != y->doc
          || strcmp (x->msg, y->msg) != 0)
        differ = say (why, size, "diagnostic %u:%u doc %u '%s' vs %u:%u doc %u '%s'", x->line, x->col, x->doc,
                           x->msg, y->line, y->col, y->doc, y->msg);
    }
  load_run_free (&f);
  load_run_free (&s);
  return differ;
}

#endif
