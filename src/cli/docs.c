/* The command table as man pages (`podplay man DIR`, run at build time) and as bash and zsh completion (`podplay
   completion bash|zsh`): one source with --help.  A command's flags are asked of its own parser (pp_cli_getopt in
   describe mode records the options it was given and returns as for --help), so no list of them can drift from
   what the command takes. */
#include "core/file.h"
#include "src/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  const char *lng; /* NULL for a short flag alone */
  char shrt;       /* 0 for a long flag alone */
  bool value;
} flag_t;

/* Every command that runs, with its path ("pod ls") and flags; groups too (no flags). */
typedef struct
{
  const pp_command_t *cmd;
  char path[96];
  const pp_command_t *parent;
  char parent_path[96];
  flag_t flags[48];
  size_t n_flags;
} cmd_doc_t;

typedef struct
{
  cmd_doc_t *v;
  size_t n;
} cmd_docs_t;

static void
add_flag (cmd_doc_t *d, const char *lng, char shrt, bool value)
{
  if (d->n_flags < PP_N_ELEMENTS (d->flags))
    d->flags[d->n_flags++] = (flag_t){ lng, shrt, value };
}

/* Runs the command's handler in describe mode: it returns at its first pp_cli_getopt, which records the options. */
static void
describe_flags (pp_context_t *ctx, cmd_doc_t *d)
{
  pp_cli_opts_t o = { 0 };
  cleanup_free char *path = xasprintf ("podplay %s", d->path);
  pp_cli_t cli = { .ctx = ctx, .cmd = d->cmd, .path = path, .describe = &o };
  cleanup_free char *name = xstrdup (d->cmd->name);
  char *argv[] = { name, NULL };
  optind = 0;
  d->cmd->run (&cli, 1, argv);
  const char *shorts = o.shortopts;
  for (size_t i = 0; o.longopts && o.longopts[i].name; i++)
    {
      int v = o.longopts[i].val;
      char s = v > 0 && v < 128 && isalnum (v) && strchr (shorts, v) ? (char) v : 0;
      add_flag (d, o.longopts[i].name, s, o.longopts[i].has_arg != no_argument);
    }
  for (const char *s = shorts; *s; s++)
    {
      if (!isalnum ((unsigned char) *s))
        continue;
      bool known = false;
      for (size_t i = 0; i < d->n_flags; i++)
        known |= d->flags[i].shrt == *s;
      if (!known)
        add_flag (d, NULL, *s, s[1] == ':');
    }
}

static void
collect (pp_context_t *ctx, const pp_command_t *list, const pp_command_t *parent, const char *prefix,
         cmd_docs_t *out)
{
  for (const pp_command_t *c = list; c->name; c++)
    {
      if (c->hidden)
        continue;
      out->v = xrealloc (out->v, (out->n + 1) * sizeof *out->v);
      cmd_doc_t *d = memset (&out->v[out->n++], 0, sizeof *out->v);
      d->cmd = c;
      d->parent = parent;
      snprintf (d->parent_path, sizeof d->parent_path, "%s", prefix);
      snprintf (d->path, sizeof d->path, "%s%s%s", prefix, *prefix ? " " : "", c->name);
      if (c->run)
        describe_flags (ctx, d);
      if (c->subcommands)
        {
          char sub[96];
          snprintf (sub, sizeof sub, "%s", d->path);
          collect (ctx, c->subcommands, c, sub, out);
        }
    }
}

static void
collect_all (pp_context_t *ctx, cmd_docs_t *out)
{
  out->v = NULL;
  out->n = 0;
  collect (ctx, pp_cli_root ()->subcommands, pp_cli_root (), "", out);
}

/* ---- man pages ---- */

/* Text for roff: backslashes escaped, a leading dot or quote made plain, and every hyphen of a flag (`--no-trunc`,
   a word that starts with one) kept a hyphen (\-), which roff would print as a dash, so that it can be copied. */
