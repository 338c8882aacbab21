/* Error objects: made where a call fails, wrapped with context above it, printed once by the CLI. */
#include "core/error.h"

#include <string.h>

int
pp_error_make (pp_error_t *err, int errno_, const char *fmt, ...)
{
  if (err == NULL || *err != NULL)
    return -1;
  char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  struct pp_error_s *e = xzalloc (sizeof *e);
  e->status = errno_;
  e->msg = msg ? msg : xstrdup ("(out of memory formatting an error)");
  *err = e;
  return -1;
}

int
pp_error_wrap (pp_error_t *err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  char *ctx = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    ctx = NULL;
  va_end (ap);
  if (ctx)
    {
      char *msg = xasprintf ("%s: %s", ctx, (*err)->msg);
      free (ctx);
      free ((*err)->msg);
      (*err)->msg = msg;
    }
  return -1;
}

void
pp_error_release (pp_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void
pp_error_print (FILE *out, pp_error_t err)
{
  if (err == NULL)
    return;
  if (err->status)
    fprintf (out, "podplay: %s: %s\n", err->msg, strerror (err->status));
  else
    fprintf (out, "podplay: %s\n", err->msg);
}
