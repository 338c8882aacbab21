/* Schema tables of Kubernetes 1.36 (fields added after 1.32 say when): the pod spec, containers, probes, lifecycle hooks and security contexts. */

#include "schema/k8s_types.h"

static const pp_field_t PodSpec_fields[] = {
	PP_FIELD ("activeDeadlineSeconds", INT64, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_POSITIVE, .note = "a pod is not stopped at its deadline (a Job's is)"),
	PP_FIELD ("affinity", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_Affinity, .note = "one machine is the only node"),
	PP_FIELD ("automountServiceAccountToken", BOOL, ONE, NOT_APPLICABLE, .note = "no API server to issue tokens"),
	PP_FIELD ("containers", OBJECT, LIST, SUPPORTED, .required = 1, .type = &pp_t_Container),
	PP_FIELD ("dnsConfig", OBJECT, ONE, SUPPORTED, .type = &pp_t_PodDNSConfig),
	PP_FIELD ("dnsPolicy", STRING, ONE, SUPPORTED, .values = pp_enum_dns_policy),
	PP_FIELD ("enableServiceLinks", BOOL, ONE, SUPPORTED, .note = "the Services of the namespace there are when the pod starts, those of its own play included"),
	PP_FIELD ("ephemeralContainers", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_EphemeralContainer, .note = "added through the API of a running pod, never in a manifest"),
	PP_FIELD ("hostAliases", OBJECT, LIST, SUPPORTED, .type = &pp_t_HostAlias),
	PP_FIELD ("hostIPC", BOOL, ONE, SUPPORTED),
	PP_FIELD ("hostNetwork", BOOL, ONE, SUPPORTED),
	PP_FIELD ("hostPID", BOOL, ONE, SUPPORTED),
	PP_FIELD ("hostUsers", BOOL, ONE, SUPPORTED),
	PP_FIELD ("hostname", STRING, ONE, SUPPORTED, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("hostnameOverride", STRING, ONE, SUPPORTED, .check = PP_CHECK_DNS_SUBDOMAIN, .since = 34, .note = "the pod's hostname, in place of its name or hostname and subdomain"),
	PP_FIELD ("imagePullSecrets", OBJECT, LIST, NOT_IMPLEMENTED, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("initContainers", OBJECT, LIST, SUPPORTED, .type = &pp_t_Container),
	PP_FIELD ("nodeName", STRING, ONE, NOT_APPLICABLE, .note = "one machine is the only node"),
	PP_FIELD ("nodeSelector", STRING, MAP, NOT_APPLICABLE, .check = PP_CHECK_LABELS, .note = "one machine is the only node"),
	PP_FIELD ("os", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_NameOnly, .note = "Linux only; checked against the host"),
	PP_FIELD ("overhead", QUANTITY, MAP, NOT_APPLICABLE, .note = "set by RuntimeClass admission in a cluster"),
	PP_FIELD ("preemptionPolicy", STRING, ONE, NOT_APPLICABLE, .values = pp_enum_preemption_policy, .note = "no scheduler"),
	PP_FIELD ("priority", INT32, ONE, NOT_APPLICABLE, .note = "no scheduler"),
	PP_FIELD ("priorityClassName", STRING, ONE, NOT_APPLICABLE, .note = "no scheduler"),
	PP_FIELD ("readinessGates", OBJECT, LIST, NOT_IMPLEMENTED, .type = &pp_t_PodReadinessGate),
	PP_FIELD ("resourceClaims", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_PodResourceClaim, .note = "dynamic resource allocation needs a cluster"),
	PP_FIELD ("resources", OBJECT, ONE, SUPPORTED, .type = &pp_t_ResourceRequirements, .note = "the pod's cgroup: its cpu and memory limits hold all its containers, the cpu request sets its weight"),
	PP_FIELD ("restartPolicy", STRING, ONE, SUPPORTED, .values = pp_enum_restart_policy),
	PP_FIELD ("runtimeClassName", STRING, ONE, SUPPORTED, .note = "the OCI runtime: builtin, runc or crun"),
	PP_FIELD ("schedulerName", STRING, ONE, NOT_APPLICABLE, .note = "no scheduler"),
	PP_FIELD ("schedulingGates", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_NameOnly, .note = "no scheduler"),
	PP_FIELD ("schedulingGroup", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_PodSchedulingGroup, .since = 36, .note = "no scheduler to place a group of pods together"),
	PP_FIELD ("securityContext", OBJECT, ONE, SUPPORTED, .type = &pp_t_PodSecurityContext),
	PP_FIELD ("serviceAccount", STRING, ONE, NOT_APPLICABLE, .note = "deprecated alias of serviceAccountName"),
	PP_FIELD ("serviceAccountName", STRING, ONE, NOT_APPLICABLE, .note = "no API server to issue tokens"),
	PP_FIELD ("setHostnameAsFQDN", BOOL, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("shareProcessNamespace", BOOL, ONE, SUPPORTED),
	PP_FIELD ("subdomain", STRING, ONE, SUPPORTED, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("terminationGracePeriodSeconds", INT64, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("tolerations", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_Toleration, .note = "one machine has no taints"),
	PP_FIELD ("topologySpreadConstraints", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_TopologySpreadConstraint, .note = "one machine is the only node"),
	PP_FIELD ("volumes", OBJECT, LIST, SUPPORTED, .type = &pp_t_Volume),
};

const pp_type_t pp_t_PodSpec = { "PodSpec", PodSpec_fields, PP_N_ELEMENTS (PodSpec_fields) };

static const pp_field_t Container_fields[] = {
	PP_FIELD ("args", STRING, LIST, SUPPORTED),
	PP_FIELD ("command", STRING, LIST, SUPPORTED),
	PP_FIELD ("env", OBJECT, LIST, SUPPORTED, .type = &pp_t_EnvVar),
	PP_FIELD ("envFrom", OBJECT, LIST, SUPPORTED, .type = &pp_t_EnvFromSource),
	PP_FIELD ("image", STRING, ONE, SUPPORTED, .check = PP_CHECK_IMAGE),
	PP_FIELD ("imagePullPolicy", STRING, ONE, SUPPORTED, .values = pp_enum_pull_policy),
	PP_FIELD ("lifecycle", OBJECT, ONE, SUPPORTED, .type = &pp_t_Lifecycle),
	PP_FIELD ("livenessProbe", OBJECT, ONE, SUPPORTED, .type = &pp_t_Probe),
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("ports", OBJECT, LIST, SUPPORTED, .type = &pp_t_ContainerPort),
	PP_FIELD ("readinessProbe", OBJECT, ONE, SUPPORTED, .type = &pp_t_Probe),
	PP_FIELD ("resizePolicy", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_ContainerResizePolicy, .note = "in-place resize needs the API server"),
	PP_FIELD ("resources", OBJECT, ONE, SUPPORTED, .type = &pp_t_ResourceRequirements),
	PP_FIELD ("restartPolicy", STRING, ONE, SUPPORTED, .values = pp_enum_container_restart_policy),
	PP_FIELD ("restartPolicyRules", OBJECT, LIST, SUPPORTED, .type = &pp_t_ContainerRestartRule, .since = 34),
	PP_FIELD ("securityContext", OBJECT, ONE, SUPPORTED, .type = &pp_t_SecurityContext),
	PP_FIELD ("startupProbe", OBJECT, ONE, SUPPORTED, .type = &pp_t_Probe),
	PP_FIELD ("stdin", BOOL, ONE, SUPPORTED),
	PP_FIELD ("stdinOnce", BOOL, ONE, SUPPORTED, .note = "nothing attaches here: stdin stays open as with stdin"),
	PP_FIELD ("terminationMessagePath", STRING, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("terminationMessagePolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_termination_message_policy),
	PP_FIELD ("tty", BOOL, ONE, SUPPORTED),
	PP_FIELD ("volumeDevices", OBJECT, LIST, NOT_IMPLEMENTED, .type = &pp_t_VolumeDevice),
	PP_FIELD ("volumeMounts", OBJECT, LIST, SUPPORTED, .type = &pp_t_VolumeMount),
	PP_FIELD ("workingDir", STRING, ONE, SUPPORTED),
};

const pp_type_t pp_t_Container = { "Container", Container_fields, PP_N_ELEMENTS (Container_fields) };

static const pp_field_t EnvVar_fields[] = {
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_ENV_NAME),
	PP_FIELD ("value", STRING, ONE, SUPPORTED),
	PP_FIELD ("valueFrom", OBJECT, ONE, SUPPORTED, .type = &pp_t_EnvVarSource),
};

const pp_type_t pp_t_EnvVar = { "EnvVar", EnvVar_fields, PP_N_ELEMENTS (EnvVar_fields) };

static const pp_field_t EnvVarSource_fields[] = {
	PP_FIELD ("configMapKeyRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_KeySelector),
	PP_FIELD ("fieldRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectFieldSelector),
	PP_FIELD ("fileKeyRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_FileKeySelector, .since = 34, .note = "read from the volume when the container starts, after the init containers have run"),
	PP_FIELD ("resourceFieldRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_ResourceFieldSelector),
	PP_FIELD ("secretKeyRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_KeySelector),
};

const pp_type_t pp_t_EnvVarSource = { "EnvVarSource", EnvVarSource_fields, PP_N_ELEMENTS (EnvVarSource_fields) };

static const pp_field_t KeySelector_fields[] = {
	PP_FIELD ("key", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_CONFIG_KEY),
	PP_FIELD ("name", STRING, ONE, SUPPORTED),
	PP_FIELD ("optional", BOOL, ONE, SUPPORTED),
};

const pp_type_t pp_t_KeySelector = { "KeySelector", KeySelector_fields, PP_N_ELEMENTS (KeySelector_fields) };

static const pp_field_t FileKeySelector_fields[] = {
	PP_FIELD ("key", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_ENV_NAME),
	PP_FIELD ("optional", BOOL, ONE, SUPPORTED),
	PP_FIELD ("path", STRING, ONE, SUPPORTED, .required = 1),
	PP_FIELD ("volumeName", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_DNS_LABEL),
};

const pp_type_t pp_t_FileKeySelector = { "FileKeySelector", FileKeySelector_fields, PP_N_ELEMENTS (FileKeySelector_fields) };

static const pp_field_t ContainerRestartRule_fields[] = {
	PP_FIELD ("action", STRING, ONE, SUPPORTED, .required = 1, .values = pp_enum_restart_rule_action),
	PP_FIELD ("exitCodes", OBJECT, ONE, SUPPORTED, .type = &pp_t_ContainerRestartRuleOnExitCodes),
};

const pp_type_t pp_t_ContainerRestartRule = { "ContainerRestartRule", ContainerRestartRule_fields, PP_N_ELEMENTS (ContainerRestartRule_fields) };

static const pp_field_t ContainerRestartRuleOnExitCodes_fields[] = {
	PP_FIELD ("operator", STRING, ONE, SUPPORTED, .required = 1, .values = pp_enum_exit_codes_operator),
	PP_FIELD ("values", INT32, LIST, SUPPORTED),
};

const pp_type_t pp_t_ContainerRestartRuleOnExitCodes = { "ContainerRestartRuleOnExitCodes", ContainerRestartRuleOnExitCodes_fields, PP_N_ELEMENTS (ContainerRestartRuleOnExitCodes_fields) };

static const pp_field_t PodSchedulingGroup_fields[] = {
	PP_FIELD ("podGroupName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_PodSchedulingGroup = { "PodSchedulingGroup", PodSchedulingGroup_fields, PP_N_ELEMENTS (PodSchedulingGroup_fields) };

static const pp_field_t ObjectFieldSelector_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED),
	PP_FIELD ("fieldPath", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_FIELD_PATH),
};

const pp_type_t pp_t_ObjectFieldSelector = { "ObjectFieldSelector", ObjectFieldSelector_fields, PP_N_ELEMENTS (ObjectFieldSelector_fields) };

static const pp_field_t ResourceFieldSelector_fields[] = {
	PP_FIELD ("containerName", STRING, ONE, SUPPORTED),
	PP_FIELD ("divisor", QUANTITY, ONE, SUPPORTED, .check = PP_CHECK_NONNEG_QUANTITY),
	PP_FIELD ("resource", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_RESOURCE_FIELD),
};

const pp_type_t pp_t_ResourceFieldSelector = { "ResourceFieldSelector", ResourceFieldSelector_fields, PP_N_ELEMENTS (ResourceFieldSelector_fields) };

static const pp_field_t EnvFromSource_fields[] = {
	PP_FIELD ("configMapRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_EnvFromRef),
	PP_FIELD ("prefix", STRING, ONE, SUPPORTED, .check = PP_CHECK_ENV_PREFIX),
	PP_FIELD ("secretRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_EnvFromRef),
};

const pp_type_t pp_t_EnvFromSource = { "EnvFromSource", EnvFromSource_fields, PP_N_ELEMENTS (EnvFromSource_fields) };

static const pp_field_t EnvFromRef_fields[] = {
	PP_FIELD ("name", STRING, ONE, SUPPORTED),
	PP_FIELD ("optional", BOOL, ONE, SUPPORTED),
};

const pp_type_t pp_t_EnvFromRef = { "EnvFromRef", EnvFromRef_fields, PP_N_ELEMENTS (EnvFromRef_fields) };

static const pp_field_t Lifecycle_fields[] = {
	PP_FIELD ("postStart", OBJECT, ONE, SUPPORTED, .type = &pp_t_LifecycleHandler),
	PP_FIELD ("preStop", OBJECT, ONE, SUPPORTED, .type = &pp_t_LifecycleHandler),
	PP_FIELD ("stopSignal", STRING, ONE, SUPPORTED, .values = pp_enum_stop_signal, .since = 33, .note = "needs spec.os.name"),
};

const pp_type_t pp_t_Lifecycle = { "Lifecycle", Lifecycle_fields, PP_N_ELEMENTS (Lifecycle_fields) };

static const pp_field_t LifecycleHandler_fields[] = {
	PP_FIELD ("exec", OBJECT, ONE, SUPPORTED, .type = &pp_t_ExecAction),
	PP_FIELD ("httpGet", OBJECT, ONE, SUPPORTED, .type = &pp_t_HTTPGetAction),
	PP_FIELD ("sleep", OBJECT, ONE, SUPPORTED, .type = &pp_t_SleepAction),
	PP_FIELD ("tcpSocket", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_TCPSocketAction, .note = "deprecated, kept for compatibility"),
};

const pp_type_t pp_t_LifecycleHandler = { "LifecycleHandler", LifecycleHandler_fields, PP_N_ELEMENTS (LifecycleHandler_fields) };

static const pp_field_t ExecAction_fields[] = {
	PP_FIELD ("command", STRING, LIST, SUPPORTED),
};

const pp_type_t pp_t_ExecAction = { "ExecAction", ExecAction_fields, PP_N_ELEMENTS (ExecAction_fields) };

static const pp_field_t HTTPGetAction_fields[] = {
	PP_FIELD ("host", STRING, ONE, SUPPORTED),
	PP_FIELD ("httpHeaders", OBJECT, LIST, SUPPORTED, .type = &pp_t_HTTPHeader),
	PP_FIELD ("path", STRING, ONE, SUPPORTED),
	PP_FIELD ("port", INT_OR_STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_PORT_OR_NAME),
	PP_FIELD ("scheme", STRING, ONE, SUPPORTED, .values = pp_enum_uri_scheme),
};

const pp_type_t pp_t_HTTPGetAction = { "HTTPGetAction", HTTPGetAction_fields, PP_N_ELEMENTS (HTTPGetAction_fields) };

static const pp_field_t HTTPHeader_fields[] = {
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_NONEMPTY),
	PP_FIELD ("value", STRING, ONE, SUPPORTED, .required = 1),
};

const pp_type_t pp_t_HTTPHeader = { "HTTPHeader", HTTPHeader_fields, PP_N_ELEMENTS (HTTPHeader_fields) };

static const pp_field_t SleepAction_fields[] = {
	PP_FIELD ("seconds", INT64, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_NONNEG),
};

const pp_type_t pp_t_SleepAction = { "SleepAction", SleepAction_fields, PP_N_ELEMENTS (SleepAction_fields) };

static const pp_field_t TCPSocketAction_fields[] = {
	PP_FIELD ("host", STRING, ONE, SUPPORTED),
	PP_FIELD ("port", INT_OR_STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_PORT_OR_NAME),
};

const pp_type_t pp_t_TCPSocketAction = { "TCPSocketAction", TCPSocketAction_fields, PP_N_ELEMENTS (TCPSocketAction_fields) };

static const pp_field_t Probe_fields[] = {
	PP_FIELD ("exec", OBJECT, ONE, SUPPORTED, .type = &pp_t_ExecAction),
	PP_FIELD ("failureThreshold", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("grpc", OBJECT, ONE, SUPPORTED, .type = &pp_t_GRPCAction),
	PP_FIELD ("httpGet", OBJECT, ONE, SUPPORTED, .type = &pp_t_HTTPGetAction),
	PP_FIELD ("initialDelaySeconds", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("periodSeconds", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("successThreshold", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("tcpSocket", OBJECT, ONE, SUPPORTED, .type = &pp_t_TCPSocketAction),
	PP_FIELD ("terminationGracePeriodSeconds", INT64, ONE, SUPPORTED, .check = PP_CHECK_POSITIVE),
	PP_FIELD ("timeoutSeconds", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
};

const pp_type_t pp_t_Probe = { "Probe", Probe_fields, PP_N_ELEMENTS (Probe_fields) };

static const pp_field_t GRPCAction_fields[] = {
	PP_FIELD ("port", INT32, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_PORT),
	PP_FIELD ("service", STRING, ONE, SUPPORTED),
};

const pp_type_t pp_t_GRPCAction = { "GRPCAction", GRPCAction_fields, PP_N_ELEMENTS (GRPCAction_fields) };

static const pp_field_t ContainerPort_fields[] = {
	PP_FIELD ("containerPort", INT32, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_PORT),
	PP_FIELD ("hostIP", STRING, ONE, SUPPORTED, .check = PP_CHECK_IP, .note = "IPv4; published through podplay's nftables table"),
	PP_FIELD ("hostPort", INT32, ONE, SUPPORTED, .check = PP_CHECK_PORT_OR_ZERO, .note = "TCP and UDP, on 127.0.0.1 and the host's addresses; not for a Job's pods"),
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .check = PP_CHECK_PORT_NAME),
	PP_FIELD ("protocol", STRING, ONE, SUPPORTED, .values = pp_enum_protocol),
};

const pp_type_t pp_t_ContainerPort = { "ContainerPort", ContainerPort_fields, PP_N_ELEMENTS (ContainerPort_fields) };

static const pp_field_t ContainerResizePolicy_fields[] = {
	PP_FIELD ("resourceName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("restartPolicy", STRING, ONE, INHERIT, .required = 1, .values = pp_enum_resize_restart_policy),
};

const pp_type_t pp_t_ContainerResizePolicy = { "ContainerResizePolicy", ContainerResizePolicy_fields, PP_N_ELEMENTS (ContainerResizePolicy_fields) };

static const pp_field_t ResourceRequirements_fields[] = {
	PP_FIELD ("claims", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_ResourceClaim),
	PP_FIELD ("limits", QUANTITY, MAP, SUPPORTED, .check = PP_CHECK_RESOURCE_NAMES, .note = "cpu and memory are enforced; another resource is named in a warning"),
	PP_FIELD ("requests", QUANTITY, MAP, SUPPORTED, .check = PP_CHECK_RESOURCE_NAMES, .note = "cpu gives the CPU shares; the others only schedule, on a cluster"),
};

const pp_type_t pp_t_ResourceRequirements = { "ResourceRequirements", ResourceRequirements_fields, PP_N_ELEMENTS (ResourceRequirements_fields) };

static const pp_field_t ResourceClaim_fields[] = {
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("request", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_ResourceClaim = { "ResourceClaim", ResourceClaim_fields, PP_N_ELEMENTS (ResourceClaim_fields) };

static const pp_field_t SecurityContext_fields[] = {
	PP_FIELD ("allowPrivilegeEscalation", BOOL, ONE, SUPPORTED),
	PP_FIELD ("appArmorProfile", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_ProfileRef),
	PP_FIELD ("capabilities", OBJECT, ONE, SUPPORTED, .type = &pp_t_Capabilities),
	PP_FIELD ("privileged", BOOL, ONE, SUPPORTED),
	PP_FIELD ("procMount", STRING, ONE, SUPPORTED, .values = pp_enum_proc_mount),
	PP_FIELD ("readOnlyRootFilesystem", BOOL, ONE, SUPPORTED),
	PP_FIELD ("runAsGroup", INT64, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("runAsNonRoot", BOOL, ONE, SUPPORTED),
	PP_FIELD ("runAsUser", INT64, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("seLinuxOptions", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_SELinuxOptions),
	PP_FIELD ("seccompProfile", OBJECT, ONE, SUPPORTED, .type = &pp_t_ProfileRef),
	PP_FIELD ("windowsOptions", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_WindowsSecurityContextOptions, .note = "Linux only"),
};

const pp_type_t pp_t_SecurityContext = { "SecurityContext", SecurityContext_fields, PP_N_ELEMENTS (SecurityContext_fields) };

static const pp_field_t ProfileRef_fields[] = {
	PP_FIELD ("localhostProfile", STRING, ONE, SUPPORTED),
	PP_FIELD ("type", STRING, ONE, SUPPORTED, .required = 1, .values = pp_enum_profile_type),
};

const pp_type_t pp_t_ProfileRef = { "ProfileRef", ProfileRef_fields, PP_N_ELEMENTS (ProfileRef_fields) };

static const pp_field_t Capabilities_fields[] = {
	PP_FIELD ("add", STRING, LIST, SUPPORTED, .check = PP_CHECK_CAPABILITY),
	PP_FIELD ("drop", STRING, LIST, SUPPORTED, .check = PP_CHECK_CAPABILITY),
};

const pp_type_t pp_t_Capabilities = { "Capabilities", Capabilities_fields, PP_N_ELEMENTS (Capabilities_fields) };

static const pp_field_t SELinuxOptions_fields[] = {
	PP_FIELD ("level", STRING, ONE, INHERIT),
	PP_FIELD ("role", STRING, ONE, INHERIT),
	PP_FIELD ("type", STRING, ONE, INHERIT),
	PP_FIELD ("user", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_SELinuxOptions = { "SELinuxOptions", SELinuxOptions_fields, PP_N_ELEMENTS (SELinuxOptions_fields) };

static const pp_field_t WindowsSecurityContextOptions_fields[] = {
	PP_FIELD ("gmsaCredentialSpec", STRING, ONE, INHERIT),
	PP_FIELD ("gmsaCredentialSpecName", STRING, ONE, INHERIT),
	PP_FIELD ("hostProcess", BOOL, ONE, INHERIT),
	PP_FIELD ("runAsUserName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_WindowsSecurityContextOptions = { "WindowsSecurityContextOptions", WindowsSecurityContextOptions_fields, PP_N_ELEMENTS (WindowsSecurityContextOptions_fields) };

static const pp_field_t VolumeDevice_fields[] = {
	PP_FIELD ("devicePath", STRING, ONE, INHERIT, .required = 1, .check = PP_CHECK_ABS_PATH),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_VolumeDevice = { "VolumeDevice", VolumeDevice_fields, PP_N_ELEMENTS (VolumeDevice_fields) };

static const pp_field_t VolumeMount_fields[] = {
	PP_FIELD ("mountPath", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_ABS_PATH),
	PP_FIELD ("mountPropagation", STRING, ONE, SUPPORTED, .values = pp_enum_mount_propagation),
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .required = 1),
	PP_FIELD ("readOnly", BOOL, ONE, SUPPORTED),
	PP_FIELD ("recursiveReadOnly", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_recursive_read_only),
	PP_FIELD ("subPath", STRING, ONE, SUPPORTED, .check = PP_CHECK_REL_PATH),
	PP_FIELD ("subPathExpr", STRING, ONE, SUPPORTED, .check = PP_CHECK_REL_PATH),
};

const pp_type_t pp_t_VolumeMount = { "VolumeMount", VolumeMount_fields, PP_N_ELEMENTS (VolumeMount_fields) };

static const pp_field_t PodDNSConfig_fields[] = {
	PP_FIELD ("nameservers", STRING, LIST, SUPPORTED, .check = PP_CHECK_IP),
	PP_FIELD ("options", OBJECT, LIST, SUPPORTED, .type = &pp_t_PodDNSConfigOption),
	PP_FIELD ("searches", STRING, LIST, SUPPORTED),
};

const pp_type_t pp_t_PodDNSConfig = { "PodDNSConfig", PodDNSConfig_fields, PP_N_ELEMENTS (PodDNSConfig_fields) };

static const pp_field_t PodDNSConfigOption_fields[] = {
	PP_FIELD ("name", STRING, ONE, SUPPORTED),
	PP_FIELD ("value", STRING, ONE, SUPPORTED),
};

const pp_type_t pp_t_PodDNSConfigOption = { "PodDNSConfigOption", PodDNSConfigOption_fields, PP_N_ELEMENTS (PodDNSConfigOption_fields) };

static const pp_field_t EphemeralContainer_fields[] = {
	PP_FIELD ("args", STRING, LIST, INHERIT),
	PP_FIELD ("command", STRING, LIST, INHERIT),
	PP_FIELD ("env", OBJECT, LIST, INHERIT, .type = &pp_t_EnvVar),
	PP_FIELD ("envFrom", OBJECT, LIST, INHERIT, .type = &pp_t_EnvFromSource),
	PP_FIELD ("image", STRING, ONE, INHERIT, .check = PP_CHECK_IMAGE),
	PP_FIELD ("imagePullPolicy", STRING, ONE, INHERIT, .values = pp_enum_pull_policy),
	PP_FIELD ("lifecycle", OBJECT, ONE, INHERIT, .type = &pp_t_Lifecycle),
	PP_FIELD ("livenessProbe", OBJECT, ONE, INHERIT, .type = &pp_t_Probe),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("ports", OBJECT, LIST, INHERIT, .type = &pp_t_ContainerPort),
	PP_FIELD ("readinessProbe", OBJECT, ONE, INHERIT, .type = &pp_t_Probe),
	PP_FIELD ("resizePolicy", OBJECT, LIST, INHERIT, .type = &pp_t_ContainerResizePolicy),
	PP_FIELD ("resources", OBJECT, ONE, INHERIT, .type = &pp_t_ResourceRequirements),
	PP_FIELD ("restartPolicy", STRING, ONE, INHERIT, .values = pp_enum_container_restart_policy),
	PP_FIELD ("restartPolicyRules", OBJECT, LIST, INHERIT, .type = &pp_t_ContainerRestartRule, .since = 34),
	PP_FIELD ("securityContext", OBJECT, ONE, INHERIT, .type = &pp_t_SecurityContext),
	PP_FIELD ("startupProbe", OBJECT, ONE, INHERIT, .type = &pp_t_Probe),
	PP_FIELD ("stdin", BOOL, ONE, INHERIT),
	PP_FIELD ("stdinOnce", BOOL, ONE, INHERIT),
	PP_FIELD ("targetContainerName", STRING, ONE, INHERIT),
	PP_FIELD ("terminationMessagePath", STRING, ONE, INHERIT),
	PP_FIELD ("terminationMessagePolicy", STRING, ONE, INHERIT, .values = pp_enum_termination_message_policy),
	PP_FIELD ("tty", BOOL, ONE, INHERIT),
	PP_FIELD ("volumeDevices", OBJECT, LIST, INHERIT, .type = &pp_t_VolumeDevice),
	PP_FIELD ("volumeMounts", OBJECT, LIST, INHERIT, .type = &pp_t_VolumeMount),
	PP_FIELD ("workingDir", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_EphemeralContainer = { "EphemeralContainer", EphemeralContainer_fields, PP_N_ELEMENTS (EphemeralContainer_fields) };

static const pp_field_t HostAlias_fields[] = {
	PP_FIELD ("hostnames", STRING, LIST, SUPPORTED, .check = PP_CHECK_DNS_SUBDOMAIN),
	PP_FIELD ("ip", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_IP),
};

const pp_type_t pp_t_HostAlias = { "HostAlias", HostAlias_fields, PP_N_ELEMENTS (HostAlias_fields) };

static const pp_field_t NameOnly_fields[] = {
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_NameOnly = { "NameOnly", NameOnly_fields, PP_N_ELEMENTS (NameOnly_fields) };

static const pp_field_t PodReadinessGate_fields[] = {
	PP_FIELD ("conditionType", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PodReadinessGate = { "PodReadinessGate", PodReadinessGate_fields, PP_N_ELEMENTS (PodReadinessGate_fields) };

static const pp_field_t PodResourceClaim_fields[] = {
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("resourceClaimName", STRING, ONE, INHERIT),
	PP_FIELD ("resourceClaimTemplateName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_PodResourceClaim = { "PodResourceClaim", PodResourceClaim_fields, PP_N_ELEMENTS (PodResourceClaim_fields) };

static const pp_field_t PodSecurityContext_fields[] = {
	PP_FIELD ("appArmorProfile", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_ProfileRef),
	PP_FIELD ("fsGroup", INT64, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("fsGroupChangePolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_fs_group_change_policy),
	PP_FIELD ("runAsGroup", INT64, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("runAsNonRoot", BOOL, ONE, SUPPORTED),
	PP_FIELD ("runAsUser", INT64, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("seLinuxChangePolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_se_linux_change_policy),
	PP_FIELD ("seLinuxOptions", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_SELinuxOptions),
	PP_FIELD ("seccompProfile", OBJECT, ONE, SUPPORTED, .type = &pp_t_ProfileRef),
	PP_FIELD ("supplementalGroups", INT64, LIST, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("supplementalGroupsPolicy", STRING, ONE, SUPPORTED, .values = pp_enum_supplemental_groups_policy),
	PP_FIELD ("sysctls", OBJECT, LIST, SUPPORTED, .type = &pp_t_HTTPHeader),
	PP_FIELD ("windowsOptions", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_WindowsSecurityContextOptions, .note = "Linux only"),
};

const pp_type_t pp_t_PodSecurityContext = { "PodSecurityContext", PodSecurityContext_fields, PP_N_ELEMENTS (PodSecurityContext_fields) };

static const pp_field_t PodTemplateSpec_fields[] = {
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_PodSpec),
};

const pp_type_t pp_t_PodTemplateSpec = { "PodTemplateSpec", PodTemplateSpec_fields, PP_N_ELEMENTS (PodTemplateSpec_fields) };
