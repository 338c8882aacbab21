/* Schema tables of Kubernetes 1.36: the kinds (Pod, Deployment, DaemonSet, Job, ConfigMap, Secret, PersistentVolumeClaim, Service) and their specs. */

#include "schema/k8s_types.h"

static const pp_field_t Pod_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "v1"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "Pod"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_PodSpec),
	PP_FIELD ("status", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_PodStatus, .note = "written by the cluster"),
};

const pp_type_t pp_t_Pod = { "Pod", Pod_fields, PP_N_ELEMENTS (Pod_fields) };

static const pp_field_t Deployment_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "apps/v1"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "Deployment"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_DeploymentSpec),
	PP_FIELD ("status", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_DeploymentStatus, .note = "written by the cluster"),
};

const pp_type_t pp_t_Deployment = { "Deployment", Deployment_fields, PP_N_ELEMENTS (Deployment_fields) };

static const pp_field_t DeploymentSpec_fields[] = {
	PP_FIELD ("minReadySeconds", INT32, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("paused", BOOL, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("progressDeadlineSeconds", INT32, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_POSITIVE),
	PP_FIELD ("replicas", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("revisionHistoryLimit", INT32, ONE, NOT_APPLICABLE, .check = PP_CHECK_NONNEG, .note = "no ReplicaSet history"),
	PP_FIELD ("selector", OBJECT, ONE, SUPPORTED, .required = 1, .type = &pp_t_LabelSelector),
	PP_FIELD ("strategy", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_DeploymentStrategy),
	PP_FIELD ("template", OBJECT, ONE, SUPPORTED, .required = 1, .type = &pp_t_PodTemplateSpec),
};

const pp_type_t pp_t_DeploymentSpec = { "DeploymentSpec", DeploymentSpec_fields, PP_N_ELEMENTS (DeploymentSpec_fields) };

static const pp_field_t DeploymentStrategy_fields[] = {
	PP_FIELD ("rollingUpdate", OBJECT, ONE, SUPPORTED, .type = &pp_t_RollingUpdate),
	PP_FIELD ("type", STRING, ONE, SUPPORTED, .values = pp_enum_strategy_type),
};

const pp_type_t pp_t_DeploymentStrategy = { "DeploymentStrategy", DeploymentStrategy_fields, PP_N_ELEMENTS (DeploymentStrategy_fields) };

static const pp_field_t RollingUpdate_fields[] = {
	PP_FIELD ("maxSurge", INT_OR_STRING, ONE, SUPPORTED, .check = PP_CHECK_INT_OR_PERCENT),
	PP_FIELD ("maxUnavailable", INT_OR_STRING, ONE, SUPPORTED, .check = PP_CHECK_INT_OR_PERCENT),
};

const pp_type_t pp_t_RollingUpdate = { "RollingUpdate", RollingUpdate_fields, PP_N_ELEMENTS (RollingUpdate_fields) };

static const pp_field_t DaemonSet_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "apps/v1"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "DaemonSet"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_DaemonSetSpec),
	PP_FIELD ("status", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_DaemonSetStatus, .note = "written by the cluster"),
};

const pp_type_t pp_t_DaemonSet = { "DaemonSet", DaemonSet_fields, PP_N_ELEMENTS (DaemonSet_fields) };

static const pp_field_t DaemonSetSpec_fields[] = {
	PP_FIELD ("minReadySeconds", INT32, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("revisionHistoryLimit", INT32, ONE, NOT_APPLICABLE, .note = "no revision history"),
	PP_FIELD ("selector", OBJECT, ONE, SUPPORTED, .required = 1, .type = &pp_t_LabelSelector),
	PP_FIELD ("template", OBJECT, ONE, SUPPORTED, .required = 1, .type = &pp_t_PodTemplateSpec),
	PP_FIELD ("updateStrategy", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_DeploymentStrategy),
};

const pp_type_t pp_t_DaemonSetSpec = { "DaemonSetSpec", DaemonSetSpec_fields, PP_N_ELEMENTS (DaemonSetSpec_fields) };

static const pp_field_t Job_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "batch/v1"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "Job"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_JobSpec),
	PP_FIELD ("status", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_JobStatus, .note = "written by the cluster"),
};

const pp_type_t pp_t_Job = { "Job", Job_fields, PP_N_ELEMENTS (Job_fields) };

