/* The validator as a user meets it: small manifests in, exact diagnostics out (severity, position, path, message). */
#include "unit.h"
#include "schema/load.h"
#include "schema/validate.h"

#include <string.h>

/* One validation run: every document of a YAML text, its diagnostics and which of them a test has matched. */
typedef struct
{
  pp_diags_t diags;
  size_t objects;
  bool *seen;
} run_t;

static run_t R;
static int run_minor; /* --kube-version 1.run_minor; 0 for the newest */

static void
dump (void)
{
  for (size_t i = 0; i < R.diags.n; i++)
    pp_diag_print (stderr, &R.diags.v[i]);
}

static void
run_opts (const char *yaml, bool verbose)
{
  pp_validate_opts_t opts = { .verbose = verbose, .kube_minor = run_minor };
  pp_diags_free (&R.diags);
  free (R.seen);
  R.objects = 0;
  pp_loader_t *l = pp_loader_new ("t.yaml", yaml, strlen (yaml), &R.diags);
  pp_doc_t *doc;
  while (pp_loader_next (l, &doc) > 0)
    {
      R.objects += pp_validate_doc (doc, &opts, &R.diags);
      pp_doc_free (doc);
    }
  pp_loader_free (l);
  R.seen = xzalloc ((R.diags.n + 1) * sizeof (bool));
}

static void
run (const char *yaml)
{
  run_opts (yaml, false);
}

/* Exactly one diagnostic with this severity, position and path whose message contains `msg`; col 0 skips the column. */
static void
expect (pp_severity_t sev, uint32_t line, uint32_t col, const char *path, const char *msg)
{
  size_t found = 0;
  for (size_t i = 0; i < R.diags.n; i++)
    {
      const pp_diag_t *g = &R.diags.v[i];
      if (g->severity == sev && g->line == line && (col == 0 || g->col == col)
          && strcmp (g->path ? g->path : "", path) == 0 && strstr (g->msg, msg))
        {
          R.seen[i] = true;
          found++;
        }
    }
  if (found != 1)
    {
      dump ();
      fail_msg ("%zu diagnostics match %s %u:%u %s: %s", found, pp_severity_name (sev), line, col, path, msg);
    }
}

#define ERR(line, col, path, msg) expect (PP_DIAG_ERROR, line, col, path, msg)
#define WARN(line, col, path, msg) expect (PP_DIAG_WARNING, line, col, path, msg)
#define NOTE(line, col, path, msg) expect (PP_DIAG_NOTE, line, col, path, msg)

/* Every diagnostic of the run was expected: a rule firing where it should not fails the test. */
static void
expect_no_more (void)
{
  for (size_t i = 0; i < R.diags.n; i++)
    if (!R.seen[i])
      {
        dump ();
        fail_msg ("unexpected: %u:%u %s: %s", R.diags.v[i].line, R.diags.v[i].col,
                  R.diags.v[i].path ? R.diags.v[i].path : "", R.diags.v[i].msg);
      }
}

static void
expect_clean (void)
{
  expect_no_more ();
  assert_int_equal (R.diags.n, 0);
}

static int
teardown (void **state)
{
  (void) state;
  pp_diags_free (&R.diags);
  free (R.seen);
  R.seen = NULL;
  run_minor = 0;
  return 0;
}

/* What every Service gets: podplay checks it and does not run it. */
/* A limit of another resource than cpu and memory: valid, and named as what kube play ignores. */
#define NOT_ENFORCED "podplay enforces the cpu and memory limits only: this one is ignored"
#define POD_HEAD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n"
/* Lines 1-5 are POD_HEAD; the first container starts on line 6. */
#define ONE_CONTAINER "  containers:\n  - name: app\n    image: nginx:1.27\n"

/* ---- good input ---- */

static void
test_valid_pod (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER);
  expect_clean ();
  assert_int_equal (R.objects, 1);
}

static void
test_valid_workloads (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: Deployment\n"
       "metadata:\n"
       "  name: web\n"
       "spec:\n"
       "  replicas: 2\n"
       "  selector:\n"
       "    matchLabels: {app: web}\n"
       "    matchExpressions:\n"
       "    - {key: tier, operator: In, values: [front, back]}\n"
       "    - {key: legacy, operator: DoesNotExist}\n"
       "  template:\n"
       "    metadata:\n"
       "      labels: {app: web, tier: front}\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n"
       "---\n"
       "apiVersion: batch/v1\n"
       "kind: Job\n"
       "metadata:\n"
       "  name: pi\n"
       "spec:\n"
       "  template:\n"
       "    spec:\n"
       "      restartPolicy: Never\n"
       "      containers:\n"
       "      - name: pi\n"
       "        image: perl\n"
       "---\n"
       "apiVersion: v1\n"
       "kind: Service\n"
       "metadata:\n"
       "  name: web\n"
       "spec:\n"
       "  selector: {app: web}\n"
       "  ports:\n"
       "  - port: 80\n"
       "    targetPort: http\n");
  expect_no_more ();
  assert_int_equal (R.objects, 3);
}

/* ---- unknown and misplaced fields ---- */

static void
test_unknown_field_did_you_mean (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    workdir: /app\n");
  ERR (9, 5, "spec.containers[0].workdir", "unknown field \"workdir\"; did you mean 'workingDir'?");
  expect_no_more ();
}

static void
test_unknown_field_plain (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    zzzqqq: 1\n");
  ERR (9, 5, "spec.containers[0].zzzqqq", "unknown field \"zzzqqq\" in Container");
  expect_no_more ();
}

static void
test_misplaced_field (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: Deployment\n"
       "metadata:\n"
       "  name: web\n"
       "spec:\n"
       "  selector:\n"
       "    matchLabels: {app: web}\n"
       "  template:\n"
       "    metadata:\n"
       "      labels: {app: web}\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n"
       "  containers:\n"
       "  - name: app\n"
       "    image: nginx\n");
  ERR (15, 3, "spec.containers", "unknown field \"containers\" here; it belongs under template.spec.containers");
  expect_no_more ();
}

/* ---- types ---- */

static void
test_quoted_int (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    ports:\n    - containerPort: \"80\"\n");
  ERR (10, 22, "spec.containers[0].ports[0].containerPort",
       "expected an integer, got the string \"80\"; remove the quotes");
  expect_no_more ();
}

static void
test_yes_no_boolean (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    env:\n    - name: DEBUG\n      value: yes\n    tty: \"true\"\n");
  ERR (11, 14, "spec.containers[0].env[0].value",
       "expected a string, got the boolean yes (YAML 1.1 reads yes/no/on/off/y/n as booleans); quote it: \"yes\"");
  ERR (12, 10, "spec.containers[0].tty",
       "expected a boolean (true or false), got the string \"true\"; remove the quotes");
  expect_no_more ();
}

static void
test_number_for_string (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    env:\n    - name: VERSION\n      value: 1.10\n");
  ERR (11, 14, "spec.containers[0].env[0].value", "expected a string, got the number 1.10; quote it: \"1.10\"");
  expect_no_more ();
}

static void
test_list_vs_map (void **state)
{
  (void) state;
  run (POD_HEAD "  containers:\n    name: app\n    image: nginx\n");
  ERR (7, 5, "spec.containers", "expected a list of objects, got");
  expect_no_more ();
  run (POD_HEAD ONE_CONTAINER "    resources:\n    - limits: {}\n");
  ERR (10, 5, "spec.containers[0].resources", "expected a mapping (ResourceRequirements), got");
  expect_no_more ();
  run ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: [a, b]\n");
  ERR (5, 11, "metadata.labels", "expected a mapping, got");
  expect_no_more ();
}

