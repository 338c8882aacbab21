/* podplay's entry point: the command table, global options, dispatch and exit codes. */
#include "src/cli/cli.h"
#include "net/infra.h"
#include "runtime/rootless.h"
#include "state/state.h"

#include <jansson.h>
#include <regex.h>
#include <string.h>

enum
{
  OPT_ROOT = 1000,
  OPT_RUNROOT,
  OPT_LOG_LEVEL,
  OPT_RUNTIME,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "runroot", required_argument, NULL, OPT_RUNROOT },
  { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
  { "runtime", required_argument, NULL, OPT_RUNTIME },
  { "help", no_argument, NULL, 'h' },
};

static const char global_help[] = "Global options:\n"
                                  "  --root DIR         storage root (default /var/lib/podplay as root)\n"
                                  "  --runroot DIR      runtime state root (default /run/podplay as root)\n"
                                  "  --log-level LEVEL  error, warning, info or debug (default warning)\n"
                                  "  --runtime NAME     builtin (default), runc or crun: what runs the containers\n"
                                  "  -h, --help         show help\n";

#define PENDING(n, s, issue) { .name = n, .summary = s, .pending = issue }

/* What every inspect takes. */
#define INSPECT_HELP                                                                                                 \
  "Options:\n"                                                                                                       \
  "  --format json     JSON, the one format of inspect (text is taken for it too)\n"

/* `rmi` and `image rm`. */
static const char rmi_help[] = "Naming one of several names of an image removes that name only; -f removes the image.\n\n"
                               "Options:\n"
                               "  -f, --force       remove the image even when it has other names\n";

/* `kube generate` and Podman's older name for it, `generate kube`. */
static const char generate_help[]
    = "Writes Kubernetes YAML of the pods, containers and volumes named, valid for a cluster and\n"
      "played back by `kube play` into the same pods: each pod as its play had it (a replica as a\n"
      "Pod of its template; a container as the pod it is the one container of), with the ConfigMaps,\n"
      "Secrets and PersistentVolumeClaims it uses; a named volume as a claim.  Nothing of this\n"
      "machine goes in (ids, addresses, times, status), and the same pods give the same bytes.\n\n"
      "  -t, --type TYPE   pod (the default), deployment, daemonset or job: each pod as that kind\n"
      "  -r, --replicas N  the Deployment's replicas (--type deployment)\n"
      "  -s, --service     a Service for each pod, of the ports it publishes on the host (or of its\n"
      "                    container ports when it publishes none)\n"
      "  -f, --filename FILE\n"
      "                    write the YAML into FILE (whole, or not at all) instead of stdout\n"
      "  --play FILE       everything playing FILE made, as the play had it, in its order\n";

static const char play_help[]
    = "Validates every document first (nothing is created when any is invalid), then creates each Pod\n"
      "and each replica of a Deployment or DaemonSet: images found in the store or pulled\n"
      "(imagePullPolicy), env from ConfigMaps and Secrets of the play, containers run by the pod's\n"
      "monitor.  Each Job gets a controller that makes its pods until `completions` succeed\n"
      "(`podplay job ls` shows how far it got).  A failure removes every pod this play created.\n"
      "Kinds and fields not honoured yet are named in warnings, never ignored in silence.\n\n"
      "Options:\n"
      "  --format FORMAT   text (default) or json\n"
      "  --start=false     create the pods without starting them\n"
      "  --replace         recreate every pod, changed or not, and take over pods of the same names\n"
      "  --network NAME    the pods' network: a network's name, host (the host's), or none\n"
      "                    (loopback only); default: the network podplay, 10.244.0.0/16\n"
      "  -p, --publish [IP:]HOST:CTR[/tcp|/udp]\n"
      "                    publish container port CTR on the host's port HOST (repeat it): it\n"
      "                    overrides the hostPort the manifest gives that port, or adds one\n"
      "  --configmap FILE  ConfigMaps the pods may name, from FILE (repeat it, or FILE,FILE); a\n"
      "                    ConfigMap of the play itself wins over one of the same name\n"
      "  --wait            stay in the foreground printing the pods' logs; when they all end (and\n"
      "                    the Jobs with them), or on Ctrl-C, remove what the play created\n"
      "  --watch           play, then play again each time a file is saved (a directory's\n"
      "                    manifests too, added or removed ones), printing what changed, until\n"
      "                    Ctrl-C or SIGTERM, which leave the pods running; a file with errors\n"
      "                    is reported and changes nothing; --replace holds for the first play,\n"
      "                    --start=false for every one; not with --wait or -\n\n"
      "Playing a file again leaves its unchanged pods alone, replaces the changed ones and removes\n"
      "the ones the file no longer holds.\n";

static const pp_command_t kube_commands[] = {
  { .name = "validate",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Check Kubernetes YAML against the schema, reporting every problem",
    .usage = "[options] FILE|DIR|- ...",
    .help = "Reads manifests (YAML or JSON, several documents per file, kind: List) from files, directories\n"
            "(their *.yaml, *.yml and *.json files) or standard input (-), and reports every problem of\n"
            "every document as FILE:LINE:COL: error: PATH: MESSAGE.\n\n"
            "Options:\n"
            "  --format FORMAT   text (default) or json\n"
            "  -R, --recursive   read directories recursively\n"
            "  -q, --quiet       print errors only, no warnings or summary\n"
            "  -v, --verbose     also note fields that mean nothing on one machine\n"
            "  --kube-version 1.N\n"
            "                    the cluster's release, 1.32 to 1.36 (default 1.36): a field added after it\n"
            "                    is an error that names the release that added it\n\n"
            "Exit status: 0 when every document is valid (warnings allowed), 1 when any is invalid,\n"
            "125 when podplay cannot run.\n",
    .run = pp_cmd_kube_validate },
  { .name = "play", .rootless = PP_ROOTLESS_USERNS,
    .summary = "Create and start pods from Kubernetes YAML",
    .usage = "[options] FILE|DIR|- ...",
    .help = play_help,
    .run = pp_cmd_kube_play },
  { .name = "down", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Stop and remove the pods `kube play` created from files",
    .usage = "[--force] FILE ...",
    .help = "Removes what playing the files created, as the state database recorded it.  The volumes of\n"
            "their PersistentVolumeClaims stay for the next play, unless --force.\n",
    .run = pp_cmd_kube_down },
  { .name = "generate",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Write Kubernetes YAML from pods, volumes or a play",
    .usage = "[options] POD|CONTAINER|VOLUME... | --play FILE",
    .help = generate_help,
    .run = pp_cmd_kube_generate },
  { NULL },
};

