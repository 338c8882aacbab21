/* Listings as tables that fit their content: rows of named fields, printed as the default columns or through a
   Go-template-like format (`{{.Names}}`, `table {{.ID}}\t{{.Status}}`) as Podman's `--format` takes it, with each
   column as wide as its widest cell. */
#ifndef PP_TABLE_H
#define PP_TABLE_H

#include "core/error.h"

#include <stdbool.h>
#include <stdio.h>

/* A field of a row: its name in a template ({{.Names}}), its column's header, whether the default table shows it,
   and how many characters of it the default shows unless --no-trunc (0: all; IDs show 12). */
typedef struct
{
  const char *field;
  const char *header;
  bool shown;
  unsigned trunc;
} pp_table_col_t;

typedef struct
{
  const pp_table_col_t *cols;
  size_t n_cols;
  char **cells; /* n_rows * n_cols */
  size_t n_rows;
} pp_table_t;

/* How a listing prints: `format` NULL or "table" for the default columns, else a template; the header row unless
   `noheading` (a template prints one only when it starts with "table"); whole values with `no_trunc`. */
typedef struct
{
  const char *format;
  bool noheading, no_trunc;
} pp_table_opts_t;

void pp_table_init (pp_table_t *t, const pp_table_col_t *cols, size_t n_cols);
/* A row: one value per column, in the columns' order (copied; NULL is ""). */
void pp_table_add (pp_table_t *t, const char *const *values);
/* Checks a template: every {{...}} names a field (`{{.Name}}`, spaces allowed inside the braces).  The error
   names the unknown field and the known ones. */
int pp_table_check_format (const pp_table_col_t *cols, size_t n_cols, const char *format, pp_error_t *err);
/* Prints the table to `out`: each line's tab-separated cells aligned in columns two spaces apart (`\t` and `\n`
   in a template are a tab and a newline). */
int pp_table_print (const pp_table_t *t, const pp_table_opts_t *o, FILE *out, pp_error_t *err);
void pp_table_release (pp_table_t *t);

/* The number of characters (UTF-8 code points) of `s`. */
size_t pp_table_width (const char *s);

#endif
