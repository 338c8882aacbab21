/* The manifests a play reads, and what it keeps of them: the workloads and claims as trees, and each ConfigMap
   and Secret only as where it stands in its file, read again when a kept document names it.  A manifest of
   700,000 ConfigMaps held as trees took a gigabyte; as places, a few dozen bytes each, beside the file itself. */
#include "play/plan.h"
#include "schema/load.h"

#include <string.h>

/* A ConfigMap or Secret, where it stands in its file. */
typedef struct
{
  uint64_t name_hash;
  const char *file;            /* the diagnostics' copy of its file's name */
  uint32_t input, index, line; /* its file among the inputs, its number there, its first line */
  uint32_t end_line;           /* where the next document of the file starts, 0 at the end of the file */
  size_t slot;                 /* its place among the documents */
} deferred_t;

/* One load: the play's files, or its --configmap files. */
typedef struct
{
  pp_docs_t *docs; /* a slot per document, NULL for one not kept as a tree */
  size_t cap;
  bool configmaps_only;
  deferred_t *v;
  size_t n, n_cap;
  pp_inputs_t inputs;
  int8_t *plain; /* per input: 1 when its lines are counted as libyaml counts them, -1 when not, 0 not known */
  size_t n_plain;
} loading_t;

/* Whether a file's lines can be found again by counting "\n", "\r\n" and lone "\r": libyaml also breaks lines at
   the Unicode NEL, LS and PS, which a file that holds one keeps its documents as trees for. */
static bool
plain_lines (loading_t *ld, size_t input)
{
  if (input >= ld->n_plain)
    {
      ld->plain = xrealloc (ld->plain, (input + 1) * sizeof *ld->plain);
      memset (ld->plain + ld->n_plain, 0, input + 1 - ld->n_plain);
      ld->n_plain = input + 1;
    }
  if (ld->plain[input] == 0)
    {
      const pp_input_t *in = &ld->inputs.v[input];
      bool odd = memmem (in->data, in->len, "\xc2\x85", 2) || memmem (in->data, in->len, "\xe2\x80\xa8", 3)
                 || memmem (in->data, in->len, "\xe2\x80\xa9", 3);
      ld->plain[input] = odd ? -1 : 1;
    }
  return ld->plain[input] > 0;
}

static uint64_t
hash_str (const char *s, size_t len)
{
  return pp_fnv1a (s, len, PP_FNV_OFFSET) | 1; /* never 0, the empty slot */
}

static void
add_slot (loading_t *ld, pp_doc_t *doc)
{
  if (ld->docs->n == ld->cap)
    {
      ld->cap = ld->cap ? ld->cap * 2 : 64;
      ld->docs->v = xrealloc (ld->docs->v, ld->cap * sizeof (pp_doc_t *));
    }
  ld->docs->v[ld->docs->n++] = doc;
}

static void
defer (loading_t *ld, pp_doc_t *doc, size_t input)
{
  if (ld->n == ld->n_cap)
    {
      ld->n_cap = ld->n_cap ? ld->n_cap * 2 : 64;
      ld->v = xrealloc (ld->v, ld->n_cap * sizeof *ld->v);
    }
  const char *name = pp_plan_str (pp_node_get (doc->root, "metadata"), "name") ?: "";
  ld->v[ld->n++] = (deferred_t){ .name_hash = hash_str (name, strlen (name)),
                                 .file = doc->file,
                                 .input = (uint32_t)input,
                                 .index = doc->index,
                                 .line = doc->line,
                                 .slot = ld->docs->n };
  add_slot (ld, NULL);
  pp_doc_free (doc);
}

/* Each document as it is loaded: a ConfigMap or Secret deferred, a kind play skips dropped (validation named it),
   the rest kept. */
static void
take_doc (void *arg, pp_doc_t *doc, size_t input)
{
  loading_t *ld = arg;
  deferred_t *last = ld->n ? &ld->v[ld->n - 1] : NULL;
  if (last && last->input == input && last->end_line == 0)
    last->end_line = doc->line;
  const char *kind = doc->root ? pp_plan_str (doc->root, "kind") ?: "" : NULL;
  if (kind && (strcmp (kind, "ConfigMap") == 0 || (!ld->configmaps_only && strcmp (kind, "Secret") == 0))
      && plain_lines (ld, input))
    defer (ld, doc, input);
  else if (kind && !ld->configmaps_only && !pp_plan_is_played (kind))
    {
      add_slot (ld, NULL);
      pp_doc_free (doc);
    }
  else
    add_slot (ld, doc);
}

/* The strings of the kept documents, as a set of hashes: a ConfigMap or Secret whose name is none of them is
   named by no pod. */
typedef struct
{
  uint64_t *v;
  size_t cap, n;
} hashset_t;

static void
hashset_add (hashset_t *s, uint64_t h)
{
  if (2 * (s->n + 1) > s->cap)
    {
      hashset_t bigger = { .cap = s->cap ? s->cap * 2 : 256 };
      bigger.v = xzalloc (bigger.cap * sizeof (uint64_t));
      for (size_t i = 0; i < s->cap; i++)
        if (s->v[i])
          hashset_add (&bigger, s->v[i]);
      free (s->v);
      *s = bigger;
    }
  size_t i = h & (s->cap - 1);
  while (s->v[i] && s->v[i] != h)
    i = (i + 1) & (s->cap - 1);
  if (s->v[i] == 0)
    s->n++;
  s->v[i] = h;
}