static const pp_command_t play_commands[] = {
  { .name = "kube", .rootless = PP_ROOTLESS_USERNS, .summary = "Create pods from Kubernetes YAML (same as `kube play`)", .usage = "[options] FILE|DIR|- ...",
    .help = play_help, .run = pp_cmd_kube_play },
  { NULL },
};

static const pp_command_t generate_commands[] = {
  { .name = "kube",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Write Kubernetes YAML from pods, volumes or a play (same as `kube generate`)",
    .usage = "[options] POD|CONTAINER|VOLUME... | --play FILE",
    .help = generate_help,
    .run = pp_cmd_kube_generate },
  { NULL },
};

/* What `pod stats` and `stats` measure, and their options. */
#define STATS_HELP_HEAD                                                                                                \
  "CPU % is the CPU time used over the interval (100% is one core), MEM the memory in use less the\n"                \
  "inactive page cache, as docker shows it, over the lowest of the container's limit, its pod's and\n"               \
  "the host's memory; NET IO what the pod's network namespace received and sent (not loopback); BLOCK\n"            \
  "IO the bytes read and written; PIDS its processes and threads.  From the containers' cgroups (v1,\n"            \
  "v2 or both): a container without one shows --.  Without --no-stream, a table every interval until\n"           \
  "Ctrl-C, in place on a terminal.\n\n"
#define STATS_OPTIONS \
  "Options:\n" \
  "  -a, --all              the containers that do not run too, their values --\n" \
  "  --format FORMAT        table (the default), json (Podman's strings and the numbers: cpuPercent,\n" \
  "                         avgCpuPercent, cpuNanos, memoryBytes, memoryLimitBytes, memoryPercent,\n" \
  "                         netRxBytes, netTxBytes, blockReadBytes, blockWriteBytes, pidsCurrent), or a\n" \
  "                         template of the fields below (\"table ...\" under headers)\n" \
  "  --no-stream            measure over half a second, print once and exit\n" \
  "  -i, --interval SECONDS\n" \
  "                         between tables when streaming (default 2)\n" \
  "  --no-reset             on a terminal, print each table below the last instead of in place\n" \
  "  --no-trunc             whole IDs\n" \
  "  --noheading            no header line\n"

/* What every listing takes (pp_cli_list_options). */
#define LIST_USAGE "[--format json|table|TEMPLATE] [-q] [-n] [--no-trunc] [-f KEY=VALUE]..."

static const pp_command_t pod_commands[] = {
  { .name = "ls",
    .rootless = PP_ROOTLESS_AS_USER,
    .alias = "ps",
    .summary = "List pods",
    .usage = LIST_USAGE,
    .list = &pp_list_pods,
    .run = pp_cmd_pod_ls },
  { .name = "inspect",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show pods' details as JSON",
    .usage = "POD...",
    .help = INSPECT_HELP,
    .run = pp_cmd_pod_inspect },
  { .name = "create", .rootless = PP_ROOTLESS_USERNS,
    .summary = "Create a pod of no container yet, for `run --pod` to join",
    .usage = "[--name NAME] [-p [IP:]HOST:CTR[/udp]]... [-l K=V]... [--hostname NAME] [--network NET] [--share NS]",
    .help = "A pod held as Podman's infra container holds one: its namespaces, address and ports are there\n"
            "until `pod stop` or `pod rm`, with no container or with all of them ended.  Its manifest is\n"
            "runs/NAME.yaml under the storage root; `run --pod NAME` adds containers to it, and\n"
            "`kube generate NAME` writes it (its ports as the first container's hostPorts).  Prints its id.\n\n"
            "Options:\n"
            "  --name NAME             the pod's name (default: pod-, and hex)\n"
            "  -p, --publish [IP:]HOST:CTR[/udp]  a port of the pod published on the host\n"
            "  -l, --label K=V         a label of the pod\n"
            "  --hostname NAME         its hostname (default: its name)\n"
            "  --network NET           a network of `network create`, host, or none\n"
            "  --share NS,...          the namespaces its containers share: ipc, net and uts always (as in\n"
            "                          Kubernetes); +pid (or a list with pid) adds one PID namespace\n",
    .run = pp_cmd_pod_create },
  { .name = "start", .rootless = PP_ROOTLESS_USERNS_NET, .summary = "Start stopped pods", .usage = "POD...|--all", .run = pp_cmd_pod_start },
  { .name = "stop", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Stop pods",
    .usage = "[-t SECONDS] POD...|--all",
    .help = "Sends SIGTERM to the containers, SIGKILL after the grace period (the pod's\n"
            "terminationGracePeriodSeconds, 30 by default, or -t).  The pods named stop together.\n\n"
            "Options:\n"
            "  -t, --time SECONDS  the grace period of every pod named, 0 to 86400\n"
            "  -a, --all           every pod\n",
    .run = pp_cmd_pod_stop },
  { .name = "rm", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Remove pods",
    .usage = "[-f] [-t SECONDS] POD...|--all",
    .help = "Removes stopped pods; -f stops running ones first, all together, each within its grace period (or\n"
            "-t).  Nothing of them is left: processes, mounts, namespace files, directories and records.\n\n"
            "Options:\n"
            "  -f, --force         stop running pods first\n"
            "  -t, --time SECONDS  with -f, the grace period of every pod named, 0 to 86400\n"
            "  -a, --all           every pod\n",
    .run = pp_cmd_pod_rm },
  { .name = "logs", .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show the logs of a pod's containers",
    .usage = "[-f] [--tail N] [-t] [-c CONTAINER] POD",
    .help = "Every container's lines (init containers included), merged in the order they were written, each\n"
            "prefixed `CONTAINER | ` when more than one container is shown.\n\n"
            "Options:\n"
            "  -c, --container NAME  that container's logs only\n"
            "  -f, --follow          keep printing while the pod runs (restarted containers too)\n"
            "  -n, --tail N          the last N lines of each container only\n"
            "  -t, --timestamps      each line with its time\n",
    .run = pp_cmd_pod_logs },
  { .name = "stats",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show the resource use of pods' containers",
    .usage = "[--no-stream] [--format json|table|TEMPLATE] [-a] [POD...]",
    .help = "The running containers of the pods named (of every pod without a name), a row each.\n"
            STATS_HELP_HEAD STATS_OPTIONS
            "\nFields: .Pod .CID .Name .CPU .MemUsage .Mem .NetIO .BlockIO .PIDS; .PodName .MemUsageBytes\n"
            "        (binary units) .PIDs\n",
    .run = pp_cmd_pod_stats },
  { NULL },
};

