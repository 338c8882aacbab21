/* Log lines go to the context's stream, filtered by its level. */
#include "core/context.h"

#include <string.h>

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
pp_log_level_parse (const char *name)
{
  if (strcmp (name, "warn") == 0)
    return PP_LOG_WARNING;
  for (size_t i = 0; i < PP_N_ELEMENTS (level_names); i++)
    if (strcmp (name, level_names[i]) == 0)
      return (int) i;
  return -1;
}

const char *
pp_log_level_name (pp_log_level_t level)
{
  return level < PP_N_ELEMENTS (level_names) ? level_names[level] : "?";
}

void
pp_debug_step (pp_context_t *ctx, int64_t *since, const char *fmt, ...)
{
  if (ctx == NULL || ctx->log_level < PP_LOG_DEBUG)
    return;
  int64_t now = pp_now_us ();
  FILE *out = ctx->log_stream ? ctx->log_stream : stderr;
  va_list ap;
  va_start (ap, fmt);
  /* One line at a time: the pods of a play are made on several threads. */
  flockfile (out);
  fputs ("podplay: debug: ", out);
  vfprintf (out, fmt, ap);
  fprintf (out, ": %.2f ms\n", (double)(now - *since) / 1000.0);
  funlockfile (out);
  va_end (ap);
  *since = now;
}

void
pp_log (pp_context_t *ctx, pp_log_level_t level, const char *fmt, ...)
{
  if (ctx == NULL || level > ctx->log_level)
    return;
  FILE *out = ctx->log_stream ? ctx->log_stream : stderr;
  va_list ap;
  va_start (ap, fmt);
  flockfile (out);
  fprintf (out, "podplay: %s: ", pp_log_level_name (level));
  vfprintf (out, fmt, ap);
  fputc ('\n', out);
  funlockfile (out);
  va_end (ap);
}
