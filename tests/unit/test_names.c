/* src/net/dns.c and src/net/names.c: DNS messages read and written, and the names a cluster's DNS gives. */
#include "unit.h"

#include <arpa/inet.h>
#include <string.h>
#include "net/dns.h"
#include "net/names.h"

/* A query for `name` of type `qtype`, id 0x1234, recursion desired; with an OPT record of `edns` bytes when not 0. */
static size_t
make_query (uint8_t *out, const char *name, uint16_t qtype, uint16_t edns)
{
  size_t o = 0;
  memcpy (out, (const uint8_t[]){ 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0 }, 12);
  o = 12;
  const char *p = name;
  while (*p)
    {
      const char *dot = strchr (p, '.');
      size_t l = dot ? (size_t)(dot - p) : strlen (p);
      out[o++] = (uint8_t)l;
      memcpy (out + o, p, l);
      o += l;
      p += l + (dot ? 1 : 0);
    }
  out[o++] = 0;
  out[o++] = (uint8_t)(qtype >> 8);
  out[o++] = (uint8_t)qtype;
  out[o++] = 0;
  out[o++] = 1;
  if (edns)
    {
      memcpy (out + o, (const uint8_t[]){ 0, 0, 41, (uint8_t)(edns >> 8), (uint8_t)edns, 0, 0, 0, 0, 0, 0 }, 11);
      o += 11;
    }
  return o;
}

static void
test_parse (void **state PP_UNUSED)
{
  uint8_t m[512];
  pp_dns_query_t q;
  size_t n = make_query (m, "Backend.Default.svc.cluster.local", PP_DNS_A, 0);
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_NOERROR);
  assert_string_equal (q.name, "backend.default.svc.cluster.local");
  assert_true (q.plain);
  assert_int_equal (q.qtype, PP_DNS_A);
  assert_int_equal (q.udp_size, 512);
  assert_int_equal (q.id, 0x1234);
  assert_true (q.rd);
  /* EDNS: the client's size, within what we send. */
  n = make_query (m, "a.b", PP_DNS_AAAA, 4096);
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_NOERROR);
  assert_true (q.edns);
  assert_int_equal (q.udp_size, PP_DNS_UDP_MAX);
  /* A label with a dot or a space in it matches no name of ours. */
  n = make_query (m, "a b.c", PP_DNS_A, 0);
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_NOERROR);
  assert_false (q.plain);
  /* Bytes that are no query: short, a reply; a bad question, an opcode other than QUERY, two questions. */
  assert_int_equal (pp_dns_parse_query (m, 11, &q), -1);
  n = make_query (m, "a", PP_DNS_A, 0);
  m[2] |= 0x80;
  assert_int_equal (pp_dns_parse_query (m, n, &q), -1);
  m[2] &= 0x7f;
  assert_int_equal (pp_dns_parse_query (m, n - 3, &q), PP_DNS_FORMERR);
  m[12] = 0xc0; /* a compression pointer in the question */
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_FORMERR);
  m[12] = 1;
  m[2] |= 0x10; /* opcode 2, STATUS */
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_NOTIMP);
  m[2] &= (uint8_t)~0x10;
  m[5] = 2;
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_FORMERR);
  /* A label's length past the end. */
  n = make_query (m, "abc", PP_DNS_A, 0);
  m[12] = 60;
  assert_int_equal (pp_dns_parse_query (m, n, &q), PP_DNS_FORMERR);
}

