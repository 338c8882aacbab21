/* What `system prune` removes and `system df` counts: pods that do not run, finished Jobs, networks and volumes no
   pod uses, images no pod uses (the nameless ones alone unless asked for all). */
#ifndef PP_PLAY_PRUNE_H
#define PP_PLAY_PRUNE_H

#include "core/context.h"
#include "core/error.h"
#include "play/run.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  bool all_images; /* every image no pod uses, not only those without a name */
  bool volumes;    /* the volumes no pod uses too */
} pp_prune_opts_t;

/* What went: names (pods, Jobs, networks, volumes) and image ids, and the bytes the storage root shrank by. */
typedef struct
{
  pp_strs_t pods, jobs, networks, volumes, images;
  int64_t reclaimed;
} pp_prune_report_t;

/* Removes what the options say, Jobs first (their pods with them), then pods, networks, volumes and images; goes on
   past an error (each logged) and returns the first.  The report says what went either way. */
int pp_system_prune (pp_context_t *ctx, const pp_prune_opts_t *opts, pp_prune_report_t *report, pp_error_t *err);
void pp_prune_report_release (pp_prune_report_t *report);

/* A row of `system df`: how many, how many in use, bytes on disk, and bytes a prune (-a --volumes) would free. */
typedef struct
{
  int64_t total, active, size, reclaimable;
} pp_df_row_t;

typedef struct
{
  pp_df_row_t images, containers, volumes;
} pp_df_t;

int pp_system_df (pp_context_t *ctx, pp_df_t *df, pp_error_t *err);

/* What uses the image `id`: "container POD-CTR" or "volume V of pod P" (an image volume), NULL when nothing. */
char *pp_image_user (pp_context_t *ctx, const char *id);

#endif