static const pp_command_t image_commands[] = {
  { .name = "inspect", .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show an image's details as JSON",
    .usage = "IMAGE...",
    .help = INSPECT_HELP,
    .run = pp_cmd_image_inspect },
  { .name = "ls", .rootless = PP_ROOTLESS_AS_USER, .alias = "list", .summary = "List images", .usage = LIST_USAGE,
    .list = &pp_list_images, .run = pp_cmd_images },
  { .name = "rm", .rootless = PP_ROOTLESS_USERNS, .summary = "Remove images", .usage = "[-f] IMAGE...", .help = rmi_help,
    .run = pp_cmd_rmi },
  { NULL },
};

static const pp_command_t volume_commands[] = {
  { .name = "ls", .rootless = PP_ROOTLESS_AS_USER, .alias = "list", .summary = "List volumes", .usage = LIST_USAGE,
    .list = &pp_list_volumes, .run = pp_cmd_volume_ls },
  { .name = "inspect", .rootless = PP_ROOTLESS_AS_USER, .summary = "Show volumes' details as JSON", .usage = "VOLUME...",
    .help = INSPECT_HELP, .run = pp_cmd_volume_inspect },
  { .name = "rm", .rootless = PP_ROOTLESS_USERNS,
    .summary = "Remove volumes",
    .usage = "VOLUME...",
    .help = "Removes a volume and its data; a volume a pod uses is refused until the pod is removed.\n",
    .run = pp_cmd_volume_rm },
  { NULL },
};

static const pp_command_t network_commands[] = {
  { .name = "create", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Create a pod network",
    .usage = "[--subnet CIDR]... [--gateway IP]... [--ipv6] [--internal] NAME",
    .help = "Records a network for `kube play --network NAME`; its bridge and rules are made with its first\n"
            "pod and removed with `network rm`.\n\n"
            "Options:\n"
            "  --subnet CIDR   its IPv4 subnet (default: a free /24 of 10.245.0.0/16); given again with an\n"
            "                  IPv6 subnet, the network is dual-stack; one that overlaps another network or\n"
            "                  a route of the host is refused\n"
            "  --gateway IP    the bridge's address in a subnet (default: the subnet's first)\n"
            "  --ipv6          dual-stack: an IPv6 subnet too (default: a free /64 of fd00:10:245::/48);\n"
            "                  each pod's IPv6 address is at its IPv4 address's place in the subnet\n"
            "  --internal      no way out: its pods reach each other and nothing else\n",
    .run = pp_cmd_network_create },
  { .name = "ls", .rootless = PP_ROOTLESS_AS_USER, .alias = "list", .summary = "List networks", .usage = LIST_USAGE,
    .list = &pp_list_networks, .run = pp_cmd_network_ls },
  { .name = "inspect", .rootless = PP_ROOTLESS_AS_USER, .summary = "Show networks' details as JSON", .usage = "NETWORK...",
    .help = INSPECT_HELP, .run = pp_cmd_network_inspect },
  { .name = "rm", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Remove networks",
    .usage = "NETWORK...",
    .help = "Removes a network no pod uses, its bridge and rules with it; one in use is refused.\n",
    .run = pp_cmd_network_rm },
  { NULL },
};

static const pp_command_t service_commands[] = {
  { .name = "ls",
    .rootless = PP_ROOTLESS_AS_USER,
    .alias = "list",
    .summary = "List Services",
    .usage = LIST_USAGE,
    .list = &pp_list_services,
    .help = "Each Service `kube play` made: its type, its cluster address (None when headless), its ports\n"
            "(port->targetPort/protocol), and the addresses of the ready pods it sends to now.\n",
    .run = pp_cmd_service_ls },
  { .name = "rm", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Remove Services",
    .usage = "[NAMESPACE/]SERVICE...|--all",
    .help = "Removes Services and their rules; their pods go on running (`kube down` removes both). A name\n"
            "found in more than one namespace needs its namespace.\n",
    .run = pp_cmd_service_rm },
  { NULL },
};

static const pp_command_t job_commands[] = {
  { .name = "ls",
    .rootless = PP_ROOTLESS_AS_USER,
    .alias = "list",
    .summary = "List Jobs",
    .usage = LIST_USAGE,
    .list = &pp_list_jobs,
    .help = "Each Job `kube play` started: its status (Running, Complete, Failed, or Stopped when its\n"
            "controller was killed), succeeded pods of its completions, how long it ran, and why it failed.\n",
    .run = pp_cmd_job_ls },
  { .name = "rm", .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Remove Jobs and their pods",
    .usage = "JOB...|--all",
    .help = "Stops a Job's controller, then its pods (their grace periods), and removes them all.\n",
    .run = pp_cmd_job_rm },
  { NULL },
};

static const pp_command_t system_commands[] = {
  { .name = "df",
    .rootless = PP_ROOTLESS_USERNS,
    .summary = "Show disk usage of images, containers and volumes",
    .usage = "[--format json]",
    .help = "For images, containers and volumes: how many there are, how many are in use (images and\n"
            "volumes a running pod uses, containers that run), their size on disk, and what the rest takes,\n"
            "which `system prune -a --volumes` would free.  A container's size is its folder: its bundle, the\n"
            "overlay's upper layer and its log.\n\n"
            "Options:\n"
            "  --format FORMAT   text (default) or json\n",
    .run = pp_cmd_system_df },
  { .name = "prune",
    .rootless = PP_ROOTLESS_USERNS_NET,
    .summary = "Remove what no running pod needs",
    .usage = "[-a] [-f] [--volumes]",
    .help = "Removes every pod that does not run (created, exited or killed; a `run` pod's manifest with it),\n"
            "every Job whose controller has ended with its pods, every network no pod is in (the default\n"
            "network stays), and images no pod uses that have no name; then says what went and how much the\n"
            "storage shrank.  Asks first unless -f.\n\n"
            "Options:\n"
            "  -a, --all         every image no pod uses, named or not\n"
            "  -f, --force       do not ask\n"
            "  --volumes         the volumes no pod uses too (the claims' data: kept by default, as a\n"
            "                    re-play needs it)\n",
    .run = pp_cmd_system_prune },
  PENDING ("reset", "Remove all pods, images and volumes", "#4"),
  { NULL },
};