static void
test_reply (void **state PP_UNUSED)
{
  uint8_t m[512], out[512];
  pp_dns_query_t q;
  size_t n = make_query (m, "web.default.svc.cluster.local", PP_DNS_A, 0);
  assert_int_equal (pp_dns_parse_query (m, n, &q), 0);
  pp_dns_rr_t rr = { .type = PP_DNS_A, .a = { 10, 96, 0, 1 } };
  size_t len = pp_dns_reply (m, &q, PP_DNS_NOERROR, true, &rr, 1, out, sizeof out);
  /* Header: the id, QR AA RD, RA, one question, one answer; then the question, then the answer by pointer. */
  assert_int_equal (len, n + 16);
  assert_memory_equal (out, ((const uint8_t[]){ 0x12, 0x34, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 }), 12);
  assert_memory_equal (out + 12, m + 12, n - 12);
  assert_memory_equal (out + n, ((const uint8_t[]){ 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 1 }), 16);
  /* 40 addresses do not fit in 512 bytes: as many as fit, and TC, so that the client asks over TCP. */
  pp_dns_rr_t many[40];
  for (size_t i = 0; i < 40; i++)
    many[i] = (pp_dns_rr_t){ .type = PP_DNS_A, .a = { 10, 244, 0, (uint8_t)i } };
  len = pp_dns_reply (m, &q, PP_DNS_NOERROR, true, many, 40, out, 512);
  assert_true (len <= 512);
  assert_true (out[2] & 0x02);
  assert_int_equal (out[7], (512 - n) / 16);
  /* NXDOMAIN with no record; a CNAME and an SRV written out by name. */
  len = pp_dns_reply (m, &q, PP_DNS_NXDOMAIN, true, NULL, 0, out, sizeof out);
  assert_int_equal (len, n);
  assert_int_equal (out[3] & 0x0f, PP_DNS_NXDOMAIN);
  pp_dns_rr_t cname = { .type = PP_DNS_CNAME, .target = "db.example.org" };
  len = pp_dns_reply (m, &q, PP_DNS_NOERROR, true, &cname, 1, out, sizeof out);
  assert_int_equal (len, n + 12 + 16);
  assert_memory_equal (out + n + 12, "\002db\007example\003org", 16);
  /* A record whose name cannot be written (a label over 63 bytes) is left out, and the reply is not truncated. */
  char label[80];
  memset (label, 'a', 70);
  label[70] = '\0';
  pp_dns_rr_t bad[2] = { { .type = PP_DNS_CNAME, .target = label }, { .type = PP_DNS_A, .a = { 1, 2, 3, 4 } } };
  len = pp_dns_reply (m, &q, PP_DNS_NOERROR, true, bad, 2, out, sizeof out);
  assert_false (out[2] & 0x02);
  assert_int_equal (out[7], 1);
  assert_int_equal (len, n + 16);
  /* AAAA: the 16 bytes of the address. */
  pp_dns_rr_t six = { .type = PP_DNS_AAAA, .a = { 0xfd, 0, 0, 0x10, 0x02, 0x44, [15] = 5 } };
  len = pp_dns_reply (m, &q, PP_DNS_NOERROR, true, &six, 1, out, sizeof out);
  assert_int_equal (len, n + 12 + 16);
  assert_memory_equal (out + n, ((const uint8_t[]){ 0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 5, 0, 16 }), 12);
  assert_memory_equal (out + n + 12, six.a, 16);
  /* An EDNS query gets an OPT record back. */
  n = make_query (m, "a", PP_DNS_A, 1232);
  assert_int_equal (pp_dns_parse_query (m, n, &q), 0);
  len = pp_dns_reply (m, &q, PP_DNS_NOERROR, false, NULL, 0, out, sizeof out);
  assert_int_equal (out[11], 1);
  assert_int_equal (len, 12 + 7 + 11);
}

/* Two Services (one with an address, one headless), an ExternalName, and three pods: two behind the headless one
   (one not ready), one of another namespace. */
static pp_names_t *
world (void)
{
  pp_service_rec_t *svcs = xzalloc (3 * sizeof *svcs);
  svcs[0] = (pp_service_rec_t){ xstrdup ("default"),
                                xstrdup ("web"),
                                NULL,
                                NULL,
                                xstrdup ("10.96.0.10"),
                                xstrdup ("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"http\","
                                         "\"protocol\":\"TCP\",\"port\":80,\"targetPort\":\"http\"}]}"),
                                0 };
  svcs[1] = (pp_service_rec_t){ xstrdup ("default"),
                                xstrdup ("db"),
                                NULL,
                                NULL,
                                NULL,
                                xstrdup ("{\"selector\":{\"app\":\"db\"},\"ports\":[{\"name\":\"pg\",\"protocol\":"
                                         "\"TCP\",\"port\":5432,\"targetPort\":\"pg\"}]}"),
                                0 };
  svcs[2] = (pp_service_rec_t){ xstrdup ("default"),
                                xstrdup ("ext"),
                                NULL,
                                NULL,
                                NULL,
                                xstrdup ("{\"selector\":{},\"externalName\":\"web.default.svc.cluster.local\"}"),
                                0 };
  pp_endpoint_rec_t *eps = xzalloc (3 * sizeof *eps);
  eps[0] = (pp_endpoint_rec_t){ xstrdup ("id0"),
                                xstrdup ("db-0"),
                                xstrdup ("default"),
                                xstrdup ("{\"app\":\"db\"}"),
                                xstrdup ("{\"pg\":{\"port\":15432,\"protocol\":\"TCP\"}}"),
                                xstrdup ("10.244.0.0/16"),
                                5,
                                true,
                                xstrdup ("podplay"),
                                xstrdup ("primary"),
                                xstrdup ("db"),
                                xstrdup ("fd00:10:244::/64") };
  eps[1] = (pp_endpoint_rec_t){ xstrdup ("id1"),
                                xstrdup ("db-1"),
                                xstrdup ("default"),
                                xstrdup ("{\"app\":\"db\"}"),
                                xstrdup ("{}"),
                                xstrdup ("10.244.0.0/16"),
                                6,
                                false,
                                xstrdup ("podplay"),
                                NULL,
                                NULL,
                                xstrdup ("fd00:10:244::/64") };
  eps[2] = (pp_endpoint_rec_t){ xstrdup ("id2"),
                                xstrdup ("other"),
                                xstrdup ("team"),
                                xstrdup ("{\"app\":\"db\"}"),
                                xstrdup ("{}"),
                                xstrdup ("10.245.0.0/24"),
                                2,
                                true,
                                xstrdup ("net2"),
                                NULL,
                                NULL };
  return pp_names_new ("podplay", svcs, 3, eps, 3);
}

