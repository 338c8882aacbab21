/* env[].valueFrom.fileKeyRef (Kubernetes 1.34): a variable's value read from a file that an init container wrote
   in an emptyDir, when the container starts, as the kubelet reads it. */
#ifndef PP_FILEENV_H
#define PP_FILEENV_H

#include "core/error.h"

#include <jansson.h>
#include <stddef.h>

/* The largest file read, as the kubelet's limit. */
#define PP_FILEENV_MAX (64 * 1024)

/* Looks `key` up in an env file of Kubernetes' format: lines KEY='value' (the value taken literally, lines and
   all, up to the closing quote), '#' comment lines and blank lines; a key given twice takes its last value.
   1 with *value (freed by the caller), 0 when the file lacks the key, -1 with err naming the line when the file is
   not of that format. */
int pp_fileenv_lookup (const char *data, size_t len, const char *key, char **value, pp_error_t *err);

/* Sets the fileKeyRef variables of a container in its bundle's config.json before a start: `entries` are pod.json's
   [{name, volume, path, key, optional}]; each file is read beneath its volume's folder (symlinks resolved inside
   it, never out).  A missing file or key leaves an optional variable out and fails the start otherwise. */
int pp_fileenv_apply (const char *bundle, json_t *entries, pp_error_t *err);

#endif
