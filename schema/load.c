/* Loads YAML streams into the object model with libyaml's event parser, refusing what would exhaust memory. */
#include "schema/load.h"
#include "schema/yscan.h"
#include "core/util.h"

#include <string.h>
#include <yaml.h>

/* libyaml's document API builds a whole document before anything can be checked, so 50 MB of `[` would become
   50 million nodes; events let the loader stop at PP_LOAD_MAX_DEPTH and count alias expansion as it goes. */

typedef struct
{
  pp_node_t *node;
  pp_node_t **kids; /* items, or keys and values alternating */
  size_t n, cap;
  char *anchor;
} frame_t;

typedef struct
{
  char *name;
  pp_node_t *node;
} anchor_t;

struct pp_loader
{
  yaml_parser_t parser;
  const char *data;
  size_t len;
  const char *file;
  pp_diags_t *diags;
  pp_doc_t *doc;
  frame_t *stack;
  size_t depth;
  anchor_t *anchors; /* open addressing, power-of-two size */
  size_t n_anchors, anchors_cap;
  uint64_t alias_nodes;
  uint32_t count;
  uint32_t line_base; /* lines before `data` in its file, when a file is read in parts */
  bool done;
  bool fast;         /* podplay's own reader takes documents until it meets one it does not */
  bool parser_ready; /* libyaml reads from here on */
  pp_yscan_t *scan;
  uint32_t fast_count;
};

pp_loader_t *
pp_loader_new (const char *file, const char *data, size_t len, pp_diags_t *diags)
{
  pp_loader_t *l = xzalloc (sizeof *l);
  l->fast = true;
  l->data = data;
  l->len = len;
  l->file = pp_diags_file (diags, file);
  l->diags = diags;
  l->stack = xzalloc ((PP_LOAD_MAX_DEPTH + 1) * sizeof (frame_t));
  return l;
}

uint32_t
pp_loader_fast_count (const pp_loader_t *l)
{
  return l->fast_count;
}

void
pp_loader_set_fast (pp_loader_t *l, bool fast)
{
  /* Only before the first document: the stream is read from the start by whichever reader began. */
  if (l->scan == NULL && !l->parser_ready && l->count == 0)
    l->fast = fast;
}

/* libyaml from `data` on, which is where the document the fast reader gave up on starts. */
static void
start_libyaml (pp_loader_t *l)
{
  if (!yaml_parser_initialize (&l->parser))
    abort ();
  yaml_parser_set_input_string (&l->parser, (const unsigned char *) l->data, l->len);
  l->parser_ready = true;
}

void
pp_loader_set_first_line (pp_loader_t *l, uint32_t line)
{
  l->line_base = line - 1;
}

uint32_t
pp_loader_count (const pp_loader_t *l)
{
  return l->count;
}

static void
anchors_clear (pp_loader_t *l)
{
  for (size_t i = 0; i < l->anchors_cap; i++)
    free (l->anchors[i].name);
  free (l->anchors);
  l->anchors = NULL;
  l->n_anchors = l->anchors_cap = 0;
}

static size_t
hash_str (const char *s)
{
  size_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return h;
}

static anchor_t *
anchor_slot (pp_loader_t *l, const char *name)
{
  size_t mask = l->anchors_cap - 1;
  for (size_t i = hash_str (name) & mask;; i = (i + 1) & mask)
    if (l->anchors[i].name == NULL || strcmp (l->anchors[i].name, name) == 0)
      return &l->anchors[i];
}

static void
anchor_set (pp_loader_t *l, const char *name, pp_node_t *node)
{
  if ((l->n_anchors + 1) * 2 > l->anchors_cap)
    {
      anchor_t *old = l->anchors;
      size_t old_cap = l->anchors_cap;
      l->anchors_cap = old_cap ? old_cap * 2 : 16;
      l->anchors = xzalloc (l->anchors_cap * sizeof (anchor_t));
      for (size_t i = 0; i < old_cap; i++)
        if (old[i].name)
          *anchor_slot (l, old[i].name) = old[i];
      free (old);
    }
  anchor_t *a = anchor_slot (l, name);
  if (a->name == NULL)
    {
      a->name = xstrdup (name);
      l->n_anchors++;
    }
  a->node = node; /* a redefined anchor names the newer node, as YAML says */
}

static pp_node_t *
anchor_get (pp_loader_t *l, const char *name)
{
  if (l->anchors_cap == 0)
    return NULL;
  anchor_t *a = anchor_slot (l, name);
  return a->name ? a->node : NULL;
}