/* The rcode of `name`, and its records: A and AAAA as their addresses ("a.b.c.d fd00::5"), others as
   "TYPE:TARGET:PORT". */
static int
look (const pp_names_t *w, const char *name, uint16_t qtype, char *out)
{
  pp_names_answer_t ans;
  pp_names_lookup (w, name, true, qtype, &ans);
  out[0] = '\0';
  for (size_t i = 0; i < ans.n; i++)
    {
      if (ans.rrs[i].type == PP_DNS_A)
        sprintf (out + strlen (out), "%s%u.%u.%u.%u", *out ? " " : "", ans.rrs[i].a[0], ans.rrs[i].a[1],
                 ans.rrs[i].a[2], ans.rrs[i].a[3]);
      else if (ans.rrs[i].type == PP_DNS_AAAA)
        {
          char t[INET6_ADDRSTRLEN];
          sprintf (out + strlen (out), "%s%s", *out ? " " : "", inet_ntop (AF_INET6, ans.rrs[i].a, t, sizeof t));
        }
      else
        sprintf (out + strlen (out), "%s%u:%s:%u", *out ? " " : "", ans.rrs[i].type, ans.rrs[i].target,
                 ans.rrs[i].port);
    }
  int rc = ans.rcode;
  pp_names_answer_release (&ans);
  return rc;
}

