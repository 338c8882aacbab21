/* String and number checks the Kubernetes API server makes, for the validator to report before anything runs. */
#include "schema/checks.h"
#include "core/capnames.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])?, whatever the length. */
static bool
label_chars_ok (const char *s, size_t len)
{
  if (len == 0 || s[0] == '-' || s[len - 1] == '-')
    return false;
  for (size_t i = 0; i < len; i++)
    if (!is_lower_alnum (s[i]) && s[i] != '-')
      return false;
  return true;
}

static const char *
dns_label_n (const char *s, size_t len)
{
  if (len == 0)
    return "must not be empty";
  if (len > 63)
    return "must be no more than 63 characters";
  if (!label_chars_ok (s, len))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
           "and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
  return NULL;
}

const char *
pp_check_dns_label (const char *s)
{
  return dns_label_n (s, strlen (s));
}

const char *
pp_check_dns1035_label (const char *s)
{
  /* The API server words every mismatch of the DNS-1035 pattern its own way, not as an RFC 1123 label. */
  if (strlen (s) > 63)
    return "must be no more than 63 characters";
  if (!label_chars_ok (s, strlen (s)) || !(s[0] >= 'a' && s[0] <= 'z'))
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
           "character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')";
  return NULL;
}

const char *
pp_check_dns_subdomain (const char *s)
{
  size_t len = strlen (s);
  if (len == 0)
    return "must not be empty";
  if (len > 253)
    return "must be no more than 253 characters";
  const char *start = s;
  for (const char *p = s;; p++)
    if (*p == '.' || *p == '\0')
      {
        /* Kubernetes' subdomain pattern limits only the whole to 253, not each part to 63. */
        if (!label_chars_ok (start, (size_t) (p - start)))
          return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com')";
        if (*p == '\0')
          break;
        start = p + 1;
      }
  return NULL;
}

/* Label names and values: alphanumerics with '-', '_', '.' inside, 63 characters. */
static const char *
qualified_part (const char *s, size_t len, bool allow_empty)
{
  if (len == 0)
    return allow_empty ? NULL : "name part must be non-empty";
  if (len > 63)
    return "must be no more than 63 characters";
  if (!is_alnum (s[0]) || !is_alnum (s[len - 1]))
    return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
           "character (e.g. 'MyName', or 'my.name', or '123-abc')";
  for (size_t i = 0; i < len; i++)
    if (!is_alnum (s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
      return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
             "character (e.g. 'MyName', or 'my.name', or '123-abc')";
  return NULL;
}

const char *
pp_check_label_key (const char *s)
{
  const char *slash = strchr (s, '/');
  if (slash == NULL)
    return qualified_part (s, strlen (s), false);
  if (strchr (slash + 1, '/'))
    return "a qualified name has at most one '/': an optional DNS subdomain prefix and a name";
  char prefix[256];
  size_t plen = (size_t) (slash - s);
  if (plen == 0 || plen > 253)
    return "prefix part must be a DNS subdomain of at most 253 characters";
  memcpy (prefix, s, plen);
  prefix[plen] = '\0';
  if (pp_check_dns_subdomain (prefix))
    return "prefix part must be a lowercase RFC 1123 subdomain (e.g. 'example.com')";
  return qualified_part (slash + 1, strlen (slash + 1), false);
}

const char *
pp_check_label_value (const char *s)
{
  return qualified_part (s, strlen (s), true);
}

const char *
pp_check_port_name (const char *s)
{
  size_t len = strlen (s);
  if (len == 0)
    return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
  if (len > 15)
    return "must be no more than 15 characters";
  bool letter = false;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] >= 'a' && s[i] <= 'z')
        letter = true;
      else if (!is_lower_alnum (s[i]) && s[i] != '-')
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
      if (s[i] == '-' && i + 1 < len && s[i + 1] == '-')
        return "must not contain consecutive hyphens";
    }
  if (s[0] == '-' || s[len - 1] == '-')
    return "must not begin or end with a hyphen";
  if (!letter)
    return "must contain at least one letter (a-z)";
  return NULL;
}

