/* schema/checks: the API server's string and number checks, valid and invalid values of each, and the words used. */
#include "unit.h"
#include "schema/checks.h"

#include <math.h>
#include <string.h>

/* A string of `n` copies of `c`, then `tail`. */
static char *
repeat (char c, size_t n, const char *tail)
{
  size_t t = strlen (tail);
  char *s = xmalloc (n + t + 1);
  memset (s, c, n);
  memcpy (s + n, tail, t + 1);
  return s;
}

#define VALID(check, s)                                                                                                \
  do                                                                                                                   \
    {                                                                                                                  \
      const char *why_ = check (s);                                                                                    \
      if (why_)                                                                                                        \
        fail_msg ("%s (\"%s\") refused it: %s", #check, (s), why_);                                                    \
    }                                                                                                                  \
  while (0)

#define INVALID(check, s)                                                                                              \
  do                                                                                                                   \
    {                                                                                                                  \
      if (check (s) == NULL)                                                                                           \
        fail_msg ("%s (\"%s\") accepted it", #check, (s));                                                             \
    }                                                                                                                  \
  while (0)

/* Refused, with `fragment` in the reason. */
#define INVALID_WHY(check, s, fragment)                                                                                \
  do                                                                                                                   \
    {                                                                                                                  \
      const char *why_ = check (s);                                                                                    \
      if (why_ == NULL)                                                                                                \
        fail_msg ("%s (\"%s\") accepted it", #check, (s));                                                             \
      if (strstr (why_, (fragment)) == NULL)                                                                           \
        fail_msg ("%s (\"%s\"): \"%s\" does not say \"%s\"", #check, (s), why_, (fragment));                           \
    }                                                                                                                  \
  while (0)

/* --- names --- */

static void
test_dns_label (void **state PP_UNUSED)
{
  VALID (pp_check_dns_label, "my-name");
  VALID (pp_check_dns_label, "123-abc");
  VALID (pp_check_dns_label, "a");
  VALID (pp_check_dns_label, "0");
  VALID (pp_check_dns_label, "a--b");
  cleanup_free char *l63 = repeat ('a', 63, "");
  cleanup_free char *l64 = repeat ('a', 64, "");
  VALID (pp_check_dns_label, l63);
  INVALID_WHY (pp_check_dns_label, l64, "63");
  INVALID_WHY (pp_check_dns_label, "", "empty");
  INVALID_WHY (pp_check_dns_label, "-a", "RFC 1123");
  INVALID (pp_check_dns_label, "a-");
  INVALID (pp_check_dns_label, "My-name");
  INVALID (pp_check_dns_label, "a_b");
  INVALID (pp_check_dns_label, "a.b");
  INVALID (pp_check_dns_label, "a b");
  INVALID (pp_check_dns_label, "caf\xc3\xa9");
}

static void
test_dns1035_label (void **state PP_UNUSED)
{
  VALID (pp_check_dns1035_label, "my-name");
  VALID (pp_check_dns1035_label, "abc-123");
  VALID (pp_check_dns1035_label, "a");
  INVALID_WHY (pp_check_dns1035_label, "123-abc", "DNS-1035");
  /* Every mismatch of the pattern is told in DNS-1035 words, as the API server does. */
  INVALID_WHY (pp_check_dns1035_label, "my.service", "DNS-1035");
  INVALID_WHY (pp_check_dns1035_label, "My-svc", "DNS-1035");
  INVALID (pp_check_dns1035_label, "1");
  INVALID (pp_check_dns1035_label, "-abc");
  INVALID (pp_check_dns1035_label, "abc-");
  INVALID (pp_check_dns1035_label, "Abc");
  INVALID (pp_check_dns1035_label, "");
  cleanup_free char *l64 = repeat ('a', 64, "");
  INVALID (pp_check_dns1035_label, l64);
}

static void
test_dns_subdomain (void **state PP_UNUSED)
{
  VALID (pp_check_dns_subdomain, "example.com");
  VALID (pp_check_dns_subdomain, "a");
  VALID (pp_check_dns_subdomain, "my-app.v1");
  VALID (pp_check_dns_subdomain, "0.0.0");
  VALID (pp_check_dns_subdomain, "a-b.c-d.e");
  INVALID_WHY (pp_check_dns_subdomain, "", "empty");
  INVALID_WHY (pp_check_dns_subdomain, "a..b", "subdomain");
  INVALID (pp_check_dns_subdomain, ".a");
  INVALID (pp_check_dns_subdomain, "a.");
  INVALID (pp_check_dns_subdomain, "-a.b");
  INVALID (pp_check_dns_subdomain, "a-.b");
  INVALID (pp_check_dns_subdomain, "a.-b");
  INVALID (pp_check_dns_subdomain, "Example.com");
  INVALID (pp_check_dns_subdomain, "a_b.com");
  INVALID (pp_check_dns_subdomain, "a/b");
  /* 253 in all; Kubernetes' subdomain pattern puts no limit of 63 on each part. */
  cleanup_free char *s253 = repeat ('a', 249, ".com");
  cleanup_free char *s254 = repeat ('a', 250, ".com");
  VALID (pp_check_dns_subdomain, s253);
  INVALID_WHY (pp_check_dns_subdomain, s254, "253");
  cleanup_free char *long_part = repeat ('a', 64, ".example.com");
  VALID (pp_check_dns_subdomain, long_part);
}

static void
test_label_key (void **state PP_UNUSED)
{
  VALID (pp_check_label_key, "app");
  VALID (pp_check_label_key, "App_Name-1.x");
  VALID (pp_check_label_key, "app.kubernetes.io/name");
  VALID (pp_check_label_key, "example.com/My_Key");
  VALID (pp_check_label_key, "a/b");
  INVALID_WHY (pp_check_label_key, "", "non-empty");
  INVALID_WHY (pp_check_label_key, "example.com/", "non-empty");
  INVALID (pp_check_label_key, "/name");
  INVALID_WHY (pp_check_label_key, "a/b/c", "at most one '/'");
  INVALID (pp_check_label_key, "-app");
  INVALID (pp_check_label_key, "app-");
  INVALID (pp_check_label_key, "_app");
  INVALID (pp_check_label_key, "app name");
  INVALID (pp_check_label_key, "app:name");
  INVALID_WHY (pp_check_label_key, "Example.com/name", "prefix");
  INVALID (pp_check_label_key, "example..com/name");
  INVALID (pp_check_label_key, "example.com/-name");
  cleanup_free char *n63 = repeat ('k', 63, "");
  cleanup_free char *n64 = repeat ('k', 64, "");
  VALID (pp_check_label_key, n63);
  INVALID_WHY (pp_check_label_key, n64, "63");
  /* A prefix of 253 characters is fine, 254 is not, and neither overruns anything. */
  cleanup_free char *p253 = repeat ('p', 249, ".com/name");
  cleanup_free char *p254 = repeat ('p', 250, ".com/name");
  cleanup_free char *p1000 = repeat ('p', 1000, ".com/name");
  VALID (pp_check_label_key, p253);
  INVALID_WHY (pp_check_label_key, p254, "prefix");
  INVALID_WHY (pp_check_label_key, p1000, "prefix");
}

static void
test_label_value (void **state PP_UNUSED)
{
  VALID (pp_check_label_value, "");
  VALID (pp_check_label_value, "v1.2.3");
  VALID (pp_check_label_value, "My_Value-2");
  VALID (pp_check_label_value, "x");
  cleanup_free char *v63 = repeat ('v', 63, "");
  cleanup_free char *v64 = repeat ('v', 64, "");
  VALID (pp_check_label_value, v63);
  INVALID_WHY (pp_check_label_value, v64, "63");
  INVALID_WHY (pp_check_label_value, "-x", "alphanumeric");
  INVALID (pp_check_label_value, "x-");
  INVALID (pp_check_label_value, ".x");
  INVALID (pp_check_label_value, "a b");
  INVALID (pp_check_label_value, "a/b");
  INVALID (pp_check_label_value, "a:b");
}

static void
test_port_name (void **state PP_UNUSED)
{
  VALID (pp_check_port_name, "http");
  VALID (pp_check_port_name, "web-8080");
  VALID (pp_check_port_name, "h2c");
  VALID (pp_check_port_name, "a");
  VALID (pp_check_port_name, "abcdefghijklmno"); /* 15 */
  INVALID_WHY (pp_check_port_name, "abcdefghijklmnop", "15");
  INVALID_WHY (pp_check_port_name, "", "alpha-numeric");
  INVALID_WHY (pp_check_port_name, "8080", "letter");
  INVALID_WHY (pp_check_port_name, "HTTP", "alpha-numeric");
  INVALID_WHY (pp_check_port_name, "-http", "hyphen");
  INVALID_WHY (pp_check_port_name, "http-", "hyphen");
  INVALID_WHY (pp_check_port_name, "a--b", "consecutive");
  INVALID (pp_check_port_name, "http_s");
  INVALID (pp_check_port_name, "http.s");
}

static void
test_env_name (void **state PP_UNUSED)
{
  VALID (pp_check_env_name, "PATH");
  VALID (pp_check_env_name, "_x");
  VALID (pp_check_env_name, "my.var");
  VALID (pp_check_env_name, "1ABC"); /* relaxed in 1.32: any printable ASCII but '=' */
  VALID (pp_check_env_name, "a-b c");
  INVALID_WHY (pp_check_env_name, "", "empty");
  INVALID_WHY (pp_check_env_name, "A=B", "'='");
  INVALID_WHY (pp_check_env_name, "A\tB", "printable");
  INVALID (pp_check_env_name, "A\nB");
  INVALID (pp_check_env_name, "caf\xc3\xa9");
  INVALID (pp_check_env_name, "\x7f");
}

static void
test_config_key (void **state PP_UNUSED)
{
  VALID (pp_check_config_key, "key.name");
  VALID (pp_check_config_key, "KEY_NAME");
  VALID (pp_check_config_key, "key-name");
  VALID (pp_check_config_key, ".hidden");
  VALID (pp_check_config_key, "a..b");
  INVALID_WHY (pp_check_config_key, "", "empty");
  INVALID_WHY (pp_check_config_key, ".", "'.'");
  INVALID_WHY (pp_check_config_key, "..", "'..'");
  /* Kubernetes refuses any key starting with "..": the kubelet's atomic writer keeps its ..data links there. */
  INVALID_WHY (pp_check_config_key, "..data", "'..'");
  INVALID (pp_check_config_key, "...");
  INVALID_WHY (pp_check_config_key, "a/b", "config key");
  INVALID (pp_check_config_key, "a b");
  INVALID (pp_check_config_key, "a:b");
  cleanup_free char *k253 = repeat ('k', 253, "");
  cleanup_free char *k254 = repeat ('k', 254, "");
  VALID (pp_check_config_key, k253);
  INVALID_WHY (pp_check_config_key, k254, "253");
}

/* --- encodings and addresses --- */

#define B64_OK(s) assert_null (pp_check_base64 ((s), strlen (s)))
#define B64_BAD(s) assert_non_null (pp_check_base64 ((s), strlen (s)))

static void
test_base64 (void **state PP_UNUSED)
{
  B64_OK ("");
  B64_OK ("QQ==");
  B64_OK ("QUI=");
  B64_OK ("QUJD");
  B64_OK ("aGVsbG8gd29ybGQ=");
  B64_OK ("QUJD\nREVG");
  B64_OK ("QUJD\r\nREVG\r\n");
  B64_OK ("+/+/");
  B64_BAD ("QQ");
  B64_BAD ("QQ=");
  B64_BAD ("Q===");
  B64_BAD ("====");
  B64_BAD ("=QQQ");
  B64_BAD ("QQ==QQ==");
  B64_BAD ("QQ=Q");
  B64_BAD ("not base64!");
  B64_BAD ("QUJD REVG");
  B64_BAD ("QUJ-");
  B64_BAD ("QUJ_"); /* URL-safe alphabet is not what Secret data uses */
  const char *why = pp_check_base64 ("password", 8);
  assert_null (why); /* 8 letters of the alphabet are valid base64, sadly */
  why = pp_check_base64 ("hunter2!", 8);
  assert_non_null (why);
  assert_non_null (strstr (why, "stringData"));
  /* Decoded: padding and newlines as the API server reads them, bytes of any value. */
  static const struct
  {
    const char *in, *out;
    size_t n;
  } dec[] = { { "", "", 0 },          { "QQ==", "A", 1 },          { "QUI=", "AB", 2 },
              { "QUJD", "ABC", 3 },   { "QUJD\r\nREVG", "ABCDEF", 6 }, { "aGVsbG8gd29ybGQ=", "hello world", 11 },
              { "AP8A", "\0\377\0", 3 } };
  for (size_t i = 0; i < PP_N_ELEMENTS (dec); i++)
    {
      size_t n = 99;
      char *out = pp_base64_decode (dec[i].in, strlen (dec[i].in), &n);
      assert_int_equal (n, dec[i].n);
      assert_memory_equal (out, dec[i].out, n);
      assert_int_equal (out[n], '\0');
      free (out);
    }
  /* Only `len` bytes are looked at. */
  assert_null (pp_check_base64 ("QUJD!!!", 4));
  assert_null (pp_check_base64 ("QUJD\0QQ", 4));
  assert_non_null (pp_check_base64 ("QU\0D", 4));
}

static void
test_ip (void **state PP_UNUSED)
{
  VALID (pp_check_ip, "10.9.8.7");
  VALID (pp_check_ip, "0.0.0.0");
  VALID (pp_check_ip, "255.255.255.255");
  VALID (pp_check_ip, "2001:db8::ffff");
  VALID (pp_check_ip, "::1");
  VALID (pp_check_ip, "::");
  VALID (pp_check_ip, "::ffff:1.2.3.4");
  INVALID_WHY (pp_check_ip, "256.1.1.1", "IP address");
  INVALID (pp_check_ip, "1.2.3");
  INVALID (pp_check_ip, "1.2.3.4.5");
  INVALID (pp_check_ip, "010.1.1.1"); /* Go's parser refuses leading zeros since 1.17 */
  INVALID (pp_check_ip, "");
  INVALID (pp_check_ip, "abc");
  INVALID (pp_check_ip, "10.0.0.1/24");
  INVALID (pp_check_ip, " 10.0.0.1");
  INVALID (pp_check_ip, "10.0.0.1 ");
  INVALID (pp_check_ip, "2001:db8:::1");
  INVALID (pp_check_ip, "fe80::1%eth0");
}

static void
test_capability (void **state PP_UNUSED)
{
  VALID (pp_check_capability, "NET_ADMIN");
  VALID (pp_check_capability, "CAP_NET_ADMIN");
  VALID (pp_check_capability, "net_admin");
  VALID (pp_check_capability, "cap_sys_time");
  VALID (pp_check_capability, "ALL");
  VALID (pp_check_capability, "CHOWN");
  VALID (pp_check_capability, "CHECKPOINT_RESTORE");
  VALID (pp_check_capability, "BPF");
  VALID (pp_check_capability, "PERFMON");
  INVALID_WHY (pp_check_capability, "NET_ADMINX", "capability");
  INVALID (pp_check_capability, "");
  INVALID (pp_check_capability, "CAP_");
  INVALID (pp_check_capability, "CAP_CAP_CHOWN");
  INVALID (pp_check_capability, "NET ADMIN");
  INVALID (pp_check_capability, "SYS_ADMINISTRATOR");
}

static void
test_image (void **state PP_UNUSED)
{
  VALID (pp_check_image, "nginx");
  VALID (pp_check_image, "nginx:1.25");
  VALID (pp_check_image, "nginx:1.25-alpine");
  VALID (pp_check_image, "library/nginx:latest");
  VALID (pp_check_image, "docker.io/library/nginx:latest");
  VALID (pp_check_image, "quay.io/podman/stable:v5.0");
  VALID (pp_check_image, "localhost/app");
  VALID (pp_check_image, "localhost:5000/foo/bar:tag");
  VALID (pp_check_image, "127.0.0.1:5000/busybox");
  VALID (pp_check_image, "Registry.Example.COM/app");
  VALID (pp_check_image, "my_org/my-app__x.y:V_1.0");
  VALID (pp_check_image, "busybox@sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  VALID (pp_check_image, "busybox:1.36@sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  cleanup_free char *t128 = repeat ('t', 128, "");
  cleanup_free char *img128 = xasprintf ("nginx:%s", t128);
  VALID (pp_check_image, img128);
  cleanup_free char *img129 = xasprintf ("nginx:%st", t128);
  INVALID_WHY (pp_check_image, img129, "tag");

  INVALID_WHY (pp_check_image, "", "empty");
  INVALID_WHY (pp_check_image, "nginx ", "whitespace");
  INVALID_WHY (pp_check_image, " nginx", "whitespace");
  INVALID_WHY (pp_check_image, "nginx:1.25\n", "whitespace");
  INVALID_WHY (pp_check_image, "Nginx", "lowercase");
  INVALID_WHY (pp_check_image, "docker.io/Library/nginx", "lowercase");
  INVALID_WHY (pp_check_image, "nginx:", "tag");
  INVALID_WHY (pp_check_image, "nginx:a+b", "tag");
  INVALID_WHY (pp_check_image, "nginx@sha256", "digest");
  INVALID_WHY (pp_check_image, "nginx@sha256:", "digest");
  INVALID_WHY (pp_check_image, "nginx@:abc", "digest");
  INVALID_WHY (pp_check_image, "nginx@sha256:xyz", "hexadecimal");
  INVALID_WHY (pp_check_image, ":latest", "repository");
  INVALID (pp_check_image, "@sha256:abc");
  INVALID (pp_check_image, "nginx/");
  INVALID (pp_check_image, "/nginx");
  INVALID (pp_check_image, "docker.io/");
  INVALID (pp_check_image, "ngi!nx");
  /* The reference grammar: path components start and end with a letter or digit, tags start with one or '_'. */
  INVALID (pp_check_image, "foo//bar");
  INVALID (pp_check_image, "-foo");
  INVALID (pp_check_image, "foo-/bar");
  INVALID (pp_check_image, "foo/.bar");
  INVALID (pp_check_image, "foo..bar");
  INVALID (pp_check_image, "foo___bar");
  INVALID (pp_check_image, "foo._bar");
  INVALID_WHY (pp_check_image, "docker.io/-x", "path components");
  VALID (pp_check_image, "a-----b");
  /* A registry host is a domain or a bracketed IPv6 address, and a port: nothing a shell would read otherwise
     (an image's name reaches listings and completion scripts). */
  VALID (pp_check_image, "[::1]:5000/busybox");
  VALID (pp_check_image, "my-registry.local:443/a/b:c");
  INVALID_WHY (pp_check_image, "$(touch${IFS}x).x/a:b", "registry host");
  INVALID_WHY (pp_check_image, "a`id`.b/c", "registry host");
  INVALID_WHY (pp_check_image, "host.x:12ab/c", "registry host");
  INVALID_WHY (pp_check_image, "host.x:123456/c", "registry host");
  INVALID_WHY (pp_check_image, "[::1/c", "registry host");
  VALID (pp_check_image, "a__b/c.d_e:_tag");
  INVALID (pp_check_image, "nginx:-x");
  INVALID (pp_check_image, "nginx:.x");
}

static void
test_rfc3339 (void **state PP_UNUSED)
{
  VALID (pp_check_rfc3339, "2024-05-01T12:00:00Z");
  VALID (pp_check_rfc3339, "2024-05-01T12:00:00.123456789Z");
  VALID (pp_check_rfc3339, "2024-05-01T12:00:00+02:00");
  VALID (pp_check_rfc3339, "2024-05-01T12:00:00-05:30");
  VALID (pp_check_rfc3339, "2024-02-29T23:59:59Z"); /* a leap day */
  VALID (pp_check_rfc3339, "2000-02-29T00:00:00Z");
  VALID (pp_check_rfc3339, "1970-01-01T00:00:00Z");
  VALID (pp_check_rfc3339, "2024-12-31T00:00:00Z");
  INVALID_WHY (pp_check_rfc3339, "", "RFC 3339");
  INVALID (pp_check_rfc3339, "2024-05-01");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:00");
  INVALID (pp_check_rfc3339, "2024-05-01 12:00:00Z");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00Z");
  INVALID (pp_check_rfc3339, "2024-5-01T12:00:00Z");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:00.Z");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:00+0200");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:00+02");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:00Zjunk");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:00+02:00 ");
  INVALID (pp_check_rfc3339, "yesterday");
  /* Fields out of range: the API server's time.Parse refuses them. */
  INVALID (pp_check_rfc3339, "2024-13-01T00:00:00Z");
  INVALID (pp_check_rfc3339, "2024-00-01T00:00:00Z");
  INVALID (pp_check_rfc3339, "2024-01-00T00:00:00Z");
  INVALID (pp_check_rfc3339, "2024-01-32T00:00:00Z");
  INVALID (pp_check_rfc3339, "2023-02-29T00:00:00Z");
  INVALID (pp_check_rfc3339, "1900-02-29T00:00:00Z");
  INVALID (pp_check_rfc3339, "2024-04-31T00:00:00Z");
  INVALID (pp_check_rfc3339, "2024-05-01T24:00:00Z");
  INVALID (pp_check_rfc3339, "2024-05-01T12:60:00Z");
  INVALID (pp_check_rfc3339, "2024-05-01T12:00:60Z");
  INVALID_WHY (pp_check_rfc3339, "2024-02-30T00:00:00Z", "out of range");
}

static void
test_path (void **state PP_UNUSED)
{
  assert_null (pp_check_path ("a/b", true));
  assert_null (pp_check_path ("a", true));
  assert_null (pp_check_path ("", true));
  assert_null (pp_check_path ("a/..b", true));
  assert_null (pp_check_path ("..a/b..", true));
  assert_null (pp_check_path ("./a", true));
  assert_null (pp_check_path ("a/./b", true));
  assert_null (pp_check_path ("a//b", true));
  assert_null (pp_check_path ("/data/x", false));
  assert_null (pp_check_path ("/", false));
  const char *why = pp_check_path ("/data/x", true);
  assert_non_null (why);
  assert_non_null (strstr (why, "relative"));
  why = pp_check_path ("../etc/passwd", true);
  assert_non_null (why);
  assert_non_null (strstr (why, ".."));
  assert_non_null (pp_check_path ("..", true));
  assert_non_null (pp_check_path ("a/..", true));
  assert_non_null (pp_check_path ("a/../b", true));
  assert_non_null (pp_check_path ("a/b/../../..", true));
  assert_non_null (pp_check_path ("/a/../b", false));
  assert_non_null (pp_check_path ("/..", false));
  assert_non_null (pp_check_path ("a/../", true));
}

/* The API server's ValidateLocalNonReservedPath and an item's required path: a/./b is valid (the kubelet cleans it
   to a/b), ..data is the kubelet's own. */
static void
test_item_path (void **state PP_UNUSED)
{
  VALID (pp_check_item_path, "a");
  VALID (pp_check_item_path, "a/./b");
  VALID (pp_check_item_path, "./a");
  VALID (pp_check_item_path, "a/..b");
  VALID (pp_check_item_path, ".a..");
  INVALID_WHY (pp_check_item_path, "", "empty");
  INVALID_WHY (pp_check_item_path, "..data/x", "must not start with '..'");
  INVALID_WHY (pp_check_item_path, "..data", "must not start with '..'");
  INVALID_WHY (pp_check_item_path, "...", "must not start with '..'");
  INVALID_WHY (pp_check_item_path, "../x", "must not contain '..'");
  INVALID_WHY (pp_check_item_path, "..", "must not contain '..'");
  INVALID_WHY (pp_check_item_path, "a/../b", "must not contain '..'");
  INVALID_WHY (pp_check_item_path, "/a", "relative");
}

static void
test_resource_name (void **state PP_UNUSED)
{
  VALID (pp_check_resource_name, "cpu");
  VALID (pp_check_resource_name, "memory");
  VALID (pp_check_resource_name, "ephemeral-storage");
  VALID (pp_check_resource_name, "storage");
  VALID (pp_check_resource_name, "hugepages-2Mi");
  VALID (pp_check_resource_name, "hugepages-1Gi");
  VALID (pp_check_resource_name, "example.com/gpu");
  VALID (pp_check_resource_name, "nvidia.com/gpu");
  INVALID_WHY (pp_check_resource_name, "gpu", "extended resource");
  INVALID (pp_check_resource_name, "CPU");
  INVALID (pp_check_resource_name, "");
  INVALID (pp_check_resource_name, "cpus");
  INVALID_WHY (pp_check_resource_name, "hugepages-", "page size");
  INVALID_WHY (pp_check_resource_name, "hugepages-big", "page size");
  INVALID (pp_check_resource_name, "example.com/");
  INVALID (pp_check_resource_name, "/gpu");
  INVALID (pp_check_resource_name, "Example.com/gpu");
}

static void
test_field_path (void **state PP_UNUSED)
{
  const char *ok[] = { "metadata.name",     "metadata.namespace",       "metadata.uid",
                       "metadata.labels",   "metadata.annotations",     "spec.nodeName",
                       "spec.serviceAccountName", "status.hostIP",      "status.hostIPs",
                       "status.podIP",      "status.podIPs",            "metadata.labels['app']",
                       "metadata.annotations['example.com/x']" };
  for (size_t i = 0; i < PP_N_ELEMENTS (ok); i++)
    VALID (pp_check_field_path, ok[i]);
  INVALID_WHY (pp_check_field_path, "spec.containers", "fieldPath");
  INVALID (pp_check_field_path, "");
  INVALID (pp_check_field_path, "metadata");
  INVALID (pp_check_field_path, "metadata.name.x");
  INVALID (pp_check_field_path, "metadata.labels['']");
  INVALID (pp_check_field_path, "metadata.labels['app'");
  INVALID (pp_check_field_path, "metadata.labels[app]");
  INVALID (pp_check_field_path, "metadata.labels']");
  INVALID (pp_check_field_path, "Metadata.name");
}

static void
test_resource_field (void **state PP_UNUSED)
{
  VALID (pp_check_resource_field, "limits.cpu");
  VALID (pp_check_resource_field, "limits.memory");
  VALID (pp_check_resource_field, "limits.ephemeral-storage");
  VALID (pp_check_resource_field, "requests.cpu");
  VALID (pp_check_resource_field, "requests.memory");
  VALID (pp_check_resource_field, "requests.ephemeral-storage");
  VALID (pp_check_resource_field, "limits.hugepages-2Mi");
  VALID (pp_check_resource_field, "requests.hugepages-1Gi");
  INVALID_WHY (pp_check_resource_field, "limits.gpu", "supported resource");
  INVALID (pp_check_resource_field, "cpu");
  INVALID (pp_check_resource_field, "");
  INVALID (pp_check_resource_field, "limits.");
}

/* --- quantities --- */

static void
quantity_is (const char *s, long double want)
{
  pp_quantity_t q = { -12345 };
  const char *why = pp_quantity_parse (s, &q);
  if (why)
    fail_msg ("quantity \"%s\" refused: %s", s, why);
  long double tol = 1e-12L * (fabsl (want) > 1 ? fabsl (want) : 1);
  if (fabsl (q.value - want) > tol)
    fail_msg ("quantity \"%s\" = %Lg, want %Lg", s, q.value, want);
}

static void
quantity_bad (const char *s, const char *fragment)
{
  pp_quantity_t q = { 0 };
  const char *why = pp_quantity_parse (s, &q);
  if (why == NULL)
    fail_msg ("quantity \"%s\" accepted as %Lg", s, q.value);
  if (fragment && strstr (why, fragment) == NULL)
    fail_msg ("quantity \"%s\": \"%s\" does not say \"%s\"", s, why, fragment);
}

static void
test_quantity_values (void **state PP_UNUSED)
{
  quantity_is ("500m", 0.5L);
  quantity_is ("128Mi", 134217728.0L);
  quantity_is ("1.5Gi", 1610612736.0L);
  quantity_is ("1", 1);
  quantity_is ("0", 0);
  quantity_is ("1.5", 1.5L);
  quantity_is (".5", 0.5L);
  quantity_is ("100m", 0.1L);
  quantity_is ("250u", 0.00025L);
  quantity_is ("10n", 1e-8L);
  quantity_is ("100k", 1e5L);
  quantity_is ("2M", 2e6L);
  quantity_is ("1G", 1e9L);
  quantity_is ("3T", 3e12L);
  quantity_is ("1P", 1e15L);
  quantity_is ("1E", 1e18L); /* exa, not an exponent */
  quantity_is ("1Ki", 1024.0L);
  quantity_is ("2Ti", 2199023255552.0L);
  quantity_is ("1Pi", 1125899906842624.0L);
  quantity_is ("1Ei", 1152921504606846976.0L);
  quantity_is ("-1", -1);
  quantity_is ("+2", 2);
  quantity_is ("-500m", -0.5L);
  quantity_is ("007", 7);
}

static void
test_quantity_exponent (void **state PP_UNUSED)
{
  quantity_is ("1e3", 1000);
  quantity_is ("1E3", 1000);
  quantity_is ("1e0", 1);
  quantity_is ("1e+3", 1000);
  quantity_is ("1e-3", 0.001L);
  quantity_is ("1.5e2", 150);
  quantity_is ("2.5E-1", 0.25L);
  quantity_is ("-1e3", -1000);
  quantity_bad ("1e3x", "exponent");
  quantity_bad ("1e99", "exponent");
  quantity_bad ("1e-99", "exponent");
  quantity_bad ("1e", NULL);
  quantity_bad ("1e+", NULL);
  quantity_bad ("1e3Mi", NULL);
}

static void
test_quantity_errors (void **state PP_UNUSED)
{
  quantity_bad ("10MB", "M (10^6) or Mi (2^20), not MB or MiB");
  quantity_bad ("1MiB", "MiB");
  /* The hint speaks of the size the user wrote. */
  quantity_bad ("10gb", "G (10^9) or Gi (2^30), not GB or GiB");
  quantity_bad ("5GiB", "Gi, not MiB or GiB");
  quantity_bad ("2TiB", "Ti (2^40), not TB or TiB");
  quantity_bad ("1kB", "k (10^3) or Ki (2^10)");
  quantity_bad ("1KiB", "Ki (2^10)");
  quantity_bad ("3PB", "not PB or PiB");
  quantity_bad ("1EiB", "Ei (2^60)");
  quantity_bad ("1xB", "use one of");
  quantity_bad ("1MiBs", "use one of");
  quantity_bad ("1K", "'K'");
  quantity_bad ("", "quantity");
  quantity_bad ("abc", "quantity");
  quantity_bad ("Mi", "quantity");
  quantity_bad ("-", "quantity");
  quantity_bad (".", "quantity");
  quantity_bad ("1.2.3", "two decimal points");
  quantity_bad ("1..5", "two decimal points");
  quantity_bad ("1 Mi", "suffix");
  quantity_bad ("1Mi ", "suffix");
  quantity_bad (" 1", NULL);
  quantity_bad ("1x", "suffix");
  quantity_bad ("1mi", "suffix");
  quantity_bad ("0x10", NULL);
  quantity_bad ("1,5", NULL);
  quantity_bad ("--1", NULL);
  quantity_bad ("inf", NULL);
  quantity_bad ("nan", NULL);
}

static void
test_quantity_long_number (void **state PP_UNUSED)
{
  /* More digits than any buffer a parser might keep on the stack. */
  cleanup_free char *big = repeat ('0', 5000, "1");
  quantity_is (big, 1);
  cleanup_free char *frac = xasprintf ("0.%s", big);
  pp_quantity_t q;
  assert_null (pp_quantity_parse (frac, &q));
  assert_true (q.value >= 0 && q.value < 1e-100L);
  cleanup_free char *withk = repeat ('0', 5000, "2k");
  quantity_is (withk, 2000);
}

/* --- integers --- */

static void
int_is (const char *s, int64_t want)
{
  int64_t v = -424242;
  if (!pp_parse_int (s, &v))
    fail_msg ("pp_parse_int (\"%s\") refused it", s);
  if (v != want)
    fail_msg ("pp_parse_int (\"%s\") = %lld, want %lld", s, (long long) v, (long long) want);
}

static void
int_bad (const char *s)
{
  int64_t v = -424242;
  if (pp_parse_int (s, &v))
    fail_msg ("pp_parse_int (\"%s\") accepted it as %lld", s, (long long) v);
  assert_int_equal (v, -424242); /* untouched on failure */
}

static void
test_parse_int_decimal (void **state PP_UNUSED)
{
  int_is ("0", 0);
  int_is ("7", 7);
  int_is ("8080", 8080);
  int_is ("-1", -1);
  int_is ("+42", 42);
  int_is ("-0", 0);
  int_is ("1_000_000", 1000000);
  int_is ("9223372036854775807", INT64_MAX);
  int_is ("-9223372036854775808", INT64_MIN);
}

static void
test_parse_int_bases (void **state PP_UNUSED)
{
  int_is ("0x1F", 31);
  int_is ("0XfF", 255);
  int_is ("0x0", 0);
  int_is ("-0x10", -16);
  int_is ("0o644", 420);
  int_is ("0O17", 15);
  int_is ("0b101", 5);
  int_is ("0B1111_0000", 240);
  int_is ("0644", 420); /* YAML 1.1: a leading 0 is octal, as for defaultMode */
  int_is ("0755", 493);
  int_is ("00", 0);
  int_is ("-010", -8);
  int_is ("0_644", 420);
  int_is ("0x7fffffffffffffff", INT64_MAX);
  int_is ("-0x8000000000000000", INT64_MIN);
  int_is ("0b" "111111111111111111111111111111111111111111111111111111111111111", INT64_MAX);
}

static void
test_parse_int_bad (void **state PP_UNUSED)
{
  int_bad ("");
  int_bad ("-");
  int_bad ("+");
  int_bad ("abc");
  int_bad ("12abc");
  int_bad ("1.5");
  int_bad ("1e3");
  int_bad (" 1");
  int_bad ("1 ");
  int_bad ("--1");
  int_bad ("+-1");
  int_bad ("0x");
  int_bad ("0o");
  int_bad ("0b");
  int_bad ("0xg");
  int_bad ("0b102");
  int_bad ("0o8");
  int_bad ("08"); /* leading 0: octal, and 8 is no octal digit */
  int_bad ("0649");
  int_bad ("1a");
  int_bad ("0x1.0");
  /* Underscores separate digits; alone they are no number. */
  int_bad ("_");
  int_bad ("__");
  int_bad ("-_");
  int_bad ("0x_");
  int_bad ("0b__");
}

static void
test_parse_int_overflow (void **state PP_UNUSED)
{
  int_bad ("9223372036854775808");
  int_bad ("-9223372036854775809");
  int_bad ("18446744073709551615");
  int_bad ("18446744073709551616");
  int_bad ("99999999999999999999999999999");
  int_bad ("0x8000000000000000");
  int_bad ("0xffffffffffffffff");
  int_bad ("-0x8000000000000001");
  int_bad ("0o1000000000000000000000");
  int_bad ("0b" "1000000000000000000000000000000000000000000000000000000000000000");
  int_bad ("9_223_372_036_854_775_808");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dns_label),
    cmocka_unit_test (test_dns1035_label),
    cmocka_unit_test (test_dns_subdomain),
    cmocka_unit_test (test_label_key),
    cmocka_unit_test (test_label_value),
    cmocka_unit_test (test_port_name),
    cmocka_unit_test (test_env_name),
    cmocka_unit_test (test_config_key),
    cmocka_unit_test (test_base64),
    cmocka_unit_test (test_ip),
    cmocka_unit_test (test_capability),
    cmocka_unit_test (test_image),
    cmocka_unit_test (test_rfc3339),
    cmocka_unit_test (test_path),
    cmocka_unit_test (test_item_path),
    cmocka_unit_test (test_resource_name),
    cmocka_unit_test (test_field_path),
    cmocka_unit_test (test_resource_field),
    cmocka_unit_test (test_quantity_values),
    cmocka_unit_test (test_quantity_exponent),
    cmocka_unit_test (test_quantity_errors),
    cmocka_unit_test (test_quantity_long_number),
    cmocka_unit_test (test_parse_int_decimal),
    cmocka_unit_test (test_parse_int_bases),
    cmocka_unit_test (test_parse_int_bad),
    cmocka_unit_test (test_parse_int_overflow),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