static const pp_command_t top_commands[] = {
  { .name = "kube", .summary = "Play, remove, generate and validate Kubernetes YAML", .subcommands = kube_commands },
  { .name = "play", .summary = "Play Kubernetes YAML (Podman's older name)", .subcommands = play_commands },
  { .name = "generate", .summary = "Generate Kubernetes YAML (Podman's older name)", .subcommands = generate_commands },
  { .name = "pod", .summary = "Manage pods", .subcommands = pod_commands },
  { .name = "job", .summary = "Manage Jobs", .subcommands = job_commands },
  { .name = "service", .summary = "Manage Services", .subcommands = service_commands },
  { .name = "run", .rootless = PP_ROOTLESS_USERNS,
    .summary = "Run a container from an image, as a pod of its own",
    .usage = "[options] IMAGE [COMMAND [ARG...]]",
    .help = "Podman's flags, made the fields of a Pod of one container named as the pod (written to\n"
            "runs/NAME.yaml under the storage root and played as any manifest): `ps`, `logs`, `exec`,\n"
            "`pod rm` and `kube generate` treat it as a played pod.  Without -d, the container's output\n"
            "is shown until it ends (with -i or -t through its monitor's attach socket, from its start), and its\n"
            "exit status is run's.\n\n"
            "Options:\n"
            "  --name NAME           the pod's and its container's name (default: the image's, and hex)\n"
            "  --pod POD             join POD (made by `pod create` or `run`) instead: its manifest gets the\n"
            "                        container, which starts beside those that run (they go on); with a\n"
            "                        --restart other than the pod's, the container's own restartPolicy\n"
            "  -d, --detach          print the container's id and leave it running\n"
            "  --rm                  remove the pod once the container ended (with -d too)\n"
            "  -e, --env K=V|K       a variable (K alone: its value here); --env-file FILE: lines of them\n"
            "  -v, --volume SRC:DST[:ro]\n"
            "                        an absolute host path (hostPath) or a named volume (its claim, made\n"
            "                        when missing); -v DST alone: an empty folder of the pod (emptyDir)\n"
            "  --mount type=bind|volume|tmpfs,source=S,target=T[,readonly][,tmpfs-size=Q]\n"
            "  -p, --publish [IP:]HOST:CTR[/udp]\n"
            "                        publish the container's port CTR on the host's port HOST\n"
            "  --network NAME        a network's name, host (the host's) or none (loopback only)\n"
            "  -w, --workdir DIR     -u, --user UID[:GID]   --hostname NAME   -l, --label K=V\n"
            "  -m, --memory N[b|k|m|g]  --cpus N            the container's limits\n"
            "  --cap-add CAP  --cap-drop CAP  --read-only   its securityContext\n"
            "  --restart no|always|on-failure[:N]|unless-stopped\n"
            "                        the pod's restartPolicy (default no: Never)\n"
            "  --entrypoint CMD|JSON the command; the arguments after the image are its args\n"
            "  -t, --tty             a terminal (attached: in raw mode, its size passed on, Ctrl-C to it)\n"
            "  -i, --interactive     a stdin: attached, the input goes to it, and its end closes it; with\n"
            "                        -d, `exec -it` shares the terminal\n",
    .run = pp_cmd_run,
    .options_first = true },
  { .name = "attach", .rootless = PP_ROOTLESS_USERNS,
    .summary = "Attach to a running container's terminal or stdin",
    .usage = "[--no-stdin] CONTAINER",
    .help = "A container with a terminal (tty) or a stdin (stdin, or `run -d -i`): its output from now on, and\n"
            "the input (with a terminal, in raw mode, its size passed on) until the container ends; the exit\n"
            "status is then the container's.  An interrupt without a terminal leaves it running.\n\n"
            "Options:\n"
            "  --no-stdin  the output only\n",
    .run = pp_cmd_attach },
  { .name = "ps",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "List containers",
    .usage = "[-a] " LIST_USAGE,
    .list = &pp_list_containers,
    .help = "Running containers, named POD-CONTAINER as in Podman; -a adds the others.\n",
    .run = pp_cmd_ps },
  { .name = "stats",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show the resource use of containers",
    .usage = "[--no-stream] [--format json|table|TEMPLATE] [-a] [CONTAINER...]",
    .help = "The containers named (POD-CONTAINER, a name only one pod has, an id), or every running one.\n"
            STATS_HELP_HEAD STATS_OPTIONS
            "\nFields: .ID .Name .CPUPerc .MemUsage .MemPerc .NetIO .BlockIO .PIDS .UpTime (CPU time)\n"
            "        .AVGCPU (since it started); .ContainerID .Pod .PodName .MemUsageBytes (binary units)\n"
            "        .PIDs .CPU .AvgCPU (numbers)\n",
    .run = pp_cmd_stats },
  { .name = "logs", .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show a container's logs",
    .usage = "[-f] [--tail N] [-t] CONTAINER",
    .help = "Options:\n"
            "  -f, --follow      keep printing while the container's pod runs\n"
            "  -n, --tail N      the last N lines only\n"
            "  -t, --timestamps  each line with its time\n",
    .run = pp_cmd_logs },
  { .name = "exec", .rootless = PP_ROOTLESS_USERNS,
    .summary = "Run a command in a running container",
    .usage = "[-i] [-t] [-u USER] CONTAINER COMMAND [ARG...]",
    .help = "The command joins every namespace and cgroup of the container and runs with its user,\n"
            "capabilities, seccomp filter and environment.  Its exit status is the command's.\n\n"
            "Options:\n"
            "  -i, --interactive  keep standard input open\n"
            "  -t, --tty          allocate a terminal\n"
            "  -u, --user USER    run as USER (name or uid[:gid])\n",
    .run = pp_cmd_exec,
    .options_first = true },
  { .name = "inspect", .rootless = PP_ROOTLESS_AS_USER, .summary = "Show details of pods or containers as JSON", .usage = "POD|CONTAINER...",
    .help = INSPECT_HELP, .run = pp_cmd_inspect },
  { .name = "monitor", .summary = "A pod's monitor (started by podplay itself)", .run = pp_cmd_monitor,
    .hidden = true },
  { .name = "dns", .summary = "A pod network's resolver (started by podplay itself)", .run = pp_cmd_dns,
    .hidden = true },
  { .name = "probe",
    .summary = "A gRPC or HTTPS probe check (run by a pod's monitor)",
    .run = pp_cmd_probe,
    .hidden = true },
  { .name = "pull",
    .rootless = PP_ROOTLESS_USERNS,
    .summary = "Pull an image from a registry",
    .usage = "[options] IMAGE",
    .help = "Fetches IMAGE (busybox means docker.io/library/busybox:latest) over the OCI distribution\n"
            "protocol, verifying every blob against its digest as it streams, layers in parallel.\n\n"
            "Options:\n"
            "  --tls-verify=false  accept any certificate, and plain HTTP\n"
            "  --cert-dir DIR      CA (*.crt) and client (*.cert, *.key) files for the registry\n"
            "  --authfile FILE     credentials (default: Podman's auth.json, then Docker's config.json)\n"
            "  --creds USER:PASS   credentials for this pull\n"
            "  --platform OS/ARCH  the variant of a multi-platform image (default: this machine's)\n"
            "  -q, --quiet         print the image id only\n",
    .run = pp_cmd_pull },
  { .name = "load",
    .rootless = PP_ROOTLESS_USERNS,
    .summary = "Load images from an OCI layout, an oci-archive or a docker-archive",
    .usage = "[-i FILE|DIR] [-q] [oci:DIR[:TAG]]",
    .help = "Reads an OCI image layout directory (or oci:DIR[:TAG] for one tag of it), an oci-archive or a\n"
            "docker-archive tarball (docker save), from -i FILE or standard input, verifies every blob against\n"
            "its digest and unpacks its layers into the store.\n\n"
            "Options:\n"
            "  -i, --input FILE  the layout directory or archive (default: standard input)\n"
            "  -q, --quiet       print only the names of the loaded images\n",
    .run = pp_cmd_load },
  { .name = "images",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "List images",
    .usage = LIST_USAGE,
    .list = &pp_list_images,
    .run = pp_cmd_images },
  { .name = "image", .summary = "Manage images", .subcommands = image_commands },
  { .name = "rmi",
    .rootless = PP_ROOTLESS_USERNS,
    .summary = "Remove images",
    .usage = "[-f] IMAGE...",
    .help = rmi_help,
    .run = pp_cmd_rmi },
  { .name = "volume", .summary = "Manage volumes", .subcommands = volume_commands },
  { .name = "network", .summary = "Manage pod networks", .subcommands = network_commands },
  { .name = "system", .summary = "Manage podplay's storage", .subcommands = system_commands },
  { .name = "info",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show how podplay is set up on this machine",
    .usage = "[--format json]",
    .help = "The mode (root, or rootless as an ordinary user), the storage and run roots, the runtime,\n"
            "the cgroup version and what a user has of it, the network, overlay and the ids mapped.\n\n"
            "Options:\n  --format FORMAT   text (default) or json\n",
    .run = pp_cmd_info },
  { .name = "unshare",
    .rootless = PP_ROOTLESS_USERNS,
    .options_first = true,
    .summary = "Run a command in podplay's user namespace (rootless)",
    .usage = "[COMMAND [ARG...]]",
    .help = "Runs COMMAND (default: $SHELL) as root of the user namespace an ordinary user's podplay works\n"
            "in: its own id as 0, its subordinate ids above.  Files of the user's store that belong to\n"
            "an image's owners can be read or removed there.  Root has no such namespace.\n",
    .run = pp_cmd_unshare },
  { .name = "completion",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Write a bash or zsh completion script",
    .usage = "[-f FILE] bash|zsh",
    .help = "Completes commands, flags and their values, and the names of pods, containers, images, volumes,\n"
            "networks, Jobs and Services from the state (of the --root and --runroot typed).  In bash:\n"
            "`source <(podplay completion bash)`; in zsh, after compinit: `source <(podplay completion zsh)`,\n"
            "or the script saved as _podplay in a folder of $fpath.  `make install` installs both.\n\n"
            "Options:\n"
            "  -f, --file FILE   write the script into FILE instead of stdout\n",
    .run = pp_cmd_completion },
  { .name = "man", .rootless = PP_ROOTLESS_AS_USER, .summary = "Write the man pages (run by make)", .run = pp_cmd_man,
    .hidden = true },
  { .name = "version",
    .rootless = PP_ROOTLESS_AS_USER,
    .summary = "Show podplay's version",
    .usage = "[--format json]",
    .help = "Options:\n  --format FORMAT   text (default) or json\n",
    .run = pp_cmd_version },
  { NULL },
};