const char *
pp_check_env_name (const char *s)
{
  /* Kubernetes 1.32 relaxed the rule to any printable ASCII but '=' (RelaxedEnvironmentVariableValidation). */
  if (*s == '\0')
    return "must not be empty";
  for (const char *p = s; *p; p++)
    {
      if (*p == '=')
        return "must not contain '='";
      if ((unsigned char) *p < 32 || (unsigned char) *p > 126)
        return "must consist of printable ASCII characters";
    }
  return NULL;
}

const char *
pp_check_config_key (const char *s)
{
  size_t len = strlen (s);
  if (len == 0)
    return "must not be empty";
  if (len > 253)
    return "must be no more than 253 characters";
  if (strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
    return "must not be '.' or '..'";
  /* The kubelet's atomic writer keeps its own `..data` links beside the keys, so the API server refuses these. */
  if (strncmp (s, "..", 2) == 0)
    return "must not start with '..'";
  for (const char *p = s; *p; p++)
    if (!is_alnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or "
             "'KEY_NAME', or 'key-name')";
  return NULL;
}

static int
b64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

char *
pp_base64_decode (const char *s, size_t len, size_t *n)
{
  char *out = xmalloc (len / 4 * 3 + 4);
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++)
    {
      int v = b64_value (s[i]);
      if (v < 0)
        continue; /* newlines and padding */
      acc = (acc << 6) | (uint32_t)v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
  out[o] = '\0';
  *n = o;
  return out;
}

const char *
pp_check_base64 (const char *s, size_t len)
{
  size_t n = 0, pad = 0;
  for (size_t i = 0; i < len; i++)
    {
      char c = s[i];
      if (c == '\n' || c == '\r')
        continue;
      if (c == '=')
        {
          pad++;
          n++;
          continue;
        }
      if (pad || b64_value (c) < 0)
        return "is not valid base64: Secret data must be base64-encoded (use stringData for plain text)";
      n++;
    }
  if (n % 4 != 0 || pad > 2)
    return "is not valid base64: its length is not a multiple of 4 (use stringData for plain text)";
  return NULL;
}

const char *
pp_check_ip (const char *s)
{
  unsigned char buf[16];
  if (inet_pton (AF_INET, s, buf) == 1 || inet_pton (AF_INET6, s, buf) == 1)
    return NULL;
  return "must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)";
}


const char *
pp_check_capability (const char *s)
{
  const char *name = strncasecmp (s, "CAP_", 4) == 0 ? s + 4 : s;
  if (strcasecmp (name, "ALL") == 0)
    return NULL;
  for (size_t i = 0; pp_capability_names[i]; i++)
    if (strcasecmp (name, pp_capability_names[i]) == 0)
      return NULL;
  return "is not a Linux capability (e.g. NET_ADMIN, SYS_TIME, or ALL)";
}

/* A path component of an image: [a-z0-9]+ joined by '.', '_', '__' or a run of '-'. */
static bool
image_component_ok (const char *s, size_t len)
{
  if (len == 0 || !is_lower_alnum (s[0]) || !is_lower_alnum (s[len - 1]))
    return false;
  for (size_t i = 0; i < len;)
    {
      size_t j = i;
      while (j < len && !is_lower_alnum (s[j]))
        j++;
      size_t dashes = 0;
      for (size_t k = i; k < j; k++)
        dashes += s[k] == '-';
      if (j - i > 0 && dashes != j - i && strncmp (s + i, ".", j - i) != 0 && strncmp (s + i, "__", j - i) != 0)
        return false;
      i = j == i ? i + 1 : j;
    }
  return true;
}

/* A registry host as the distribution reference has it: a domain of letters, digits, '.' and '-', or an IPv6
   address in brackets, then :port. */
static bool
image_host_ok (const char *s, size_t n)
{
  size_t i = 0;
  if (n && s[0] == '[')
    {
      for (i = 1; i < n && (isxdigit ((unsigned char) s[i]) || s[i] == ':' || s[i] == '.'); i++)
        ;
      if (i == 1 || i >= n || s[i] != ']')
        return false;
      i++;
    }
  else
    {
      for (; i < n && (is_alnum (s[i]) || s[i] == '.' || s[i] == '-'); i++)
        ;
      if (i == 0)
        return false;
    }
  if (i == n)
    return true;
  if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
    return false;
  for (i++; i < n; i++)
    if (!isdigit ((unsigned char) s[i]))
      return false;
  return true;
}

/* [registry[:port]/]path[:tag][@algorithm:hex], the grammar of the distribution reference. */
const char *
pp_check_image (const char *s)
{
  if (*s == '\0')
    return "must not be empty";
  for (const char *p = s; *p; p++)
    if (isspace ((unsigned char) *p))
      return "must not contain whitespace";
  const char *at = strchr (s, '@');
  size_t name_end = at ? (size_t) (at - s) : strlen (s);
  if (at)
    {
      const char *colon = strchr (at + 1, ':');
      if (colon == NULL || colon == at + 1 || colon[1] == '\0')
        return "has a malformed digest: expected algorithm:hex after '@'";
      for (const char *p = colon + 1; *p; p++)
        if (!isxdigit ((unsigned char) *p))
          return "has a malformed digest: the part after ':' must be hexadecimal";
    }
  /* The tag is after the last ':' that follows the last '/'. */
  const char *last_slash = NULL;
  for (size_t i = 0; i < name_end; i++)
    if (s[i] == '/')
      last_slash = s + i;
  const char *tag = NULL;
  for (const char *p = last_slash ? last_slash : s; p < s + name_end; p++)
    if (*p == ':')
      tag = p;
  size_t repo_end = tag ? (size_t) (tag - s) : name_end;
  if (tag)
    {
      size_t tlen = name_end - (size_t) (tag - s) - 1;
      if (tlen == 0 || tlen > 128)
        return "has an empty or over-long tag";
      if (!is_alnum (tag[1]) && tag[1] != '_')
        return "has an invalid tag: a tag starts with a letter, a digit or '_'";
      for (const char *p = tag + 1; p < s + name_end; p++)
        if (!is_alnum (*p) && *p != '_' && *p != '.' && *p != '-')
          return "has an invalid tag: tags consist of letters, digits, '_', '.' and '-'";
    }
  if (repo_end == 0)
    return "has no repository name";
  /* The first component may be a registry host (with '.' or ':' or "localhost"), which may hold capitals. */
  const char *first_slash = memchr (s, '/', repo_end);
  size_t path_start = 0;
  if (first_slash)
    {
      size_t hlen = (size_t) (first_slash - s);
      bool host = memchr (s, '.', hlen) || memchr (s, ':', hlen) || (hlen == 9 && strncmp (s, "localhost", 9) == 0);
      if (host && !image_host_ok (s, hlen))
        return "has an invalid registry host: a host name (letters, digits, '.', '-') or [IPv6 address], and a "
               "port of digits after ':'";
      if (host)
        path_start = hlen + 1;
    }
  for (size_t i = path_start; i < repo_end; i++)
    {
      char c = s[i];
      if (c >= 'A' && c <= 'Z')
        return "repository name must be lowercase";
      if (!is_lower_alnum (c) && c != '/' && c != '.' && c != '_' && c != '-' && !(i < path_start))
        return "has an invalid repository name";
    }
  /* Runtimes refuse what the grammar refuses ("a//b", "-a", "a..b"), so say so before the pull does. */
  for (size_t start = path_start, i = path_start; i <= repo_end; i++)
    if (i == repo_end || s[i] == '/')
      {
        if (!image_component_ok (s + start, i - start))
          return "has an invalid repository name: path components are lowercase letters and digits, separated by "
                 "'.', '_', '__' or '-' and by '/'";
        start = i + 1;
      }
  return NULL;
}

static int
two_digits (const char *p)
{
  return (p[0] - '0') * 10 + (p[1] - '0');
}

const char *
pp_check_rfc3339 (const char *s)
{
  /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm) */
  const char *shape = "dddd-dd-ddTdd:dd:dd";
  size_t i = 0;
  for (; shape[i]; i++)
    {
      char c = s[i];
      if (shape[i] == 'd' ? !isdigit ((unsigned char) c) : (shape[i] == 'T' ? (c != 'T' && c != 't') : c != shape[i]))
        return "must be an RFC 3339 time (e.g. 2024-05-01T12:00:00Z)";
    }
  /* The API server's time.Parse refuses a 13th month, a 30th of February or a 24th hour. */
  static const int month_days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int year = two_digits (s) * 100 + two_digits (s + 2), month = two_digits (s + 5), day = two_digits (s + 8);
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] + (month == 2 && leap)
      || two_digits (s + 11) > 23 || two_digits (s + 14) > 59 || two_digits (s + 17) > 59)
    return "must be an RFC 3339 time (e.g. 2024-05-01T12:00:00Z): a date or time field is out of range";
  const char *p = s + i;
  if (*p == '.')
    {
      p++;
      if (!isdigit ((unsigned char) *p))
        return "must be an RFC 3339 time (e.g. 2024-05-01T12:00:00Z)";
      while (isdigit ((unsigned char) *p))
        p++;
    }
  if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
    return NULL;
  if ((*p == '+' || *p == '-') && isdigit ((unsigned char) p[1]) && isdigit ((unsigned char) p[2]) && p[3] == ':'
      && isdigit ((unsigned char) p[4]) && isdigit ((unsigned char) p[5]) && p[6] == '\0')
    return NULL;
  return "must be an RFC 3339 time (e.g. 2024-05-01T12:00:00Z)";
}

