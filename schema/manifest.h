/* Manifest input: files, directories and stdin, read whole (mapped where possible) and validated document by document. */
#ifndef PP_MANIFEST_H
#define PP_MANIFEST_H

#include "core/context.h"
#include "core/error.h"
#include "schema/validate.h"

typedef struct
{
  char *name; /* as the user wrote it; "-" reads standard input */
  char *data;
  size_t len;
  bool mapped;
} pp_input_t;

int pp_input_open (const char *path, pp_input_t *in, pp_error_t *err);
void pp_input_close (pp_input_t *in);

/* Expands arguments into manifest files: a directory gives its *.yaml, *.yml and *.json files in name order
   (its subdirectories too when `recursive`), as `kubectl apply -f DIR` does. */
int pp_manifest_expand (const char *const *args, size_t n, bool recursive, char ***paths, size_t *n_paths,
                        pp_error_t *err);
void pp_manifest_paths_free (char **paths, size_t n);
/* Whether a file of a directory is a manifest by its name: *.yaml, *.yml or *.json, not hidden. */
bool pp_manifest_name (const char *name);

typedef struct
{
  size_t files, documents, objects;
} pp_validate_stats_t;

/* Validates every document of every file, reporting into `diags`; fails (< 0) only when an input cannot be read. */
int pp_validate_files (pp_context_t *ctx, char *const *paths, size_t n, const pp_validate_opts_t *opts,
                       pp_diags_t *diags, pp_validate_stats_t *stats, pp_error_t *err);

/* Documents kept for use after validation (`kube play`). */
typedef struct
{
  pp_doc_t **v;
  size_t n;
} pp_docs_t;

/* Loads and validates every document of every file, keeping them in `docs` (their file names live in `diags`,
   which must outlive them); fails only when an input cannot be read. */
int pp_manifest_load (pp_context_t *ctx, char *const *paths, size_t n, const pp_validate_opts_t *opts,
                      pp_diags_t *diags, pp_docs_t *docs, pp_error_t *err);
void pp_docs_free (pp_docs_t *docs);

/* The inputs a load read, open (mapped or in memory) for the caller to read again. */
typedef struct
{
  pp_input_t *v;
  size_t n;
} pp_inputs_t;
void pp_inputs_close (pp_inputs_t *inputs);

/* Each document as it is loaded and validated, handed to `fn`, which owns it (`input` is its file's index in
   `inputs`): a caller that keeps only some documents, or a part of each, holds far less than all of them. */
typedef void (*pp_doc_fn) (void *arg, pp_doc_t *doc, size_t input);
int pp_manifest_load_each (pp_context_t *ctx, char *const *paths, size_t n, const pp_validate_opts_t *opts,
                           pp_diags_t *diags, pp_doc_fn fn, void *arg, pp_inputs_t *inputs, pp_error_t *err);

#endif