static void
test_int32_range (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: Deployment\n"
       "metadata:\n"
       "  name: web\n"
       "spec:\n"
       "  replicas: 3000000000\n"
       "  selector:\n"
       "    matchLabels: {app: web}\n"
       "  template:\n"
       "    metadata:\n"
       "      labels: {app: web}\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n");
  ERR (6, 13, "spec.replicas", "3000000000 is not a 32-bit integer");
  expect_no_more ();
}

static void
test_enum (void **state)
{
  (void) state;
  run (POD_HEAD "  restartPolicy: always\n" ONE_CONTAINER "    imagePullPolicy: Sometimes\n");
  ERR (6, 18, "spec.restartPolicy",
       "unsupported value \"always\": must be one of Always, OnFailure, Never; did you mean 'Always'?");
  ERR (10, 22, "spec.containers[0].imagePullPolicy", "unsupported value \"Sometimes\": must be one of");
  expect_no_more ();
  assert_null (strstr (R.diags.v[1].msg, "did you mean"));
}

static void
test_required_fields (void **state)
{
  (void) state;
  run (POD_HEAD "  containers:\n  - image: nginx\n  - name: b\n");
  ERR (7, 5, "spec.containers[0].name", "required field is missing");
  ERR (8, 5, "spec.containers[1].image", "required field is missing");
  expect_no_more ();
  run ("apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {a: b}\n");
  ERR (1, 1, "spec", "required field is missing");
  ERR (4, 3, "metadata.name", "required field is missing");
  expect_no_more ();
  run ("kind: Pod\nmetadata:\n  name: x\n");
  ERR (1, 1, "apiVersion", "required field is missing");
  expect_no_more ();
}

/* ---- support classes ---- */

static void
test_not_implemented_warning (void **state)
{
  (void) state;
  run (POD_HEAD "  imagePullSecrets:\n  - name: regcred\n" ONE_CONTAINER "    terminationMessagePath: /dev/log\n");
  WARN (6, 3, "spec.imagePullSecrets", "podplay does not implement this field yet; it is ignored");
  WARN (11, 5, "spec.containers[0].terminationMessagePath", "podplay does not implement this field yet");
  expect_no_more ();
  /* A warning names the field it is on, not every field below it. */
  run (POD_HEAD ONE_CONTAINER
       "  volumes:\n  - name: share\n    nfs:\n      server: nfs.example.com\n      path: /srv\n");
  WARN (11, 5, "spec.volumes[0].nfs", "podplay does not implement this field yet");
  expect_no_more ();
}

static void
test_not_applicable_only_verbose (void **state)
{
  (void) state;
  const char *y = POD_HEAD "  nodeName: node-1\n  tolerations:\n  - key: k\n    operator: Exists\n" ONE_CONTAINER;
  run (y);
  expect_clean ();
  run_opts (y, true);
  NOTE (6, 3, "spec.nodeName", "not applicable on one machine (one machine is the only node); ignored");
  NOTE (7, 3, "spec.tolerations", "not applicable on one machine (one machine has no taints); ignored");
  expect_no_more ();
  assert_int_equal (R.diags.errors + R.diags.warnings, 0);
}

/* ---- names, labels, annotations ---- */

static void
test_object_names (void **state)
{
  (void) state;
  /* A Pod's name is a DNS subdomain: dots allowed, capitals not. */
  run ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web.v1\nspec:\n" ONE_CONTAINER);
  expect_clean ();
  run ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web\nspec:\n" ONE_CONTAINER);
  ERR (4, 9, "metadata.name", "invalid value \"Web\": a lowercase RFC 1123 subdomain");
  expect_no_more ();
  /* A Service's name is a DNS-1035 label: no dots, no leading digit. */
#define SVC(name) "apiVersion: v1\nkind: Service\nmetadata:\n  name: " name "\nspec:\n  ports:\n  - port: 80\n"
  run (SVC ("web.v1"));
  ERR (4, 9, "metadata.name", "invalid value \"web.v1\": a ");
  expect_no_more ();
  run (SVC ("1web"));
  ERR (4, 9, "metadata.name",
       "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic");
  expect_no_more ();
  /* Container names are DNS labels. */
  run (POD_HEAD "  containers:\n  - name: App_1\n    image: nginx\n");
  ERR (7, 11, "spec.containers[0].name", "invalid value \"App_1\": a lowercase RFC 1123 label");
  expect_no_more ();
}

static void
test_labels_annotations (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: ConfigMap\n"
       "metadata:\n"
       "  name: c\n"
       "  labels:\n"
       "    app.kubernetes.io/name: web\n"
       "    -bad: x\n"
       "    ok: \"has space\"\n"
       "    a/b/c: x\n"
       "  annotations:\n"
       "    example.com/note: any text at all, even long\n"
       "    Bad_Prefix.com/x: z\n");
  ERR (7, 5, "metadata.labels.-bad", "invalid label key \"-bad\": must consist of alphanumeric characters");
  ERR (8, 9, "metadata.labels.ok", "invalid label value \"has space\"");
  ERR (9, 5, "metadata.labels[a/b/c]", "invalid label key \"a/b/c\": a qualified name has at most one '/'");
  ERR (12, 5, "metadata.annotations[Bad_Prefix.com/x]", "invalid annotation key \"Bad_Prefix.com/x\": prefix part");
  expect_no_more ();
}

/* ---- ports and quantities ---- */

static void
test_ports (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    ports:\n"
       "    - containerPort: 70000\n"
       "      name: http\n"
       "    - containerPort: 81\n"
       "      name: http\n"
       "    - containerPort: 82\n"
       "      name: way-too-long-port-name\n"
       "    - containerPort: 0\n");
  ERR (10, 22, "spec.containers[0].ports[0].containerPort", "must be between 1 and 65535, got 70000");
  ERR (13, 13, "spec.containers[0].ports[1].name", "duplicate port name \"http\" (first at line 11)");
  ERR (15, 13, "spec.containers[0].ports[2].name", "must be no more than 15 characters");
  ERR (16, 22, "spec.containers[0].ports[3].containerPort", "must be between 1 and 65535, got 0");
  expect_no_more ();
}

static void
test_quantities (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    resources:\n"
       "      requests:\n"
       "        cpu: 500m\n"
       "        memory: 128MB\n"
       "      limits:\n"
       "        cpu: 1.5\n"
       "        memory: 1K\n"
       "        gpu: 1\n"
       "        ephemeral-storage: yes\n");
  ERR (12, 17, "spec.containers[0].resources.requests.memory", "invalid quantity \"128MB\": has an unknown suffix");
  ERR (15, 17, "spec.containers[0].resources.limits.memory", "invalid quantity \"1K\": has an unknown suffix 'K'");
  ERR (16, 9, "spec.containers[0].resources.limits.gpu", "invalid resource name \"gpu\"");
  ERR (17, 28, "spec.containers[0].resources.limits.ephemeral-storage", "expected a quantity such as 500m");
  expect_no_more ();
}

static void
test_requests_over_limits (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    resources:\n"
       "      requests:\n"
       "        cpu: \"2\"\n"
       "        memory: 1Gi\n"
       "      limits:\n"
       "        cpu: 1500m\n"
       "        memory: 1024Mi\n");
  ERR (11, 14, "spec.containers[0].resources.requests.cpu",
       "invalid value \"2\": must be less than or equal to cpu limit of 1500m");
  expect_no_more ();
}

/* ---- names unique within a pod, references between fields ---- */

static void
test_duplicate_names (void **state)
{
  (void) state;
  run (POD_HEAD
       "  initContainers:\n"
       "  - name: app\n"
       "    image: busybox\n"
       "  containers:\n"
       "  - name: app\n"
       "    image: nginx\n"
       "  volumes:\n"
       "  - name: data\n"
       "    emptyDir: {}\n"
       "  - name: data\n"
       "    emptyDir: {}\n");
  ERR (10, 11, "spec.containers[0].name", "duplicate container name \"app\" (first at line 7)");
  ERR (15, 11, "spec.volumes[1].name", "duplicate volume name \"data\" (first at line 13)");
  expect_no_more ();
}