static const pp_command_t root_command = {
  .name = "podplay",
  .summary = "Play Kubernetes manifests as local pods, without a daemon",
  .subcommands = top_commands,
};

const pp_command_t *
pp_cli_root (void)
{
  return &root_command;
}

const struct option *
pp_cli_global_options (size_t *n)
{
  *n = PP_N_ELEMENTS (global_options);
  return global_options;
}

const char *
pp_cli_global_help (void)
{
  return global_help;
}

void
pp_cli_print_list_help (FILE *out, const pp_list_spec_t *l)
{
  fprintf (out,
           "\nOptions:\n"
           "  --format FORMAT     table (the default), json, or a template of the fields below: \"{{.%s}}\"\n"
           "                      prints one line per row, \"table {{.A}}\\t{{.B}}\" aligned columns under\n"
           "                      headers\n"
           "  -q, --quiet         {{.%s}} only (a template comes first, json after)\n"
           "  %s"
           "  --no-trunc          whole IDs\n"
           "  -f, --filter K=V    the rows that match: for each key given, one of its values (every one of\n"
           "                      label's)%s\n",
           l->quiet_field, l->quiet_field, l->noheading_n ? "-n, --noheading     no header line\n" : "--noheading         no header line\n",
           l->all ? "; a status filter lists every row, as -a" : "");
  if (l->all)
    fprintf (out, "  -a, --all           %s\n", l->all);
  fputs ("\nFields:", out);
  for (size_t i = 0; i < l->n_fields; i++)
    fprintf (out, "%s .%s", i % 6 == 0 && i ? "\n       " : "", l->fields[i].field);
  fputs ("\nFilters:", out);
  for (size_t i = 0; l->filters[i]; i++)
    fprintf (out, " %s", l->filters[i]);
  fputc ('\n', out);
}