static void
roff_text (FILE *out, const char *s, size_t n)
{
  if (n && (*s == '.' || *s == '\''))
    fputs ("\\&", out);
  bool flag = false;
  for (size_t i = 0; i < n; i++)
    {
      if (i == 0 || s[i - 1] == ' ' || s[i - 1] == '[' || s[i - 1] == '(' || s[i - 1] == '`' || s[i - 1] == '|')
        flag = s[i] == '-';
      else if (s[i] == ' ')
        flag = false;
      if (s[i] == '\\')
        fputs ("\\e", out);
      else if (s[i] == '-' && (flag || i == 0 || !isalnum ((unsigned char) s[i - 1])))
        fputs ("\\-", out);
      else
        fputc (s[i], out);
    }
}

/* An option's tag ("-f, --filename FILE"): flags bold, their values italic. */
static void
roff_tag (FILE *out, const char *s, size_t n)
{
  fputs (".TP\n", out);
  for (size_t i = 0; i < n;)
    {
      size_t w = i;
      while (w < n && s[w] != ' ' && s[w] != ',')
        w++;
      if (w > i)
        {
          fputs (s[i] == '-' ? "\\fB" : "\\fI", out);
          roff_text (out, s + i, w - i);
          fputs ("\\fR", out);
        }
      if (w < n)
        fputc (s[w], out);
      i = w + 1;
    }
  fputc ('\n', out);
}

/* A line "Options:" or "Exit status: 0 when...": the length of its section's name, else 0. */
static size_t
section_name (const char *line, size_t n)
{
  if (n == 0 || !isupper ((unsigned char) line[0]))
    return 0;
  for (size_t i = 1; i < n && i < 24; i++)
    if (line[i] == ':')
      return i + 1 == n || line[i + 1] == ' ' ? i : 0;
    else if (!isalpha ((unsigned char) line[i]) && line[i] != ' ')
      return 0;
  return 0;
}

/* A help text as man: "Name:" lines are sections, "  -x, --flag ARG  what" lines options (what goes on over the
   lines indented below), the rest paragraphs. */
static void
roff_block (FILE *out, const char *text)
{
  bool in_option = false, paragraph = false;
  for (const char *p = text; *p;)
    {
      const char *nl = strchr (p, '\n');
      size_t n = nl ? (size_t) (nl - p) : strlen (p);
      const char *line = p;
      p += n + (nl != NULL);
      size_t sec = section_name (line, n);
      if (n == 0)
        {
          in_option = false;
          paragraph = true;
        }
      else if (sec)
        {
          fputs (".SH ", out);
          for (size_t i = 0; i < sec; i++)
            fputc (toupper ((unsigned char) line[i]), out);
          fputc ('\n', out);
          size_t rest = sec + 1 + (sec + 1 < n);
          if (rest < n)
            {
              roff_text (out, line + rest, n - rest);
              fputc ('\n', out);
            }
          in_option = paragraph = false;
        }
      else if (n > 3 && strncmp (line, "  -", 3) == 0)
        {
          const char *gap = strstr (line + 2, "  ");
          size_t tag = gap && gap < line + n ? (size_t) (gap - line) : n;
          size_t what = tag;
          while (what < n && line[what] == ' ')
            what++;
          if (what < n && line[what] == '-') /* "-w DIR   -u USER": flags alone */
            tag = what = n;
          roff_tag (out, line + 2, tag - 2);
          if (what < n)
            {
              roff_text (out, line + what, n - what);
              fputc ('\n', out);
            }
          in_option = true;
          paragraph = false;
        }
      else
        {
          while (n && *line == ' ')
            line++, n--;
          if (paragraph && !in_option)
            fputs (".PP\n", out);
          paragraph = false;
          roff_text (out, line, n);
          fputc ('\n', out);
        }
    }
}

