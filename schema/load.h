/* The YAML loader: libyaml events into the object model, one document at a time, with bounded depth and alias expansion. */
#ifndef PP_LOAD_H
#define PP_LOAD_H

#include "schema/diag.h"
#include "schema/node.h"

#define PP_LOAD_MAX_DEPTH 100
#define PP_LOAD_MAX_ALIAS_NODES 1000000

typedef struct pp_loader pp_loader_t;

/* Reads `len` bytes at `data` (not copied: it must outlive the loader); problems go to `diags` under `file`. */
pp_loader_t *pp_loader_new (const char *file, const char *data, size_t len, pp_diags_t *diags);
/* 1 with the next document in *doc, 0 at the end of the stream, -1 after a syntax error (reported; the stream ends). */
int pp_loader_next (pp_loader_t *l, pp_doc_t **doc);
/* Whether podplay's own reader may take the block-style documents it knows before libyaml (it may, unless told
   otherwise before the first pp_loader_next): tests compare the two. */
void pp_loader_set_fast (pp_loader_t *l, bool fast);
/* Documents the fast reader took. */
uint32_t pp_loader_fast_count (const pp_loader_t *l);
/* When `data` is a part of a file that starts at a later line: positions are reported in the whole file's terms. */
void pp_loader_set_first_line (pp_loader_t *l, uint32_t line);
/* Documents read so far, empty ones included. */
uint32_t pp_loader_count (const pp_loader_t *l);
void pp_loader_free (pp_loader_t *l);

/* The YAML 1.1 type of a plain scalar, as Kubernetes' reader resolves it. */
pp_tag_t pp_resolve_plain (const char *s, size_t len);
/* The type of a scalar `s` of `len` bytes (NUL-terminated): `tag` as written or NULL, `plain` for a plain scalar
   without tag. */
pp_tag_t pp_resolve_scalar (const char *tag, bool plain, const char *s, size_t len);

#endif