static bool
hashset_has (const hashset_t *s, uint64_t h)
{
  for (size_t i = s->cap ? h & (s->cap - 1) : 0; s->cap && s->v[i]; i = (i + 1) & (s->cap - 1))
    if (s->v[i] == h)
      return true;
  return false;
}

static void
add_strings (hashset_t *s, const pp_node_t *n)
{
  if (n == NULL)
    return;
  if (n->type == PP_NODE_SCALAR)
    hashset_add (s, hash_str (n->u.str, n->len));
  else if (n->type == PP_NODE_MAP)
    for (size_t i = 0; i < n->n; i++)
      add_strings (s, n->u.pairs[i].value);
  else
    for (size_t i = 0; i < n->n; i++)
      add_strings (s, n->u.items[i]);
}

/* A line ends at "\n", "\r\n" or a lone "\r", as libyaml counts lines. */
static size_t
skip_lines (const pp_input_t *in, size_t off, uint32_t *line, uint32_t to)
{
  for (; *line < to && off < in->len; off++)
    if (in->data[off] == '\n' || (in->data[off] == '\r' && (off + 1 >= in->len || in->data[off + 1] != '\n')))
      (*line)++;
  return off;
}

/* A deferred document read again from its place in its file, validated again (what validation said of it was
   said in the first reading); NULL when what stands there is not it. */
static pp_doc_t *
reread (const pp_input_t *in, const deferred_t *d, size_t start, size_t end, const pp_validate_opts_t *opts)
{
  pp_diags_t again = { 0 };
  pp_loader_t *l = pp_loader_new (d->file, in->data + start, end - start, &again);
  pp_loader_set_first_line (l, d->line);
  pp_doc_t *doc = NULL;
  if (pp_loader_next (l, &doc) > 0)
    {
      pp_validate_doc (doc, opts, &again);
      doc->file = d->file;
      doc->index = d->index;
    }
  pp_loader_free (l);
  pp_diags_free (&again);
  const char *name = doc ? pp_plan_str (pp_node_get (doc->root, "metadata"), "name") : NULL;
  if (name == NULL || doc->line != d->line || hash_str (name, strlen (name)) != d->name_hash)
    {
      pp_doc_free (doc);
      return NULL;
    }
  return doc;
}

/* The deferred documents that a kept document may name, read again into their slots; then the slots of the
   documents not kept go. */
static int
reread_named (loading_t *ld, const hashset_t *names, const pp_validate_opts_t *opts, pp_error_t *err)
{
  size_t k = 0;
  for (uint32_t input = 0; input < ld->inputs.n; input++)
    {
      const pp_input_t *in = &ld->inputs.v[input];
      size_t off = 0;
      uint32_t line = 1;
      for (; k < ld->n && ld->v[k].input == input; k++)
        {
          const deferred_t *d = &ld->v[k];
          if (!hashset_has (names, d->name_hash))
            continue;
          size_t start = off = skip_lines (in, off, &line, d->line);
          size_t end = d->end_line ? skip_lines (in, off, &line, d->end_line) : in->len;
          off = end;
          ld->docs->v[d->slot] = reread (in, d, start, end, opts);
          if (ld->docs->v[d->slot] == NULL)
            return pp_error_make (err, 0,
                                  "%s:%u: document %u cannot be read again where it was: was the file "
                                  "changed during the play?",
                                  d->file, d->line, d->index);
        }
    }
  size_t m = 0;
  for (size_t i = 0; i < ld->docs->n; i++)
    if (ld->docs->v[i])
      ld->docs->v[m++] = ld->docs->v[i];
  ld->docs->n = m;
  return 0;
}

static void
loading_release (loading_t *ld)
{
  free (ld->v);
  free (ld->plain);
  pp_inputs_close (&ld->inputs);
}

int
pp_plan_load (pp_play_t *play, pp_error_t *err)
{
  pp_validate_opts_t vopts = { .empty_pods = play->opts->own_manifest };
  loading_t own = { .docs = &play->docs };
  loading_t cms = { .docs = &play->cm_docs, .configmaps_only = true };
  int ret = pp_manifest_load_each (play->ctx, play->paths, play->n_paths, &vopts, play->diags, take_doc, &own,
                                   &own.inputs, err);
  if (ret == 0 && play->diags->errors == 0 && play->opts->n_configmaps)
    ret = pp_manifest_load_each (play->ctx, play->opts->configmaps, play->opts->n_configmaps, &vopts, play->diags,
                                 take_doc, &cms, &cms.inputs, err);
  if (ret == 0 && play->diags->errors == 0)
    {
      hashset_t names = { 0 };
      for (size_t i = 0; i < play->docs.n; i++)
        if (play->docs.v[i])
          add_strings (&names, play->docs.v[i]->root);
      ret = reread_named (&own, &names, &vopts, err);
      if (ret == 0)
        ret = reread_named (&cms, &names, &vopts, err);
      free (names.v);
      if (ret == 0)
        pp_plan_collect (play);
    }
  loading_release (&own);
  loading_release (&cms);
  if (ret < 0)
    return -1;
  return play->diags->errors ? 1 : 0;
}
