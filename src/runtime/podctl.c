/* Pods and containers that exist, acted on from outside: `pod start` and `exec` (see podctl.h). */
#include "runtime/podctl.h"
#include "net/infra.h"
#include "runtime/pod.h"
#include "runtime/rootfs.h"
#include "runtime/runtime.h"
#include "runtime/user.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int
pp_ctr_match (const pp_pod_rec_t *pods, size_t n_pods, pp_container_rec_t *const *cs, const size_t *n_cs,
              const char *what, size_t *pi, size_t *ci, pp_error_t *err)
{
  size_t found = 0, len = strlen (what);
  for (size_t i = 0; i < n_pods; i++)
    for (size_t j = 0; j < n_cs[i]; j++)
      {
        const pp_container_rec_t *c = &cs[i][j];
        cleanup_free char *full = xasprintf ("%s-%s", pods[i].name, c->name);
        if (strcmp (full, what) == 0 || strcmp (c->id, what) == 0)
          {
            *pi = i;
            *ci = j;
            return 0;
          }
        if ((len >= 3 && strncmp (c->id, what, len) == 0) || strcmp (c->name, what) == 0)
          {
            *pi = i;
            *ci = j;
            found++;
          }
      }
  if (found == 1)
    return 0;
  return pp_error_make (err, found ? 0 : ENOENT, found ? "`%s` names more than one container" : "no container `%s`",
                        what);
}

/* The pod and container `what` names, as they are now: a pod whose monitor died is recorded so first. */
static int
lookup (pp_state_t *state, const char *what, pp_pod_rec_t *pod, pp_container_rec_t *ctr, pp_error_t *err)
{
  pp_pod_rec_t *pods = NULL;
  size_t n = 0, pi = 0, ci = 0;
  if (pp_state_pod_list (state, &pods, &n, err) < 0)
    return -1;
  pp_container_rec_t **cs = xzalloc ((n + 1) * sizeof *cs);
  size_t *n_cs = xzalloc ((n + 1) * sizeof *n_cs);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (pp_pod_refresh (state, &pods[i], err) < 0
        || pp_state_container_list (state, pods[i].id, &cs[i], &n_cs[i], err) < 0)
      ret = -1;
  if (ret == 0)
    ret = pp_ctr_match (pods, n, cs, n_cs, what, &pi, &ci, err);
  if (ret == 0)
    {
      *pod = pods[pi];
      *ctr = cs[pi][ci];
      memset (&pods[pi], 0, sizeof pods[pi]);
      memset (&cs[pi][ci], 0, sizeof cs[pi][ci]);
    }
  for (size_t i = 0; i < n; i++)
    pp_container_recs_free (cs[i], n_cs[i]);
  free (cs);
  free (n_cs);
  pp_pod_recs_free (pods, n);
  return ret;
}

/* Whether `cmd` names an executable file in the container (through its PATH when it has no slash), symlinks
   resolved inside the container's root: what a runtime's exec would find. */