const char *
pp_check_path (const char *s, bool relative)
{
  if (relative && s[0] == '/')
    return "must be a relative path";
  for (const char *p = s; *p;)
    {
      const char *e = strchr (p, '/');
      size_t n = e ? (size_t) (e - p) : strlen (p);
      if (n == 2 && p[0] == '.' && p[1] == '.')
        return "must not contain '..'";
      if (e == NULL)
        break;
      p = e + 1;
    }
  return NULL;
}

const char *
pp_check_item_path (const char *s)
{
  const char *why = *s ? pp_check_path (s, true) : "must not be empty";
  if (why == NULL && strncmp (s, "..", 2) == 0)
    why = "must not start with '..'";
  return why;
}

const char *
pp_check_resource_name (const char *s)
{
  static const char *const standard[] = { "cpu", "memory", "ephemeral-storage", "storage" };
  for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++)
    if (strcmp (s, standard[i]) == 0)
      return NULL;
  if (strncmp (s, "hugepages-", 10) == 0)
    {
      pp_quantity_t q;
      return pp_quantity_parse (s + 10, &q) ? "hugepages-<size> needs a page size quantity (e.g. hugepages-2Mi)" : NULL;
    }
  if (strchr (s, '/') && pp_check_label_key (s) == NULL)
    return NULL; /* an extended resource, such as example.com/gpu */
  return "must be a standard resource (cpu, memory, ephemeral-storage, hugepages-<size>) or a fully qualified "
         "extended resource (e.g. example.com/gpu)";
}

