/* The image commands: `load`, `images`, `image inspect`, `rmi` and `system df`. */
#include "src/cli/cli.h"
#include "state/state.h"
#include "image/load.h"
#include "image/store.h"
#include "image/unpack.h"
#include "play/prune.h"
#include "runtime/pod.h"

#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int
pp_cmd_load (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "input", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  const char *input = NULL;
  bool quiet = false;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "i:q", opts)) != -1)
    switch (opt)
      {
      case 'i':
        input = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind < argc && input == NULL)
    input = argv[optind++];
  if (optind < argc)
    return pp_cli_usage_error (cli, "load takes one input: -i FILE, a directory, oci:DIR[:TAG] or -");
  if (input == NULL)
    {
      if (isatty (STDIN_FILENO))
        return pp_cli_usage_error (cli, "load needs -i FILE (or an archive on standard input)");
      input = "-";
    }
  pp_error_t err = NULL;
  pp_store_t store;
  pp_load_result_t result;
  if (pp_store_open (cli->ctx, &store, &err) < 0 || pp_image_load (cli->ctx, &store, input, &result, &err) < 0)
    {
      pp_store_close (&store);
      return pp_cli_fail (&err);
    }
  for (size_t i = 0; i < result.n; i++)
    printf (quiet ? "%s\n" : "Loaded image: %s\n", result.names[i]);
  pp_load_result_release (&result);
  pp_store_close (&store);
  return PP_EXIT_OK;
}

/* Splits "registry/repo:tag" into repository and tag for listings. */
static void
split_name (const char *name, char **repo, char **tag)
{
  const char *slash = strrchr (name, '/');
  const char *colon = strrchr (slash ? slash : name, ':');
  *repo = colon ? xstrndup (name, (size_t) (colon - name)) : xstrdup (name);
  *tag = xstrdup (colon ? colon + 1 : "<none>");
}

