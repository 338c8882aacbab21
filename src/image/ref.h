/* Image references: short names expanded as Podman does, tags and digests split out. */
#ifndef PP_REF_H
#define PP_REF_H

#include "core/error.h"

typedef struct
{
  char *registry;   /* "docker.io", "localhost", "127.0.0.1:5000" */
  char *repository; /* "library/busybox" */
  char *tag;        /* "latest" when neither tag nor digest is given */
  char *digest;     /* "sha256:..." or NULL */
} pp_ref_t;

/* Parses and normalises: "busybox" is docker.io/library/busybox:latest, "localhost/x" stays local. */
int pp_ref_parse (const char *text, pp_ref_t *ref, pp_error_t *err);
/* "registry/repository:tag" (or "@digest"), the name images are stored under. */
char *pp_ref_string (const pp_ref_t *ref);
void pp_ref_release (pp_ref_t *ref);

#endif