const char *
pp_check_field_path (const char *s)
{
  static const char *const paths[] = { "metadata.name",  "metadata.namespace", "metadata.uid",     "metadata.labels",
                                       "metadata.annotations", "spec.nodeName", "spec.serviceAccountName",
                                       "status.hostIP",  "status.hostIPs",     "status.podIP",     "status.podIPs" };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (strcmp (s, paths[i]) == 0)
      return NULL;
  const char *prefixes[] = { "metadata.labels['", "metadata.annotations['" };
  for (size_t i = 0; i < 2; i++)
    {
      size_t n = strlen (prefixes[i]), len = strlen (s);
      if (strncmp (s, prefixes[i], n) == 0 && len > n + 2 && strcmp (s + len - 2, "']") == 0)
        return NULL;
    }
  return "is not a supported fieldPath: use metadata.name, metadata.namespace, metadata.uid, metadata.labels, "
         "metadata.annotations, metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, "
         "spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP or status.podIPs";
}

const char *
pp_check_resource_field (const char *s)
{
  static const char *const fields[] = { "limits.cpu",      "limits.memory",      "limits.ephemeral-storage",
                                        "requests.cpu",    "requests.memory",    "requests.ephemeral-storage" };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp (s, fields[i]) == 0)
      return NULL;
  if (strncmp (s, "limits.hugepages-", 17) == 0 || strncmp (s, "requests.hugepages-", 19) == 0)
    return NULL;
  return "is not a supported resource: use limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, "
         "requests.memory or requests.ephemeral-storage";
}

