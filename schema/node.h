/* The object model: a YAML document as a tree of typed nodes, each knowing its position and, once validated, its schema field. */
#ifndef PP_NODE_H
#define PP_NODE_H

#include "schema/schema.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum
{
  PP_NODE_SCALAR,
  PP_NODE_MAP,
  PP_NODE_SEQ,
} pp_node_type_t;

/* How a scalar resolves under YAML 1.1, as Kubernetes' YAML reader sees it. */
typedef enum
{
  PP_TAG_NULL,
  PP_TAG_BOOL,
  PP_TAG_INT,
  PP_TAG_FLOAT,
  PP_TAG_STR,
} pp_tag_t;

typedef struct pp_node pp_node_t;
typedef struct
{
  pp_node_t *key, *value;
} pp_pair_t;

struct pp_node
{
  uint8_t type;   /* pp_node_type_t */
  uint8_t tag;    /* pp_tag_t, for scalars */
  uint8_t quoted; /* a quoted or block scalar: always a string */
  uint32_t line, col;
  uint32_t n;      /* pairs of a map, items of a sequence */
  uint64_t weight; /* nodes below and including this one, aliases expanded */
  size_t len;      /* of a scalar's text */
  union
  {
    char *str;
    pp_pair_t *pairs;
    pp_node_t **items;
  } u;
  const pp_field_t *field; /* the schema field this node is the value of, once validated */
};

/* Chunked allocation for one document's nodes and strings: freed at once. */
typedef struct pp_arena_chunk pp_arena_chunk_t;
typedef struct
{
  pp_arena_chunk_t *head;
  size_t used, size;
} pp_arena_t;

void *pp_arena_alloc (pp_arena_t *a, size_t size);
char *pp_arena_strndup (pp_arena_t *a, const char *s, size_t len);
void pp_arena_free (pp_arena_t *a);

typedef struct
{
  pp_node_t *root; /* NULL for an empty document */
  const char *file;
  uint32_t index; /* 1-based, in its file */
  uint32_t line;  /* where the document starts */
  pp_arena_t arena;
} pp_doc_t;

void pp_doc_free (pp_doc_t *doc);

/* The value under `key` in a map node, or NULL. */
pp_node_t *pp_node_get (const pp_node_t *map, const char *key);
/* The text of a string scalar, or NULL for anything else (null included). */
const char *pp_node_str (const pp_node_t *node);
bool pp_node_is_null (const pp_node_t *node);
/* A boolean scalar's value: 1 or 0; -1 for anything else (absent included). */
int pp_node_bool (const pp_node_t *node);
/* A node of `type` at `line`:`col` (1-based; 0:0 for one made rather than read), empty, of weight 1, in `a`. */
pp_node_t *pp_node_new (pp_arena_t *a, pp_node_type_t type, uint32_t line, uint32_t col);
/* Sets a sequence's items to a copy, in `a`, of the `n` of `items`. */
void pp_node_set_items (pp_arena_t *a, pp_node_t *seq, pp_node_t *const *items, size_t n);
/* Nodes made rather than read (`kube generate`), in `a`: a string scalar (always read as a string), an integer,
   an empty mapping or sequence.  Their position is 0:0. */
pp_node_t *pp_node_new_str (pp_arena_t *a, const char *s);
pp_node_t *pp_node_new_int (pp_arena_t *a, int64_t v);
pp_node_t *pp_node_new_map (pp_arena_t *a);
pp_node_t *pp_node_new_seq (pp_arena_t *a);
/* Sets `key` of a mapping to `value`, in place of its value when it has one, else after its other keys. */
void pp_node_put (pp_arena_t *a, pp_node_t *map, const char *key, pp_node_t *value);
/* Removes `key` from a mapping, when it has it. */
void pp_node_del (pp_node_t *map, const char *key);
/* Appends `item` to a sequence. */
void pp_node_append (pp_arena_t *a, pp_node_t *seq, pp_node_t *item);

/* "integer", "mapping", ... for messages. */
const char *pp_node_describe (const pp_node_t *node);

#endif