static void
test_volume_mount_without_volume (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    volumeMounts:\n"
       "    - name: cache\n"
       "      mountPath: /cache\n"
       "    - name: data\n"
       "      mountPath: /cache\n"
       "  volumes:\n"
       "  - name: data\n"
       "    emptyDir: {}\n");
  ERR (10, 13, "spec.containers[0].volumeMounts[0].name", "no volume named \"cache\" in spec.volumes");
  ERR (13, 18, "spec.containers[0].volumeMounts[1].mountPath", "duplicate mountPath \"/cache\" (first at line 11)");
  expect_no_more ();
}

static void
test_volume_sources (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "  volumes:\n"
       "  - name: a\n"
       "    emptyDir: {}\n"
       "    hostPath: {path: /srv}\n"
       "  - name: b\n"
       "    configMap:\n"
       "      optional: true\n"
       "  - name: c\n"
       "    secret: {optional: true}\n");
  ERR (10, 5, "spec.volumes[0]", "must specify exactly one volume source, got 2: emptyDir, hostPath");
  ERR (15, 7, "spec.volumes[1].configMap.name", "required field is missing");
  ERR (17, 13, "spec.volumes[2].secret.secretName", "required field is missing");
  expect_no_more ();
}

/* ---- probes, hooks, restart policies of containers ---- */

static void
test_probe_handlers (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    livenessProbe:\n"
       "      periodSeconds: 5\n"
       "    readinessProbe:\n"
       "      exec: {command: [\"true\"]}\n"
       "      httpGet: {port: 80}\n"
       "    startupProbe:\n"
       "      tcpSocket: {port: 80}\n"
       "      successThreshold: 2\n");
  ERR (10, 7, "spec.containers[0].livenessProbe", "must specify a handler: one of exec, httpGet, tcpSocket or grpc");
  ERR (12, 7, "spec.containers[0].readinessProbe", "must specify exactly one handler, got 2: exec, httpGet");
  ERR (16, 25, "spec.containers[0].startupProbe.successThreshold", "must be 1 for startupProbe, got 2");
  expect_no_more ();
}

static void
test_lifecycle_handlers (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    lifecycle:\n"
       "      preStop:\n"
       "        sleep: {seconds: 5}\n"
       "        exec: {command: [\"true\"]}\n");
  ERR (11, 9, "spec.containers[0].lifecycle.preStop", "must specify exactly one handler, got 2: exec, sleep");
  expect_no_more ();
}

static void
test_probes_on_init_containers (void **state)
{
  (void) state;
  run (POD_HEAD
       "  initContainers:\n"
       "  - name: setup\n"
       "    image: busybox\n"
       "    readinessProbe:\n"
       "      exec: {command: [\"true\"]}\n"
       "  - name: proxy\n"
       "    image: envoy\n"
       "    restartPolicy: Always\n"
       "    readinessProbe:\n"
       "      exec: {command: [\"true\"]}\n"
       ONE_CONTAINER);
  ERR (10, 7, "spec.initContainers[0].readinessProbe", "init containers may not have probes");
  expect_no_more ();
}

static void
test_restart_policy_on_container (void **state)
{
  (void) state;
  /* Before 1.34 only an init container may have a restartPolicy (Always: a sidecar). */
  run_minor = 33;
  run (POD_HEAD ONE_CONTAINER "    restartPolicy: Always\n");
  ERR (9, 20, "spec.containers[0].restartPolicy", "may only be set on init containers");
  expect_no_more ();
  run (POD_HEAD ONE_CONTAINER "  initContainers:\n  - name: i\n    image: busybox\n    restartPolicy: Never\n");
  ERR (12, 20, "spec.initContainers[0].restartPolicy", "OnFailure and Never arrived in Kubernetes 1.34");
  expect_no_more ();
  /* Since, any container may, and its rules refine the policy by exit code. */
  run_minor = 0;
  run (POD_HEAD ONE_CONTAINER "    restartPolicy: OnFailure\n"
                              "    restartPolicyRules:\n    - action: Restart\n      exitCodes: {operator: In, values: [42]}\n");
  expect_no_more ();
  run (POD_HEAD ONE_CONTAINER "    restartPolicyRules:\n    - action: Restart\n    - action: Reboot\n"
                              "      exitCodes: {operator: Among, values: [1]}\n");
  ERR (7, 5, "spec.containers[0].restartPolicy", "must specify restartPolicy when restart rules are used");
  ERR (10, 7, "spec.containers[0].restartPolicyRules[0].exitCodes", "required field is missing");
  ERR (11, 15, "spec.containers[0].restartPolicyRules[1].action", "unsupported value \"Reboot\"");
  ERR (12, 29, "spec.containers[0].restartPolicyRules[1].exitCodes.operator", "unsupported value \"Among\"");
  expect_no_more ();
  /* A sidecar restarts whenever it ends: its rules may only restart the whole pod. */
  run (POD_HEAD ONE_CONTAINER "  initContainers:\n  - name: i\n    image: busybox\n    restartPolicy: Always\n"
                              "    restartPolicyRules:\n    - action: Restart\n      exitCodes: {operator: In, values: [1]}\n"
                              "    - action: RestartAllContainers\n      exitCodes: {operator: In, values: [2]}\n");
  ERR (14, 15, "spec.initContainers[0].restartPolicyRules[0].action", "may only restart all containers");
  expect_no_more ();
}

/* ---- fields of later releases, and --kube-version ---- */

#define NEW_FIELDS                                                                                                     \
  POD_HEAD "  os: {name: linux}\n  hostnameOverride: box.example\n" ONE_CONTAINER                                   \
           "    lifecycle: {stopSignal: SIGUSR1}\n"

static void
test_kube_version (void **state)
{
  (void) state;
  run (NEW_FIELDS);
  expect_no_more ();
  run_minor = 34;
  run (NEW_FIELDS);
  expect_no_more ();
  run_minor = 33;
  run (NEW_FIELDS);
  ERR (7, 3, "spec.hostnameOverride", "field \"hostnameOverride\" arrived in Kubernetes 1.34; a 1.33 cluster refuses it");
  expect_no_more ();
  run_minor = 32;
  run (NEW_FIELDS);
  ERR (7, 3, "spec.hostnameOverride", "arrived in Kubernetes 1.34; a 1.32 cluster");
  ERR (11, 0, "spec.containers[0].lifecycle.stopSignal", "arrived in Kubernetes 1.33; a 1.32 cluster");
  expect_no_more ();
  assert_int_equal (pp_kube_version_parse ("1.32"), 32);
  assert_int_equal (pp_kube_version_parse ("v1.36"), 36);
  assert_int_equal (pp_kube_version_parse ("1.34.2"), 34);
  assert_int_equal (pp_kube_version_parse ("1.31"), -1);
  assert_int_equal (pp_kube_version_parse ("1.37"), -1);
  assert_int_equal (pp_kube_version_parse ("1.3x"), -1);
  assert_int_equal (pp_kube_version_parse ("2.34"), -1);
  assert_int_equal (pp_kube_version_parse (""), -1);
}

static void
test_stop_signal (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    lifecycle: {stopSignal: SIGUSR1}\n");
  ERR (9, 29, "spec.containers[0].lifecycle.stopSignal", "may not be set for containers with empty `spec.os.name`");
  expect_no_more ();
  run (POD_HEAD "  os: {name: windows}\n" ONE_CONTAINER "    lifecycle: {stopSignal: SIGUSR1}\n");
  ERR (10, 29, "spec.containers[0].lifecycle.stopSignal", "supported values for a windows pod");
  expect_no_more ();
  run (POD_HEAD "  os: {name: linux}\n" ONE_CONTAINER "    lifecycle: {stopSignal: SIGRTMIN+3}\n");
  expect_no_more ();
  run (POD_HEAD "  os: {name: linux}\n" ONE_CONTAINER "    lifecycle: {stopSignal: SIGTEMR}\n");
  ERR (10, 29, "spec.containers[0].lifecycle.stopSignal", "and 57 more (docs/kubernetes-support.md); did you mean 'SIGTERM'?");
  expect_no_more ();
}