static const pp_field_t JobSpec_fields[] = {
	PP_FIELD ("activeDeadlineSeconds", INT64, ONE, SUPPORTED, .check = PP_CHECK_POSITIVE),
	PP_FIELD ("backoffLimit", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("backoffLimitPerIndex", INT32, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("completionMode", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_completion_mode),
	PP_FIELD ("completions", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("managedBy", STRING, ONE, NOT_APPLICABLE, .note = "external Job controllers need a cluster"),
	PP_FIELD ("manualSelector", BOOL, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("maxFailedIndexes", INT32, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("parallelism", INT32, ONE, SUPPORTED, .check = PP_CHECK_NONNEG),
	PP_FIELD ("podFailurePolicy", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_PodFailurePolicy),
	PP_FIELD ("podReplacementPolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_pod_replacement_policy),
	PP_FIELD ("selector", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_LabelSelector),
	PP_FIELD ("successPolicy", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_SuccessPolicy),
	PP_FIELD ("suspend", BOOL, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("template", OBJECT, ONE, SUPPORTED, .required = 1, .type = &pp_t_PodTemplateSpec),
	PP_FIELD ("ttlSecondsAfterFinished", INT32, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_NONNEG),
};

const pp_type_t pp_t_JobSpec = { "JobSpec", JobSpec_fields, PP_N_ELEMENTS (JobSpec_fields) };

static const pp_field_t PodFailurePolicy_fields[] = {
	PP_FIELD ("rules", OBJECT, LIST, INHERIT, .required = 1, .type = &pp_t_PodFailurePolicyRule),
};

const pp_type_t pp_t_PodFailurePolicy = { "PodFailurePolicy", PodFailurePolicy_fields, PP_N_ELEMENTS (PodFailurePolicy_fields) };

static const pp_field_t PodFailurePolicyRule_fields[] = {
	PP_FIELD ("action", STRING, ONE, INHERIT, .required = 1, .values = pp_enum_failure_action),
	PP_FIELD ("onExitCodes", OBJECT, ONE, INHERIT, .type = &pp_t_PodFailurePolicyOnExitCodesRequirement),
	PP_FIELD ("onPodConditions", OBJECT, LIST, INHERIT, .type = &pp_t_PodFailurePolicyOnPodConditionsPattern),
};

const pp_type_t pp_t_PodFailurePolicyRule = { "PodFailurePolicyRule", PodFailurePolicyRule_fields, PP_N_ELEMENTS (PodFailurePolicyRule_fields) };

static const pp_field_t PodFailurePolicyOnExitCodesRequirement_fields[] = {
	PP_FIELD ("containerName", STRING, ONE, INHERIT),
	PP_FIELD ("operator", STRING, ONE, INHERIT, .required = 1, .values = pp_enum_exit_codes_operator),
	PP_FIELD ("values", INT32, LIST, INHERIT, .required = 1),
};

const pp_type_t pp_t_PodFailurePolicyOnExitCodesRequirement = { "PodFailurePolicyOnExitCodesRequirement", PodFailurePolicyOnExitCodesRequirement_fields, PP_N_ELEMENTS (PodFailurePolicyOnExitCodesRequirement_fields) };

static const pp_field_t PodFailurePolicyOnPodConditionsPattern_fields[] = {
	PP_FIELD ("status", STRING, ONE, INHERIT, .note = "defaults to True"),
	PP_FIELD ("type", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PodFailurePolicyOnPodConditionsPattern = { "PodFailurePolicyOnPodConditionsPattern", PodFailurePolicyOnPodConditionsPattern_fields, PP_N_ELEMENTS (PodFailurePolicyOnPodConditionsPattern_fields) };

static const pp_field_t SuccessPolicy_fields[] = {
	PP_FIELD ("rules", OBJECT, LIST, INHERIT, .required = 1, .type = &pp_t_SuccessPolicyRule),
};

const pp_type_t pp_t_SuccessPolicy = { "SuccessPolicy", SuccessPolicy_fields, PP_N_ELEMENTS (SuccessPolicy_fields) };

static const pp_field_t SuccessPolicyRule_fields[] = {
	PP_FIELD ("succeededCount", INT32, ONE, INHERIT),
	PP_FIELD ("succeededIndexes", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_SuccessPolicyRule = { "SuccessPolicyRule", SuccessPolicyRule_fields, PP_N_ELEMENTS (SuccessPolicyRule_fields) };

static const pp_field_t ConfigMap_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "v1"),
	PP_FIELD ("binaryData", BYTES, MAP, SUPPORTED, .check = PP_CHECK_CONFIG_KEYS),
	PP_FIELD ("data", STRING, MAP, SUPPORTED, .check = PP_CHECK_CONFIG_KEYS),
	PP_FIELD ("immutable", BOOL, ONE, NOT_APPLICABLE, .note = "no API server refuses a change"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "ConfigMap"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
};

const pp_type_t pp_t_ConfigMap = { "ConfigMap", ConfigMap_fields, PP_N_ELEMENTS (ConfigMap_fields) };

static const pp_field_t Secret_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "v1"),
	PP_FIELD ("data", BYTES, MAP, SUPPORTED, .check = PP_CHECK_CONFIG_KEYS),
	PP_FIELD ("immutable", BOOL, ONE, NOT_APPLICABLE, .note = "no API server refuses a change"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "Secret"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("stringData", STRING, MAP, SUPPORTED, .check = PP_CHECK_CONFIG_KEYS),
	PP_FIELD ("type", STRING, ONE, SUPPORTED, .check = PP_CHECK_NONEMPTY),
};

const pp_type_t pp_t_Secret = { "Secret", Secret_fields, PP_N_ELEMENTS (Secret_fields) };

static const pp_field_t PersistentVolumeClaim_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "v1"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "PersistentVolumeClaim"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_PersistentVolumeClaimSpec),
	PP_FIELD ("status", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_PersistentVolumeClaimStatus, .note = "written by the cluster"),
};

const pp_type_t pp_t_PersistentVolumeClaim = { "PersistentVolumeClaim", PersistentVolumeClaim_fields, PP_N_ELEMENTS (PersistentVolumeClaim_fields) };

static const pp_field_t Service_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, SUPPORTED, .constant = "v1"),
	PP_FIELD ("kind", STRING, ONE, SUPPORTED, .constant = "Service"),
	PP_FIELD ("metadata", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, SUPPORTED, .type = &pp_t_ServiceSpec),
	PP_FIELD ("status", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_ServiceStatus, .note = "written by the cluster"),
};

const pp_type_t pp_t_Service = { "Service", Service_fields, PP_N_ELEMENTS (Service_fields) };

static const pp_field_t ServiceSpec_fields[] = {
	PP_FIELD ("allocateLoadBalancerNodePorts", BOOL, ONE, NOT_APPLICABLE, .note = "no cloud load balancer"),
	PP_FIELD ("clusterIP", STRING, ONE, SUPPORTED),
	PP_FIELD ("clusterIPs", STRING, LIST, SUPPORTED),
	PP_FIELD ("externalIPs", STRING, LIST, NOT_APPLICABLE, .note = "no cluster network"),
	PP_FIELD ("externalName", STRING, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("externalTrafficPolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_traffic_policy),
	PP_FIELD ("healthCheckNodePort", INT32, ONE, NOT_APPLICABLE, .note = "no cloud load balancer"),
	PP_FIELD ("internalTrafficPolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_traffic_policy),
	PP_FIELD ("ipFamilies", STRING, LIST, NOT_IMPLEMENTED, .values = pp_enum_ip_family),
	PP_FIELD ("ipFamilyPolicy", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_ip_family_policy),
	PP_FIELD ("loadBalancerClass", STRING, ONE, NOT_APPLICABLE, .note = "no cloud load balancer"),
	PP_FIELD ("loadBalancerIP", STRING, ONE, NOT_APPLICABLE, .note = "no cloud load balancer"),
	PP_FIELD ("loadBalancerSourceRanges", STRING, LIST, NOT_APPLICABLE, .note = "no cloud load balancer"),
	PP_FIELD ("ports", OBJECT, LIST, SUPPORTED, .type = &pp_t_ServicePort),
	PP_FIELD ("publishNotReadyAddresses", BOOL, ONE, SUPPORTED),
	PP_FIELD ("selector", STRING, MAP, SUPPORTED, .check = PP_CHECK_LABELS),
	PP_FIELD ("sessionAffinity", STRING, ONE, SUPPORTED, .values = pp_enum_session_affinity, .note = "ClientIP: a client address always reaches the same ready pod while the pods stay the same"),
	PP_FIELD ("sessionAffinityConfig", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_SessionAffinityConfig, .note = "the affinity has no timeout"),
	PP_FIELD ("trafficDistribution", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_traffic_distribution),
	PP_FIELD ("type", STRING, ONE, SUPPORTED, .values = pp_enum_service_type, .note = "NodePort publishes its node ports on the host; LoadBalancer its ports too, on the host's addresses; ExternalName gets no address"),
};

const pp_type_t pp_t_ServiceSpec = { "ServiceSpec", ServiceSpec_fields, PP_N_ELEMENTS (ServiceSpec_fields) };

static const pp_field_t ServicePort_fields[] = {
	PP_FIELD ("appProtocol", STRING, ONE, NOT_IMPLEMENTED),
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("nodePort", INT32, ONE, SUPPORTED, .check = PP_CHECK_PORT_OR_ZERO, .note = "published on every address of the host, 30000-32767"),
	PP_FIELD ("port", INT32, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_PORT),
	PP_FIELD ("protocol", STRING, ONE, SUPPORTED, .values = pp_enum_protocol),
	PP_FIELD ("targetPort", INT_OR_STRING, ONE, SUPPORTED, .check = PP_CHECK_PORT_OR_NAME),
};

const pp_type_t pp_t_ServicePort = { "ServicePort", ServicePort_fields, PP_N_ELEMENTS (ServicePort_fields) };

static const pp_field_t SessionAffinityConfig_fields[] = {
	PP_FIELD ("clientIP", OBJECT, ONE, INHERIT, .type = &pp_t_ClientIPConfig),
};

const pp_type_t pp_t_SessionAffinityConfig = { "SessionAffinityConfig", SessionAffinityConfig_fields, PP_N_ELEMENTS (SessionAffinityConfig_fields) };

static const pp_field_t ClientIPConfig_fields[] = {
	PP_FIELD ("timeoutSeconds", INT32, ONE, INHERIT),
};

const pp_type_t pp_t_ClientIPConfig = { "ClientIPConfig", ClientIPConfig_fields, PP_N_ELEMENTS (ClientIPConfig_fields) };