void
pp_cli_print_help (FILE *out, const pp_command_t *cmd, const char *path)
{
  if (cmd->subcommands)
    {
      fprintf (out, "%s\n\nUsage: %s COMMAND [options]\n\nCommands:\n", cmd->summary, path);
      for (const pp_command_t *c = cmd->subcommands; c->name; c++)
        if (!c->hidden)
          fprintf (out, "  %-10s %s%s\n", c->name, c->summary, c->run || c->subcommands ? "" : " (not built yet)");
      fprintf (out, "\n%s\nRun '%s COMMAND --help' for more on a command.\n", global_help, path);
      return;
    }
  fprintf (out, "%s\n\nUsage: %s %s\n", cmd->summary, path, cmd->usage ? cmd->usage : "[options]");
  if (cmd->alias)
    fprintf (out, "Also: %s\n", cmd->alias);
  if (cmd->help)
    fprintf (out, "\n%s", cmd->help);
  if (cmd->list)
    pp_cli_print_list_help (out, cmd->list);
  if (!cmd->run)
    fprintf (out, "\nThis command is not built yet (%s).\n", cmd->pending ? cmd->pending : "planned");
  fprintf (out, "\n%s", global_help);
}

int
pp_cli_usage_error (const pp_cli_t *cli, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("podplay: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  if (cli)
    fprintf (stderr, "Run '%s --help' for usage.\n", cli->path);
  return PP_EXIT_ERROR;
}

int
pp_cli_parse_format (pp_cli_t *cli, const char *value, bool *json)
{
  if (strcmp (value, "json") == 0)
    *json = true;
  else if (strcmp (value, "text") == 0 || strcmp (value, "table") == 0)
    *json = false;
  else
    return pp_cli_usage_error (cli, "unknown format \"%s\": use text or json", value);
  return 0;
}

int
pp_cli_format_options (pp_cli_t *cli, int argc, char **argv, bool *json)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "f:", opts)) != -1)
    switch (opt)
      {
      case 'f':
        if (pp_cli_parse_format (cli, optarg, json) != 0)
          return PP_EXIT_ERROR;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  return -1;
}

int
pp_cli_table_format (pp_cli_t *cli, const char *value, bool *json, pp_table_opts_t *t)
{
  *json = strcmp (value, "json") == 0;
  t->format = *json || strcmp (value, "text") == 0 ? NULL : value;
  if (t->format && strcmp (value, "table") != 0 && strstr (value, "{{") == NULL)
    return pp_cli_usage_error (cli, "--format \"%s\": use json, table, or a template such as \"{{.Name}}\" or "
                                    "\"table {{.ID}}\\t{{.Status}}\"", value);
  return 0;
}

int
pp_cli_list_options (pp_cli_t *cli, int argc, char **argv, pp_cli_list_t *l)
{
  const pp_list_spec_t *spec = cli->cmd->list;
  /* --all first: a listing that takes none parses from the next. */
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },          { "format", required_argument, NULL, 'F' },
    { "quiet", no_argument, NULL, 'q' },        { "noheading", no_argument, NULL, 'n' },
    { "no-trunc", no_argument, NULL, 'T' },     { "filter", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  memset (l, 0, sizeof *l);
  /* -n is --noheading where Podman has it so (images); Podman's `ps -n` is --last. */
  char shorts[8];
  snprintf (shorts, sizeof shorts, "qf:%s%s", spec->all ? "a" : "", spec->noheading_n ? "n" : "");
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, shorts, spec->all ? opts : opts + 1)) != -1)
    switch (opt)
      {
      case 'F':
        if (pp_cli_table_format (cli, optarg, &l->json, &l->table) != 0)
          {
            pp_cli_list_release (l);
            return PP_EXIT_ERROR;
          }
        break;
      case 'q':
        l->quiet = true;
        break;
      case 'n':
        l->table.noheading = true;
        break;
      case 'T':
        l->table.no_trunc = true;
        break;
      case 'f':
        {
          size_t klen = strcspn (optarg, "=");
          bool known = false;
          for (size_t i = 0; spec->filters && spec->filters[i]; i++)
            known |= strncmp (spec->filters[i], optarg, klen + 1) == 0;
          if (!known || optarg[klen] != '=')
            {
              pp_buf_t keys = { 0 };
              for (size_t i = 0; spec->filters && spec->filters[i]; i++)
                pp_buf_printf (&keys, "%s%s", i ? ", " : "", spec->filters[i]);
              pp_cli_list_release (l);
              int r = pp_cli_usage_error (cli, "--filter \"%s\": the filters are %s", optarg,
                                          keys.data ? keys.data : "none");
              pp_buf_free (&keys);
              return r;
            }
          /* A regular expression is checked now, as Podman does. */
          regex_t re;
          bool regex = false;
          for (size_t i = 0; spec->filters[i]; i++)
            regex |= strncmp (spec->filters[i], optarg, klen + 1) == 0 && strstr (spec->filters[i], "=REGEX");
          if (regex && regcomp (&re, optarg + klen + 1, REG_EXTENDED | REG_NOSUB) != 0)
            {
              pp_cli_list_release (l);
              return pp_cli_usage_error (cli, "--filter \"%s\": not a regular expression", optarg);
            }
          if (regex)
            regfree (&re);
          l->filters = xrealloc (l->filters, (l->n_filters + 1) * sizeof *l->filters);
          l->filters[l->n_filters++] = optarg;
          break;
        }
      case 'a':
        l->all = true;
        break;
      case 'h':
        pp_cli_list_release (l);
        return PP_EXIT_OK;
      default:
        pp_cli_list_release (l);
        return PP_EXIT_ERROR;
      }
  if (optind < argc)
    {
      pp_cli_list_release (l);
      return pp_cli_usage_error (cli, "%s takes no arguments", cli->path);
    }
  /* Podman's order: a template before -q, -q before json; a status filter lists every row, as -a. */
  if (l->quiet && l->table.format && strcmp (l->table.format, "table") != 0)
    l->quiet = false;
  l->json &= !l->quiet;
  l->all |= spec->all && pp_cli_list_has (l, "status");
  return -1;
}

bool
pp_cli_list_has (const pp_cli_list_t *l, const char *key)
{
  for (size_t i = 0; i < l->n_filters; i++)
    if (strncmp (l->filters[i], key, strlen (key)) == 0 && l->filters[i][strlen (key)] == '=')
      return true;
  return false;
}

void
pp_cli_list_release (pp_cli_list_t *l)
{
  free (l->filters);
  l->filters = NULL;
  l->n_filters = 0;
}