static void
test_hostname_override (void **state)
{
  (void) state;
  run (POD_HEAD "  hostNetwork: true\n  setHostnameAsFQDN: true\n"
                "  hostnameOverride: a-very-long-hostname-override-that-passes-the-sixty-four-bytes-limit.example\n"
                ONE_CONTAINER);
  WARN (7, 3, "spec.setHostnameAsFQDN", "podplay does not implement this field yet");
  ERR (8, 21, "spec.hostnameOverride", "may not be specified when setHostnameAsFQDN is true");
  ERR (8, 21, "spec.hostnameOverride", "may not be specified when hostNetwork is true");
  ERR (8, 21, "spec.hostnameOverride", "may not be more than 64 bytes");
  expect_no_more ();
  run (POD_HEAD "  hostnameOverride: Not_A_Name\n" ONE_CONTAINER);
  ERR (6, 21, "spec.hostnameOverride", "RFC 1123");
  expect_no_more ();
}

static void
test_file_key_ref (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    env:\n"
                              "    - {name: A, valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: A}}}\n"
                              "    - {name: B, valueFrom: {fileKeyRef: {volumeName: host, path: ../env, key: B}}}\n"
                              "    - {name: C, valueFrom: {fileKeyRef: {volumeName: none, path: env, key: C=D}}}\n"
                              "  volumes:\n  - {name: cfg, emptyDir: {}}\n  - {name: host, hostPath: {path: /tmp}}\n");
  ERR (11, 0, "spec.containers[0].env[1].valueFrom.fileKeyRef.volumeName", "referenced volume must be of type emptyDir");
  ERR (11, 66, "spec.containers[0].env[1].valueFrom.fileKeyRef.path", "must not contain '..'");
  ERR (12, 76, "spec.containers[0].env[2].valueFrom.fileKeyRef.key", "must not contain '='");
  ERR (12, 54, "spec.containers[0].env[2].valueFrom.fileKeyRef.volumeName", "the pod has no volume \"none\"");
  expect_no_more ();
  /* $(VAR) of one is expanded by podplay before the file exists: said, not left to surprise. */
  run (POD_HEAD ONE_CONTAINER "    command: [sh, -c, 'echo $(A)']\n    env:\n"
                              "    - {name: A, valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: A}}}\n"
                              "    - {name: B, value: 'x-$(A)'}\n"
                              "  volumes:\n  - {name: cfg, emptyDir: {}}\n");
  WARN (9, 23, "spec.containers[0].command[2]", "$(A) names a fileKeyRef variable");
  WARN (12, 24, "spec.containers[0].env[1].value", "$(A) names a fileKeyRef variable");
  expect_no_more ();
  /* Not an entry before it (which cannot see it), nor $$(A), which is text. */
  run (POD_HEAD ONE_CONTAINER "    command: [sh, -c, 'echo $$(A)']\n    env:\n"
                              "    - {name: B, value: 'x-$(A)'}\n"
                              "    - {name: A, valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: A}}}\n"
                              "  volumes:\n  - {name: cfg, emptyDir: {}}\n");
  expect_no_more ();
  /* emptyDir: null is no emptyDir. */
  run (POD_HEAD ONE_CONTAINER "    env:\n"
                              "    - {name: A, valueFrom: {fileKeyRef: {volumeName: cfg, path: env, key: A}}}\n"
                              "  volumes:\n  - {name: cfg, emptyDir: null}\n");
  ERR (10, 54, "spec.containers[0].env[0].valueFrom.fileKeyRef.volumeName", "must be of type emptyDir");
  expect_no_more ();
}

static void
test_pod_resources (void **state)
{
  (void) state;
  run (POD_HEAD "  resources:\n    requests: {cpu: 250m, nvidia.com/gpu: 1}\n    limits: {cpu: 200m, memory: 64Mi}\n"
                ONE_CONTAINER "    resources: {requests: {cpu: 300m}, limits: {memory: 128Mi}}\n");
  ERR (7, 27, "spec.resources.requests.nvidia.com/gpu", "supported values: \"cpu\", \"hugepages-\", \"memory\"");
  ERR (7, 21, "spec.resources.requests.cpu", "must be less than or equal to cpu limit of 200m");
  ERR (7, 21, "spec.resources.requests.cpu", "must be greater than or equal to aggregate container requests");
  ERR (12, 57, "spec.containers[0].resources.limits.memory", "must be less than or equal to pod limits of 64Mi");
  expect_no_more ();
}

/* ---- restart policy per kind ---- */

#define WORKLOAD(api, kind, extra)                                                                                     \
  "apiVersion: " api "\nkind: " kind "\nmetadata:\n  name: w\nspec:\n  selector:\n    matchLabels: {app: w}\n"         \
  "  template:\n    metadata:\n      labels: {app: w}\n    spec:\n" extra                                              \
  "      containers:\n      - name: app\n        image: nginx\n"

static void
test_restart_policy_per_kind (void **state)
{
  (void) state;
  run (WORKLOAD ("apps/v1", "Deployment", "      restartPolicy: OnFailure\n"));
  ERR (12, 22, "spec.template.spec.restartPolicy",
       "unsupported value \"OnFailure\": a Deployment's pods must have restartPolicy Always");
  expect_no_more ();
  run (WORKLOAD ("apps/v1", "DaemonSet", "      restartPolicy: Never\n"));
  ERR (12, 22, "spec.template.spec.restartPolicy", "a DaemonSet's pods must have restartPolicy Always");
  expect_no_more ();
  run (WORKLOAD ("apps/v1", "Deployment", "      restartPolicy: Always\n"));
  expect_clean ();

#define JOB(extra)                                                                                                     \
  "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n" extra                      \
  "      containers:\n      - name: app\n        image: busybox\n"
  run (JOB (""));
  ERR (8, 7, "spec.template.spec.restartPolicy",
       "required field is missing: a Job's pods need restartPolicy OnFailure or Never");
  expect_no_more ();
  run (JOB ("      restartPolicy: Always\n"));
  ERR (8, 22, "spec.template.spec.restartPolicy", "unsupported value \"Always\": a Job's pods need restartPolicy");
  expect_no_more ();
  run (JOB ("      restartPolicy: OnFailure\n"));
  expect_clean ();
}

/* ---- selectors ---- */

static void
test_selector_vs_labels (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: Deployment\n"
       "metadata:\n"
       "  name: w\n"
       "spec:\n"
       "  selector:\n"
       "    matchLabels: {app: w}\n"
       "  template:\n"
       "    metadata:\n"
       "      labels: {app: other}\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n");
  ERR (10, 15, "spec.template.metadata.labels", "`selector` does not match template `labels`");
  expect_no_more ();
}

static void
test_selector_match_expressions (void **state)
{
  (void) state;
#define DS(op)                                                                                                         \
  "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: w\nspec:\n  selector:\n    matchExpressions:\n"          \
  "    - {key: tier, operator: " op ", values: [front]}\n  template:\n    metadata:\n      labels: {tier: back}\n"     \
  "    spec:\n      containers:\n      - name: app\n        image: nginx\n"
  run (DS ("In"));
  ERR (11, 15, "spec.template.metadata.labels", "`selector` does not match template `labels`");
  expect_no_more ();
  run (DS ("NotIn"));
  expect_clean ();
}

static void
test_selector_without_template_labels (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: Deployment\n"
       "metadata:\n"
       "  name: w\n"
       "spec:\n"
       "  selector:\n"
       "    matchLabels: {app: w}\n"
       "  template:\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n");
  ERR (9, 5, "spec.template.metadata.labels", "`selector` does not match template `labels`");
  expect_no_more ();
}

