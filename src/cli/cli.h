/* The command table and what every command handler shares: the context, flags common to all, exit codes. */
#ifndef PP_CLI_H
#define PP_CLI_H

#include "core/context.h"
#include "core/error.h"
#include "core/table.h"
#include "state/state.h"

#include <getopt.h>
#include <stdbool.h>

#define PP_EXIT_OK 0
#define PP_EXIT_INVALID 1 /* kube validate: some document is invalid */
#define PP_EXIT_ERROR 125 /* podplay's own errors, as Podman's */

typedef struct pp_command pp_command_t;

/* What a command does when an ordinary user runs it. */
typedef enum
{
  PP_ROOTLESS_NOT_YET = 0, /* refused, naming the issue that builds it */
  PP_ROOTLESS_AS_USER,     /* runs as the user: reads the user's state and files, owns nothing of an image's */
  PP_ROOTLESS_USERNS,      /* enters the user's namespace once its options are read: it writes files of an image's
                              owners, or removes them */
  PP_ROOTLESS_USERNS_NET,  /* that, and the user's pod network namespace (net/infra.h): it changes pods' networks */
} pp_rootless_t;

/* A command's options as its handler hands them to pp_cli_getopt: what `describe` mode records (docs.c). */
typedef struct
{
  char shortopts[64];
  const struct option *longopts; /* a handler's static table */
  int calls;
} pp_cli_opts_t;

/* What a handler gets: the context, its table entry, and the command as typed ("podplay kube validate").  With
   `describe`, pp_cli_getopt records the handler's options there and returns as for --help, so man pages and
   completion take each command's flags from its own parser. */
typedef struct
{
  pp_context_t *ctx;
  const pp_command_t *cmd;
  const char *path;
  pp_cli_opts_t *describe;
} pp_cli_t;

typedef int (*pp_command_fn) (pp_cli_t *cli, int argc, char **argv);

/* A listing command's rows: their fields (the default table's columns and --format's {{.Field}}s), its filters
   ("name=REGEX": the key and what its value is), what -q prints, and whether it takes -a.  --help and
   pp_cli_list_options read it. */
typedef struct
{
  const pp_table_col_t *fields;
  size_t n_fields;
  const char *const *filters; /* NULL-ended */
  const char *quiet_field;
  const char *all; /* what -a adds ("the containers that do not run"), NULL when it takes none */
  bool noheading_n; /* -n is --noheading (images), as in Podman */
} pp_list_spec_t;

extern const pp_list_spec_t pp_list_pods, pp_list_containers, pp_list_volumes, pp_list_jobs, pp_list_networks,
    pp_list_services, pp_list_images;

struct pp_command
{
  const char *name;
  const char *alias;   /* another name, as `ps` for `ls` */
  const char *summary; /* one line for listings */
  const char *usage;   /* arguments after the command's name */
  const char *help;    /* options and details, for --help */
  pp_command_fn run;   /* NULL for a group or for a command not built yet */
  const pp_command_t *subcommands; /* NULL-name terminated */
  const char *pending; /* the issue that builds a command not built yet */
  bool hidden;         /* internal (the monitor, its probes): not listed */
  bool options_first;  /* options end at the first argument (exec: the rest is the container's command) */
  pp_rootless_t rootless;
  const pp_list_spec_t *list; /* a listing's: its options and fields come from here */
};

/* Parses the command's options: the command's own and the global ones (--root, --runroot, --log-level, --help).
   Returns the option character as getopt_long does, -1 at the end; handles globals and --help itself
   (returning 'h' after printing help). */
int pp_cli_getopt (pp_cli_t *cli, int argc, char **argv, const char *shortopts, const struct option *longopts);
/* Applies a global option; 0 when handled, -1 with a message when its value is bad, 1 when not global. */
int pp_cli_global_option (pp_context_t *ctx, int opt, const char *arg);
void pp_cli_print_help (FILE *out, const pp_command_t *cmd, const char *path);
/* A listing's options, fields and filters, from its spec: the part of its --help that pp_cli_print_help adds. */
void pp_cli_print_list_help (FILE *out, const pp_list_spec_t *l);
/* The table: `podplay` and its commands; the options every command takes, and their help. */
const pp_command_t *pp_cli_root (void);
const struct option *pp_cli_global_options (size_t *n);
const char *pp_cli_global_help (void);
/* Reports a usage problem on stderr and returns PP_EXIT_ERROR. */
int pp_cli_usage_error (const pp_cli_t *cli, const char *fmt, ...) PP_PRINTF (2, 3);
/* `--format text|json` (table is text): 0, or a usage error's PP_EXIT_ERROR. */
int pp_cli_parse_format (pp_cli_t *cli, const char *value, bool *json);
/* Options of a command whose only one is --format: -1 to go on, else the status to exit with (after --help,
   or a usage error). */
int pp_cli_format_options (pp_cli_t *cli, int argc, char **argv, bool *json);
/* Prints `j` as indented JSON and releases it. */
struct json_t;
void pp_cli_print_json (struct json_t *j);
/* What a listing's options say. */
typedef struct
{
  bool json, quiet, all;
  pp_table_opts_t table;  /* --format (a template, or table), --noheading, --no-trunc */
  const char **filters;   /* --filter KEY=VALUE, as given */
  size_t n_filters;
} pp_cli_list_t;
/* A listing's --format: json (*json), table or text (the default columns), or a {{.Field}} template (t->format);
   0, or a usage error's PP_EXIT_ERROR for anything else. */