static char *
man_name (const char *path)
{
  char *s = xasprintf ("podplay%s%s", *path ? "-" : "", path);
  for (char *c = s; *c; c++)
    if (*c == ' ')
      *c = '-';
  return s;
}

static void
man_page (FILE *out, const cmd_doc_t *d, const cmd_docs_t *all)
{
  const pp_command_t *c = d->cmd;
  cleanup_free char *name = man_name (d->path);
  fputs (".TH ", out);
  for (const char *s = name; *s; s++)
    fputc (toupper ((unsigned char) *s), out);
  fprintf (out, " 1 \"\" \"podplay %s\" \"podplay Manual\"\n.SH NAME\n", PP_VERSION);
  roff_text (out, name, strlen (name));
  fputs (" \\- ", out);
  roff_text (out, c->summary, strlen (c->summary));
  fprintf (out, "\n.SH SYNOPSIS\n\\fBpodplay%s%s\\fR ", *d->path ? " " : "", d->path);
  const char *usage = c->subcommands ? "COMMAND [options]" : c->usage ? c->usage : "[options]";
  roff_text (out, usage, strlen (usage));
  fputs ("\n.SH DESCRIPTION\n", out);
  roff_text (out, c->summary, strlen (c->summary));
  fputs (".\n", out);
  if (c->alias)
    fprintf (out, ".PP\nAlso \\fBpodplay %s %s\\fR.\n", d->parent_path, c->alias);
  if (c->help)
    {
      fputs (".PP\n", out);
      roff_block (out, c->help);
    }
  if (c->list)
    {
      cleanup_free char *text = NULL;
      size_t len = 0;
      FILE *m = open_memstream (&text, &len);
      pp_cli_print_list_help (m, c->list);
      fclose (m);
      roff_block (out, text);
    }
  if (!c->run && !c->subcommands)
    fprintf (out, ".PP\nThis command is not built yet (%s).\n", c->pending ? c->pending : "planned");
  if (c->subcommands)
    {
      fputs (".SH COMMANDS\n", out);
      for (const pp_command_t *s = c->subcommands; s->name; s++)
        if (!s->hidden)
          {
            cleanup_free char *sub = d->path[0] ? xasprintf ("%s %s", d->path, s->name) : xstrdup (s->name);
            cleanup_free char *ref = man_name (sub);
            fprintf (out, ".TP\n\\fB%s\\fR\n", s->name);
            roff_text (out, s->summary, strlen (s->summary));
            fputs (" (", out);
            roff_text (out, ref, strlen (ref));
            fputs ("(1))\n", out);
          }
    }
  roff_block (out, pp_cli_global_help ());
  fputs (".SH SEE ALSO\n", out);
  bool first = true;
  if (d->parent)
    {
      cleanup_free char *up = man_name (d->parent_path);
      fputs ("\\fB", out);
      roff_text (out, up, strlen (up));
      fputs ("\\fR(1)", out);
      first = false;
    }
  for (size_t i = 0; i < all->n; i++)
    if (all->v[i].parent == c)
      {
        cleanup_free char *sub = man_name (all->v[i].path);
        fputs (first ? "\\fB" : ",\n\\fB", out);
        roff_text (out, sub, strlen (sub));
        fputs ("\\fR(1)", out);
        first = false;
      }
  fputc ('\n', out);
}

static int
write_page (const char *dir, const cmd_doc_t *d, const cmd_docs_t *all, pp_error_t *err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&text, &len);
  man_page (m, d, all);
  fclose (m);
  cleanup_free char *name = man_name (d->path);
  cleanup_free char *file = xasprintf ("%s/%s.1", dir, name);
  return pp_write_whole (file, text, len, 0644, err);
}

/* ---- completion ---- */