static void
test_empty_selector (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: Deployment\n"
       "metadata:\n"
       "  name: w\n"
       "spec:\n"
       "  selector: {}\n"
       "  template:\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n");
  ERR (6, 13, "spec.selector", "empty selector is invalid for a Deployment");
  expect_no_more ();
}

/* ---- Services, ConfigMaps, Secrets, PVCs ---- */

static void
test_service_ports (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: Service\n"
       "metadata:\n"
       "  name: web\n"
       "spec:\n"
       "  ports:\n"
       "  - port: 80\n"
       "  - port: 443\n"
       "    name: https\n"
       "  - port: 8443\n"
       "    name: https\n");
  ERR (7, 5, "spec.ports[0].name", "required field is missing: every port needs a name when a Service has several");
  ERR (11, 11, "spec.ports[2].name", "duplicate port name \"https\" (first at line 9)");
  expect_no_more ();
  run ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n");
  ERR (6, 3, "spec.ports", "a Service needs at least one port");
  expect_no_more ();
  /* A headless Service needs no port. */
  run ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n  selector: {app: web}\n");
  expect_no_more ();
}

static void
test_configmap_keys (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: ConfigMap\n"
       "metadata:\n"
       "  name: c\n"
       "data:\n"
       "  app.conf: x\n"
       "  bad key: z\n"
       "binaryData:\n"
       "  app.conf: eA==\n");
  ERR (7, 3, "data[bad key]", "invalid key \"bad key\"");
  ERR (9, 3, "binaryData[app.conf]", "duplicate key \"app.conf\": it is in data too");
  expect_no_more ();
  /* A ConfigMap has no stringData: the hint points to data. */
  run ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbinaryData:\n  blob: \"%%%\"\n");
  ERR (6, 9, "binaryData.blob",
       "is not valid base64: binaryData holds base64-encoded bytes (put plain text under data)");
  expect_no_more ();
}

static void
test_secret_base64_and_tls (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: Secret\n"
       "metadata:\n"
       "  name: s\n"
       "data:\n"
       "  password: hunter2\n"
       "  user: YWRtaW4=\n");
  ERR (6, 13, "data.password", "is not valid base64");
  expect_no_more ();
  run ("apiVersion: v1\n"
       "kind: Secret\n"
       "metadata:\n"
       "  name: s\n"
       "type: kubernetes.io/tls\n"
       "data:\n"
       "  tls.crt: YWRtaW4=\n");
  ERR (7, 3, "data[tls.key]", "required field is missing for a Secret of type kubernetes.io/tls");
  expect_no_more ();
  /* stringData holds plain text and counts for the keys a type needs. */
  run ("apiVersion: v1\n"
       "kind: Secret\n"
       "metadata:\n"
       "  name: s\n"
       "type: kubernetes.io/tls\n"
       "stringData:\n"
       "  tls.crt: plain text\n"
       "  tls.key: plain text\n");
  expect_clean ();
}

static void
test_pvc (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: PersistentVolumeClaim\n"
       "metadata:\n"
       "  name: data\n"
       "spec:\n"
       "  accessModes: []\n"
       "  resources:\n"
       "    requests: {}\n");
  ERR (6, 16, "spec.accessModes", "at least 1 access mode is required");
  ERR (8, 15, "spec.resources.requests.storage", "required field is missing");
  expect_no_more ();
  run ("apiVersion: v1\n"
       "kind: PersistentVolumeClaim\n"
       "metadata:\n"
       "  name: data\n"
       "spec:\n"
       "  accessModes: [ReadWriteOnce, ReadWriteMany]\n"
       "  resources:\n"
       "    requests: {storage: 1Gi}\n");
  expect_clean ();
  run ("apiVersion: v1\n"
       "kind: PersistentVolumeClaim\n"
       "metadata:\n"
       "  name: data\n"
       "spec:\n"
       "  accessModes: [ReadWriteAlways]\n"
       "  resources:\n"
       "    requests: {storage: 1Gi}\n");
  ERR (6, 17, "spec.accessModes[0]", "unsupported value \"ReadWriteAlways\"");
  expect_no_more ();
}

/* ---- host namespaces and security ---- */

static void
test_host_ports (void **state)
{
  (void) state;
  run (POD_HEAD
       "  containers:\n"
       "  - name: a\n"
       "    image: nginx\n"
       "    ports:\n"
       "    - {containerPort: 80, hostPort: 8080}\n"
       "    - {containerPort: 81, hostPort: 8080, protocol: UDP}\n"
       "  - name: b\n"
       "    image: nginx\n"
       "    ports:\n"
       "    - {containerPort: 80, hostPort: 8080}\n");
  ERR (15, 37, "spec.containers[1].ports[0].hostPort", "hostPort 8080/TCP is already used (line 10)");
  expect_no_more ();
  run (POD_HEAD
       "  hostNetwork: true\n"
       ONE_CONTAINER
       "    ports:\n"
       "    - {containerPort: 80, hostPort: 8080}\n"
       "    - {containerPort: 81, hostPort: 81}\n");
  ERR (11, 37, "spec.containers[0].ports[0].hostPort", "must equal containerPort (80) when hostNetwork is true");
  expect_no_more ();
}

static void
test_dns_policy_none (void **state)
{
  (void) state;
  run (POD_HEAD "  dnsPolicy: None\n" ONE_CONTAINER);
  ERR (6, 3, "spec.dnsConfig.nameservers", "must provide at least one DNS nameserver when dnsPolicy is None");
  expect_no_more ();
  run (POD_HEAD "  dnsPolicy: None\n  dnsConfig:\n    nameservers: [1.1.1.1]\n" ONE_CONTAINER);
  expect_clean ();
}

static void
test_host_users_false (void **state)
{
  (void) state;
  run (POD_HEAD "  hostUsers: false\n  hostNetwork: true\n" ONE_CONTAINER);
  ERR (7, 16, "spec.hostNetwork", "may not be true when hostUsers is false");
  expect_no_more ();
}

/* Sysctls as the API server and the kubelet check them: the name's form, duplicates, only the namespaced ones, and
   none of a namespace the pod shares with the host. */
static void
test_sysctls (void **state)
{
  (void) state;
  run (POD_HEAD "  hostNetwork: true\n"
                "  securityContext:\n"
                "    sysctls:\n"
                "    - {name: kernel.shm_rmid_forced, value: \"1\"}\n"
                "    - {name: fs/mqueue/msg_max, value: \"20\"}\n"
                "    - {name: kernel.pid_max, value: \"9999\"}\n"
                "    - {name: net.core.somaxconn, value: \"1024\"}\n"
                "    - {name: kernel.shm_rmid_forced, value: \"0\"}\n"
                "    - {name: Kernel.Sem, value: \"1\"}\n" ONE_CONTAINER);
  ERR (11, 14, "spec.securityContext.sysctls[2].name", "forbidden sysctl \"kernel.pid_max\": not namespaced");
  ERR (12, 14, "spec.securityContext.sysctls[3].name", "may not be specified when hostNetwork is true");
  ERR (13, 14, "spec.securityContext.sysctls[4].name", "duplicate sysctl \"kernel.shm_rmid_forced\" (first at line 9)");
  ERR (14, 14, "spec.securityContext.sysctls[5].name", "invalid value \"Kernel.Sem\"");
  expect_no_more ();
  run (POD_HEAD
       "  hostIPC: true\n  securityContext:\n    sysctls: [{name: kernel.msgmax, value: \"1\"}]\n" ONE_CONTAINER);
  ERR (8, 22, "spec.securityContext.sysctls[0].name", "may not be specified when hostIPC is true");
  expect_no_more ();
}