static bool
found_in_container (pid_t pid, const char *bundle, const char *cmd)
{
  char rootpath[64];
  snprintf (rootpath, sizeof rootpath, "/proc/%d/root", (int)pid);
  cleanup_close int root = open (rootpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return true; /* the exec says what is wrong */
  cleanup_free char *cfgpath = xasprintf ("%s/config.json", bundle);
  json_t *cfg = json_load_file (cfgpath, 0, NULL);
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t i;
  json_t *e;
  json_array_foreach (json_object_get (json_object_get (cfg, "process"), "env"), i, e)
  {
    const char *v = json_string_value (e);
    if (v && strncmp (v, "PATH=", 5) == 0)
      path = v + 5;
  }
  bool found = false;
  for (const char *d = strchr (cmd, '/') ? "" : path; !found;)
    {
      const char *end = strchr (d, ':');
      size_t n = end ? (size_t)(end - d) : strlen (d);
      cleanup_free char *full = *d || strchr (cmd, '/') ? xasprintf ("%.*s/%s", (int)n, d, cmd) : NULL;
      if (full)
        {
          struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
          int fd = (int)syscall (SYS_openat2, root, full, &how, sizeof how);
          struct stat st;
          found = fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
          if (fd >= 0)
            close (fd);
          if (fd < 0 && errno == ENOSYS)
            found = true;
        }
      if (end == NULL)
        break;
      d = end + 1;
    }
  json_decref (cfg);
  return found;
}

/* The exec proper, once the container is known to run under `rt`. */
static int
exec_in (pp_context_t *ctx, const pp_runtime_t *rt, const pp_container_rec_t *c, const pp_ctr_exec_opts_t *o,
         int *status, pp_error_t *err)
{
  cleanup_free char *bundle = pp_ctr_datadir (ctx, c->id);
  pid_t target = (pid_t)c->pid;
  /* Whatever runs it, a missing command is exit status 127 with Podman's words. */
  if (!found_in_container (target, bundle, o->argv[0]))
    {
      *status = 127;
      return pp_error_make (err, ENOENT, "%s: executable file not found in $PATH", o->argv[0]);
    }
  pp_runtime_exec_t eo = { .stdin = o->interactive, .tty = o->tty };
  if (o->user)
    {
      /* Looked up in the running container's files as they are now, inside its root. */
      char rootfs[64];
      snprintf (rootfs, sizeof rootfs, "/proc/%d/root", (int)target);
      cleanup_close int root_fd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (root_fd < 0 ? pp_error_make (err, errno, "open %s", rootfs)
                      : pp_user_resolve (root_fd, o->user, &eo.uid, &eo.gid, err))
        return pp_error_wrap (err, "container %s", o->container);
      eo.user_set = true;
    }
  pp_runtime_ctr_t rc = { ctx->runroot, c->id, bundle, target };
  if (rt->exec (rt, &rc, o->argv, &eo, status, err) == 0)
    return 0;
  /* As a shell and Podman say it: 127 when the command is not there, 126 when it cannot run; an exec into a
     container that ended meanwhile is refused as one into a stopped container. */
  if (err && *err)
    *status = (*err)->status == ESRCH ? 125 : strstr ((*err)->msg, strerrordesc_np (ENOENT)) ? 127 : 126;
  return -1;
}

int
pp_ctr_lookup (pp_context_t *ctx, const char *what, pp_pod_rec_t *pod, pp_container_rec_t *ctr, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  int ret = lookup (state, what, pod, ctr, err);
  pp_state_close (state);
  return ret;
}

int
pp_ctr_exec (pp_context_t *ctx, const pp_ctr_exec_opts_t *o, int *status, pp_error_t *err)
{
  *status = 125;
  if (o->argv[0] == NULL)
    return pp_error_make (err, EINVAL, "exec needs a command");
  pp_pod_rec_t pod = { 0 };
  pp_container_rec_t c = { 0 };
  int ret = pp_ctr_lookup (ctx, o->container, &pod, &c, err);
  if (ret == 0 && (strcmp (c.status, "Running") != 0 || !pp_ctr_alive (&c)))
    ret = pp_error_make (err, 0, "container %s-%s is not running (%s)", pod.name, c.name, c.status);
  json_t *plan = ret == 0 ? pp_pod_read_plan (ctx, pod.id, err) : NULL;
  const pp_runtime_t *rt = plan ? pp_runtime_find (json_string_value (json_object_get (plan, "runtime")), err) : NULL;
  json_decref (plan);
  if (ret == 0)
    ret = rt ? exec_in (ctx, rt, &c, o, status, err) : -1;
  pp_pod_rec_release (&pod);
  pp_container_rec_release (&c);
  return ret;
}

int
pp_pod_start (pp_context_t *ctx, pp_state_t *state, const pp_pod_rec_t *pod, pp_error_t *err)
{
  if (pp_pod_monitor_alive (pod))
    return 0;
  json_t *plan = pp_pod_read_plan (ctx, pod->id, err);
  if (plan == NULL)
    return -1;
  /* An ordinary user's pod network is in a network namespace of the user's, made anew when it is gone (the run
     root emptied by a logout or a reboot). */
  if (json_object_get (plan, "network") && ctx->rootless && !ctx->in_infra && pp_infra_enter (ctx, true, err) < 0)
    {
      json_decref (plan);
      return pp_error_wrap (err, "pod %s", pod->name);
    }
  const char *hostname = json_string_value (json_object_get (plan, "hostname")) ?: pod->name;
  pp_pod_etc_t etc = { hostname, json_string_value (json_object_get (plan, "hostsExtra")),
                       json_string_value (json_object_get (plan, "resolvConf")),
                       json_string_value (json_object_get (plan, "fqdn")), pp_pod_plan_userns_base (plan),
                       json_object_get (plan, "network") };
  int ret = pp_pod_setup (ctx, pod->id, &etc, err);
  if (ret == 0)
    ret = pp_pod_remount_tmpfs (plan, err);
  if (ret == 0)
    ret = pp_pod_remount_volumes (ctx, plan, err);
  /* A memory-backed emptyDir mounted again belongs to host root until it is given back to the pod's root. */
  if (ret == 0 && etc.userns_base)
    ret = pp_pod_userns_volumes (ctx, pod->id, etc.userns_base, err);
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  if (ret == 0)
    ret = pp_state_container_list (state, pod->id, &cs, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      ret = pp_ctr_mount_rootfs (ctx, cs[i].id, *cs[i].image_id ? cs[i].image_id : cs[i].image, pod->id,
                                 etc.userns_base, err);
      /* A start begins the containers afresh; their restart counts go on. */
      free (cs[i].status);
      cs[i].status = xstrdup ("Created");
      cs[i].exit_code = -1;
      cs[i].pid = 0;
      if (ret == 0)
        ret = pp_state_container_update (state, &cs[i], err);
    }
  pp_container_recs_free (cs, n);
  json_decref (plan);
  if (ret == 0)
    ret = pp_pod_start_monitor (ctx, pod->id, err);
  return ret;
}