const char *
pp_quantity_parse (const char *s, pp_quantity_t *q)
{
  const char *p = s;
  bool neg = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  const char *num = p;
  bool digits = false, dot = false;
  for (; (*p >= '0' && *p <= '9') || *p == '.'; p++)
    {
      if (*p == '.')
        {
          if (dot)
            return "must be a quantity such as 500m, 1.5, 128Mi or 2Gi (two decimal points)";
          dot = true;
        }
      else
        digits = true;
    }
  if (!digits)
    return "must be a quantity such as 500m, 1.5, 128Mi or 2Gi";
  /* strtold on `num` itself would read "1e3" whole and the exponent below would apply twice. */
  cleanup_free char *mantissa = xstrndup (num, (size_t) (p - num));
  long double v = strtold (mantissa, NULL);
  static const struct
  {
    const char *suffix;
    long double mult;
  } suffixes[] = {
    { "Ki", 1024.0L },         { "Mi", 1048576.0L },       { "Gi", 1073741824.0L },        { "Ti", 1099511627776.0L },
    { "Pi", 1125899906842624.0L }, { "Ei", 1152921504606846976.0L }, { "n", 1e-9L }, { "u", 1e-6L },
    { "m", 1e-3L },            { "", 1.0L },               { "k", 1e3L },                  { "M", 1e6L },
    { "G", 1e9L },             { "T", 1e12L },             { "P", 1e15L },                 { "E", 1e18L },
  };
  if (*p == 'e' || *p == 'E')
    {
      const char *e = p + 1;
      if (*e == '+' || *e == '-')
        e++;
      if (*e >= '0' && *e <= '9')
        {
          char *end;
          long x = strtol (p + 1, &end, 10);
          if (*end != '\0')
            return "must be a quantity such as 500m, 1.5, 128Mi or 2Gi (garbage after the exponent)";
          if (x > 40 || x < -40)
            return "must be a quantity such as 500m, 1.5, 128Mi or 2Gi (exponent out of range)";
          q->value = (neg ? -v : v) * powl (10.0L, (long double) x);
          return NULL;
        }
    }
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
    if (strcmp (p, suffixes[i].suffix) == 0)
      {
        q->value = (neg ? -v : v) * suffixes[i].mult;
        return NULL;
      }
  if (strcmp (p, "K") == 0)
    return "has an unknown suffix 'K': use k (10^3) or Ki (2^10)";
  /* "10gb" or "2TiB": name the units of the size the user wrote, not always megabytes. */
  static const char units[] = "kKmMgGtTpPeE";
  static const char *const hints[] = {
    "has an unknown suffix: Kubernetes writes k (10^3) or Ki (2^10), not kB or KiB",
    "has an unknown suffix: Kubernetes writes M (10^6) or Mi (2^20), not MB or MiB",
    "has an unknown suffix: Kubernetes writes G (10^9) or Gi (2^30), not GB or GiB",
    "has an unknown suffix: Kubernetes writes T (10^12) or Ti (2^40), not TB or TiB",
    "has an unknown suffix: Kubernetes writes P (10^15) or Pi (2^50), not PB or PiB",
    "has an unknown suffix: Kubernetes writes E (10^18) or Ei (2^60), not EB or EiB",
  };
  const char *unit = strchr (units, p[0]); /* p[0] is no NUL: "" matched above */
  bool bytes = unit && (p[1] == 'B' || p[1] == 'b') && p[2] == '\0';
  bool ibytes = unit && (p[1] == 'i' || p[1] == 'I') && (p[2] == 'B' || p[2] == 'b') && p[3] == '\0';
  if (ibytes && ((unit[0] | 0x20) == 'm' || (unit[0] | 0x20) == 'g'))
    return "has an unknown suffix: Kubernetes writes Mi or Gi, not MiB or GiB";
  if (bytes || ibytes)
    return hints[(unit - units) / 2];
  return "has an unknown suffix: use one of n u m k M G T P E Ki Mi Gi Ti Pi Ei";
}