/* procMount: Unmasked only with hostUsers: false, as the API server asks. */
static void
test_proc_mount_unmasked (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER "    securityContext: {procMount: Unmasked}\n");
  ERR (9, 34, "spec.containers[0].securityContext.procMount", "`hostUsers` must be false to use `Unmasked`");
  expect_no_more ();
  run (POD_HEAD "  hostUsers: false\n" ONE_CONTAINER "    securityContext: {procMount: Unmasked}\n");
  expect_clean ();
}

static void
test_run_as_non_root (void **state)
{
  (void) state;
  run (POD_HEAD
       "  securityContext:\n"
       "    runAsNonRoot: true\n"
       "    runAsUser: 0\n"
       ONE_CONTAINER
       "    securityContext:\n"
       "      runAsNonRoot: true\n"
       "      runAsUser: 1000\n");
  ERR (8, 16, "spec.securityContext.runAsUser", "is 0 (root) but runAsNonRoot is true");
  expect_no_more ();
}

static void
test_seccomp_localhost (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    securityContext:\n"
       "      seccompProfile:\n"
       "        type: Localhost\n");
  ERR (11, 9, "spec.containers[0].securityContext.seccompProfile.localhostProfile",
       "required field is missing when type is Localhost");
  expect_no_more ();
  run (POD_HEAD "  securityContext:\n    seccompProfile: {type: RuntimeDefault, localhostProfile: x.json}\n"
       ONE_CONTAINER);
  ERR (7, 62, "spec.securityContext.seccompProfile.localhostProfile", "may only be set when type is Localhost");
  expect_no_more ();
  /* A path below the profiles' folder, as the API server's validateLocalhostProfile requires. */
  run (POD_HEAD
       "  securityContext:\n    seccompProfile: {type: Localhost, localhostProfile: /etc/shadow}\n" ONE_CONTAINER
       "    securityContext:\n"
       "      seccompProfile: {type: Localhost, localhostProfile: profiles/../../../etc/shadow}\n");
  ERR (7, 57, "spec.securityContext.seccompProfile.localhostProfile",
       "invalid value \"/etc/shadow\": must be a relative path");
  ERR (12, 59, "spec.containers[0].securityContext.seccompProfile.localhostProfile",
       "invalid value \"profiles/../../../etc/shadow\": must not contain '..'");
  expect_no_more ();
  run (POD_HEAD "  securityContext:\n    seccompProfile: {type: Localhost, localhostProfile: "
                "profiles/..x/a.json}\n" ONE_CONTAINER);
  expect_no_more ();
}

/* ---- lists, kinds ---- */

static void
test_list_items (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: List\n"
       "items:\n"
       "- apiVersion: v1\n"
       "  kind: ConfigMap\n"
       "  metadata: {name: ok}\n"
       "- apiVersion: v1\n"
       "  kind: Pod\n"
       "  metadata: {name: p}\n"
       "  spec:\n"
       "    containers:\n"
       "    - name: app\n"
       "      image: nginx\n"
       "      ports:\n"
       "      - containerPort: 0\n");
  ERR (15, 24, "items[1].spec.containers[0].ports[0].containerPort", "must be between 1 and 65535, got 0");
  expect_no_more ();
  assert_int_equal (R.objects, 2);
  assert_string_equal (R.diags.v[0].kind, "Pod");
  assert_string_equal (R.diags.v[0].name, "p");
}

static void
test_pod_list (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: PodList\n"
       "items:\n"
       "- apiVersion: v1\n"
       "  kind: Pod\n"
       "  metadata: {name: P}\n"
       "  spec:\n"
       "    containers: [{name: app, image: nginx}]\n"
       "extra: 1\n");
  ERR (6, 20, "items[0].metadata.name", "invalid value \"P\"");
  ERR (9, 1, "extra", "unknown field \"extra\" in PodList");
  expect_no_more ();
  assert_int_equal (R.objects, 1);
  run ("apiVersion: v1\nkind: List\n");
  ERR (1, 1, "items", "required field is missing");
  expect_no_more ();
}

static void
test_api_version_mismatch (void **state)
{
  (void) state;
  run ("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: w\n");
  ERR (1, 13, "apiVersion", "kind Deployment is in apiVersion \"apps/v1\", not \"v1\"");
  expect_no_more ();
  run ("apiVersion: extensions/v1beta1\nkind: Job\nmetadata:\n  name: w\n");
  ERR (1, 13, "apiVersion", "kind Job is in apiVersion \"batch/v1\", not \"extensions/v1beta1\"");
  expect_no_more ();
}

static void
test_foreign_and_custom_kinds (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  anything: goes\n");
  WARN (2, 7, "kind", "podplay does not run kind StatefulSet (apps/v1); it is skipped");
  expect_no_more ();
  run ("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {}\n");
  WARN (2, 7, "kind", "custom resource Widget (example.com/v1) has no schema here; podplay skips it");
  expect_no_more ();
}

/* Every kind of the Kubernetes 1.36 API is known: the ones podplay does not run are skipped with a warning, in each
   version the API serves them, and a version it does not serve them in is an error naming the ones it does. */
static void
test_every_api_kind (void **state)
{
  (void) state;
  static const char *const skipped[][2] = {
    { "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration" },
    { "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration" },
    { "admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy" },
    { "resource.k8s.io/v1", "ResourceClaim" },
    { "networking.k8s.io/v1", "ServiceCIDR" },
    { "scheduling.k8s.io/v1alpha2", "Workload" },
    { "storagemigration.k8s.io/v1beta1", "StorageVersionMigration" },
    { "autoscaling/v1", "HorizontalPodAutoscaler" },
    { "autoscaling/v2", "HorizontalPodAutoscaler" },
    { "events.k8s.io/v1", "Event" },
    { "v1", "Event" },
    { "coordination.k8s.io/v1", "Lease" },
    { "flowcontrol.apiserver.k8s.io/v1", "FlowSchema" },
    { "node.k8s.io/v1", "RuntimeClass" },
    { "resource.k8s.io/v1beta1", "ResourceClaimTemplate" },
    { "certificates.k8s.io/v1", "CertificateSigningRequest" },
    { "storage.k8s.io/v1", "CSIDriver" },
    { "apiregistration.k8s.io/v1", "APIService" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (skipped); i++)
    {
      cleanup_free char *yaml = xasprintf ("apiVersion: %s\nkind: %s\nmetadata:\n  name: x\nspec: {any: thing}\n",
                                           skipped[i][0], skipped[i][1]);
      cleanup_free char *msg
          = xasprintf ("podplay does not run kind %s (%s); it is skipped", skipped[i][1], skipped[i][0]);
      run (yaml);
      WARN (2, 7, "kind", msg);
      expect_no_more ();
    }
  run ("apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\n");
  ERR (1, 13, "apiVersion",
       "kind HorizontalPodAutoscaler is in apiVersion \"autoscaling/v2\" or \"autoscaling/v1\", not "
       "\"autoscaling/v2beta2\"");
  expect_no_more ();
  /* A version 1.36 no longer serves. */
  run ("apiVersion: admissionregistration.k8s.io/v1beta1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: x\n");
  ERR (1, 13, "apiVersion",
       "kind ValidatingAdmissionPolicy is in apiVersion \"admissionregistration.k8s.io/v1\", not "
       "\"admissionregistration.k8s.io/v1beta1\"");
  expect_no_more ();
  run ("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: x\n");
  ERR (1, 13, "apiVersion", "kind Ingress is in apiVersion \"networking.k8s.io/v1\", not \"extensions/v1beta1\"");
  expect_no_more ();
  run ("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfig\nmetadata:\n  name: x\n");
  ERR (2, 7, "kind", "unknown kind \"ValidatingWebhookConfig\" in apiVersion");
  expect_no_more ();
  /* A misspelt group of the API server is no custom resource. */
  run ("apiVersion: netwroking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n");
  ERR (1, 13, "apiVersion", "kind Ingress is in apiVersion \"networking.k8s.io/v1\", not \"netwroking.k8s.io/v1\"");
  expect_no_more ();
}

/* The API server takes at most 3 MiB in a request, and kubectl sends one object a request: the only bound on a
   container's env; a List's items are sent one by one. */
static void
test_object_size (void **state)
{
  (void) state;
  size_t len = 3 * 1024 * 1024;
  cleanup_free char *big = xmalloc (len + 1);
  memset (big, 'x', len);
  big[len] = '\0';
  cleanup_free char *yaml = xasprintf (POD_HEAD ONE_CONTAINER "    env:\n    - {name: BIG, value: %s}\n", big);
  run (yaml);
  ERR (1, 1, "", "this object is 3.0 MiB as JSON: the API server takes at most 3 MiB (3145728 bytes) in one request");
  expect_no_more ();
  big[len - 300] = '\0';
  cleanup_free char *yaml2 = xasprintf (POD_HEAD ONE_CONTAINER "    env:\n    - {name: BIG, value: %s}\n", big);
  run (yaml2);
  expect_clean ();
}

/* What the tables call supported is what kube play does: what it ignores is named, once, by validation. */
static void
test_support_is_what_play_does (void **state)
{
  (void) state;
  run (POD_HEAD
       "  activeDeadlineSeconds: 30\n"
       ONE_CONTAINER
       "    resources:\n"
       "      limits: {cpu: 1, memory: 1Gi, example.com/gpu: 1, hugepages-2Mi: 4Mi}\n"
       "  volumes:\n"
       "  - {name: huge, emptyDir: {medium: HugePages}}\n"
       "  - {name: disk, emptyDir: {sizeLimit: 1Gi}}\n"
       "  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 64Mi}}\n");
  WARN (6, 3, "spec.activeDeadlineSeconds", "podplay does not implement this field yet; it is ignored: a pod is not "
                                            "stopped at its deadline (a Job's is)");
  WARN (11, 37, "spec.containers[0].resources.limits[example.com/gpu]", NOT_ENFORCED);
  WARN (11, 57, "spec.containers[0].resources.limits.hugepages-2Mi", NOT_ENFORCED);
  WARN (13, 37, "spec.volumes[0].emptyDir.medium", "podplay mounts no hugetlbfs yet: the volume is an emptyDir on disk");
  WARN (14, 40, "spec.volumes[1].emptyDir.sizeLimit", "not enforced on disk");
  expect_no_more ();
  run_opts ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nimmutable: true\n"
            "---\n"
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: p}\n"
            "spec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n",
            true);
  NOTE (4, 1, "immutable", "not applicable on one machine (no API server refuses a change); ignored");
  NOTE (10, 3, "spec.accessModes", "not applicable on one machine (a named volume of this machine");
  NOTE (11, 3, "spec.resources", "not applicable on one machine (a named volume takes what its filesystem has)");
  expect_no_more ();
}

