/* Writes OCI runtime bundles (runtime-spec 1.0): process, root, mounts, namespaces, capabilities, masking. */
#include "runtime/bundle.h"
#include "core/capnames.h"
#include "runtime/seccomp.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *const pp_default_capabilities[] = {
  "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE",
  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};


/* Podman's masked and read-only paths under /proc and /sys. */
static const char *const masked_paths[] = {
  "/proc/acpi",        "/proc/kcore",      "/proc/keys",   "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",   "/sys/firmware",       "/sys/fs/selinux",
  "/sys/dev/block",    NULL,
};
static const char *const readonly_paths[] = {
  "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *
cap_name (const char *c)
{
  return strncasecmp (c, "CAP_", 4) == 0 ? c + 4 : c;
}

static bool
in_list (const char *const *list, const char *cap)
{
  for (size_t i = 0; list && list[i]; i++)
    if (strcasecmp (cap_name (list[i]), cap) == 0 || strcasecmp (list[i], "ALL") == 0)
      return true;
  return false;
}

/* The effective set: the default (or every capability when privileged), less drops, plus adds. */
static uint64_t
capability_mask (const pp_bundle_spec_t *spec)
{
  uint64_t mask = 0;
  for (size_t i = 0; pp_capability_names[i]; i++)
    {
      const char *c = pp_capability_names[i];
      bool on = spec->privileged;
      for (size_t k = 0; !on && pp_default_capabilities[k]; k++)
        on = strcmp (pp_default_capabilities[k], c) == 0;
      if (!spec->privileged && in_list (spec->cap_drop, c))
        on = false;
      if (in_list (spec->cap_add, c))
        on = true;
      if (on)
        mask |= 1ULL << i;
    }
  return mask;
}

static json_t *
capability_set (uint64_t mask)
{
  json_t *set = json_array ();
  for (size_t i = 0; pp_capability_names[i]; i++)
    if (mask & (1ULL << i))
      {
        cleanup_free char *name = xasprintf ("CAP_%s", pp_capability_names[i]);
        json_array_append_new (set, json_string (name));
      }
  return set;
}

/* linux.seccomp for the spec, *out NULL when unconfined; Podman's rule: privileged containers run unconfined unless
   a profile file is asked for. */
static int
seccomp_config (const pp_bundle_spec_t *spec, uint64_t caps, json_t **out, pp_error_t *err)
{
  *out = NULL;
  switch (spec->seccomp)
    {
    case PP_SECCOMP_DEFAULT:
      if (!spec->privileged)
        *out = pp_seccomp_default (caps);
      return 0;
    case PP_SECCOMP_UNCONFINED:
      return 0;
    case PP_SECCOMP_LOCALHOST:
      {
        if (spec->seccomp_profile == NULL || *spec->seccomp_profile == '\0' || spec->seccomp_profile_dir == NULL)
          return pp_error_make (err, 0, "a Localhost seccomp profile needs a file and its folder");
        cleanup_close int dir = open (spec->seccomp_profile_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
          return pp_error_make (err, errno, "open the folder `%s`", spec->seccomp_profile_dir);
        *out = pp_seccomp_profile_load (dir, spec->seccomp_profile, caps, err);
        return *out ? 0 : -1;
      }
    }
  return pp_error_make (err, 0, "unknown seccomp choice %d", (int) spec->seccomp);
}

static json_t *
strv_json (const char *const *v)
{
  json_t *a = json_array ();
  for (size_t i = 0; v && v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

static json_t *
const_strv_json (const char *const *v)
{
  json_t *a = json_array ();
  for (size_t i = 0; v[i]; i++)
    json_array_append_new (a, json_string (v[i]));
  return a;
}

static json_t *
mount_json (const char *dest, const char *type, const char *source, const char *options)
{
  json_t *opts = json_array ();
  cleanup_free char *copy = xstrdup (options);
  char *save = NULL;
  for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    json_array_append_new (opts, json_string (o));
  return json_pack ("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source", source, "options", opts);
}

static json_t *
default_mounts (const pp_bundle_spec_t *spec)
{
  json_t *m = json_array ();
  json_array_append_new (m, mount_json ("/proc", "proc", "proc", "nosuid,noexec,nodev"));
  json_array_append_new (m, mount_json ("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
  json_array_append_new (m, mount_json ("/dev/pts", "devpts", "devpts",
                                        "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
  json_array_append_new (m, mount_json ("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
  json_array_append_new (m, mount_json ("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));
  if (spec->sys_bind)
    json_array_append_new (m, mount_json ("/sys", "bind", "/sys", "rbind,nosuid,noexec,nodev,ro"));
  else
    json_array_append_new (m, mount_json ("/sys", "sysfs", "sysfs",
                                          spec->privileged ? "nosuid,noexec,nodev" : "nosuid,noexec,nodev,ro"));
  json_array_append_new (m, mount_json ("/sys/fs/cgroup", "cgroup", "cgroup",
                                        spec->privileged ? "nosuid,noexec,nodev,relatime"
                                                         : "nosuid,noexec,nodev,relatime,ro"));
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const pp_bundle_mount_t *b = &spec->mounts[i];
      cleanup_free char *opts = xasprintf ("rbind,%s,nosuid,nodev%s%s", b->propagation ? b->propagation : "rprivate",
                                           b->noexec ? ",noexec" : "", b->readonly ? ",ro" : "");
      json_array_append_new (m, mount_json (b->destination, "bind", b->source, opts));
    }
  return m;
}

/* linux.rootfsPropagation, as containerd sets it for the mounts' propagation: a mount's copy in the container can
   follow the host's (rslave) or be its peer (rshared) only if the root's mounts are not made private first. */
static const char *
rootfs_propagation (const pp_bundle_spec_t *spec)
{
  const char *root = NULL;
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const char *p = spec->mounts[i].propagation;
      if (p && strcmp (p, "rshared") == 0)
        return "rshared";
      if (p && strcmp (p, "rslave") == 0)
        root = "rslave";
    }
  return root;
}

json_t *
pp_bundle_config (const pp_bundle_spec_t *spec, pp_error_t *err)
{
  if (spec->args == NULL || spec->args[0] == NULL)
    {
      pp_error_make (err, 0, "a container needs a command");
      return NULL;
    }
  uint64_t cap_mask = capability_mask (spec);
  json_t *seccomp;
  if (seccomp_config (spec, cap_mask, &seccomp, err) < 0)
    return NULL;
  json_t *caps = capability_set (cap_mask);
  json_t *groups = json_array ();
  for (size_t i = 0; i < spec->n_groups; i++)
    json_array_append_new (groups, json_integer (spec->groups[i]));
  json_t *process = json_pack ("{s:b, s:{s:I, s:I, s:o}, s:o, s:o, s:s, s:{s:O, s:O, s:O, s:o}, s:b}", "terminal",
                               spec->terminal, "user", "uid", (json_int_t) spec->uid, "gid", (json_int_t) spec->gid,
                               "additionalGids", groups, "args", strv_json (spec->args), "env", strv_json (spec->env),
                               "cwd", spec->cwd && *spec->cwd ? spec->cwd : "/", "capabilities", "bounding", caps,
                               "effective", caps, "permitted", caps, "inheritable", json_array (),
                               "noNewPrivileges", spec->no_new_privileges);
  /* Ambient stays empty: a non-root process keeps only what file capabilities give it, as in Podman. */
  json_decref (caps);
  if (spec->n_rlimits)
    {
      /* Unlimited is the largest value JSON carries here: jansson has no unsigned 64-bit integer for
         RLIM_INFINITY, and runc reads the limits as unsigned, refusing -1. */
      json_t *rl = json_array ();
      for (size_t i = 0; i < spec->n_rlimits; i++)
        {
          int64_t soft = spec->rlimits[i].soft < 0 ? INT64_MAX : spec->rlimits[i].soft;
          int64_t hard = spec->rlimits[i].hard < 0 ? INT64_MAX : spec->rlimits[i].hard;
          json_array_append_new (rl, json_pack ("{s:s, s:I, s:I}", "type", spec->rlimits[i].type, "soft",
                                                (json_int_t) soft, "hard", (json_int_t) hard));
        }
      json_object_set_new (process, "rlimits", rl);
    }
  json_t *ns = json_array ();
  for (size_t i = 0; i < spec->n_namespaces; i++)
    {
      json_t *n = json_pack ("{s:s}", "type", spec->namespaces[i].type);
      if (spec->namespaces[i].path)
        json_object_set_new (n, "path", json_string (spec->namespaces[i].path));
      json_array_append_new (ns, n);
    }
  json_t *resources = json_object ();
  /* A Kubernetes memory limit allows no swap: memory plus swap is the limit itself, as the kubelet asks. */
  if (spec->memory_limit > 0)
    json_object_set_new (resources, "memory", json_pack ("{s:I, s:I}", "limit", (json_int_t) spec->memory_limit,
                                                         "swap", (json_int_t) spec->memory_limit));
  if (spec->cpu_quota > 0 || spec->cpu_shares > 0)
    {
      json_t *cpu = json_object ();
      if (spec->cpu_quota > 0)
        {
          json_object_set_new (cpu, "quota", json_integer (spec->cpu_quota));
          json_object_set_new (cpu, "period", json_integer (spec->cpu_period > 0 ? spec->cpu_period : 100000));
        }
      if (spec->cpu_shares > 0)
        json_object_set_new (cpu, "shares", json_integer ((json_int_t) spec->cpu_shares));
      json_object_set_new (resources, "cpu", cpu);
    }
  if (spec->pids_limit > 0)
    json_object_set_new (resources, "pids", json_pack ("{s:I}", "limit", (json_int_t) spec->pids_limit));
  json_t *linux_ = json_pack ("{s:o, s:o}", "namespaces", ns, "resources", resources);
  /* Unmasked says so with empty lists, as the kubelet does, rather than leaving the runtime its defaults. */
  if (!spec->privileged)
    {
      json_object_set_new (linux_, "maskedPaths", spec->proc_unmasked ? json_array () : const_strv_json (masked_paths));
      json_object_set_new (linux_, "readonlyPaths",
                           spec->proc_unmasked ? json_array () : const_strv_json (readonly_paths));
    }
  if (spec->n_sysctls)
    {
      json_t *sysctl = json_object ();
      for (size_t i = 0; i < spec->n_sysctls; i++)
        json_object_set_new (sysctl, spec->sysctls[i].name, json_string (spec->sysctls[i].value));
      json_object_set_new (linux_, "sysctl", sysctl);
    }
  if (spec->userns_base)
    {
      /* The runtime joins the user namespace the namespaces name; the maps say what it maps. */
      json_t *map = json_pack ("[{s:i, s:I, s:I}]", "containerID", 0, "hostID", (json_int_t) spec->userns_base,
                               "size", (json_int_t) 65536);
      json_object_set_new (linux_, "uidMappings", json_deep_copy (map));
      json_object_set_new (linux_, "gidMappings", map);
    }
  if (spec->cgroups_path)
    json_object_set_new (linux_, "cgroupsPath", json_string (spec->cgroups_path));
  if (rootfs_propagation (spec))
    json_object_set_new (linux_, "rootfsPropagation", json_string (rootfs_propagation (spec)));
  if (seccomp)
    json_object_set_new (linux_, "seccomp", seccomp);
  json_t *config = json_pack ("{s:s, s:o, s:{s:s, s:b}, s:o, s:o}", "ociVersion", "1.0.2", "process", process, "root",
                              "path", spec->root_path ? spec->root_path : "rootfs", "readonly", spec->readonly_rootfs, "mounts", default_mounts (spec),
                              "linux", linux_);
  if (spec->hostname)
    json_object_set_new (config, "hostname", json_string (spec->hostname));
  if (spec->seccomp_cache)
    json_object_set_new (config, "annotations",
                         json_pack ("{s:s}", PP_SECCOMP_CACHE_ANNOTATION, spec->seccomp_cache));
  return config;
}

int
pp_bundle_write (const char *dir, const pp_bundle_spec_t *spec, pp_error_t *err)
{
  json_t *config = pp_bundle_config (spec, err);
  if (config == NULL)
    return -1;
  cleanup_free char *path = xasprintf ("%s/config.json", dir);
  cleanup_free char *tmp = xasprintf ("%s/.config.json.tmp", dir);
  int ret = json_dump_file (config, tmp, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (config);
  if (ret < 0 || rename (tmp, path) < 0)
    {
      unlink (tmp);
      return pp_error_make (err, errno, "write `%s`", path);
    }
  return 0;
}

static size_t
strv_len (const char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

static void
append_json_strings (char ***out, size_t *n, json_t *arr)
{
  size_t i;
  json_t *v;
  json_array_foreach (arr, i, v)
  {
    *out = xrealloc (*out, (*n + 2) * sizeof (char *));
    (*out)[(*n)++] = xstrdup (json_string_value (v) ?: "");
  }
}

static void
append_strv (char ***out, size_t *n, const char *const *v)
{
  for (size_t i = 0; v && v[i]; i++)
    {
      *out = xrealloc (*out, (*n + 2) * sizeof (char *));
      (*out)[(*n)++] = xstrdup (v[i]);
    }
}

char **
pp_bundle_args (json_t *image_config, const char *const *command, const char *const *args, pp_error_t *err)
{
  json_t *cfg = json_object_get (image_config, "config");
  char **out = xzalloc (sizeof (char *));
  size_t n = 0;
  if (strv_len (command))
    append_strv (&out, &n, command);
  else
    append_json_strings (&out, &n, json_object_get (cfg, "Entrypoint"));
  if (strv_len (args))
    append_strv (&out, &n, args);
  else if (!strv_len (command))
    append_json_strings (&out, &n, json_object_get (cfg, "Cmd"));
  out[n] = NULL;
  if (n == 0)
    {
      free (out);
      pp_error_make (err, 0, "no command: the image has no Entrypoint or Cmd, and the container sets none");
      return NULL;
    }
  return out;
}
