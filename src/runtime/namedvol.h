/* Named volumes: what a PersistentVolumeClaim becomes on one machine, a directory that outlives the pods
   (<root>/volumes/<name>/_data, described by <root>/volumes/<name>/volume.json). */
#ifndef PP_NAMEDVOL_H
#define PP_NAMEDVOL_H

#include "core/context.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>

/* The directory a volume's data is in. */
char *pp_namedvol_data (pp_context_t *ctx, const char *name);
bool pp_namedvol_exists (pp_context_t *ctx, const char *name);
/* Creates the volume unless it exists (*created says which); `play_file` records the play that made it. */
int pp_namedvol_create (pp_context_t *ctx, const char *name, const char *play_file, bool *created, pp_error_t *err);
/* Every volume's description ({"name", "mountpoint", "created", "playFile", "usedBy": [pods]}), by name. */
json_t *pp_namedvol_list (pp_context_t *ctx, pp_error_t *err);
/* Removes a volume and its data; refused while a pod uses it. */
int pp_namedvol_remove (pp_context_t *ctx, const char *name, pp_error_t *err);

#endif