bool
pp_cli_list_keep (const pp_cli_list_t *l, bool (*match) (const char *key, const char *value, const void *row),
                  const void *row)
{
  for (size_t i = 0; i < l->n_filters; i++)
    {
      /* Each key once, at its first filter: one of its values must match; every one of a label's, as Podman's. */
      size_t klen = strcspn (l->filters[i], "=");
      bool seen = false, any = false;
      for (size_t k = 0; k < i && !seen; k++)
        seen = strncmp (l->filters[k], l->filters[i], klen + 1) == 0;
      if (seen)
        continue;
      cleanup_free char *key = xstrndup (l->filters[i], klen);
      bool all = strcmp (key, "label") == 0;
      any = all;
      for (size_t k = i; k < l->n_filters && any == all; k++)
        if (strncmp (l->filters[k], l->filters[i], klen + 1) == 0)
          any = match (key, l->filters[k] + klen + 1, row);
      if (!any)
        return false;
    }
  return true;
}

bool
pp_cli_match_name (const char *pattern, const char *name)
{
  regex_t re;
  if (regcomp (&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
    return strstr (name, pattern) != NULL;
  bool m = regexec (&re, name, 0, NULL, 0) == 0;
  regfree (&re);
  return m;
}

bool
pp_cli_match_label (const char *filter, const char *labels)
{
  json_t *j = labels ? json_loads (labels, 0, NULL) : NULL;
  const char *eq = strchr (filter, '=');
  cleanup_free char *key = eq ? xstrndup (filter, (size_t)(eq - filter)) : xstrdup (filter);
  const char *v = json_string_value (json_object_get (j, key));
  bool m = v && (eq == NULL || strcmp (v, eq + 1) == 0);
  json_decref (j);
  return m;
}

void
pp_cli_list_table (const pp_cli_t *cli, pp_table_t *t)
{
  pp_table_init (t, cli->cmd->list->fields, cli->cmd->list->n_fields);
}

int
pp_cli_list_finish (const pp_cli_t *cli, pp_cli_list_t *l, pp_table_t *t, json_t *rows)
{
  int ret = PP_EXIT_OK;
  if (l->json)
    pp_cli_print_json (rows);
  else
    {
      json_decref (rows);
      cleanup_free char *quiet = l->quiet ? xasprintf ("{{.%s}}", cli->cmd->list->quiet_field) : NULL;
      pp_table_opts_t o = l->table;
      if (quiet)
        o.format = quiet;
      pp_error_t err = NULL;
      if (pp_table_print (t, &o, stdout, &err) < 0)
        ret = pp_cli_fail (&err);
    }
  pp_table_release (t);
  pp_cli_list_release (l);
  return ret;
}

int
pp_cli_rm_options (pp_cli_t *cli, int argc, char **argv, const char *what, bool *all)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "a", opts)) != -1)
    if (opt == 'a')
      *all = true;
    else
      return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (optind >= argc && !*all)
    return pp_cli_usage_error (cli, "%s needs %s, or --all", cli->path, what);
  return -1;
}

int
pp_cli_fail (pp_error_t *err)
{
  pp_error_print (stderr, *err);
  pp_error_release (err);
  return PP_EXIT_ERROR;
}

int
pp_cli_global_option (pp_context_t *ctx, int opt, const char *arg)
{
  switch (opt)
    {
    case OPT_ROOT:
      if (*arg == '\0')
        return pp_cli_usage_error (NULL, "--root needs a directory"), -1;
      pp_context_set_root (ctx, arg);
      return 0;
    case OPT_RUNROOT:
      if (*arg == '\0')
        return pp_cli_usage_error (NULL, "--runroot needs a directory"), -1;
      pp_context_set_runroot (ctx, arg);
      return 0;
    case OPT_LOG_LEVEL:
      {
        int level = pp_log_level_parse (arg);
        if (level < 0)
          return pp_cli_usage_error (NULL, "unknown log level \"%s\": use error, warning, info or debug", arg), -1;
        ctx->log_level = (pp_log_level_t) level;
        return 0;
      }
    case OPT_RUNTIME:
      if (!pp_runtime_known (arg))
        return pp_cli_usage_error (NULL, "unknown runtime \"%s\": use builtin, runc or crun", arg), -1;
      pp_context_set_runtime (ctx, arg);
      return 0;
    default:
      return 1;
    }
}

int
pp_cli_getopt (pp_cli_t *cli, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
  if (cli->describe)
    {
      /* Recorded, not parsed; a handler that asks again after 'h' gets an error, and returns. */
      if (cli->describe->calls++ > 0)
        return '?';
      /* Copied: a handler may build its short options in a buffer of its own stack. */
      snprintf (cli->describe->shortopts, sizeof cli->describe->shortopts, "%s", shortopts ? shortopts : "");
      cli->describe->longopts = longopts;
      return 'h';
    }
  struct option all[32];
  size_t n = 0;
  for (; longopts && longopts[n].name && n < 24; n++)
    all[n] = longopts[n];
  for (size_t i = 0; i < PP_N_ELEMENTS (global_options); i++)
    all[n++] = global_options[i];
  memset (&all[n], 0, sizeof all[n]);
  char shorts[64];
  /* Options may follow the arguments, as Podman takes them, unless the command's arguments end its options. */
  snprintf (shorts, sizeof shorts, "%s:h%s", cli->cmd->options_first ? "+" : "", shortopts ? shortopts : "");
  for (;;)
    {
      int opt = getopt_long (argc, argv, shorts, all, NULL);
      if (opt == 'h')
        {
          pp_cli_print_help (stdout, cli->cmd, cli->path);
          return 'h';
        }
      if (opt == -1 && cli->cmd->rootless >= PP_ROOTLESS_USERNS && cli->ctx->rootless && !cli->ctx->in_userns)
        {
          /* Every option is read now, --root and --runroot too; the command may start threads after this. */
          pp_error_t err = NULL;
          if (pp_rootless_enter (cli->ctx, &err) < 0
              || (cli->cmd->rootless == PP_ROOTLESS_USERNS_NET && pp_infra_enter (cli->ctx, false, &err) < 0))
            {
              pp_cli_fail (&err);
              return '?';
            }
        }
      if (opt == '?')
        {
          pp_cli_usage_error (cli, "unknown option '%s'", argv[optind - 1]);
          return '?';
        }
      if (opt == ':')
        {
          pp_cli_usage_error (cli, "option '%s' needs a value", argv[optind - 1]);
          return '?';
        }
      int g = pp_cli_global_option (cli->ctx, opt, optarg);
      if (g < 0)
        return '?';
      if (g == 0)
        continue;
      return opt;
    }
}

