/* Listings as tables that fit their content (see table.h). */
#include "core/table.h"
#include "core/util.h"

#include <string.h>

void
pp_table_init (pp_table_t *t, const pp_table_col_t *cols, size_t n_cols)
{
  *t = (pp_table_t){ .cols = cols, .n_cols = n_cols };
}

void
pp_table_add (pp_table_t *t, const char *const *values)
{
  t->cells = xrealloc (t->cells, (t->n_rows + 1) * t->n_cols * sizeof (char *));
  for (size_t i = 0; i < t->n_cols; i++)
    t->cells[t->n_rows * t->n_cols + i] = xstrdup (values[i] ? values[i] : "");
  t->n_rows++;
}

void
pp_table_release (pp_table_t *t)
{
  for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
    free (t->cells[i]);
  free (t->cells);
  t->cells = NULL;
  t->n_rows = 0;
}

size_t
pp_table_width (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* The column a {{...}} names (its text from `open` to `close`, the braces excluded); -1 when none. */
static long
field_of (const pp_table_col_t *cols, size_t n_cols, const char *open, const char *close)
{
  while (open < close && *open == ' ')
    open++;
  while (close > open && close[-1] == ' ')
    close--;
  if (open == close || *open != '.')
    return -1;
  open++;
  for (size_t i = 0; i < n_cols; i++)
    if (strlen (cols[i].field) == (size_t)(close - open) && strncmp (cols[i].field, open, (size_t)(close - open)) == 0)
      return (long)i;
  return -1;
}

int
pp_table_check_format (const pp_table_col_t *cols, size_t n_cols, const char *format, pp_error_t *err)
{
  for (const char *p = strstr (format, "{{"); p; p = strstr (p, "{{"))
    {
      const char *end = strstr (p + 2, "}}");
      if (end == NULL)
        return pp_error_make (err, 0, "--format `%s`: a `{{` is not closed", format);
      if (field_of (cols, n_cols, p + 2, end) < 0)
        {
          pp_buf_t known = { 0 };
          for (size_t i = 0; i < n_cols; i++)
            pp_buf_printf (&known, "%s.%s", i ? ", " : "", cols[i].field);
          pp_error_make (err, 0, "--format: no field `%.*s`: the fields are %s", (int)(end - p + 2), p,
                         known.data);
          pp_buf_free (&known);
          return -1;
        }
      p = end + 2;
    }
  return 0;
}

/* `tmpl` with each {{.Field}} replaced by the row's value (row `r`), or by its column's header when `r` is -1, and
   `\t` and `\n` by a tab and a newline. */
static void
render (const pp_table_t *t, const pp_table_opts_t *o, const char *tmpl, long r, pp_buf_t *out)
{
  for (const char *p = tmpl; *p;)
    {
      const char *end = strncmp (p, "{{", 2) == 0 ? strstr (p + 2, "}}") : NULL;
      if (end)
        {
          long c = field_of (t->cols, t->n_cols, p + 2, end);
          const char *v = c < 0 ? "" : r < 0 ? t->cols[c].header : t->cells[(size_t)r * t->n_cols + (size_t)c];
          size_t len = strlen (v);
          if (r >= 0 && c >= 0 && !o->no_trunc && t->cols[c].trunc && len > t->cols[c].trunc)
            len = t->cols[c].trunc;
          pp_buf_append (out, v, len);
          p = end + 2;
        }
      else if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n'))
        {
          pp_buf_append (out, p[1] == 't' ? "\t" : "\n", 1);
          p += 2;
        }
      else
        pp_buf_append (out, p++, 1);
    }
  pp_buf_append (out, "\n", 1);
}

/* Prints `text` (lines of tab-separated cells), each cell but a line's last padded to its column's width and two
   spaces. */
static void
align (char *text, FILE *out)
{
  size_t *widths = NULL, n_widths = 0;
  for (int pass = 0; pass < 2; pass++)
    for (char *line = text; *line;)
      {
        char *eol = strchrnul (line, '\n');
        size_t col = 0;
        for (char *cell = line; cell <= eol; col++)
          {
            char *tab = memchr (cell, '\t', (size_t)(eol - cell));
            char *stop = tab ? tab : eol;
            char saved = *stop;
            *stop = '\0';
            size_t w = pp_table_width (cell);
            if (pass == 0 && tab)
              {
                if (col >= n_widths)
                  {
                    widths = xrealloc (widths, (col + 1) * sizeof *widths);
                    memset (widths + n_widths, 0, (col + 1 - n_widths) * sizeof *widths);
                    n_widths = col + 1;
                  }
                if (w > widths[col])
                  widths[col] = w;
              }
            else if (pass == 1)
              fprintf (out, "%s%*s", cell, tab ? (int)(widths[col] - w + 2) : 0, "");
            *stop = saved;
            if (tab == NULL)
              break;
            cell = tab + 1;
          }
        if (pass == 1)
          fputc ('\n', out);
        line = *eol ? eol + 1 : eol;
      }
  free (widths);
}

int
pp_table_print (const pp_table_t *t, const pp_table_opts_t *o, FILE *out, pp_error_t *err)
{
  const char *format = o->format && strcmp (o->format, "table") != 0 ? o->format : NULL;
  cleanup_free char *deflt = NULL;
  if (format == NULL)
    {
      pp_buf_t b = { 0 };
      pp_buf_puts (&b, "table ");
      for (size_t i = 0; i < t->n_cols; i++)
        if (t->cols[i].shown)
          pp_buf_printf (&b, "%s{{.%s}}", b.len > 6 ? "\t" : "", t->cols[i].field);
      format = deflt = b.data;
    }
  if (pp_table_check_format (t->cols, t->n_cols, format, err) < 0)
    return -1;
  bool table = strncmp (format, "table ", 6) == 0;
  const char *tmpl = table ? format + 6 : format;
  pp_buf_t text = { 0 };
  if (table && !o->noheading)
    render (t, o, tmpl, -1, &text);
  for (size_t r = 0; r < t->n_rows; r++)
    render (t, o, tmpl, (long)r, &text);
  if (text.data)
    align (text.data, out);
  pp_buf_free (&text);
  return 0;
}
