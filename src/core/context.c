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
  ctx->infra_lock = -1;
  ctx->log_level = PP_LOG_WARNING;
  ctx->log_stream = stderr;
  if (geteuid () == 0)
    {
      /* Started by a rootless podplay in the user's namespace (runtime/rootless.h): a monitor, a resolver, a Job
         controller.  Root anywhere else (podplay in a container too) is root as on a host. */
      ctx->in_userns = getenv ("_PODPLAY_ROOTLESS") != NULL && pp_in_user_namespace ();
      /* ...and in the user's pod network (net/infra.h). */
      const char *infra = ctx->in_userns ? getenv ("_PODPLAY_INFRA") : NULL;
      ctx->in_infra = infra != NULL;
      ctx->unprivileged_port_start = infra ? atoi (infra) : 1024;
      ctx->root = xstrdup ("/var/lib/podplay");
      ctx->runroot = xstrdup ("/run/podplay");
      return;
    }
  ctx->rootless = true;
  ctx->root = xdg_dir ("XDG_DATA_HOME", ".local/share", "podplay");
  const char *rt = getenv ("XDG_RUNTIME_DIR");
  ctx->runroot_fallback = !(rt && *rt == '/');
  ctx->runroot = ctx->runroot_fallback ? xasprintf ("/tmp/podplay-%u", (unsigned) geteuid ())
                                       : xasprintf ("%s/podplay", rt);
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
  ctx->runroot_fallback = false;
  ctx->runroot = copy;
}

bool
pp_runtime_known (const char *name)
{
  return strcmp (name, "builtin") == 0 || strcmp (name, "runc") == 0 || strcmp (name, "crun") == 0;
}

void
pp_context_set_runtime (pp_context_t *ctx, const char *runtime)
{
  char *copy = runtime && strcmp (runtime, "builtin") != 0 ? xstrdup (runtime) : NULL;
  free (ctx->runtime);
  ctx->runtime = copy;
}

static char *
trim (char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen (s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

char *
pp_context_config_path (void)
{
  const char *env = getenv ("PODPLAY_CONFIG");
  return env && *env        ? xstrdup (env)
         : geteuid () == 0 ? xstrdup ("/etc/podplay/podplay.conf")
                           : xdg_dir ("XDG_CONFIG_HOME", ".config", "podplay/podplay.conf");
}

int
pp_context_load_config (pp_context_t *ctx, pp_error_t *err)
{
  const char *env = getenv ("PODPLAY_CONFIG");
  cleanup_free char *path = pp_context_config_path ();
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL)
    return errno == ENOENT && !(env && *env) ? 0 : pp_error_make (err, errno, "open `%s`", path);
  char line[4096];
  for (unsigned n = 1; fgets (line, sizeof line, f); n++)
    {
      char *s = trim (line);
      if (*s == '\0' || *s == '#')
        continue;
      char *eq = strchr (s, '=');
      if (eq == NULL)
        return pp_error_make (err, 0, "%s:%u: expected `key = value`", path, n);
      *eq = '\0';
      char *key = trim (s), *value = trim (eq + 1);
      size_t vlen = strlen (value);
      if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"')
        {
          value[vlen - 1] = '\0';
          value++;
        }
      if (strcmp (key, "runtime") == 0)
        {
          if (!pp_runtime_known (value))
            return pp_error_make (err, 0, "%s:%u: runtime: unknown runtime \"%s\": use builtin, runc or crun", path,
                                  n, value);
          pp_context_set_runtime (ctx, value);
        }
      else if (strcmp (key, "root") == 0 && *value == '/')
        pp_context_set_root (ctx, value);
      else if (strcmp (key, "runroot") == 0 && *value == '/')
        pp_context_set_runroot (ctx, value);
      else if (strcmp (key, "pod_subnet") == 0)
        {
          free (ctx->pod_subnet);
          ctx->pod_subnet = xstrdup (value);
        }
      else if (strcmp (key, "pod_subnet6") == 0)
        {
          free (ctx->pod_subnet6);
          ctx->pod_subnet6 = xstrdup (value);
        }
      else if (strcmp (key, "service_subnet") == 0)
        {
          free (ctx->service_subnet);
          ctx->service_subnet = xstrdup (value);
        }
      else if (strcmp (key, "dns_servers") == 0)
        {
          free (ctx->dns_servers);
          ctx->dns_servers = xstrdup (value);
        }
      else if (strcmp (key, "overlay") == 0)
        {
          if (strcmp (value, "kernel") != 0 && strcmp (value, "fuse-overlayfs") != 0 && strcmp (value, "auto") != 0)
            return pp_error_make (err, 0, "%s:%u: overlay: \"%s\": use auto, kernel or fuse-overlayfs", path, n,
                                  value);
          free (ctx->overlay);
          ctx->overlay = strcmp (value, "auto") == 0 ? NULL : xstrdup (value);
        }
      else if (strcmp (key, "root") == 0 || strcmp (key, "runroot") == 0)
        return pp_error_make (err, 0, "%s:%u: %s: needs an absolute path", path, n, key);
      else
        return pp_error_make (err, 0, "%s:%u: unknown key \"%s\" (runtime, root, runroot, pod_subnet, pod_subnet6, service_subnet, "
                              "dns_servers, overlay)", path, n, key);
    }
  return 0;
}

void
pp_context_release (pp_context_t *ctx)
{
  free (ctx->root);
  free (ctx->runroot);
  free (ctx->runtime);
  free (ctx->pod_subnet);
  free (ctx->pod_subnet6);
  free (ctx->service_subnet);
  free (ctx->dns_servers);
  free (ctx->overlay);
  if (ctx->infra_lock >= 0)
    close (ctx->infra_lock);
  ctx->infra_lock = -1;
  ctx->root = ctx->runroot = ctx->runtime = ctx->pod_subnet = ctx->pod_subnet6 = ctx->service_subnet = ctx->dns_servers
      = ctx->overlay = NULL;
}