static int
find_command (const pp_command_t *list, const char *name, const pp_command_t **out)
{
  for (const pp_command_t *c = list; c->name; c++)
    if (strcmp (c->name, name) == 0 || (c->alias && strcmp (c->alias, name) == 0))
      {
        *out = c;
        return 0;
      }
  return -1;
}

static const char *
suggest_command (const pp_command_t *list, const char *name)
{
  for (const pp_command_t *c = list; c->name; c++)
    if (pp_edit_distance (name, c->name, 2) <= 2)
      return c->name;
  return NULL;
}

/* Global options before the command; returns the index of the command word, or -1 when the caller must exit. */
static int
parse_globals (pp_context_t *ctx, int argc, char **argv, int *status)
{
  optind = 1;
  opterr = 0;
  for (;;)
    {
      int opt = getopt_long (argc, argv, "+:hv", global_options, NULL);
      if (opt == -1)
        return optind;
      if (opt == 'h')
        {
          pp_cli_print_help (stdout, &root_command, "podplay");
          *status = PP_EXIT_OK;
          return -1;
        }
      if (opt == 'v')
        {
          printf ("podplay version %s\n", PP_VERSION);
          *status = PP_EXIT_OK;
          return -1;
        }
      if (opt == '?' || opt == ':')
        {
          *status = pp_cli_usage_error (NULL, "%s option '%s'; run 'podplay --help'",
                                        opt == '?' ? "unknown" : "missing value for", argv[optind - 1]);
          return -1;
        }
      if (pp_cli_global_option (ctx, opt, optarg) < 0)
        {
          *status = PP_EXIT_ERROR;
          return -1;
        }
    }
}

/* A global option between a group and its command (`podplay kube --log-level debug validate`): 1 when argv[*i]
   was one and has been applied (*i moves past it and its value), 0 when it is not one, -1 on a bad value. */
static int
take_global (pp_context_t *ctx, int argc, char **argv, int *i)
{
  const char *arg = argv[*i];
  if (strncmp (arg, "--", 2) != 0)
    return 0;
  for (size_t k = 0; k < PP_N_ELEMENTS (global_options); k++)
    {
      const struct option *o = &global_options[k];
      size_t n = strlen (o->name);
      if (o->has_arg != required_argument || strncmp (arg + 2, o->name, n) != 0)
        continue;
      const char *value;
      if (arg[2 + n] == '=')
        value = arg + 3 + n;
      else if (arg[2 + n] == '\0' && *i + 1 < argc)
        value = argv[++*i];
      else if (arg[2 + n] == '\0')
        {
          pp_cli_usage_error (NULL, "option '%s' needs a value", arg);
          return -1;
        }
      else
        continue;
      (*i)++;
      return pp_cli_global_option (ctx, o->val, value) < 0 ? -1 : 1;
    }
  return 0;
}

static bool
asks_help (int argc, char **argv, int from)
{
  for (int j = from; j < argc; j++)
    if (strcmp (argv[j], "--help") == 0 || strcmp (argv[j], "-h") == 0)
      return true;
  return false;
}

static int
dispatch (pp_context_t *ctx, int argc, char **argv)
{
  int status = PP_EXIT_OK;
  int i = parse_globals (ctx, argc, argv, &status);
  if (i < 0)
    return status;
  const pp_command_t *cmd = &root_command;
  char path[256] = "podplay";
  while (cmd->subcommands)
    {
      if (i >= argc)
        {
          pp_cli_print_help (stderr, cmd, path);
          return PP_EXIT_ERROR;
        }
      if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0 || strcmp (argv[i], "help") == 0)
        {
          pp_cli_print_help (stdout, cmd, path);
          return PP_EXIT_OK;
        }
      int g = take_global (ctx, argc, argv, &i);
      if (g < 0)
        return PP_EXIT_ERROR;
      if (g > 0)
        continue;
      const pp_command_t *next;
      if (find_command (cmd->subcommands, argv[i], &next) < 0)
        {
          const char *close = suggest_command (cmd->subcommands, argv[i]);
          if (close)
            return pp_cli_usage_error (NULL, "unknown command \"%s\" for \"%s\"; did you mean \"%s\"?", argv[i],
                                       path, close);
          return pp_cli_usage_error (NULL, "unknown command \"%s\" for \"%s\"; run '%s --help'", argv[i], path, path);
        }
      cmd = next;
      size_t len = strlen (path);
      snprintf (path + len, sizeof path - len, " %s", cmd->name);
      i++;
    }
  /* The handler sees argv from the command word on, as getopt expects; optind 0 makes glibc start afresh, so the
     ordering of this parse (permuting, or options first) is not the one of parse_globals. */
  optind = 0;
  opterr = 0;
  if (cmd->run == NULL)
    {
      if (asks_help (argc, argv, i))
        {
          pp_cli_print_help (stdout, cmd, path);
          return PP_EXIT_OK;
        }
      fprintf (stderr, "podplay: \"%s\" is not built yet (%s); nothing was done\n", path,
               cmd->pending ? cmd->pending : "planned");
      return PP_EXIT_ERROR;
    }
  if (ctx->rootless && cmd->rootless == PP_ROOTLESS_NOT_YET && !asks_help (argc, argv, i))
    {
      fprintf (stderr,
               "podplay: \"%s\" as an ordinary user is not built yet (#14, rootless); run it as root; nothing was "
               "done\n",
               path);
      return PP_EXIT_ERROR;
    }
  pp_cli_t cli = { .ctx = ctx, .cmd = cmd, .path = path };
  status = cmd->run (&cli, argc - i + 1, argv + i - 1);
  /* The user's pod network goes with its last pod. */
  pp_state_t *state = NULL;
  if (ctx->rootless && ctx->in_infra && pp_state_open (ctx, &state, NULL) == 0)
    pp_infra_release (ctx, state);
  pp_state_close (state);
  return status;
}

int
main (int argc, char **argv)
{
  pp_context_t ctx;
  pp_context_init (&ctx);
  /* The configuration file first: options on the command line win over it. */
  pp_error_t err = NULL;
  int status = pp_context_load_config (&ctx, &err) < 0 ? pp_cli_fail (&err) : dispatch (&ctx, argc, argv);
  if (fflush (stdout) != 0 && status == PP_EXIT_OK)
    {
      perror ("podplay: write");
      status = PP_EXIT_ERROR;
    }
  pp_context_release (&ctx);
  return status;
}