static void
human_age (const char *created, char *buf, size_t size)
{
  struct tm tm = { 0 };
  if (created == NULL || strptime (created, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
    {
      snprintf (buf, size, "unknown");
      return;
    }
  double secs = difftime (time (NULL), timegm (&tm));
  static const struct
  {
    double len;
    const char *unit;
  } steps[] = { { 365.25 * 86400, "year" }, { 30 * 86400, "month" }, { 7 * 86400, "week" }, { 86400, "day" },
                { 3600, "hour" },           { 60, "minute" } };
  for (size_t i = 0; i < PP_N_ELEMENTS (steps); i++)
    if (secs >= steps[i].len)
      {
        long n = (long) (secs / steps[i].len);
        snprintf (buf, size, "%ld %s%s ago", n, steps[i].unit, n == 1 ? "" : "s");
        return;
      }
  snprintf (buf, size, "About a minute ago");
}

static json_t *
image_json (const pp_image_t *im)
{
  json_t *names = json_array ();
  for (size_t i = 0; i < im->n_names; i++)
    json_array_append_new (names, json_string (im->names[i]));
  json_t *created = json_object_get (im->config, "created");
  return json_pack ("{s:s, s:s, s:o, s:O, s:I}", "Id", im->id, "Digest", im->digest, "Names", names, "Created",
                    created ? created : json_null (), "Size", (json_int_t) im->size);
}

/* Opens the store and lists its images; on failure prints the error once and closes the store. */
static int
open_and_list (pp_cli_t *cli, pp_store_t *store, pp_image_t **all, size_t *n)
{
  pp_error_t err = NULL;
  if (pp_store_open (cli->ctx, store, &err) < 0 || pp_store_list (store, all, n, &err) < 0)
    {
      pp_store_close (store);
      pp_cli_fail (&err);
      return -1;
    }
  return 0;
}

/* A reference filter: the pattern found in one of the image's names ("localhost/busybox:latest"). */
static bool
match_image (const char *key, const char *value, const void *row)
{
  (void) key;
  const pp_image_t *im = row;
  for (size_t k = 0; k < im->n_names; k++)
    if (pp_cli_match_name (value, im->names[k]))
      return true;
  return false;
}

static const pp_table_col_t image_cols[] = {
  { "Repository", "REPOSITORY", true, 0 }, { "Tag", "TAG", true, 0 },   { "ID", "IMAGE ID", true, 12 },
  { "Created", "CREATED", true, 0 },       { "Size", "SIZE", true, 0 },
};
static const char *const image_filters[] = { "reference=REGEX", NULL };
const pp_list_spec_t pp_list_images = { image_cols, PP_N_ELEMENTS (image_cols), image_filters, "ID", NULL, true };

int
pp_cmd_images (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  pp_store_t store;
  pp_image_t *all = NULL;
  size_t n = 0;
  if (open_and_list (cli, &store, &all, &n) < 0)
    {
      pp_cli_list_release (&l);
      return PP_EXIT_ERROR;
    }
  json_t *arr = json_array ();
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  for (size_t i = 0; i < n; i++)
    {
      if (!pp_cli_list_keep (&l, match_image, &all[i]))
        continue;
      if (l.json)
        {
          json_array_append_new (arr, image_json (&all[i]));
          continue;
        }
      char size[32], age[48];
      pp_human_size ((double) all[i].size, 3, false, " ", size, sizeof size);
      human_age (json_string_value (json_object_get (all[i].config, "created")), age, sizeof age);
      /* -q: each image once, by its ID. */
      for (size_t k = 0; k < (all[i].n_names && !l.quiet ? all[i].n_names : 1); k++)
        {
          cleanup_free char *repo = NULL;
          cleanup_free char *tag = NULL;
          split_name (all[i].n_names ? all[i].names[k] : "<none>", &repo, &tag);
          const char *row[] = { repo, tag, all[i].id, age, size };
          pp_table_add (&t, row);
        }
    }
  r = pp_cli_list_finish (cli, &l, &t, arr);
  pp_images_free (all, n);
  pp_store_close (&store);
  return r;
}

int
pp_cmd_image_inspect (pp_cli_t *cli, int argc, char **argv)
{
  bool json = true; /* inspect speaks JSON whatever --format says: it has no table */
  int st = pp_cli_format_options (cli, argc, argv, &json);
  if (st >= 0)
    return st;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "image inspect needs at least one image");
  pp_error_t err = NULL;
  pp_store_t store;
  if (pp_store_open (cli->ctx, &store, &err) < 0)
    {
      pp_store_close (&store);
      return pp_cli_fail (&err);
    }
  json_t *arr = json_array ();
  int status = PP_EXIT_OK;
  for (int i = optind; i < argc; i++)
    {
      pp_image_t im;
      if (pp_store_lookup (&store, argv[i], &im, &err) < 0)
        {
          pp_error_print (stderr, err);
          pp_error_release (&err);
          status = PP_EXIT_ERROR;
          continue;
        }
      json_t *o = image_json (&im);
      json_t *diff_ids = json_array (), *layers = json_array ();
      for (size_t l = 0; l < im.n_layers; l++)
        {
          json_array_append_new (diff_ids, json_string (im.layers[l].diff_id));
          json_array_append_new (layers, json_pack ("{s:s, s:s, s:I}", "Digest", im.layers[l].digest, "MediaType",
                                                    im.layers[l].media_type, "Size", (json_int_t) im.layers[l].size));
        }
      json_object_set (o, "Architecture", json_object_get (im.config, "architecture"));
      json_object_set (o, "Os", json_object_get (im.config, "os"));
      json_object_set (o, "Config", json_object_get (im.config, "config"));
      json_object_set_new (o, "RootFS", json_pack ("{s:s, s:o}", "Type", "layers", "Layers", diff_ids));
      json_object_set_new (o, "Layers", layers);
      json_array_append_new (arr, o);
      pp_image_release (&im);
    }
  json_dumpf (arr, stdout, JSON_INDENT (4) | JSON_PRESERVE_ORDER);
  putchar ('\n');
  json_decref (arr);
  pp_store_close (&store);
  return status;
}

/* What uses image `id`: "container POD-CTR" of a container that runs it, or "volume V of pod POD" of an image
   volume that mounts it (its pod.json says); NULL when nothing does. */

int
pp_cmd_rmi (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "f", opts)) != -1)
    switch (opt)
      {
      case 'f':
        force = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind >= argc)
    return pp_cli_usage_error (cli, "rmi needs at least one image");
  pp_error_t err = NULL;
  pp_store_t store;
  if (pp_store_open (cli->ctx, &store, &err) < 0)
    {
      pp_store_close (&store);
      return pp_cli_fail (&err);
    }
  int status = PP_EXIT_OK;
  for (int i = optind; i < argc; i++)
    {
      pp_image_t im;
      if (pp_store_lookup (&store, argv[i], &im, &err) < 0)
        {
          pp_error_print (stderr, err);
          pp_error_release (&err);
          status = PP_EXIT_ERROR;
          continue;
        }
      /* Naming one of several names of an image untags that name only, as Podman does; -f removes the image. */
      ssize_t which = pp_image_name_index (&im, argv[i]);
      bool untag = !force && im.n_names > 1 && which >= 0;
      cleanup_free char *user = untag ? NULL : pp_image_user (cli->ctx, im.id);
      if (user)
        {
          fprintf (stderr, "Error: image %s is used by %s: remove its pod first (`podplay pod rm`)\n", argv[i], user);
          pp_image_release (&im);
          status = PP_EXIT_ERROR;
          continue;
        }
      if (untag)
        {
          printf ("Untagged: %s\n", im.names[which]);
          free (im.names[which]);
          im.names[which] = im.names[--im.n_names];
          if (pp_store_save_image (&store, &im, false, &err) < 0)
            status = pp_cli_fail (&err);
        }
      else if (pp_store_remove (&store, &im, &err) < 0)
        status = pp_cli_fail (&err);
      else
        {
          for (size_t k = 0; k < im.n_names; k++)
            printf ("Untagged: %s\n", im.names[k]);
          printf ("Deleted: %s\n", im.id);
        }
      pp_image_release (&im);
    }
  pp_store_close (&store);
  return status;
}

