/* `podplay info`: how podplay is set up here, as root or as an ordinary user; the text is the JSON as YAML. */
#include "src/cli/cli.h"
#include "runtime/cgroup.h"
#include "runtime/rootless.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static json_t *
id_map (uint32_t self, const pp_idrange_t *r, size_t n)
{
  json_t *a = json_array ();
  pp_idmap_line_t map[PP_SUBID_MAX + 1];
  size_t lines = pp_rootless_map (self, r, n, map);
  for (size_t i = 0; i < lines; i++)
    json_array_append_new (a, json_pack ("{s:I, s:I, s:I}", "container_id", (json_int_t)map[i].inner, "host_id",
                                         (json_int_t)map[i].outer, "size", (json_int_t)map[i].count));
  return a;
}

static const char *
cgroup_version (void)
{
  switch (pp_cgroup_mode ())
    {
    case PP_CGROUP_V2:
      return "v2";
    case PP_CGROUP_HYBRID:
      return "hybrid";
    default:
      return "v1";
    }
}

/* Whether the user may make cgroups with limits: a delegated v2 subtree above its own cgroup, and which of the
   controllers limits need it hands down. */
static void
add_delegation (json_t *host)
{
  const char *base = pp_cgroup_base (), *controllers = pp_cgroup_base_controllers ();
  json_object_set_new (host, "cgroupDelegated", json_boolean (base != NULL));
  if (base)
    json_object_set_new (host, "cgroupBase", json_string (*base ? base : "/"));
  json_object_set_new (host, "cgroupControllers", json_string (controllers));
  bool all = strcmp (controllers, "cpu memory pids") == 0;
  cleanup_free char *applied
      = base ? xasprintf ("applied, under the user's delegated cgroup v2 subtree %s%s", *base ? base : "/",
                          all ? "" : " (for the controllers above only: Delegate= in systemd's user@.service names "
                                     "those it hands down)")
             : NULL;
  json_object_set_new (host, "cgroupLimits",
                       json_string (applied ? applied
                                    : pp_cgroup_mode () != PP_CGROUP_V2
                                        ? "not applied: cgroup v1 controllers are not delegated to users"
                                        : "not applied: no cgroup above the user's own is the user's to write (one "
                                          "under systemd's user@.service, Delegate=yes, is: run podplay from a "
                                          "`systemd-run --user --scope` or a desktop session)"));
}

/* The network a pod gets: root's bridges, or the user-mode stack an ordinary user's pods would use. */
static void
add_network (json_t *host, bool rootless)
{
  if (!rootless)
    {
      json_object_set_new (host, "networkBackend", json_string ("bridge, netlink and nftables (table inet podplay)"));
      return;
    }
  /* The user's bridges and rules in a network namespace of the user's, which slirp4netns connects (net/infra.h). */
  cleanup_free char *path = pp_find_program ("slirp4netns");
  json_object_set_new (host, "networkBackend",
                       json_string (path ? "slirp4netns, to the user's network namespace of bridges and nftables"
                                         : "none: install slirp4netns"));
  if (path)
    json_object_set_new (host, "networkBackendPath", json_string (path));
  json_object_set_new (host, "tunAccess", json_boolean (access ("/dev/net/tun", R_OK | W_OK) == 0));
}

/* The overlay a container's root is (runtime/rootfs.h): the configuration's; else the kernel's as root, and in a
   user namespace from Linux 5.11, fuse-overlayfs before, and for an ordinary user's pods of hostUsers: false. */
static const char *
overlay_kind (const pp_context_t *ctx, const struct utsname *u, char **path)
{
  unsigned major = 0, minor = 0;
  sscanf (u->release, "%u.%u", &major, &minor);
  if (ctx->overlay && strcmp (ctx->overlay, "kernel") == 0)
    return "kernel overlay (the configuration's overlay)";
  *path = pp_find_program ("fuse-overlayfs");
  if (ctx->overlay)
    return *path ? "fuse-overlayfs (the configuration's overlay)" : "none: fuse-overlayfs is not installed";
  if (!ctx->rootless)
    return "kernel overlay";
  if (major > 5 || (major == 5 && minor >= 11))
    return *path ? "kernel overlay, mounted in the user namespace (Linux 5.11 and later); fuse-overlayfs for pods "
                   "of hostUsers: false"
                 : "kernel overlay, mounted in the user namespace (Linux 5.11 and later); pods of hostUsers: false "
                   "need fuse-overlayfs";
  return *path ? "fuse-overlayfs" : "none: Linux before 5.11 needs fuse-overlayfs";
}

