/* hostPorts and --publish: what each pod publishes on the host, checked before anything is created: SCTP refused,
   no port twice in the play, none a pod of another play publishes, none a process of the host holds (named, when
   /proc tells which). */
#include "play/plan.h"
#include "net/infra.h"
#include "net/ip.h"
#include "runtime/pod.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct
{
  const char *proto, *host_ip; /* "TCP" or "UDP"; "" for every address */
  int64_t host_port, ctr_port;
  const pp_node_t *at; /* where the manifest says it, NULL for --publish */
} port_t;

static json_t *
port_json (const port_t *p)
{
  return json_pack ("{s:s, s:s, s:I, s:I}", "protocol", p->proto, "hostIP", p->host_ip, "hostPort",
                    (json_int_t)p->host_port, "containerPort", (json_int_t)p->ctr_port);
}

/* Whether two published ports take the same place on the host: protocol, port, and addresses that meet. */
static bool
clash (json_t *a, json_t *b)
{
  const char *ia = json_string_value (json_object_get (a, "hostIP")) ?: "";
  const char *ib = json_string_value (json_object_get (b, "hostIP")) ?: "";
  return json_integer_value (json_object_get (a, "hostPort")) == json_integer_value (json_object_get (b, "hostPort"))
         && strcmp (json_string_value (json_object_get (a, "protocol")) ?: "",
                    json_string_value (json_object_get (b, "protocol")) ?: "")
                == 0
         && (!*ia || !*ib || strcmp (ia, ib) == 0);
}

/* An ordinary user binds no port under the host's floor (`floor`, 0 for root): not as a hostPort, which the
   user's slirp4netns binds, nor in a hostNetwork pod, whose container binds its containerPort itself. */
static int
check_floor (const pp_pod_plan_t *p, const pp_node_t *pn, const char *field, int64_t port, int floor,
             pp_error_t *err)
{
  if (port <= 0 || port >= floor)
    return 0;
  return pp_error_make (err, EACCES,
                        "%s:%u:%u: pod %s: %s %lld: an ordinary user may bind ports from %d up "
                        "(net.ipv4.ip_unprivileged_port_start)%s: nothing was created",
                        p->doc->file, pn->line, pn->col, p->name, field, (long long)port, floor,
                        strcmp (field, "containerPort") == 0 ? ", and a hostNetwork pod's container binds it on the host"
                                                             : "");
}

/* The ports the pod's containers publish (hostPort above 0), from the spec; `floor` as for check_floor. */
static int
spec_ports (const pp_pod_plan_t *p, int floor, json_t *out, pp_error_t *err)
{
  bool host_net = pp_plan_bool (p->spec, "hostNetwork");
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t l = 0; l < PP_N_ELEMENTS (lists); l++)
    {
      const pp_node_t *cs = pp_node_get (p->spec, lists[l]);
      for (size_t i = 0; cs && cs->type == PP_NODE_SEQ && i < cs->n; i++)
        {
          const pp_node_t *ports = pp_node_get (cs->u.items[i], "ports");
          for (size_t k = 0; ports && ports->type == PP_NODE_SEQ && k < ports->n; k++)
            {
              const pp_node_t *pn = ports->u.items[k];
              port_t pt = { pp_plan_str (pn, "protocol") ?: "TCP", pp_plan_str (pn, "hostIP") ?: "", 0, 0, pn };
              pp_plan_int (pn, "containerPort", &pt.ctr_port);
              if (host_net && check_floor (p, pn, "containerPort", pt.ctr_port, floor, err) < 0)
                return -1;
              if (!pp_plan_int (pn, "hostPort", &pt.host_port) || pt.host_port <= 0)
                continue;
              /* A Job's pods publish nothing (pp_plan_check_ports): its hostPorts are dropped, not refused. */
              if (!p->job && check_floor (p, pn, "hostPort", pt.host_port, floor, err) < 0)
                return -1;
              if (strcmp (pt.proto, "SCTP") == 0)
                return pp_error_make (err, EINVAL,
                                      "%s:%u:%u: pod %s: hostPort %lld/SCTP: podplay publishes TCP and UDP ports only",
                                      p->doc->file, pn->line, pn->col, p->name, (long long)pt.host_port);
              if (strcmp (pt.host_ip, "0.0.0.0") == 0 || strcmp (pt.host_ip, "::") == 0)
                pt.host_ip = "";
              pp_ip_t ip;
              if (*pt.host_ip && (!pp_ip_parse (pt.host_ip, &ip) || ip.family != AF_INET))
                return pp_error_make (err, EINVAL, "%s:%u:%u: pod %s: hostIP %s: podplay publishes on IPv4 addresses",
                                      p->doc->file, pn->line, pn->col, p->name, pt.host_ip);
              json_array_append_new (out, port_json (&pt));
            }
        }
    }
  return 0;
}