/* A CRD may name its kind as Kubernetes names one (Knative's Service): its group decides. */
static void
test_custom_kind_named_as_builtin (void **state)
{
  (void) state;
  run ("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\nspec:\n  template: {}\n");
  WARN (2, 7, "kind", "custom resource Service (serving.knative.dev/v1) has no schema here; podplay skips it");
  expect_no_more ();
}

/* The ...List of any kind of the API is read item by item. */
static void
test_list_of_api_kind (void **state)
{
  (void) state;
  run ("apiVersion: rbac.authorization.k8s.io/v1\n"
       "kind: RoleList\n"
       "items:\n"
       "- apiVersion: rbac.authorization.k8s.io/v1\n"
       "  kind: Role\n"
       "  metadata: {name: r}\n"
       "- apiVersion: v1\n"
       "  kind: ConfigMap\n"
       "  metadata: {name: Bad}\n");
  WARN (5, 9, "items[0].kind", "podplay does not run kind Role (rbac.authorization.k8s.io/v1); it is skipped");
  ERR (9, 20, "items[1].metadata.name", "invalid value \"Bad\"");
  expect_no_more ();
  assert_int_equal (R.objects, 2);
}

static void
test_unknown_kind (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: w\n");
  ERR (2, 7, "kind", "unknown kind \"Deploymnet\"; did you mean 'Deployment'?");
  expect_no_more ();
  run ("apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: w\n");
  ERR (2, 7, "kind", "unknown kind \"Gizmo\" in apiVersion \"v1\"");
  expect_no_more ();
}

static void
test_document_positions (void **state)
{
  (void) state;
  /* Diagnostics carry the document number and object; positions are lines of the file, not of the document. */
  run ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n" POD_HEAD "  containers: []\n");
  ERR (10, 15, "spec.containers", "must have at least one container");
  expect_no_more ();
  assert_int_equal (R.diags.v[0].doc, 2);
  assert_string_equal (R.diags.v[0].kind, "Pod");
  assert_string_equal (R.diags.v[0].name, "web");
}

/* ---- fixed: each was a false error or a missing one ---- */

static void
test_crd_in_k8s_io_group (void **state)
{
  (void) state;
  /* Gateway API and volume snapshots live in k8s.io groups but are CRDs, not kinds of the API server. */
  run ("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n");
  WARN (2, 7, "kind", "custom resource HTTPRoute (gateway.networking.k8s.io/v1) has no schema here; podplay skips it");
  expect_no_more ();
  run ("apiVersion: networking.k8s.io/v1\nkind: Ingres\nmetadata:\n  name: r\n");
  ERR (2, 7, "kind", "unknown kind \"Ingres\"; did you mean 'Ingress'?");
  expect_no_more ();
}

static void
test_empty_match_labels (void **state)
{
  (void) state;
  run ("apiVersion: apps/v1\n"
       "kind: DaemonSet\n"
       "metadata:\n"
       "  name: w\n"
       "spec:\n"
       "  selector:\n"
       "    matchLabels: {}\n"
       "    matchExpressions: []\n"
       "  template:\n"
       "    spec:\n"
       "      containers:\n"
       "      - name: app\n"
       "        image: nginx\n");
  ERR (7, 5, "spec.selector", "empty selector is invalid for a DaemonSet");
  expect_no_more ();
}

static void
test_host_ports_of_init_containers (void **state)
{
  (void) state;
  /* Init containers run one at a time before the app containers: they may reuse a host port. */
  run (POD_HEAD
       "  initContainers:\n"
       "  - name: a\n"
       "    image: busybox\n"
       "    ports: [{containerPort: 80, hostPort: 8080}]\n"
       "  - name: b\n"
       "    image: busybox\n"
       "    ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81, hostPort: 8080}]\n"
       "  containers:\n"
       "  - name: c\n"
       "    image: nginx\n"
       "    ports: [{containerPort: 80, hostPort: 8080}]\n");
  ERR (12, 80, "spec.initContainers[1].ports[1].hostPort", "hostPort 8080/TCP is already used (line 12)");
  expect_no_more ();
}

static void
test_negative_resources (void **state)
{
  (void) state;
  run (POD_HEAD ONE_CONTAINER
       "    resources:\n"
       "      requests:\n"
       "        memory: \"-5Mi\"\n"
       "      limits:\n"
       "        cpu: -1\n"
       "        memory: 0\n");
  ERR (11, 17, "spec.containers[0].resources.requests.memory",
       "invalid value \"-5Mi\": must be greater than or equal to 0");
  ERR (13, 14, "spec.containers[0].resources.limits.cpu", "invalid value \"-1\": must be greater than or equal to 0");
  expect_no_more ();
}

static void
test_pvc_storage_positive (void **state)
{
  (void) state;
  run ("apiVersion: v1\n"
       "kind: PersistentVolumeClaim\n"
       "metadata:\n"
       "  name: data\n"
       "spec:\n"
       "  accessModes: [ReadWriteOnce]\n"
       "  resources:\n"
       "    requests: {storage: 0}\n");
  ERR (8, 25, "spec.resources.requests.storage", "invalid value \"0\": must be greater than 0");
  expect_no_more ();
}

