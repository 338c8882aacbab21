/* What the schema walker and the per-kind rules share while validating one object. */
#ifndef PP_VCTX_H
#define PP_VCTX_H

#include "core/util.h"
#include "schema/validate.h"

typedef struct
{
  pp_diags_t *diags;
  const char *file;
  uint32_t doc;
  const pp_validate_opts_t *opts;
  pp_buf_t path; /* the field path of the node being checked */
  const pp_kind_info_t *kind;
} pp_vctx_t;

void pp_v_diag (pp_vctx_t *v, pp_severity_t sev, const pp_node_t *at, const char *fmt, ...) PP_PRINTF (4, 5);
#define pp_v_error(v, at, ...) pp_v_diag ((v), PP_DIAG_ERROR, (at), __VA_ARGS__)
#define pp_v_warning(v, at, ...) pp_v_diag ((v), PP_DIAG_WARNING, (at), __VA_ARGS__)

/* Path steps: each returns the length to pop back to. */
size_t pp_v_push_key (pp_vctx_t *v, const char *key);
size_t pp_v_push_index (pp_vctx_t *v, size_t i);
void pp_v_pop (pp_vctx_t *v, size_t len);

/* Cross-field rules of one object, run after the schema walk found its types right. */
void pp_rules_object (pp_vctx_t *v, const pp_node_t *obj);

/* An integer node's value; false for anything else. */
bool pp_v_int (const pp_node_t *node, int64_t *out);

#endif