bool
pp_parse_int (const char *s, int64_t *out)
{
  const char *p = s;
  bool neg = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  int base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    base = 16, p += 2;
  else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
    base = 8, p += 2;
  else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
    base = 2, p += 2;
  else if (p[0] == '0' && p[1] != '\0')
    base = 8; /* the leading 0 stays, a digit like the rest */
  if (*p == '\0')
    return false;
  uint64_t v = 0, limit = neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
  bool digits = false;
  for (; *p; p++)
    {
      if (*p == '_')
        continue;
      digits = true;
      int d;
      if (*p >= '0' && *p <= '9')
        d = *p - '0';
      else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
        d = (*p | 0x20) - 'a' + 10;
      else
        return false;
      if (d >= base)
        return false;
      if (v > (limit - (uint64_t) d) / (uint64_t) base)
        return false;
      v = v * (uint64_t) base + (uint64_t) d;
    }
  /* Underscores only separate digits: "_" or "0x_" is no number (go-yaml drops them, then finds nothing). */
  if (!digits)
    return false;
  *out = neg ? (int64_t) (0 - v) : (int64_t) v;
  return true;
}

/* The sysctls a pod may set, as the kubelet allows them: only those of the namespaces a pod has of its own
   (IPC and network), since a sysctl of the whole machine would change every pod and the host. */
static const char *const ipc_sysctls[] = { "kernel.sem",    "kernel.shmall",          "kernel.shmmax",
                                           "kernel.shmmni", "kernel.msgmax",          "kernel.msgmnb",
                                           "kernel.msgmni", "kernel.shm_rmid_forced", NULL };

/* Which namespace a dotted sysctl name belongs to: "ipc", "net", or NULL when it is the machine's. */
const char *
pp_sysctl_namespace (const char *name)
{
  for (size_t i = 0; ipc_sysctls[i]; i++)
    if (strcmp (name, ipc_sysctls[i]) == 0)
      return "ipc";
  if (strncmp (name, "fs.mqueue.", 10) == 0)
    return "ipc";
  if (strncmp (name, "net.", 4) == 0)
    return "net";
  return NULL;
}

/* A sysctl name in its dotted form: a name whose first separator is '/' has '.' and '/' swapped, as the kubelet
   reads `net/ipv4/conf/eth0.100/forwarding`. */
char *
pp_sysctl_normalize (const char *name)
{
  char *s = xstrdup (name);
  size_t first = strcspn (s, "./");
  if (s[first] == '/')
    for (char *c = s; *c; c++)
      *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
  return s;
}