static void
test_service_target_port_defaults (void **state)
{
  (void) state;
  /* targetPort 0 or "" means "same as port": the API server's defaulting (SetDefaults_Service) sets it to `port`
     before it validates; any other number must be a port, and a string a port name (IsValidPortName). */
  run ("apiVersion: v1\n"
       "kind: Service\n"
       "metadata:\n"
       "  name: web\n"
       "spec:\n"
       "  ports:\n"
       "  - {name: a, port: 80, targetPort: 0}\n"
       "  - {name: b, port: 81, targetPort: \"\"}\n"
       "  - {name: c, port: 82, targetPort: 70000}\n"
       "  - {name: d, port: 83, targetPort: -1}\n"
       "  - {name: e, port: 84, targetPort: \"0\"}\n"
       "  - {name: f, port: 85, targetPort: web--1}\n");
  ERR (9, 37, "spec.ports[2].targetPort", "must be between 1 and 65535, got 70000");
  ERR (10, 37, "spec.ports[3].targetPort", "must be between 1 and 65535, got -1");
  ERR (11, 37, "spec.ports[4].targetPort", "a port name must contain at least one letter (a-z)");
  ERR (12, 37, "spec.ports[5].targetPort", "a port name must not contain consecutive hyphens");
  expect_no_more ();
  /* A container port's name is optional, and "" names none; a probe's port "" is no port name. */
  run (POD_HEAD ONE_CONTAINER "    ports:\n    - {containerPort: 80, name: \"\"}\n"
                              "    livenessProbe:\n      tcpSocket: {port: \"\"}\n");
  ERR (12, 25, "spec.containers[0].livenessProbe.tcpSocket.port",
       "\"\" is neither a port number nor a port name: a port name must contain only alpha-numeric characters");
  expect_no_more ();
  run (POD_HEAD ONE_CONTAINER "    livenessProbe:\n      httpGet: {port: 0}\n");
  ERR (10, 23, "spec.containers[0].livenessProbe.httpGet.port", "must be between 1 and 65535, got 0");
  expect_no_more ();
}

static void
test_config_size_counts_values (void **state)
{
  (void) state;
  /* The 1 MiB limit counts values only, and base64 as the bytes it decodes to. */
  size_t n = 1024 * 1024;
  char *big = xmalloc (n + 256);
  int head = snprintf (big, 256, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a-long-key-name: ");
  memset (big + head, 'a', n);
  strcpy (big + head + n, "\n");
  run (big);
  expect_clean ();
  big[head] = 'b';
  strcpy (big + head + n, "b\n");
  run (big);
  ERR (1, 1, "", "a ConfigMap may hold at most 1048576 bytes of data, this one holds 1048577");
  expect_no_more ();
  /* 1 MiB of base64 text is only 768 KiB of bytes. */
  head = snprintf (big, 256, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: ");
  memset (big + head, 'Q', n);
  strcpy (big + head + n, "\n");
  run (big);
  expect_clean ();
  free (big);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown (test_valid_pod, teardown),
    cmocka_unit_test_teardown (test_valid_workloads, teardown),
    cmocka_unit_test_teardown (test_unknown_field_did_you_mean, teardown),
    cmocka_unit_test_teardown (test_unknown_field_plain, teardown),
    cmocka_unit_test_teardown (test_misplaced_field, teardown),
    cmocka_unit_test_teardown (test_quoted_int, teardown),
    cmocka_unit_test_teardown (test_yes_no_boolean, teardown),
    cmocka_unit_test_teardown (test_number_for_string, teardown),
    cmocka_unit_test_teardown (test_list_vs_map, teardown),
    cmocka_unit_test_teardown (test_int32_range, teardown),
    cmocka_unit_test_teardown (test_enum, teardown),
    cmocka_unit_test_teardown (test_required_fields, teardown),
    cmocka_unit_test_teardown (test_not_implemented_warning, teardown),
    cmocka_unit_test_teardown (test_not_applicable_only_verbose, teardown),
    cmocka_unit_test_teardown (test_object_names, teardown),
    cmocka_unit_test_teardown (test_labels_annotations, teardown),
    cmocka_unit_test_teardown (test_ports, teardown),
    cmocka_unit_test_teardown (test_quantities, teardown),
    cmocka_unit_test_teardown (test_requests_over_limits, teardown),
    cmocka_unit_test_teardown (test_duplicate_names, teardown),
    cmocka_unit_test_teardown (test_volume_mount_without_volume, teardown),
    cmocka_unit_test_teardown (test_volume_sources, teardown),
    cmocka_unit_test_teardown (test_probe_handlers, teardown),
    cmocka_unit_test_teardown (test_lifecycle_handlers, teardown),
    cmocka_unit_test_teardown (test_probes_on_init_containers, teardown),
    cmocka_unit_test_teardown (test_restart_policy_on_container, teardown),
    cmocka_unit_test_teardown (test_kube_version, teardown),
    cmocka_unit_test_teardown (test_stop_signal, teardown),
    cmocka_unit_test_teardown (test_hostname_override, teardown),
    cmocka_unit_test_teardown (test_file_key_ref, teardown),
    cmocka_unit_test_teardown (test_pod_resources, teardown),
    cmocka_unit_test_teardown (test_restart_policy_per_kind, teardown),
    cmocka_unit_test_teardown (test_selector_vs_labels, teardown),
    cmocka_unit_test_teardown (test_selector_match_expressions, teardown),
    cmocka_unit_test_teardown (test_selector_without_template_labels, teardown),
    cmocka_unit_test_teardown (test_empty_selector, teardown),
    cmocka_unit_test_teardown (test_service_ports, teardown),
    cmocka_unit_test_teardown (test_configmap_keys, teardown),
    cmocka_unit_test_teardown (test_secret_base64_and_tls, teardown),
    cmocka_unit_test_teardown (test_pvc, teardown),
    cmocka_unit_test_teardown (test_host_ports, teardown),
    cmocka_unit_test_teardown (test_dns_policy_none, teardown),
    cmocka_unit_test_teardown (test_host_users_false, teardown),
    cmocka_unit_test_teardown (test_run_as_non_root, teardown),
    cmocka_unit_test_teardown (test_seccomp_localhost, teardown),
    cmocka_unit_test_teardown (test_list_items, teardown),
    cmocka_unit_test_teardown (test_pod_list, teardown),
    cmocka_unit_test_teardown (test_api_version_mismatch, teardown),
    cmocka_unit_test_teardown (test_foreign_and_custom_kinds, teardown),
    cmocka_unit_test_teardown (test_unknown_kind, teardown),
    cmocka_unit_test_teardown (test_every_api_kind, teardown),
    cmocka_unit_test_teardown (test_custom_kind_named_as_builtin, teardown),
    cmocka_unit_test_teardown (test_list_of_api_kind, teardown),
    cmocka_unit_test_teardown (test_object_size, teardown),
    cmocka_unit_test_teardown (test_support_is_what_play_does, teardown),
    cmocka_unit_test_teardown (test_document_positions, teardown),
    cmocka_unit_test_teardown (test_crd_in_k8s_io_group, teardown),
    cmocka_unit_test_teardown (test_empty_match_labels, teardown),
    cmocka_unit_test_teardown (test_host_ports_of_init_containers, teardown),
    cmocka_unit_test_teardown (test_negative_resources, teardown),
    cmocka_unit_test_teardown (test_pvc_storage_positive, teardown),
    cmocka_unit_test_teardown (test_service_target_port_defaults, teardown),
    cmocka_unit_test_teardown (test_config_size_counts_values, teardown),
    cmocka_unit_test_teardown (test_sysctls, teardown),
    cmocka_unit_test_teardown (test_proc_mount_unmasked, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