static void
test_lookup (void **state PP_UNUSED)
{
  pp_names_t *w = world ();
  char a[512];
  assert_int_equal (look (w, "web.default.svc.cluster.local", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "10.96.0.10");
  /* The name is there without an AAAA record: no error, nothing (so that the client does not look further). */
  assert_int_equal (look (w, "web.default.svc.cluster.local", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "");
  /* Headless: the ready pods; by hostname under the subdomain that names the Service; by dashed address. */
  assert_int_equal (look (w, "db.default.svc.cluster.local", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "10.244.0.5");
  assert_int_equal (look (w, "primary.db.default.svc.cluster.local", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "10.244.0.5");
  assert_int_equal (look (w, "10-244-0-6.db.default.svc.cluster.local", PP_DNS_A, a), PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "10-244-0-5.default.pod.cluster.local", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "10.244.0.5");
  assert_int_equal (look (w, "10-244-0-9.default.pod.cluster.local", PP_DNS_A, a), PP_DNS_NXDOMAIN);
  /* SRV: by the Service's name with its port; headless, each pod at its targetPort. */
  assert_int_equal (look (w, "_http._tcp.web.default.svc.cluster.local", PP_DNS_SRV, a), PP_DNS_NOERROR);
  assert_string_equal (a, "33:web.default.svc.cluster.local:80");
  assert_int_equal (look (w, "_pg._tcp.db.default.svc.cluster.local", PP_DNS_SRV, a), PP_DNS_NOERROR);
  assert_string_equal (a, "33:primary.db.default.svc.cluster.local:15432");
  assert_int_equal (look (w, "_pg._udp.db.default.svc.cluster.local", PP_DNS_SRV, a), PP_DNS_NXDOMAIN);
  /* ExternalName: the CNAME, and the name it gives when it is the cluster's. */
  assert_int_equal (look (w, "ext.default.svc.cluster.local", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "5:web.default.svc.cluster.local:0 10.96.0.10");
  /* Under the cluster's domain, nothing else is. */
  assert_int_equal (look (w, "web.team.svc.cluster.local", PP_DNS_A, a), PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "web.svc.cluster.local", PP_DNS_A, a), PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "cluster.local", PP_DNS_A, a), PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "a.b.c.d.e.f.g.h.i.web.default.svc.cluster.local", PP_DNS_A, a), PP_DNS_NXDOMAIN);
  /* A pod's name alone, in this network only; the rest is the host's to answer. */
  assert_int_equal (look (w, "db-1", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "10.244.0.6");
  assert_int_equal (look (w, "other", PP_DNS_A, a), PP_NAMES_FORWARD);
  assert_int_equal (look (w, "example.org", PP_DNS_A, a), PP_NAMES_FORWARD);
  /* Reverse: a Service's address, a pod's under its headless Service, another pod's by its name; an address of a
     pod network that no pod has is no name; another is the host's. */
  assert_int_equal (look (w, "10.0.96.10.in-addr.arpa", PP_DNS_PTR, a), PP_DNS_NOERROR);
  assert_string_equal (a, "12:web.default.svc.cluster.local:0");
  assert_int_equal (look (w, "5.0.244.10.in-addr.arpa", PP_DNS_PTR, a), PP_DNS_NOERROR);
  assert_string_equal (a, "12:primary.db.default.svc.cluster.local:0");
  assert_int_equal (look (w, "6.0.244.10.in-addr.arpa", PP_DNS_PTR, a), PP_DNS_NOERROR);
  assert_string_equal (a, "12:db-1:0");
  assert_int_equal (look (w, "6.0.244.10.in-addr.arpa", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "");
  assert_int_equal (look (w, "99.0.244.10.in-addr.arpa", PP_DNS_PTR, a), PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "1.1.168.192.in-addr.arpa", PP_DNS_PTR, a), PP_NAMES_FORWARD);
  assert_int_equal (look (w, "1.1.168.300.in-addr.arpa", PP_DNS_PTR, a), PP_NAMES_FORWARD);
  /* IPv6: a pod of a network with it has both addresses, by each of its names; the pod of an IPv4 network has
     none; the dashed name of one address gives that one; an ip6.arpa name gives the pod's name. */
  assert_int_equal (look (w, "db-1", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "fd00:10:244::6");
  assert_int_equal (look (w, "db-1", PP_DNS_ANY, a), PP_DNS_NOERROR);
  assert_string_equal (a, "10.244.0.6 fd00:10:244::6");
  assert_int_equal (look (w, "db.default.svc.cluster.local", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "fd00:10:244::5");
  assert_int_equal (look (w, "primary.db.default.svc.cluster.local", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "fd00:10:244::5");
  assert_int_equal (look (w, "fd00-10-244--5.default.pod.cluster.local", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "fd00:10:244::5");
  assert_int_equal (look (w, "fd00-10-244--5.default.pod.cluster.local", PP_DNS_A, a), PP_DNS_NOERROR);
  assert_string_equal (a, "");
  assert_int_equal (look (w, "10-244-0-5.default.pod.cluster.local", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "");
  assert_int_equal (look (w, "fd00-10-244--9.default.pod.cluster.local", PP_DNS_AAAA, a), PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "10-245-0-2.team.pod.cluster.local", PP_DNS_AAAA, a), PP_DNS_NOERROR);
  assert_string_equal (a, "");
  assert_int_equal (look (w, "6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa", PP_DNS_PTR, a),
                    PP_DNS_NOERROR);
  assert_string_equal (a, "12:db-1:0");
  assert_int_equal (look (w, "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa", PP_DNS_PTR, a),
                    PP_DNS_NOERROR);
  assert_string_equal (a, "12:primary.db.default.svc.cluster.local:0");
  assert_int_equal (look (w, "9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa", PP_DNS_PTR, a),
                    PP_DNS_NXDOMAIN);
  assert_int_equal (look (w, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", PP_DNS_PTR, a),
                    PP_NAMES_FORWARD);
  assert_int_equal (look (w, "x.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa", PP_DNS_PTR, a),
                    PP_NAMES_FORWARD);
  assert_int_equal (look (w, "0.0.ip6.arpa", PP_DNS_PTR, a), PP_NAMES_FORWARD);
  pp_names_answer_t ans;
  pp_names_lookup (w, "web.default.svc.cluster.local", false, PP_DNS_A, &ans);
  assert_int_equal (ans.rcode, PP_DNS_NXDOMAIN);
  pp_names_answer_release (&ans);
  pp_names_free (w);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse),
    cmocka_unit_test (test_reply),
    cmocka_unit_test (test_lookup),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
