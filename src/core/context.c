/* Context set-up: default storage roots for root and rootless users. */
#include "core/context.h"

#include <string.h>

static char *
xdg_dir (const char *var, const char *fallback_under_home, const char *leaf)
{
  const char *v = getenv (var);
  if (v && *v == '/')
    return xasprintf ("%s/%s", v, leaf);
  const char *home = getenv ("HOME");
  return xasprintf ("%s/%s/%s", home && *home ? home : "/tmp", fallback_under_home, leaf);
}

void
pp_context_init (pp_context_t *ctx)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->log_level = PP_LOG_WARNING;
  ctx->log_stream = stderr;
  if (geteuid () == 0)
    {
      ctx->root = xstrdup ("/var/lib/podplay");
      ctx->runroot = xstrdup ("/run/podplay");
      return;
    }
  ctx->root = xdg_dir ("XDG_DATA_HOME", ".local/share", "podplay");
  const char *rt = getenv ("XDG_RUNTIME_DIR");
  ctx->runroot = rt && *rt == '/' ? xasprintf ("%s/podplay", rt) : xasprintf ("/tmp/podplay-%u", (unsigned) geteuid ());
}

void
pp_context_set_root (pp_context_t *ctx, const char *root)
{
  char *copy = xstrdup (root); /* before the free: `root` may be ctx->root itself */
  free (ctx->root);
  ctx->root = copy;
}

void
pp_context_set_runroot (pp_context_t *ctx, const char *runroot)
{
  char *copy = xstrdup (runroot); /* before the free: `runroot` may be ctx->runroot itself */
  free (ctx->runroot);
  ctx->runroot = copy;
}

void
pp_context_release (pp_context_t *ctx)
{
  free (ctx->root);
  free (ctx->runroot);
  ctx->root = ctx->runroot = NULL;
}
