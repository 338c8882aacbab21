/* Diagnostics of a validation run: every problem of every document, with file, position and field path. */
#ifndef PP_DIAG_H
#define PP_DIAG_H

#include "core/util.h"
#include <stdint.h>

typedef enum
{
  PP_DIAG_ERROR,
  PP_DIAG_WARNING,
  PP_DIAG_NOTE,
} pp_severity_t;

typedef struct
{
  pp_severity_t severity;
  uint32_t line, col; /* 1-based; 0 when the whole file is meant */
  uint32_t doc;       /* 1-based document number in the file; 0 for the file */
  const char *file;   /* owned by the diags' file list */
  char *path;         /* field path, e.g. spec.containers[0].name; NULL for syntax */
  char *msg;
  char *kind, *name;  /* of the object, when known */
  size_t seq;         /* order of discovery, to keep sorting stable */
} pp_diag_t;

typedef struct pp_diags_s
{
  pp_diag_t *v;
  size_t n, cap;
  size_t errors, warnings, notes;
  char **files; /* file names the diagnostics point into */
  size_t n_files;
} pp_diags_t;

/* Remembers a file name for the diagnostics to point at; returns the copy. */
const char *pp_diags_file (pp_diags_t *d, const char *name);
void pp_diags_add (pp_diags_t *d, pp_severity_t sev, const char *file, uint32_t doc, uint32_t line, uint32_t col,
                   const char *path, const char *fmt, ...) PP_PRINTF (8, 9);
void pp_diags_vadd (pp_diags_t *d, pp_severity_t sev, const char *file, uint32_t doc, uint32_t line, uint32_t col,
                    const char *path, const char *fmt, va_list ap) PP_PRINTF (8, 0);
/* Sorts diagnostics from index `from` on by position, keeping the order of equal ones. */
void pp_diags_sort_from (pp_diags_t *d, size_t from);
/* Fills kind and name on the diagnostics from `from` on. */
void pp_diags_set_object (pp_diags_t *d, size_t from, const char *kind, const char *name);
/* Moves every diagnostic of `src` to the end of `dst`, adding `doc_base` to their document numbers. */
void pp_diags_move (pp_diags_t *dst, pp_diags_t *src, uint32_t doc_base);
void pp_diags_free (pp_diags_t *d);

const char *pp_severity_name (pp_severity_t sev);
/* gcc style: "file:line:col: error: path: message". */
void pp_diag_print (FILE *out, const pp_diag_t *diag);

#endif