/* What names a value or an argument takes, by the word that stands for it in a usage ("POD...") or by a flag. */
static const struct
{
  const char *word;
  const char *kind;
} arg_kinds[] = {
  { "POD", "pods" },         { "CONTAINER", "containers" }, { "IMAGE", "images" }, { "VOLUME", "volumes" },
  { "NETWORK", "networks" }, { "JOB", "jobs" },             { "SERVICE", "services" }, { "FILE", "files" },
  { "DIR", "files" },        { "bash", "shells" },
};

static const struct
{
  const char *flag;
  const char *kind;
} flag_kinds[] = {
  { "--format", "formats" },   { "--network", "networks" }, { "--pod", "pods" },         { "--filename", "files" },
  { "--input", "files" },      { "--configmap", "files" },  { "--env-file", "files" },   { "--authfile", "files" },
  { "--cert-dir", "files" },   { "--file", "files" },       { "--play", "files" },       { "--root", "files" },
  { "--runroot", "files" },    { "--log-level", "levels" }, { "--runtime", "runtimes" }, { "--container", "containers" },
  { "--type", "types" },
};

/* The kinds of names a command's arguments are: its usage's words outside brackets ("[NAMESPACE/]SERVICE..."), and
   optional names alone in theirs ("[POD...]"). */
