/* Arena allocation and accessors of the object model. */
#include "schema/node.h"
#include "core/util.h"

#include <string.h>
#include <strings.h>

struct pp_arena_chunk
{
  pp_arena_chunk_t *next;
  size_t size;
  _Alignas (16) unsigned char data[];
};

#define ARENA_FIRST 512
#define ARENA_CHUNK (64 * 1024)

void *
pp_arena_alloc (pp_arena_t *a, size_t size)
{
  size = (size + 15) & ~(size_t) 15;
  if (a->head == NULL || a->used + size > a->size)
    {
      /* A document's first chunk is small, each next one twice the last up to 64 KiB: `kube play` keeps every
         document, most are a few hundred bytes, and a 64 KiB chunk each took 4 GB for 700,000 ConfigMaps. */
      size_t next = a->head == NULL ? ARENA_FIRST : a->size < ARENA_CHUNK / 2 ? a->size * 2 : ARENA_CHUNK;
      size_t csize = size > next / 4 ? size : next;
      pp_arena_chunk_t *c = xmalloc (sizeof *c + csize);
      c->size = csize;
      if (a->head && size > next / 4)
        {
          /* A big block gets a chunk of its own behind the current one, so the current one keeps filling. */
          c->next = a->head->next;
          a->head->next = c;
          return c->data;
        }
      c->next = a->head;
      a->head = c;
      a->used = 0;
      a->size = csize;
    }
  void *p = a->head->data + a->used;
  a->used += size;
  return p;
}

char *
pp_arena_strndup (pp_arena_t *a, const char *s, size_t len)
{
  char *p = pp_arena_alloc (a, len + 1);
  memcpy (p, s, len);
  p[len] = '\0';
  return p;
}

void
pp_arena_free (pp_arena_t *a)
{
  pp_arena_chunk_t *c = a->head;
  while (c)
    {
      pp_arena_chunk_t *next = c->next;
      free (c);
      c = next;
    }
  memset (a, 0, sizeof *a);
}

void
pp_doc_free (pp_doc_t *doc)
{
  if (doc == NULL)
    return;
  pp_arena_free (&doc->arena);
  free (doc);
}

pp_node_t *
pp_node_get (const pp_node_t *map, const char *key)
{
  if (map == NULL || map->type != PP_NODE_MAP)
    return NULL;
  for (uint32_t i = 0; i < map->n; i++)
    {
      const pp_node_t *k = map->u.pairs[i].key;
      if (k->type == PP_NODE_SCALAR && k->u.str[0] == key[0] && strcmp (k->u.str, key) == 0)
        return map->u.pairs[i].value;
    }
  return NULL;
}

const char *
pp_node_str (const pp_node_t *node)
{
  if (node == NULL || node->type != PP_NODE_SCALAR || node->tag != PP_TAG_STR)
    return NULL;
  return node->u.str;
}

bool
pp_node_is_null (const pp_node_t *node)
{
  return node == NULL || (node->type == PP_NODE_SCALAR && node->tag == PP_TAG_NULL);
}

int
pp_node_bool (const pp_node_t *node)
{
  if (node == NULL || node->type != PP_NODE_SCALAR || node->tag != PP_TAG_BOOL)
    return -1;
  /* The loader tagged only YAML 1.1's spellings: y, yes, true and on (any case) are the true ones. */
  static const char *const truths[] = { "y", "yes", "true", "on" };
  for (size_t i = 0; i < PP_N_ELEMENTS (truths); i++)
    if (strcasecmp (node->u.str, truths[i]) == 0)
      return 1;
  return 0;
}

const char *
pp_node_describe (const pp_node_t *node)
{
  if (node->type == PP_NODE_MAP)
    return "a mapping";
  if (node->type == PP_NODE_SEQ)
    return "a list";
  switch (node->tag)
    {
    case PP_TAG_NULL:
      return "null";
    case PP_TAG_BOOL:
      return "a boolean";
    case PP_TAG_INT:
      return "an integer";
    case PP_TAG_FLOAT:
      return "a number";
    default:
      return "a string";
    }
}

pp_node_t *
pp_node_new (pp_arena_t *a, pp_node_type_t type, uint32_t line, uint32_t col)
{
  pp_node_t *n = pp_arena_alloc (a, sizeof *n);
  memset (n, 0, sizeof *n);
  n->type = (uint8_t) type;
  n->line = line;
  n->col = col;
  n->weight = 1;
  return n;
}

void
pp_node_set_items (pp_arena_t *a, pp_node_t *seq, pp_node_t *const *items, size_t n)
{
  seq->u.items = pp_arena_alloc (a, (n ? n : 1) * sizeof (pp_node_t *));
  if (n)
    memcpy (seq->u.items, items, n * sizeof (pp_node_t *));
  seq->n = (uint32_t) n;
}

pp_node_t *
pp_node_new_str (pp_arena_t *a, const char *s)
{
  pp_node_t *n = pp_node_new (a, PP_NODE_SCALAR, 0, 0);
  n->tag = PP_TAG_STR;
  n->quoted = 1;
  n->len = strlen (s);
  n->u.str = pp_arena_strndup (a, s, n->len);
  return n;
}

pp_node_t *
pp_node_new_int (pp_arena_t *a, int64_t v)
{
  char text[24];
  snprintf (text, sizeof text, "%lld", (long long) v);
  pp_node_t *n = pp_node_new_str (a, text);
  n->tag = PP_TAG_INT;
  n->quoted = 0;
  return n;
}

pp_node_t *
pp_node_new_map (pp_arena_t *a)
{
  return pp_node_new (a, PP_NODE_MAP, 0, 0);
}

pp_node_t *
pp_node_new_seq (pp_arena_t *a)
{
  return pp_node_new (a, PP_NODE_SEQ, 0, 0);
}

void
pp_node_put (pp_arena_t *a, pp_node_t *map, const char *key, pp_node_t *value)
{
  for (uint32_t i = 0; i < map->n; i++)
    if (map->u.pairs[i].key->type == PP_NODE_SCALAR && strcmp (map->u.pairs[i].key->u.str, key) == 0)
      {
        map->u.pairs[i].value = value;
        return;
      }
  /* The arena does not grow a block: the pairs move to a new one, one longer. */
  pp_pair_t *pairs = pp_arena_alloc (a, (map->n + 1) * sizeof *pairs);
  if (map->n)
    memcpy (pairs, map->u.pairs, map->n * sizeof *pairs);
  pairs[map->n] = (pp_pair_t){ .key = pp_node_new_str (a, key), .value = value };
  map->u.pairs = pairs;
  map->n++;
}

void
pp_node_del (pp_node_t *map, const char *key)
{
  for (uint32_t i = 0; map && map->type == PP_NODE_MAP && i < map->n; i++)
    if (map->u.pairs[i].key->type == PP_NODE_SCALAR && strcmp (map->u.pairs[i].key->u.str, key) == 0)
      {
        memmove (&map->u.pairs[i], &map->u.pairs[i + 1], (map->n - i - 1) * sizeof *map->u.pairs);
        map->n--;
        return;
      }
}

void
pp_node_append (pp_arena_t *a, pp_node_t *seq, pp_node_t *item)
{
  pp_node_t **items = pp_arena_alloc (a, (seq->n + 1) * sizeof *items);
  if (seq->n)
    memcpy (items, seq->u.items, seq->n * sizeof *items);
  items[seq->n++] = item;
  seq->u.items = items;
}