/* --publish [IP:]HOST:CTR[/PROTO]: a port the manifest declares (containerPort and protocol) gets that hostPort;
   another is added. */
static int
parse_publish (const char *spec, port_t *pt, char ip[PP_IP_STRLEN], pp_error_t *err)
{
  char buf[128];
  snprintf (buf, sizeof buf, "%s", spec);
  char *slash = strchr (buf, '/');
  pt->proto = "TCP";
  if (slash)
    {
      *slash = '\0';
      pt->proto = strcasecmp (slash + 1, "tcp") == 0 ? "TCP" : strcasecmp (slash + 1, "udp") == 0 ? "UDP" : NULL;
    }
  char *last = strrchr (buf, ':');
  char *first = last ? memrchr (buf, ':', (size_t)(last - buf)) : NULL;
  *ip = '\0';
  if (first)
    {
      *first = '\0';
      if (strlen (buf) >= PP_IP_STRLEN)
        return pp_error_make (err, EINVAL, "--publish %s: expected [IPv4:]HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
      memcpy (ip, buf, strlen (buf) + 1);
    }
  char *host = first ? first + 1 : buf;
  char *end1 = NULL, *end2 = NULL;
  if (last)
    *last = '\0';
  long h = last ? strtol (host, &end1, 10) : 0, c = last ? strtol (last + 1, &end2, 10) : 0;
  pp_ip_t addr;
  if (pt->proto == NULL || !last || *end1 || *end2 || h < 1 || h > 65535 || c < 1 || c > 65535
      || (*ip && (!pp_ip_parse (ip, &addr) || addr.family != AF_INET)))
    return pp_error_make (err, EINVAL, "--publish %s: expected [IPv4:]HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
  pt->host_ip = strcmp (ip, "0.0.0.0") == 0 ? "" : ip;
  pt->host_port = h;
  pt->ctr_port = c;
  return 0;
}

int
pp_publish_parse (const char *spec, const char **proto, char ip[PP_IP_STRLEN], int64_t *host_port, int64_t *ctr_port,
                  pp_error_t *err)
{
  port_t pt;
  if (parse_publish (spec, &pt, ip, err) < 0)
    return -1;
  *proto = pt.proto;
  if (*pt.host_ip == '\0')
    *ip = '\0';
  *host_port = pt.host_port;
  *ctr_port = pt.ctr_port;
  return 0;
}

static bool
declares (const pp_pod_plan_t *p, int64_t ctr_port, const char *proto)
{
  const pp_node_t *cs = pp_node_get (p->spec, "containers");
  for (size_t i = 0; cs && cs->type == PP_NODE_SEQ && i < cs->n; i++)
    {
      const pp_node_t *ports = pp_node_get (cs->u.items[i], "ports");
      for (size_t k = 0; ports && ports->type == PP_NODE_SEQ && k < ports->n; k++)
        {
          int64_t cp = 0;
          if (pp_plan_int (ports->u.items[k], "containerPort", &cp) && cp == ctr_port
              && strcmp (pp_plan_str (ports->u.items[k], "protocol") ?: "TCP", proto) == 0)
            return true;
        }
    }
  return false;
}

static int
apply_publish (pp_play_t *play, pp_error_t *err)
{
  for (size_t k = 0; k < play->opts->n_publish; k++)
    {
      port_t pt = { 0 };
      char ip[PP_IP_STRLEN];
      if (parse_publish (play->opts->publish[k], &pt, ip, err) < 0)
        return -1;
      pp_pod_plan_t *target = NULL;
      for (size_t i = 0; i < play->n && target == NULL; i++)
        if (!play->pods[i].job && declares (&play->pods[i], pt.ctr_port, pt.proto))
          target = &play->pods[i];
      for (size_t i = 0; i < play->n && target == NULL; i++)
        if (!play->pods[i].job)
          target = &play->pods[i];
      if (target == NULL)
        return pp_error_make (err, EINVAL, "--publish %s: the play has no pod to publish it", play->opts->publish[k]);
      /* It overrides the hostPort of the same container port and protocol. */
      size_t i;
      json_t *v;
      json_array_foreach (target->ports, i, v)
      {
        if (json_integer_value (json_object_get (v, "containerPort")) == pt.ctr_port
            && strcmp (json_string_value (json_object_get (v, "protocol")), pt.proto) == 0)
          {
            json_array_remove (target->ports, i);
            break;
          }
      }
      json_array_append_new (target->ports, port_json (&pt));
    }
  return 0;
}

/* The process that holds `port` of `proto` (by the socket's inode in /proc/net, then /proc/PID/fd), as
   " by process PID (COMM)", or "". */
static char *
port_holder (const char *proto, int64_t port)
{
  static const char *const tcp[] = { "/proc/net/tcp", "/proc/net/tcp6" }, *const udp[]
                                                                          = { "/proc/net/udp", "/proc/net/udp6" };
  const char *const *files = strcmp (proto, "UDP") == 0 ? udp : tcp;
  unsigned long inode = 0;
  for (size_t f = 0; f < 2 && inode == 0; f++)
    {
      cleanup_file FILE *fp = fopen (files[f], "re");
      char line[512];
      while (fp && inode == 0 && fgets (line, sizeof line, fp))
        {
          unsigned lport, st;
          unsigned long ino;
          if (sscanf (line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*s %*s %*s %*s %*s %lu", &lport, &st, &ino)
                  == 3
              && lport == port && (strcmp (proto, "UDP") == 0 || st == 0x0A))
            inode = ino;
        }
    }
  if (inode == 0)
    return xstrdup ("");
  char want[64];
  snprintf (want, sizeof want, "socket:[%lu]", inode);
  cleanup_dir DIR *proc = opendir ("/proc");
  struct dirent *de;
  while (proc && (de = readdir (proc)) != NULL)
    {
      if (de->d_name[0] < '0' || de->d_name[0] > '9')
        continue;
      cleanup_free char *fds = xasprintf ("/proc/%s/fd", de->d_name);
      cleanup_dir DIR *d = opendir (fds);
      struct dirent *fe;
      while (d && (fe = readdir (d)) != NULL)
        {
          char target[64];
          cleanup_free char *link = xasprintf ("%s/%s", fds, fe->d_name);
          ssize_t n = readlink (link, target, sizeof target - 1);
          if (n <= 0)
            continue;
          target[n] = '\0';
          if (strcmp (target, want) == 0)
            {
              char comm[64] = "";
              cleanup_free char *cpath = xasprintf ("/proc/%s/comm", de->d_name);
              cleanup_file FILE *c = fopen (cpath, "re");
              if (c && fgets (comm, sizeof comm, c))
                comm[strcspn (comm, "\n")] = '\0';
              return xasprintf (" by process %s (%s)", de->d_name, comm);
            }
        }
    }
  return xstrdup ("");
}

int
pp_port_host_taken (const char *proto, const char *ip, int64_t port, char **holder)
{
  *holder = NULL;
  cleanup_close int s = socket (AF_INET, (strcmp (proto, "UDP") == 0 ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  int one = 1;
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((uint16_t)port) };
  if (ip && *ip)
    inet_pton (AF_INET, ip, &sa.sin_addr);
  /* A connection in TIME_WAIT does not hold the port; a listener does. */
  if (s < 0 || setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
    return -1;
  if (bind (s, (struct sockaddr *)&sa, sizeof sa) == 0)
    return 0;
  if (errno != EADDRINUSE)
    return -1;
  *holder = port_holder (proto, port);
  return 1;
}

/* Whether a process of the host holds the port: a bind there fails. */
static int
check_host_free (const pp_pod_plan_t *p, json_t *port, pp_error_t *err)
{
  const char *proto = json_string_value (json_object_get (port, "protocol"));
  const char *ip = json_string_value (json_object_get (port, "hostIP")) ?: "";
  int64_t hp = json_integer_value (json_object_get (port, "hostPort"));
  cleanup_free char *holder = NULL;
  int taken = pp_port_host_taken (proto, ip, hp, &holder);
  if (taken == 0)
    return 0;
  if (taken < 0 && errno == EACCES)
    {
      /* An ordinary user (whose slirp4netns binds the port here): the floor names the setting that moves it. */
      int floor = pp_infra_port_floor ();
      return pp_error_make (err, EACCES,
                            "pod %s: hostPort %lld: an ordinary user may publish ports from %d up "
                            "(net.ipv4.ip_unprivileged_port_start): nothing was created",
                            p->name, (long long)hp, floor);
    }
  if (taken < 0)
    return pp_error_make (err, errno, "pod %s: hostPort %lld/%s: check that it is free", p->name, (long long)hp, proto);
  return pp_error_make (err, EADDRINUSE, "pod %s: hostPort %lld/%s%s%s is taken%s: nothing was created", p->name,
                        (long long)hp, proto, *ip ? " on " : "", ip, holder);
}

/* Whether a recorded pod is the play's: of the same file (the play keeps it, and it is in the play; replaces it;
   or removes it), or one the play replaces. */
static bool
ours (const pp_play_t *play, const pp_pod_rec_t *pod)
{
  for (size_t k = 0; k < play->n; k++)
    if ((pod->play_file && play->pods[k].play_file && strcmp (pod->play_file, play->pods[k].play_file) == 0)
        || (play->pods[k].existing && strcmp (play->pods[k].existing, pod->id) == 0))
      return true;
  return false;
}

/* The pod the play replaces or removes that publishes the port, or NULL: the play takes it over (an ordinary
   user's slirp4netns holds it on the host meanwhile, and hands its forward to the new pod). */
static const char *
ours_publish (pp_play_t *play, json_t *port, pp_pod_rec_t *pods, size_t n, json_t **plans)
{
  for (size_t i = 0; i < n; i++)
    {
      size_t j;
      json_t *q;
      if (ours (play, &pods[i]))
        json_array_foreach (json_object_get (json_object_get (plans[i], "network"), "ports"), j, q)
        {
          if (clash (port, q))
            return pods[i].id;
        }
    }
  return NULL;
}

/* Whether a pod of another play (or one this play does not replace) publishes the port. */
static int
check_other_pods (pp_play_t *play, const pp_pod_plan_t *p, json_t *port, pp_pod_rec_t *pods, size_t n, json_t **plans,
                  pp_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (ours (play, &pods[i]))
        continue;
      size_t j;
      json_t *q;
      json_array_foreach (json_object_get (json_object_get (plans[i], "network"), "ports"), j, q)
      {
        if (clash (port, q))
          return pp_error_make (err, EADDRINUSE, "pod %s: hostPort %lld/%s is published by pod %s already", p->name,
                                (long long)json_integer_value (json_object_get (port, "hostPort")),
                                json_string_value (json_object_get (port, "protocol")), pods[i].name);
      }
    }
  return 0;
}

/* A Service's node or LoadBalancer port is a port on the host too: none of them may be a pod's hostPort, of the
   play (against every Service) or of another play (against the play's own Services). */
static int
check_service_ports (pp_play_t *play, pp_pod_rec_t *pods, size_t n, json_t **plans, pp_error_t *err)
{
  json_t *svc_ports = pp_plan_service_host_ports (play, err), *q;
  if (svc_ports == NULL)
    return -1;
  int ret = 0;
  size_t j;
  json_array_foreach (svc_ports, j, q)
  {
    const char *file = json_string_value (json_object_get (q, "file"));
    const char *svc = json_string_value (json_object_get (q, "service"));
    long long hp = (long long)json_integer_value (json_object_get (q, "hostPort"));
    const char *proto = json_string_value (json_object_get (q, "protocol"));
    for (size_t i = 0; ret == 0 && i < play->n; i++)
      {
        size_t m;
        json_t *port;
        /* A pod left alone beside a Service left alone: nothing changes. */
        if (play->pods[i].unchanged && file == NULL)
          continue;
        json_array_foreach (play->pods[i].ports, m, port)
        {
          if (ret == 0 && clash (port, q))
            ret = pp_error_make (err, EADDRINUSE, "%s: pod %s: hostPort %lld/%s is published by service %s already",
                                 play->pods[i].doc->file, play->pods[i].name, hp, proto, svc);
        }
      }
    for (size_t i = 0; ret == 0 && file && i < n; i++)
      {
        size_t m;
        json_t *port;
        if (ours (play, &pods[i]))
          continue;
        json_array_foreach (json_object_get (json_object_get (plans[i], "network"), "ports"), m, port)
        {
          if (ret == 0 && clash (port, q))
            ret = pp_error_make (err, EADDRINUSE, "%s: service %s: port %lld/%s on the host is pod %s's hostPort",
                                 file, svc, hp, proto, pods[i].name);
        }
      }
    if (ret < 0)
      break;
  }
  json_decref (svc_ports);
  return ret;
}

int
pp_plan_check_ports (pp_play_t *play, pp_error_t *err)
{
  int floor = play->ctx->rootless ? pp_infra_port_floor () : 0;
  for (size_t i = 0; i < play->n; i++)
    {
      play->pods[i].ports = json_array ();
      if (spec_ports (&play->pods[i], floor, play->pods[i].ports, err) < 0)
        return -1;
      /* A Job's pods come and go one after another, several at once: none publishes. */
      if (play->pods[i].job && json_array_size (play->pods[i].ports))
        {
          pp_warning (play->ctx, "%s: Job %s: its pods publish no hostPort (they come and go, several at once)",
                      play->pods[i].doc->file, play->jobs[play->pods[i].job - 1].name);
          json_array_clear (play->pods[i].ports);
        }
    }
  if (apply_publish (play, err) < 0)
    return -1;
  const char *net = play->opts->network;
  for (size_t i = 0; net && strcmp (net, "none") == 0 && i < play->n; i++)
    if (json_array_size (play->pods[i].ports))
      return pp_error_make (err, EINVAL, "pod %s publishes ports, and --network none gives it no network to publish",
                            play->pods[i].name);
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  if (pp_state_pod_list (play->state, &pods, &n, err) < 0)
    return -1;
  json_t **plans = xzalloc ((n + 1) * sizeof (json_t *));
  for (size_t i = 0; i < n; i++)
    plans[i] = pp_pod_read_plan (play->ctx, pods[i].id, NULL);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < play->n; i++)
    {
      pp_pod_plan_t *p = &play->pods[i];
      size_t j;
      json_t *port;
      json_array_foreach (p->ports, j, port)
      {
        if (ret < 0)
          break;
        /* Twice in the play: replicas of a Deployment with a hostPort, as a single node cannot run them. */
        for (size_t k = 0; ret == 0 && k < i; k++)
          {
            size_t m;
            json_t *q;
            json_array_foreach (play->pods[k].ports, m, q)
            {
              if (ret == 0 && clash (port, q))
                ret = pp_error_make (err, EADDRINUSE, "%s: pod %s: hostPort %lld/%s is pod %s's too: one host has one",
                                     p->doc->file, p->name,
                                     (long long)json_integer_value (json_object_get (port, "hostPort")),
                                     json_string_value (json_object_get (port, "protocol")), play->pods[k].name);
            }
          }
        if (ret == 0 && !p->unchanged)
          ret = check_other_pods (play, p, port, pods, n, plans, err);
        /* A pod left alone keeps what it publishes; a hostNetwork pod's container binds the port itself. */
        const char *from = ret < 0 || p->unchanged || p->existing ? NULL : ours_publish (play, port, pods, n, plans);
        if (from && p->ports_from == NULL)
          p->ports_from = xstrdup (from);
        /* One pod's ports are taken over from one pod (the rules move them in one transaction). */
        if (from && strcmp (from, p->ports_from) != 0)
          ret = pp_error_make (err, EADDRINUSE,
                               "%s: pod %s: hostPort %lld/%s is a pod's the play removes, and another hostPort of "
                               "it is another such pod's: a new pod takes over the ports of one; play the file "
                               "after a `kube down`",
                               p->doc->file, p->name,
                               (long long)json_integer_value (json_object_get (port, "hostPort")),
                               json_string_value (json_object_get (port, "protocol")));
        /* As root no socket holds a published port (the rules take it): one the play moves is checked too. */
        if (ret == 0 && !p->unchanged && p->existing == NULL && !pp_plan_bool (p->spec, "hostNetwork")
            && !(from && play->ctx->rootless))
          ret = check_host_free (p, port, err);
      }
    }
  if (ret == 0)
    ret = check_service_ports (play, pods, n, plans, err);
  for (size_t i = 0; i < n; i++)
    json_decref (plans[i]);
  free (plans);
  pp_pod_recs_free (pods, n);
  return ret;
}