static void
usage_kinds (const char *usage, pp_buf_t *out)
{
  int depth = 0;
  for (const char *s = usage ? usage : ""; *s;)
    {
      size_t upper = *s == '[' ? strspn (s + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") : 0;
      if (upper && (s[1 + upper] == ']' || strncmp (s + 1 + upper, "...]", 4) == 0))
        s++; /* "[POD...]": the word is read as if unbracketed, its "...]" skipped below */
      else if (*s == '[' || *s == ']')
        {
          depth += *s++ == '[' ? 1 : -1;
          continue;
        }
      size_t w = 0;
      while (isalpha ((unsigned char) s[w]))
        w++;
      for (size_t i = 0; w && depth == 0 && i < PP_N_ELEMENTS (arg_kinds); i++)
        if (strlen (arg_kinds[i].word) == w && strncmp (s, arg_kinds[i].word, w) == 0
            && (out->len == 0 || strstr (out->data, arg_kinds[i].kind) == NULL))
          pp_buf_printf (out, "%s%s", out->len ? " " : "", arg_kinds[i].kind);
      s += w ? w : 1;
      if (w && (strncmp (s, "]", 1) == 0 || strncmp (s, "...]", 4) == 0) && depth == 0)
        s += *s == ']' ? 1 : 4;
    }
}

/* One associative array of the script: "podplay pod ls" -> value, for every command (and its alias). */
static void
shell_table (FILE *out, const char *name, const cmd_docs_t *all, bool zsh,
             void (*value) (const cmd_doc_t *d, pp_buf_t *b))
{
  fprintf (out, "%s__podplay_%s=(\n", zsh ? "" : "declare -gA ", name);
  for (size_t i = 0; i <= all->n; i++)
    {
      cmd_doc_t root = { .cmd = pp_cli_root () };
      const cmd_doc_t *d = i < all->n ? &all->v[i] : &root;
      pp_buf_t b = { 0 };
      value (d, &b);
      for (int a = 0; a < 1 + (d->cmd->alias != NULL); a++)
        {
          const char *word = a ? d->cmd->alias : d->cmd->name;
          cleanup_free char *key = d == &root ? xstrdup ("podplay")
                                   : *d->parent_path ? xasprintf ("podplay %s %s", d->parent_path, word)
                                                     : xasprintf ("podplay %s", word);
          if (b.len)
            fprintf (out, zsh ? "  '%s' '%s'\n" : "  ['%s']='%s'\n", key, b.data);
        }
      pp_buf_free (&b);
    }
  fputs (")\n", out);
}

static void
value_subs (const cmd_doc_t *d, pp_buf_t *b)
{
  for (const pp_command_t *s = d->cmd->subcommands; s && s->name; s++)
    if (!s->hidden)
      pp_buf_printf (b, "%s%s%s%s", b->len ? " " : "", s->name, s->alias ? " " : "", s->alias ? s->alias : "");
}

static void
value_flags (const cmd_doc_t *d, bool valued, pp_buf_t *b)
{
  for (size_t i = 0; i < d->n_flags; i++)
    if (!valued || d->flags[i].value)
      {
        if (d->flags[i].lng)
          pp_buf_printf (b, "%s--%s", b->len ? " " : "", d->flags[i].lng);
        if (d->flags[i].shrt)
          pp_buf_printf (b, "%s-%c", b->len ? " " : "", d->flags[i].shrt);
      }
  size_t n;
  const struct option *g = pp_cli_global_options (&n);
  for (size_t i = 0; i < n; i++)
    if (!valued || g[i].has_arg != no_argument)
      pp_buf_printf (b, "%s--%s", b->len ? " " : "", g[i].name);
}

static void
value_all_flags (const cmd_doc_t *d, pp_buf_t *b)
{
  value_flags (d, false, b);
}

static void
value_valued (const cmd_doc_t *d, pp_buf_t *b)
{
  value_flags (d, true, b);
}

static void
value_args (const cmd_doc_t *d, pp_buf_t *b)
{
  if (d->cmd->run && !d->cmd->subcommands)
    usage_kinds (d->cmd->usage, b);
}

/* The names of each kind, and the values of flags that take a few: what the scripts run or offer. */
static const char names_fn[]
    = "__podplay_names() {\n"
      "  local bin=$1 kind=$2; shift 2\n"
      "  case $kind in\n"
      "  pods) \"$bin\" \"$@\" pod ls --format '{{.Name}}' ;;\n"
      "  containers) \"$bin\" \"$@\" ps -a --format '{{.Names}}' ;;\n"
      "  images) \"$bin\" \"$@\" images --format '{{.Repository}}:{{.Tag}}' ;;\n"
      "  volumes) \"$bin\" \"$@\" volume ls --format '{{.Name}}' ;;\n"
      "  networks) \"$bin\" \"$@\" network ls --format '{{.Name}}' ;;\n"
      "  jobs) \"$bin\" \"$@\" job ls --format '{{.Name}}' ;;\n"
      "  services) \"$bin\" \"$@\" service ls --format '{{.Name}}' ;;\n"
      "  formats) printf '%s\\n' json table ;;\n"
      "  levels) printf '%s\\n' error warning info debug ;;\n"
      "  runtimes) printf '%s\\n' builtin runc crun ;;\n"
      "  types) printf '%s\\n' pod deployment daemonset job ;;\n"
      "  shells) printf '%s\\n' bash zsh ;;\n"
      "  esac 2>/dev/null\n"
      "}\n";

/* The walk over the words typed so far, the same in both shells: the command they name, the global options that
   choose the state (--root, --runroot) to pass on when names are listed, and the kind of what is completed now. */
static const char walk_fn[]
    = "__podplay_walk() {\n"
      "  # $1: the index of the word completed, then the words; sets cmd, globals, kind and cands\n"
      "  local n=$1 i=1 w skip=\n"
      "  shift\n"
      "  cmd=podplay globals=() kind= cands=\n"
      "  local -a ws\n"
      "  ws=(\"$@\")\n"
      "  local cur=\"${ws[$n]}\" prev=\"${ws[$((n - 1))]}\"\n"
      "  while [ \"$i\" -lt \"$n\" ]; do\n"
      "    w=${ws[$i]}\n"
      "    i=$((i + 1))\n"
      "    # bash alone splits --root=DIR into three words\n"
      "    [ \"$w\" = = ] && continue\n"
      "    if [ -n \"$skip\" ]; then\n"
      "      [ \"$skip\" = global ] && globals+=(\"$w\")\n"
      "      skip=\n"
      "      continue\n"
      "    fi\n"
      "    case $w in\n"
      "    --root=* | --runroot=*) globals+=(\"$w\"); continue ;;\n"
      "    --root | --runroot) globals+=(\"$w\"); skip=global; continue ;;\n"
      "    -*=*) continue ;;\n"
      "    -*) case \" ${__podplay_valued[$cmd]} \" in *\" $w \"*) skip=1 ;; esac; continue ;;\n"
      "    esac\n"
      "    case \" ${__podplay_subs[$cmd]} \" in\n"
      "    \"  \") ;;\n"
      "    *\" $w \"*) cmd=\"$cmd $w\" ;;\n"
      "    esac\n"
      "  done\n"
      "  case $cur in\n"
      "  -*) cands=${__podplay_flags[$cmd]}; return ;;\n"
      "  esac\n"
      "  case \" ${__podplay_valued[$cmd]} \" in\n"
      "  *\" $prev \"*)\n"
      "    case $prev in -*) kind=${__podplay_flagkinds[$prev]}; return ;; esac ;;\n"
      "  esac\n"
      "  if [ -n \"${__podplay_subs[$cmd]}\" ]; then cands=${__podplay_subs[$cmd]}; else kind=${__podplay_args[$cmd]}; fi\n"
      "}\n";

static void
flag_kinds_table (FILE *out, bool zsh)
{
  fprintf (out, "%s__podplay_flagkinds=(\n", zsh ? "" : "declare -gA ");
  for (size_t i = 0; i < PP_N_ELEMENTS (flag_kinds); i++)
    fprintf (out, zsh ? "  '%s' '%s'\n" : "  ['%s']='%s'\n", flag_kinds[i].flag, flag_kinds[i].kind);
  fputs (")\n", out);
}

static void
completion_script (FILE *out, const cmd_docs_t *all, bool zsh)
{
  if (zsh)
    fputs ("#compdef podplay\n", out);
  fprintf (out, "# %s completion for podplay %s, made by `podplay completion %s` from its command table.\n",
           zsh ? "zsh" : "bash", PP_VERSION, zsh ? "zsh" : "bash");
  if (zsh)
    fputs ("typeset -gA __podplay_subs __podplay_flags __podplay_valued __podplay_args __podplay_flagkinds\n", out);
  shell_table (out, "subs", all, zsh, value_subs);
  shell_table (out, "flags", all, zsh, value_all_flags);
  shell_table (out, "valued", all, zsh, value_valued);
  shell_table (out, "args", all, zsh, value_args);
  flag_kinds_table (out, zsh);
  fputs (names_fn, out);
  fputs (walk_fn, out);
  if (zsh)
    fputs ("_podplay() {\n"
           "  local cmd kind cands k\n"
           "  local -a globals found\n"
           "  setopt localoptions ksharrays\n"
           "  __podplay_walk $((CURRENT - 1)) \"${words[@]}\"\n"
           "  unsetopt ksharrays\n"
           "  if [[ $kind == files ]]; then _files; return; fi\n"
           "  for k in ${=kind}; do found+=(${(f)\"$(__podplay_names \"${words[1]}\" $k \"${globals[@]}\")\"}); done\n"
           "  found+=(${=cands})\n"
           "  (( ${#found} )) && compadd -- \"${found[@]}\"\n"
           "}\n"
           "if [[ ${funcstack[1]} == _podplay ]]; then\n"
           "  _podplay \"$@\"\n"
           "elif (( ${+functions[compdef]} )); then\n"
           "  compdef _podplay podplay\n"
           "fi\n",
           out);
  else
    /* bash splits words at = and : (--root=DIR, IMAGE:TAG); bash-completion, where it is loaded, joins them. */
    fputs ("_podplay() {\n"
           "  local cmd kind cands k n cword cur\n"
           "  local -a globals ws\n"
           "  if declare -F _get_comp_words_by_ref >/dev/null; then\n"
           "    _get_comp_words_by_ref -n =: -w ws -i cword\n"
           "  else\n"
           "    ws=(\"${COMP_WORDS[@]}\") cword=$COMP_CWORD\n"
           "  fi\n"
           "  cur=${ws[cword]}\n"
           "  __podplay_walk \"$cword\" \"${ws[@]}\"\n"
           "  if [ \"$kind\" = files ]; then\n"
           "    compopt -o filenames 2>/dev/null\n"
           "    mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
           "    return\n"
           "  fi\n"
           "  # Names from the state are taken as they are, a line each: compgen -W would expand them as shell words.\n"
           "  COMPREPLY=()\n"
           "  while IFS= read -r n; do\n"
           "    [[ -n $n && $n == \"$cur\"* ]] && COMPREPLY+=(\"$n\")\n"
           "  done < <(for k in $kind; do __podplay_names \"${ws[0]}\" \"$k\" \"${globals[@]}\"; done; printf '%s\\n' $cands)\n"
           "  if declare -F __ltrim_colon_completions >/dev/null; then __ltrim_colon_completions \"$cur\"; fi\n"
           "}\n"
           "complete -F _podplay podplay\n",
           out);
}

/* ---- the commands ---- */

int
pp_cmd_completion (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "file", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  const char *file = NULL;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "f:", opts)) != -1)
    if (opt == 'f')
      file = optarg;
    else
      return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (optind + 1 != argc || (strcmp (argv[optind], "bash") != 0 && strcmp (argv[optind], "zsh") != 0))
    return pp_cli_usage_error (cli, "%s takes one shell: bash or zsh", cli->path);
  bool zsh = strcmp (argv[optind], "zsh") == 0; /* describing the commands parses again */
  cmd_docs_t all;
  collect_all (cli->ctx, &all);
  cleanup_free char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&text, &len);
  completion_script (m, &all, zsh);
  fclose (m);
  free (all.v);
  pp_error_t err = NULL;
  if (file)
    return pp_write_whole (file, text, len, 0644, &err) < 0 ? pp_cli_fail (&err) : PP_EXIT_OK;
  fwrite (text, 1, len, stdout);
  return PP_EXIT_OK;
}