static json_t *
gather (pp_context_t *ctx)
{
  struct utsname u;
  uname (&u);
  pp_rootless_ids_t ids;
  pp_rootless_ids (&ids);
  json_t *host = json_pack ("{s:s, s:s, s:I, s:s, s:s}", "mode", ctx->rootless ? "rootless" : "root", "user", ids.user,
                            "uid", (json_int_t)ids.uid, "kernel", u.release, "cgroupVersion", cgroup_version ());
  if (ctx->rootless)
    add_delegation (host);
  json_object_set_new (host, "runtime", json_string (ctx->runtime ? ctx->runtime : "builtin"));
  cleanup_free char *runtime_path = ctx->runtime ? pp_find_program (ctx->runtime) : NULL;
  if (ctx->runtime)
    json_object_set_new (host, "runtimePath", json_string (runtime_path ? runtime_path : "not installed"));
  add_network (host, ctx->rootless);
  if (ctx->rootless)
    {
      cleanup_free char *uidtool = pp_find_program ("newuidmap");
      bool ranges = ids.n_uids > 0 && ids.n_gids > 0 && uidtool;
      json_object_set_new (host, "idMappings",
                           json_pack ("{s:o, s:o}", "uidmap", id_map (ids.uid, ids.uids, ranges ? ids.n_uids : 0),
                                      "gidmap", id_map (ids.gid, ids.gids, ranges ? ids.n_gids : 0)));
    }
  cleanup_free char *fuse = NULL;
  cleanup_free char *config = pp_context_config_path ();
  json_t *store
      = json_pack ("{s:s, s:s, s:s, s:b, s:s}", "graphRoot", ctx->root, "runRoot", ctx->runroot, "configFile", config,
                   "configFileFound", access (config, R_OK) == 0, "overlay", overlay_kind (ctx, &u, &fuse));
  if (fuse)
    json_object_set_new (store, "overlayPath", json_string (fuse));
  return json_pack ("{s:o, s:o}", "host", host, "store", store);
}

/* The JSON as YAML: mappings indented by two, lists of mappings with "- ". */
static void
print_yaml (json_t *v, int indent, bool in_list)
{
  const char *key;
  json_t *item;
  bool first = true;
  json_object_foreach (v, key, item)
  {
    printf ("%*s%s%s:", in_list && first ? indent - 2 : indent, "", in_list && first ? "- " : "", key);
    first = false;
    if (json_is_object (item))
      printf ("\n"), print_yaml (item, indent + 2, false);
    else if (json_is_array (item))
      {
        size_t i;
        json_t *e;
        printf ("\n");
        json_array_foreach (item, i, e) print_yaml (e, indent + 4, true);
      }
    else if (json_is_string (item))
      printf (" %s\n", json_string_value (item)[0] ? json_string_value (item) : "\"\"");
    else if (json_is_integer (item))
      printf (" %lld\n", (long long)json_integer_value (item));
    else
      printf (" %s\n", json_is_true (item) ? "true" : "false");
  }
}

int
pp_cmd_info (pp_cli_t *cli, int argc, char **argv)
{
  bool json = false;
  int st = pp_cli_format_options (cli, argc, argv, &json);
  if (st >= 0)
    return st;
  if (optind < argc)
    return pp_cli_usage_error (cli, "info takes no arguments");
  json_t *info = gather (cli->ctx);
  if (json)
    {
      pp_cli_print_json (info);
      return PP_EXIT_OK;
    }
  print_yaml (info, 0, false);
  json_decref (info);
  return PP_EXIT_OK;
}

int
pp_cmd_unshare (pp_cli_t *cli, int argc, char **argv)
{
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "", NULL)) != -1)
    return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (!cli->ctx->rootless)
    return pp_cli_usage_error (cli, "unshare is for an ordinary user: root's podplay works in no user namespace");
  char *shell = getenv ("SHELL");
  char fallback[] = "/bin/sh";
  char *sh[] = { shell && *shell ? shell : fallback, NULL };
  char **cmd = optind < argc ? argv + optind : sh;
  fflush (stdout);
  execvp (cmd[0], cmd);
  fprintf (stderr, "podplay: unshare: cannot run `%s`: %s\n", cmd[0], strerror (errno));
  return errno == ENOENT ? 127 : 126;
}
