/* Leveled logging to the context's sink; quiet by default, as a CLI should be. */
#ifndef PP_LOG_H
#define PP_LOG_H

#include "core/util.h"

typedef enum
{
  PP_LOG_ERROR,
  PP_LOG_WARNING,
  PP_LOG_INFO,
  PP_LOG_DEBUG,
} pp_log_level_t;

struct pp_context_s;

/* Parses "error", "warn", "warning", "info", "debug"; -1 when unknown. */
int pp_log_level_parse (const char *name);
const char *pp_log_level_name (pp_log_level_t level);
void pp_log (struct pp_context_s *ctx, pp_log_level_t level, const char *fmt, ...) PP_PRINTF (3, 4);

/* At --log-level debug, "WHAT: N.NN ms", the time since `*since` (pp_now_us), which becomes now: how long each
   step of a command took, for its profile.  At other levels, nothing. */
void pp_debug_step (struct pp_context_s *ctx, int64_t *since, const char *fmt, ...) PP_PRINTF (3, 4);

#define pp_debug(ctx, ...) pp_log ((ctx), PP_LOG_DEBUG, __VA_ARGS__)
#define pp_info(ctx, ...) pp_log ((ctx), PP_LOG_INFO, __VA_ARGS__)
#define pp_warning(ctx, ...) pp_log ((ctx), PP_LOG_WARNING, __VA_ARGS__)

#endif