/* Where libyaml's marks count from: it skips a UTF-8 byte order mark, which Windows editors write. */
static size_t
text_start (const pp_loader_t *l)
{
  return l->len >= 3 && memcmp (l->data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* A line ends at "\n", "\r\n" or a lone "\r", as libyaml counts lines. */
static bool
ends_line (const pp_loader_t *l, size_t i)
{
  return l->data[i] == '\n' || (l->data[i] == '\r' && (i + 1 >= l->len || l->data[i + 1] != '\n'));
}

/* The byte offset of a 0-based line and character column. */
static size_t
offset_of (const pp_loader_t *l, size_t line, size_t col)
{
  size_t off = text_start (l);
  for (size_t ln = 0; ln < line && off < l->len; off++)
    if (ends_line (l, off))
      ln++;
  for (size_t c = 0; c < col && off < l->len; c++)
    {
      off++;
      while (off < l->len && ((unsigned char) l->data[off] & 0xC0) == 0x80)
        off++;
    }
  return off;
}

static void
position_of_offset (const pp_loader_t *l, size_t offset, uint32_t *line, uint32_t *col)
{
  uint32_t ln = 1, c = 1;
  for (size_t i = text_start (l); i < offset && i < l->len; i++)
    {
      if (ends_line (l, i))
        ln++, c = 1;
      else if (((unsigned char) l->data[i] & 0xC0) != 0x80)
        c++;
    }
  *line = ln;
  *col = c;
}

/* `line` is the whole file's: callers holding a libyaml mark add line_base. */
static void PP_PRINTF (4, 5) error_at (pp_loader_t *l, uint32_t line, uint32_t col, const char *fmt, ...)
{
  uint32_t doc = l->doc ? l->doc->index : l->count + 1;
  va_list ap;
  va_start (ap, fmt);
  pp_diags_vadd (l->diags, PP_DIAG_ERROR, l->file, doc, line, col, NULL, fmt, ap);
  va_end (ap);
}

static void
report_syntax_error (pp_loader_t *l)
{
  yaml_parser_t *p = &l->parser;
  const char *problem = p->problem ? p->problem : "unknown problem";
  uint32_t line, col;

  if (p->error == YAML_READER_ERROR)
    {
      size_t off = p->problem_offset;
      unsigned value = (unsigned) (p->problem_value & 0xff);
      /* A sequence cut short comes with the value -1, which would read as a 0xff the file does not hold. */
      if (p->problem_value < 0 && off < l->len)
        value = (unsigned char) l->data[off];
      position_of_offset (l, off, &line, &col);
      line += l->line_base;
      char byte[8];
      snprintf (byte, sizeof byte, "0x%02x", value);
      if (strstr (problem, "UTF-8") || strstr (problem, "UTF-16"))
        error_at (l, line, col, "invalid UTF-8 (byte %s): %s; manifests must be UTF-8 text", byte, problem);
      else
        error_at (l, line, col, "%s (byte %s)", problem, byte);
      return;
    }
  if (p->error == YAML_MEMORY_ERROR)
    {
      error_at (l, 1, 1, "out of memory reading YAML");
      return;
    }
  line = (uint32_t) p->problem_mark.line + 1 + l->line_base;
  col = (uint32_t) p->problem_mark.column + 1;
  size_t off = offset_of (l, p->problem_mark.line, p->problem_mark.column);
  char c = off < l->len ? l->data[off] : '\0';
  const char *context = p->context;

  if (context && strstr (context, "quoted scalar") && strstr (problem, "end of stream"))
    {
      error_at (l, (uint32_t) p->context_mark.line + 1 + l->line_base, (uint32_t) p->context_mark.column + 1,
                "unclosed quoted string: the quote opened here is never closed");
      return;
    }
  if (strstr (problem, "cannot start any token") && c == '\t')
    {
      error_at (l, line, col, "tab character: YAML indentation must use spaces");
      return;
    }
  if (strstr (problem, "cannot start any token") && c > ' ' && c < 0x7f)
    {
      error_at (l, line, col, "character '%c' cannot start a plain value; quote the value", c);
      return;
    }
  if (context && p->context_mark.line != p->problem_mark.line)
    {
      error_at (l, line, col, "YAML syntax: %s (%s at line %zu)", problem, context,
                p->context_mark.line + 1 + l->line_base);
      return;
    }
  if (context)
    error_at (l, line, col, "YAML syntax: %s (%s)", problem, context);
  else
    error_at (l, line, col, "YAML syntax: %s", problem);
}

/* YAML 1.1 as go-yaml v2 reads plain scalars: booleans include yes/no/on/off/y/n. */
pp_tag_t
pp_resolve_plain (const char *s, size_t len)
{
  static const char *const nulls[] = { "~", "null", "Null", "NULL" };
  static const char *const bools[] = { "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no",  "No",
                                       "NO",   "true", "True",  "TRUE",  "false", "False", "FALSE", "on", "On",
                                       "ON",   "off",  "Off",   "OFF" };
  if (len == 0)
    return PP_TAG_NULL;
  /* Every null and boolean word starts with one of these: most scalars skip the word lists, and the words
     compared are those of the same first letter (every scalar and key comes here: it showed in profiles). */
  if (len <= 5 && strchr ("~nNyYtTfFoO", s[0]))
    {
      for (size_t i = 0; i < PP_N_ELEMENTS (nulls); i++)
        if (nulls[i][0] == s[0] && strcmp (s, nulls[i]) == 0)
          return PP_TAG_NULL;
      for (size_t i = 0; i < PP_N_ELEMENTS (bools); i++)
        if (bools[i][0] == s[0] && strcmp (s, bools[i]) == 0)
          return PP_TAG_BOOL;
    }
  const char *p = s, *end = s + len;
  if (*p == '+' || *p == '-')
    p++;
  if (p == end)
    return PP_TAG_STR;
  if (end - p >= 3 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b'))
    {
      char base = p[1];
      const char *q = p + 2;
      for (; q < end; q++)
        {
          char c = *q;
          bool ok = c == '_' || (base == 'x' ? (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                                 : base == 'o' ? (c >= '0' && c <= '7')
                                                : (c == '0' || c == '1'));
          if (!ok)
            return PP_TAG_STR;
        }
      return PP_TAG_INT;
    }
  if (*p == '.' && (strcmp (p, ".inf") == 0 || strcmp (p, ".Inf") == 0 || strcmp (p, ".INF") == 0))
    return PP_TAG_FLOAT;
  if (*s == '.' && (strcmp (s, ".nan") == 0 || strcmp (s, ".NaN") == 0 || strcmp (s, ".NAN") == 0))
    return PP_TAG_FLOAT;
  bool digits = false, dot = false, exp = false;
  for (const char *q = p; q < end; q++)
    {
      char c = *q;
      if (c >= '0' && c <= '9')
        digits = true;
      else if (c == '_' && !dot && !exp && digits)
        continue;
      else if (c == '.' && !dot && !exp)
        dot = true;
      else if ((c == 'e' || c == 'E') && digits && !exp)
        {
          exp = true;
          if (q + 1 < end && (q[1] == '+' || q[1] == '-'))
            q++;
          if (q + 1 >= end)
            return PP_TAG_STR;
          digits = false;
        }
      else
        return PP_TAG_STR;
    }
  if (!digits)
    return PP_TAG_STR;
  return dot || exp ? PP_TAG_FLOAT : PP_TAG_INT;
}

pp_tag_t
pp_resolve_scalar (const char *tag, bool plain, const char *s, size_t len)
{
  if (tag && strncmp (tag, "tag:yaml.org,2002:", 18) == 0)
    {
      const char *t = tag + 18;
      if (strcmp (t, "str") == 0 || strcmp (t, "binary") == 0 || strcmp (t, "timestamp") == 0)
        return PP_TAG_STR;
      if (strcmp (t, "int") == 0)
        return PP_TAG_INT;
      if (strcmp (t, "float") == 0)
        return PP_TAG_FLOAT;
      if (strcmp (t, "bool") == 0)
        return PP_TAG_BOOL;
      if (strcmp (t, "null") == 0)
        return PP_TAG_NULL;
    }
  if (tag && strcmp (tag, "!") == 0)
    return PP_TAG_STR;
  if (!plain)
    return PP_TAG_STR;
  return pp_resolve_plain (s, len);
}

static pp_node_t *
new_node (pp_loader_t *l, pp_node_type_t type, const yaml_mark_t *mark)
{
  return pp_node_new (&l->doc->arena, type, (uint32_t) mark->line + 1 + l->line_base, (uint32_t) mark->column + 1);
}

static void
attach (pp_loader_t *l, pp_node_t *node)
{
  if (l->depth == 0)
    {
      l->doc->root = node;
      return;
    }
  frame_t *f = &l->stack[l->depth - 1];
  if (f->n == f->cap)
    {
      f->cap = f->cap ? f->cap * 2 : 8;
      f->kids = xrealloc (f->kids, f->cap * sizeof (pp_node_t *));
    }
  f->kids[f->n++] = node;
  f->node->weight += node->weight;
}

static bool
is_merge_key (const pp_node_t *k)
{
  return k->type == PP_NODE_SCALAR && !k->quoted && strcmp (k->u.str, "<<") == 0;
}

static int
pair_key_cmp (const void *a, const void *b)
{
  const pp_pair_t *x = *(pp_pair_t *const *) a, *y = *(pp_pair_t *const *) b;
  int c = strcmp (x->key->u.str, y->key->u.str);
  if (c)
    return c;
  return x->key->line != y->key->line ? (x->key->line < y->key->line ? -1 : 1)
                                      : (x->key->col < y->key->col ? -1 : x->key->col > y->key->col);
}

static void
report_duplicates (pp_loader_t *l, pp_pair_t *pairs, size_t n)
{
  if (n < 2)
    return;
  cleanup_free pp_pair_t **sorted = xmalloc (n * sizeof (pp_pair_t *));
  for (size_t i = 0; i < n; i++)
    sorted[i] = &pairs[i];
  qsort (sorted, n, sizeof (pp_pair_t *), pair_key_cmp);
  for (size_t i = 1; i < n; i++)
    if (strcmp (sorted[i]->key->u.str, sorted[i - 1]->key->u.str) == 0)
      {
        error_at (l, sorted[i]->key->line, sorted[i]->key->col, "duplicate key '%s' (first defined at line %u)",
                  sorted[i]->key->u.str, sorted[i - 1]->key->line);
      }
}

static bool
has_key (const pp_pair_t *pairs, size_t n, const char *key)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (pairs[i].key->u.str, key) == 0)
      return true;
  return false;
}

/* `<<: *base` and `<<: [*a, *b]` merge keys, which Kubernetes' YAML reader honours: explicit keys win. */
static size_t
merge_into (pp_loader_t *l, pp_pair_t *pairs, size_t n, const pp_node_t *src, const pp_node_t *merge_key)
{
  if (src->type != PP_NODE_MAP)
    {
      /* At the `<<`: an alias shares its anchor's node, whose position is where the anchor is, often fine there. */
      error_at (l, merge_key->line, merge_key->col, "merge key '<<' needs a mapping or a list of mappings");
      return n;
    }
  for (uint32_t i = 0; i < src->n; i++)
    if (!has_key (pairs, n, src->u.pairs[i].key->u.str))
      pairs[n++] = src->u.pairs[i];
  return n;
}

static void
finish_map (pp_loader_t *l, frame_t *f)
{
  pp_node_t *m = f->node;
  size_t n = f->n / 2, cap = n, merges = 0;
  for (size_t i = 0; i < n; i++)
    {
      pp_node_t *k = f->kids[2 * i];
      if (k->type != PP_NODE_SCALAR)
        {
          error_at (l, k->line, k->col, "a mapping key must be a plain value, not %s", pp_node_describe (k));
          return;
        }
      if (is_merge_key (k))
        {
          merges++;
          pp_node_t *v = f->kids[2 * i + 1];
          if (v->type == PP_NODE_MAP)
            cap += v->n;
          else if (v->type == PP_NODE_SEQ)
            for (uint32_t j = 0; j < v->n; j++)
              cap += v->u.items[j]->type == PP_NODE_MAP ? v->u.items[j]->n : 0;
        }
    }
  pp_pair_t *pairs = pp_arena_alloc (&l->doc->arena, (cap ? cap : 1) * sizeof (pp_pair_t));
  size_t np = 0;
  for (size_t i = 0; i < n; i++)
    if (!is_merge_key (f->kids[2 * i]))
      {
        pairs[np].key = f->kids[2 * i];
        pairs[np].value = f->kids[2 * i + 1];
        np++;
      }
  report_duplicates (l, pairs, np);
  for (size_t i = 0; merges && i < n; i++)
    {
      if (!is_merge_key (f->kids[2 * i]))
        continue;
      pp_node_t *v = f->kids[2 * i + 1];
      if (v->type == PP_NODE_SEQ)
        for (uint32_t j = 0; j < v->n; j++)
          np = merge_into (l, pairs, np, v->u.items[j], f->kids[2 * i]);
      else
        np = merge_into (l, pairs, np, v, f->kids[2 * i]);
    }
  m->u.pairs = pairs;
  m->n = (uint32_t) np;
}

static int
push (pp_loader_t *l, const yaml_event_t *e, pp_node_type_t type)
{
  if (l->depth >= PP_LOAD_MAX_DEPTH)
    {
      error_at (l, (uint32_t) e->start_mark.line + 1 + l->line_base, (uint32_t) e->start_mark.column + 1,
                "nesting deeper than %d levels; no Kubernetes object is that deep", PP_LOAD_MAX_DEPTH);
      return -1;
    }
  frame_t *f = &l->stack[l->depth++];
  f->node = new_node (l, type, &e->start_mark);
  f->n = 0;
  const yaml_char_t *anchor = type == PP_NODE_MAP ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
  f->anchor = anchor ? xstrdup ((const char *) anchor) : NULL;
  return 0;
}

static void
pop (pp_loader_t *l)
{
  frame_t *f = &l->stack[--l->depth];
  if (f->node->type == PP_NODE_MAP)
    finish_map (l, f);
  else
    pp_node_set_items (&l->doc->arena, f->node, f->kids, f->n);
  pp_node_t *node = f->node;
  if (f->anchor)
    {
      anchor_set (l, f->anchor, node);
      free (f->anchor);
      f->anchor = NULL;
    }
  attach (l, node);
}

static void
add_scalar (pp_loader_t *l, const yaml_event_t *e)
{
  pp_node_t *n = new_node (l, PP_NODE_SCALAR, &e->start_mark);
  n->len = e->data.scalar.length;
  n->u.str = pp_arena_strndup (&l->doc->arena, (const char *) e->data.scalar.value, n->len);
  n->quoted = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !e->data.scalar.plain_implicit;
  n->tag = (uint8_t) pp_resolve_scalar ((const char *) e->data.scalar.tag, e->data.scalar.plain_implicit, n->u.str,
                                         n->len);
  if (e->data.scalar.anchor)
    anchor_set (l, (const char *) e->data.scalar.anchor, n);
  attach (l, n);
}

/* An alias becomes a copy of its anchor's nodes placed where the alias stands: a problem in that copy is reported
   where the reader sees it used, and every node of the tree has one parent (and one schema field) only.  The copy
   is bounded by PP_LOAD_MAX_ALIAS_NODES, checked before it is made. */
static pp_node_t *
clone_at (pp_loader_t *l, const pp_node_t *src, uint32_t line, uint32_t col)
{
  pp_node_t *n = pp_arena_alloc (&l->doc->arena, sizeof *n);
  *n = *src;
  n->line = line;
  n->col = col;
  if (src->type == PP_NODE_MAP)
    {
      n->u.pairs = pp_arena_alloc (&l->doc->arena, (src->n ? src->n : 1) * sizeof (pp_pair_t));
      for (uint32_t i = 0; i < src->n; i++)
        {
          n->u.pairs[i].key = clone_at (l, src->u.pairs[i].key, line, col);
          n->u.pairs[i].value = clone_at (l, src->u.pairs[i].value, line, col);
        }
    }
  else if (src->type == PP_NODE_SEQ)
    {
      n->u.items = pp_arena_alloc (&l->doc->arena, (src->n ? src->n : 1) * sizeof (pp_node_t *));
      for (uint32_t i = 0; i < src->n; i++)
        n->u.items[i] = clone_at (l, src->u.items[i], line, col);
    }
  return n;
}

static int
add_alias (pp_loader_t *l, const yaml_event_t *e)
{
  const char *name = (const char *) e->data.alias.anchor;
  pp_node_t *target = anchor_get (l, name);
  uint32_t line = (uint32_t) e->start_mark.line + 1 + l->line_base, col = (uint32_t) e->start_mark.column + 1;
  if (target == NULL)
    {
      error_at (l, line, col, "alias '*%s' names no anchor defined before it", name);
      return -1;
    }
  l->alias_nodes += target->weight;
  if (l->alias_nodes > PP_LOAD_MAX_ALIAS_NODES)
    {
      error_at (l, line, col, "aliases expand this document past %d nodes; refusing it (alias bomb?)",
                PP_LOAD_MAX_ALIAS_NODES);
      return -1;
    }
  attach (l, clone_at (l, target, line, col));
  return 0;
}

/* A document that is only `null` (an empty one between two `---`) has no root. */
static int
null_root (pp_doc_t *d)
{
  if (d->root && d->root->type == PP_NODE_SCALAR && d->root->tag == PP_TAG_NULL)
    d->root = NULL;
  return 1;
}

static void
abandon_document (pp_loader_t *l)
{
  while (l->depth)
    {
      frame_t *f = &l->stack[--l->depth];
      free (f->anchor);
      f->anchor = NULL;
    }
  pp_doc_free (l->doc);
  l->doc = NULL;
  anchors_clear (l);
}

/* Duplicate keys from the tree, in the order libyaml's path reports them as its mappings end. */
static void
report_tree_duplicates (pp_loader_t *l, const pp_node_t *n)
{
  if (n->type == PP_NODE_SCALAR)
    return;
  for (uint32_t i = 0; i < n->n; i++)
    report_tree_duplicates (l, n->type == PP_NODE_MAP ? n->u.pairs[i].value : n->u.items[i]);
  if (n->type == PP_NODE_MAP)
    report_duplicates (l, n->u.pairs, n->n);
}

/* The next document from the fast reader: 1, 0 at the end, -1 when it gives up and libyaml goes on from there. */
static int
next_fast (pp_loader_t *l, pp_doc_t **out)
{
  if (l->scan == NULL)
    l->scan = pp_yscan_new (l->data, l->len, l->line_base);
  if (l->scan == NULL)
    return -1;
  pp_doc_t *doc = xzalloc (sizeof (pp_doc_t));
  doc->file = l->file;
  bool dups;
  int ret = pp_yscan_next (l->scan, doc, &dups);
  if (ret <= 0)
    {
      pp_doc_free (doc);
      if (ret < 0)
        {
          size_t offset;
          uint32_t lines;
          pp_yscan_where (l->scan, &offset, &lines);
          l->data += offset;
          l->len -= offset;
          l->line_base += lines;
        }
      return ret;
    }
  doc->index = ++l->count;
  l->fast_count++;
  if (dups)
    {
      l->doc = doc;
      report_tree_duplicates (l, doc->root);
      l->doc = NULL;
    }
  *out = doc;
  return 1;
}

int
pp_loader_next (pp_loader_t *l, pp_doc_t **out)
{
  *out = NULL;
  if (l->fast && !l->done)
    {
      int ret = next_fast (l, out);
      if (ret == 0)
        l->done = true;
      if (ret >= 0)
        return ret == 1 ? null_root (*out) : 0;
      l->fast = false;
      pp_yscan_free (steal_pointer (&l->scan));
    }
  if (!l->done && !l->parser_ready)
    start_libyaml (l);
  while (!l->done)
    {
      yaml_event_t e;
      if (!yaml_parser_parse (&l->parser, &e))
        {
          report_syntax_error (l);
          abandon_document (l);
          l->done = true;
          return -1;
        }
      int ret = 0;
      switch (e.type)
        {
        case YAML_STREAM_END_EVENT:
          l->done = true;
          break;
        case YAML_DOCUMENT_START_EVENT:
          l->doc = xzalloc (sizeof (pp_doc_t));
          l->doc->file = l->file;
          l->doc->index = ++l->count;
          l->doc->line = (uint32_t) e.start_mark.line + 1 + l->line_base;
          l->alias_nodes = 0;
          break;
        case YAML_DOCUMENT_END_EVENT:
          *out = steal_pointer (&l->doc);
          anchors_clear (l);
          ret = 1;
          break;
        case YAML_MAPPING_START_EVENT:
          ret = push (l, &e, PP_NODE_MAP);
          break;
        case YAML_SEQUENCE_START_EVENT:
          ret = push (l, &e, PP_NODE_SEQ);
          break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
          pop (l);
          break;
        case YAML_SCALAR_EVENT:
          add_scalar (l, &e);
          break;
        case YAML_ALIAS_EVENT:
          ret = add_alias (l, &e);
          break;
        default:
          break;
        }
      yaml_event_delete (&e);
      if (ret < 0)
        {
          abandon_document (l);
          l->done = true;
          return -1;
        }
      if (ret == 1)
        return null_root (*out);
    }
  return 0;
}

void
pp_loader_free (pp_loader_t *l)
{
  if (l == NULL)
    return;
  abandon_document (l);
  for (size_t i = 0; i <= PP_LOAD_MAX_DEPTH; i++)
    free (l->stack[i].kids);
  free (l->stack);
  pp_yscan_free (l->scan);
  if (l->parser_ready)
    yaml_parser_delete (&l->parser);
  free (l);
}