int pp_cli_table_format (pp_cli_t *cli, const char *value, bool *json, pp_table_opts_t *t);
/* Options of a listing (the command's `list`): --format json|table|TEMPLATE, -q, -n/--noheading, --no-trunc,
   -f/--filter KEY=VALUE, and -a where it takes it.  -1 to go on, else the status to exit with.  `l` is released
   by pp_cli_list_release. */
int pp_cli_list_options (pp_cli_t *cli, int argc, char **argv, pp_cli_list_t *l);
void pp_cli_list_release (pp_cli_list_t *l);
/* Whether a row passes the filters, as Podman's do: for every key given, one of its values matches (`match` says
   whether `value` matches the row for `key`).  No filter passes every row. */
bool pp_cli_list_keep (const pp_cli_list_t *l, bool (*match) (const char *key, const char *value, const void *row),
                       const void *row);
/* Whether a filter of `key` was given. */
bool pp_cli_list_has (const pp_cli_list_t *l, const char *key);
/* A name filter's match: `pattern` as a POSIX extended regular expression found in `name`, as Podman's is. */
bool pp_cli_match_name (const char *pattern, const char *name);
/* A label filter's match: "key" names a label `labels` (a JSON object) has, "key=value" one with that value. */
bool pp_cli_match_label (const char *filter, const char *labels);
/* A table of the command's fields, for its rows. */
void pp_cli_list_table (const pp_cli_t *cli, pp_table_t *t);
/* Prints the listing as the options say: `rows` as JSON with --format json, else table `t` (-q: the quiet field
   alone); releases `rows`, `t` and `l`.  The exit status. */
int pp_cli_list_finish (const pp_cli_t *cli, pp_cli_list_t *l, pp_table_t *t, struct json_t *rows);
/* Options of a removal of NAME...|--all: -a, and at least a name (`what`, "a job") or -a; -1 to go on, else the
   status to exit with. */
int pp_cli_rm_options (pp_cli_t *cli, int argc, char **argv, const char *what, bool *all);
/* Every pod and its containers (cs[i] holds the n_cs[i] containers of pods[i]), as they truly are: a pod whose
   monitor died is recorded so before it is shown.  pp_cli_world_free releases it, loaded or not. */
typedef struct
{
  pp_context_t *ctx;
  pp_state_t *state;
  pp_pod_rec_t *pods;
  size_t n_pods;
  pp_container_rec_t **cs;
  size_t *n_cs;
} pp_cli_world_t;
int pp_cli_world_load (pp_context_t *ctx, pp_cli_world_t *w, pp_error_t *err);
void pp_cli_world_free (pp_cli_world_t *w);
/* Prints an error once and returns PP_EXIT_ERROR. */
int pp_cli_fail (pp_error_t *err);

int pp_cmd_kube_validate (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_version (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_info (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_unshare (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_load (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pull (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_images (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_image_inspect (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_rmi (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_system_df (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_system_prune (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_kube_play (pp_cli_t *cli, int argc, char **argv);
/* What a play or a down did (kube_play.c). */
struct pp_play_result_s;
void pp_cli_print_play (FILE *out, const struct pp_play_result_s *res, bool json);
/* Plays the files as `kube play` does and prints what it did, and the documents' errors: 0, 1 when a document is
   invalid (nothing was made), -1 with `err`. */
struct pp_play_opts_s;
int pp_cli_play_files (pp_cli_t *cli, char *const *paths, size_t n, const struct pp_play_opts_s *po, bool json,
                       pp_error_t *err);
/* Prints a play's diagnostics, and when it returned `ret` > 0 (a document invalid) that nothing was created;
   frees them. */
struct pp_diags_s;
void pp_cli_print_diags (struct pp_diags_s *diags, int ret);
/* `kube play --watch`: plays the files, then again each time one of them is saved, until SIGINT, SIGTERM or
   SIGHUP, after which the pods run on.  The caller's handlers of those set `*interrupted` while the first play
   runs, which stops it as it stops any play; the exit status. */
int pp_cli_play_watch (pp_cli_t *cli, char *const *args, size_t n_args, struct pp_play_opts_s *po, bool json);
/* What a down removed; when it removed nothing and did not fail (`ok`), says so. */
void pp_cli_print_down (FILE *out, const struct pp_play_result_s *res, char *const *paths, size_t n_paths, bool ok);
int pp_cmd_kube_down (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_kube_generate (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_run (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_attach (pp_cli_t *cli, int argc, char **argv);
/* Whether the pod's monitor runs (it writes the pod's logs): what `logs -f` and an attached `run` follow by. */
bool pp_cli_pod_writing (pp_context_t *ctx, const char *pod_id);
int pp_cmd_monitor (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_dns (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_probe (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_network_create (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_network_ls (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_network_inspect (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_network_rm (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_service_ls (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_service_rm (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_ls (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_create (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_inspect (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_start (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_stop (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_rm (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_logs (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_pod_stats (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_stats (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_ps (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_logs (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_inspect (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_exec (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_volume_ls (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_volume_inspect (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_volume_rm (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_job_ls (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_job_rm (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_completion (pp_cli_t *cli, int argc, char **argv);
int pp_cmd_man (pp_cli_t *cli, int argc, char **argv);

#define PP_VERSION "0.1.0"

#endif