/* `podplay man DIR`: a page per command; `podplay man --flags`: each command's flags, a line each, for the tests
   that check every page names them. */
int
pp_cmd_man (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "flags", no_argument, NULL, 'F' },
    { NULL, 0, NULL, 0 },
  };
  bool flags = false;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "", opts)) != -1)
    if (opt == 'F')
      flags = true;
    else
      return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (flags ? optind != argc : optind + 1 != argc)
    return pp_cli_usage_error (cli, "%s takes a directory, or --flags", cli->path);
  const char *dir = argv[optind]; /* describing the commands parses again */
  cmd_docs_t all;
  collect_all (cli->ctx, &all);
  int ret = PP_EXIT_OK;
  pp_error_t err = NULL;
  if (flags)
    for (size_t i = 0; i < all.n; i++)
      {
        printf ("%s\t", all.v[i].path);
        for (size_t k = 0; k < all.v[i].n_flags; k++)
          if (all.v[i].flags[k].lng)
            printf (" --%s", all.v[i].flags[k].lng);
          else
            printf (" -%c", all.v[i].flags[k].shrt);
        putchar ('\n');
      }
  else if (pp_mkdir_p (dir, 0755) < 0)
    {
      pp_error_make (&err, errno, "making `%s`", dir);
      ret = pp_cli_fail (&err);
    }
  else
    {
      /* podplay.1 last: make takes it for the whole set. */
      cmd_doc_t root = { .cmd = pp_cli_root () };
      for (size_t i = 0; i < all.n && ret == PP_EXIT_OK; i++)
        if (write_page (dir, &all.v[i], &all, &err) < 0)
          ret = pp_cli_fail (&err);
      if (ret == PP_EXIT_OK && write_page (dir, &root, &all, &err) < 0)
        ret = pp_cli_fail (&err);
    }
  free (all.v);
  return ret;
}
