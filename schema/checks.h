/* The API server's checks on strings and numbers: names, labels, quantities, ports, paths, base64, images.
   Each returns NULL when the value is valid, else why not, in Kubernetes' words where it has them. */
#ifndef PP_CHECKS_H
#define PP_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

const char *pp_check_dns_label (const char *s);      /* RFC 1123 label, 63 characters */
const char *pp_check_dns1035_label (const char *s);  /* RFC 1035 label: starts with a letter */
const char *pp_check_dns_subdomain (const char *s);  /* RFC 1123 subdomain, 253 characters */
const char *pp_check_label_key (const char *s);      /* [prefix/]name; also annotation keys */
const char *pp_check_label_value (const char *s);
const char *pp_check_port_name (const char *s); /* IANA service name */
const char *pp_check_env_name (const char *s);
const char *pp_check_config_key (const char *s);
const char *pp_check_base64 (const char *s, size_t len);
/* The bytes that base64 text decodes to (what pp_check_base64 accepts: newlines are skipped, as the API server
   skips them), with a NUL after them: `*n` of them, the caller's to free.  Without libcrypto, so that a play with
   Secrets maps no more than one without. */
char *pp_base64_decode (const char *s, size_t len, size_t *n);
const char *pp_check_ip (const char *s);
/* Which namespace a dotted sysctl name is of: "ipc", "net", or NULL when it is the whole machine's. */
const char *pp_sysctl_namespace (const char *name);
/* A sysctl name in its dotted form (`net/ipv4/ip_forward` is `net.ipv4.ip_forward`); owned. */
char *pp_sysctl_normalize (const char *name);
const char *pp_check_capability (const char *s);
const char *pp_check_image (const char *s);
const char *pp_check_rfc3339 (const char *s);
/* No `..` component; `relative` also refuses an absolute path. */
const char *pp_check_path (const char *s, bool relative);
/* The path of a configMap, secret or downwardAPI item: not empty, relative, no '..' element, and not starting with
   '..', which the kubelet keeps for its own (..data). */
const char *pp_check_item_path (const char *s);
const char *pp_check_resource_name (const char *s);
const char *pp_check_field_path (const char *s);
const char *pp_check_resource_field (const char *s);

/* A Kubernetes quantity: "500m", "128Mi", "1.5", "1e3". */
typedef struct
{
  long double value; /* in base units: cores, bytes */
} pp_quantity_t;

const char *pp_quantity_parse (const char *s, pp_quantity_t *q);

/* YAML 1.1 integers as Kubernetes reads them: 0x, 0o, 0b and leading-0 octal, `_` separators.
   Returns false on a malformed text or on overflow of int64. */
bool pp_parse_int (const char *s, int64_t *out);

#endif
