/* Schema tables of Kubernetes 1.36 (fields added after 1.32 say when): the status subtrees, which the cluster writes and manifests may carry. */

#include "schema/k8s_types.h"

static const pp_field_t PodStatus_fields[] = {
	PP_FIELD ("allocatedResources", QUANTITY, MAP, INHERIT, .since = 34),
	PP_FIELD ("conditions", OBJECT, LIST, INHERIT, .type = &pp_t_PodCondition),
	PP_FIELD ("containerStatuses", OBJECT, LIST, INHERIT, .type = &pp_t_ContainerStatus),
	PP_FIELD ("ephemeralContainerStatuses", OBJECT, LIST, INHERIT, .type = &pp_t_ContainerStatus),
	PP_FIELD ("extendedResourceClaimStatus", OBJECT, ONE, INHERIT, .type = &pp_t_PodExtendedResourceClaimStatus, .since = 34),
	PP_FIELD ("hostIP", STRING, ONE, INHERIT),
	PP_FIELD ("hostIPs", OBJECT, LIST, INHERIT, .type = &pp_t_HostIP),
	PP_FIELD ("initContainerStatuses", OBJECT, LIST, INHERIT, .type = &pp_t_ContainerStatus),
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("nodeAllocatableResourceClaimStatuses", OBJECT, LIST, INHERIT, .type = &pp_t_NodeAllocatableResourceClaimStatus, .since = 36),
	PP_FIELD ("nominatedNodeName", STRING, ONE, INHERIT),
	PP_FIELD ("observedGeneration", INT64, ONE, INHERIT, .since = 33),
	PP_FIELD ("phase", STRING, ONE, INHERIT),
	PP_FIELD ("podIP", STRING, ONE, INHERIT),
	PP_FIELD ("podIPs", OBJECT, LIST, INHERIT, .type = &pp_t_HostIP),
	PP_FIELD ("qosClass", STRING, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
	PP_FIELD ("resize", STRING, ONE, INHERIT),
	PP_FIELD ("resourceClaimStatuses", OBJECT, LIST, INHERIT, .type = &pp_t_PodResourceClaimStatus),
	PP_FIELD ("resources", OBJECT, ONE, INHERIT, .type = &pp_t_ResourceRequirements, .since = 34),
	PP_FIELD ("startTime", TIME, ONE, INHERIT),
};

const pp_type_t pp_t_PodStatus = { "PodStatus", PodStatus_fields, PP_N_ELEMENTS (PodStatus_fields) };

static const pp_field_t PodCondition_fields[] = {
	PP_FIELD ("lastProbeTime", TIME, ONE, INHERIT),
	PP_FIELD ("lastTransitionTime", TIME, ONE, INHERIT),
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("observedGeneration", INT64, ONE, INHERIT, .since = 33),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
	PP_FIELD ("status", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("type", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PodCondition = { "PodCondition", PodCondition_fields, PP_N_ELEMENTS (PodCondition_fields) };

/* A Job's and a claim's conditions: a pod's without observedGeneration. */
static const pp_field_t JobCondition_fields[] = {
	PP_FIELD ("lastProbeTime", TIME, ONE, INHERIT),
	PP_FIELD ("lastTransitionTime", TIME, ONE, INHERIT),
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
	PP_FIELD ("status", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("type", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_JobCondition = { "JobCondition", JobCondition_fields, PP_N_ELEMENTS (JobCondition_fields) };
const pp_type_t pp_t_PersistentVolumeClaimCondition = { "PersistentVolumeClaimCondition", JobCondition_fields, PP_N_ELEMENTS (JobCondition_fields) };

static const pp_field_t ContainerStatus_fields[] = {
	PP_FIELD ("allocatedResources", QUANTITY, MAP, INHERIT),
	PP_FIELD ("allocatedResourcesStatus", OBJECT, LIST, INHERIT, .type = &pp_t_ResourceStatus),
	PP_FIELD ("containerID", STRING, ONE, INHERIT),
	PP_FIELD ("image", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("imageID", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("lastState", OBJECT, ONE, INHERIT, .type = &pp_t_ContainerState),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("ready", BOOL, ONE, INHERIT, .required = 1),
	PP_FIELD ("resources", OBJECT, ONE, INHERIT, .type = &pp_t_ResourceRequirements),
	PP_FIELD ("restartCount", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("started", BOOL, ONE, INHERIT),
	PP_FIELD ("state", OBJECT, ONE, INHERIT, .type = &pp_t_ContainerState),
	PP_FIELD ("stopSignal", STRING, ONE, INHERIT, .since = 33),
	PP_FIELD ("user", OBJECT, ONE, INHERIT, .type = &pp_t_ContainerUser),
	PP_FIELD ("volumeMounts", OBJECT, LIST, INHERIT, .type = &pp_t_VolumeMountStatus),
};

const pp_type_t pp_t_ContainerStatus = { "ContainerStatus", ContainerStatus_fields, PP_N_ELEMENTS (ContainerStatus_fields) };

static const pp_field_t ResourceStatus_fields[] = {
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("resources", OBJECT, LIST, INHERIT, .type = &pp_t_ResourceHealth),
};

const pp_type_t pp_t_ResourceStatus = { "ResourceStatus", ResourceStatus_fields, PP_N_ELEMENTS (ResourceStatus_fields) };

static const pp_field_t ResourceHealth_fields[] = {
	PP_FIELD ("health", STRING, ONE, INHERIT),
	PP_FIELD ("message", STRING, ONE, INHERIT, .since = 36),
	PP_FIELD ("resourceID", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_ResourceHealth = { "ResourceHealth", ResourceHealth_fields, PP_N_ELEMENTS (ResourceHealth_fields) };

static const pp_field_t ContainerState_fields[] = {
	PP_FIELD ("running", OBJECT, ONE, INHERIT, .type = &pp_t_ContainerStateRunning),
	PP_FIELD ("terminated", OBJECT, ONE, INHERIT, .type = &pp_t_ContainerStateTerminated),
	PP_FIELD ("waiting", OBJECT, ONE, INHERIT, .type = &pp_t_ContainerStateWaiting),
};

const pp_type_t pp_t_ContainerState = { "ContainerState", ContainerState_fields, PP_N_ELEMENTS (ContainerState_fields) };

static const pp_field_t ContainerStateRunning_fields[] = {
	PP_FIELD ("startedAt", TIME, ONE, INHERIT),
};

const pp_type_t pp_t_ContainerStateRunning = { "ContainerStateRunning", ContainerStateRunning_fields, PP_N_ELEMENTS (ContainerStateRunning_fields) };

static const pp_field_t ContainerStateTerminated_fields[] = {
	PP_FIELD ("containerID", STRING, ONE, INHERIT),
	PP_FIELD ("exitCode", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("finishedAt", TIME, ONE, INHERIT),
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
	PP_FIELD ("signal", INT32, ONE, INHERIT),
	PP_FIELD ("startedAt", TIME, ONE, INHERIT),
};

const pp_type_t pp_t_ContainerStateTerminated = { "ContainerStateTerminated", ContainerStateTerminated_fields, PP_N_ELEMENTS (ContainerStateTerminated_fields) };

static const pp_field_t ContainerStateWaiting_fields[] = {
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_ContainerStateWaiting = { "ContainerStateWaiting", ContainerStateWaiting_fields, PP_N_ELEMENTS (ContainerStateWaiting_fields) };

static const pp_field_t ContainerUser_fields[] = {
	PP_FIELD ("linux", OBJECT, ONE, INHERIT, .type = &pp_t_LinuxContainerUser),
};

const pp_type_t pp_t_ContainerUser = { "ContainerUser", ContainerUser_fields, PP_N_ELEMENTS (ContainerUser_fields) };

static const pp_field_t LinuxContainerUser_fields[] = {
	PP_FIELD ("gid", INT64, ONE, INHERIT, .required = 1),
	PP_FIELD ("supplementalGroups", INT64, LIST, INHERIT),
	PP_FIELD ("uid", INT64, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_LinuxContainerUser = { "LinuxContainerUser", LinuxContainerUser_fields, PP_N_ELEMENTS (LinuxContainerUser_fields) };

static const pp_field_t VolumeMountStatus_fields[] = {
	PP_FIELD ("mountPath", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("recursiveReadOnly", STRING, ONE, INHERIT),
	PP_FIELD ("volumeStatus", OBJECT, ONE, INHERIT, .type = &pp_t_VolumeStatus, .since = 35),
};

const pp_type_t pp_t_VolumeMountStatus = { "VolumeMountStatus", VolumeMountStatus_fields, PP_N_ELEMENTS (VolumeMountStatus_fields) };

static const pp_field_t HostIP_fields[] = {
	PP_FIELD ("ip", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_HostIP = { "HostIP", HostIP_fields, PP_N_ELEMENTS (HostIP_fields) };

static const pp_field_t VolumeStatus_fields[] = {
	PP_FIELD ("image", OBJECT, ONE, INHERIT, .type = &pp_t_ImageVolumeStatus),
};

const pp_type_t pp_t_VolumeStatus = { "VolumeStatus", VolumeStatus_fields, PP_N_ELEMENTS (VolumeStatus_fields) };

static const pp_field_t ImageVolumeStatus_fields[] = {
	PP_FIELD ("imageRef", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_ImageVolumeStatus = { "ImageVolumeStatus", ImageVolumeStatus_fields, PP_N_ELEMENTS (ImageVolumeStatus_fields) };

static const pp_field_t PodExtendedResourceClaimStatus_fields[] = {
	PP_FIELD ("requestMappings", OBJECT, LIST, INHERIT, .required = 1, .type = &pp_t_ContainerExtendedResourceRequest),
	PP_FIELD ("resourceClaimName", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PodExtendedResourceClaimStatus = { "PodExtendedResourceClaimStatus", PodExtendedResourceClaimStatus_fields, PP_N_ELEMENTS (PodExtendedResourceClaimStatus_fields) };

static const pp_field_t ContainerExtendedResourceRequest_fields[] = {
	PP_FIELD ("containerName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("requestName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("resourceName", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_ContainerExtendedResourceRequest = { "ContainerExtendedResourceRequest", ContainerExtendedResourceRequest_fields, PP_N_ELEMENTS (ContainerExtendedResourceRequest_fields) };

static const pp_field_t NodeAllocatableResourceClaimStatus_fields[] = {
	PP_FIELD ("containers", STRING, LIST, INHERIT),
	PP_FIELD ("resourceClaimName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("resources", QUANTITY, MAP, INHERIT, .required = 1),
};

const pp_type_t pp_t_NodeAllocatableResourceClaimStatus = { "NodeAllocatableResourceClaimStatus", NodeAllocatableResourceClaimStatus_fields, PP_N_ELEMENTS (NodeAllocatableResourceClaimStatus_fields) };

static const pp_field_t PodResourceClaimStatus_fields[] = {
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("resourceClaimName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_PodResourceClaimStatus = { "PodResourceClaimStatus", PodResourceClaimStatus_fields, PP_N_ELEMENTS (PodResourceClaimStatus_fields) };

static const pp_field_t DeploymentStatus_fields[] = {
	PP_FIELD ("availableReplicas", INT32, ONE, INHERIT),
	PP_FIELD ("collisionCount", INT32, ONE, INHERIT),
	PP_FIELD ("conditions", OBJECT, LIST, INHERIT, .type = &pp_t_DeploymentCondition),
	PP_FIELD ("observedGeneration", INT64, ONE, INHERIT),
	PP_FIELD ("readyReplicas", INT32, ONE, INHERIT),
	PP_FIELD ("replicas", INT32, ONE, INHERIT),
	PP_FIELD ("terminatingReplicas", INT32, ONE, INHERIT, .since = 33),
	PP_FIELD ("unavailableReplicas", INT32, ONE, INHERIT),
	PP_FIELD ("updatedReplicas", INT32, ONE, INHERIT),
};

const pp_type_t pp_t_DeploymentStatus = { "DeploymentStatus", DeploymentStatus_fields, PP_N_ELEMENTS (DeploymentStatus_fields) };

static const pp_field_t DeploymentCondition_fields[] = {
	PP_FIELD ("lastTransitionTime", TIME, ONE, INHERIT),
	PP_FIELD ("lastUpdateTime", TIME, ONE, INHERIT),
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
	PP_FIELD ("status", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("type", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_DeploymentCondition = { "DeploymentCondition", DeploymentCondition_fields, PP_N_ELEMENTS (DeploymentCondition_fields) };

static const pp_field_t DaemonSetStatus_fields[] = {
	PP_FIELD ("collisionCount", INT32, ONE, INHERIT),
	PP_FIELD ("conditions", OBJECT, LIST, INHERIT, .type = &pp_t_DaemonSetCondition),
	PP_FIELD ("currentNumberScheduled", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("desiredNumberScheduled", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("numberAvailable", INT32, ONE, INHERIT),
	PP_FIELD ("numberMisscheduled", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("numberReady", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("numberUnavailable", INT32, ONE, INHERIT),
	PP_FIELD ("observedGeneration", INT64, ONE, INHERIT),
	PP_FIELD ("updatedNumberScheduled", INT32, ONE, INHERIT),
};

const pp_type_t pp_t_DaemonSetStatus = { "DaemonSetStatus", DaemonSetStatus_fields, PP_N_ELEMENTS (DaemonSetStatus_fields) };

static const pp_field_t DaemonSetCondition_fields[] = {
	PP_FIELD ("lastTransitionTime", TIME, ONE, INHERIT),
	PP_FIELD ("message", STRING, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT),
	PP_FIELD ("status", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("type", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_DaemonSetCondition = { "DaemonSetCondition", DaemonSetCondition_fields, PP_N_ELEMENTS (DaemonSetCondition_fields) };

static const pp_field_t JobStatus_fields[] = {
	PP_FIELD ("active", INT32, ONE, INHERIT),
	PP_FIELD ("completedIndexes", STRING, ONE, INHERIT),
	PP_FIELD ("completionTime", TIME, ONE, INHERIT),
	PP_FIELD ("conditions", OBJECT, LIST, INHERIT, .type = &pp_t_JobCondition),
	PP_FIELD ("failed", INT32, ONE, INHERIT),
	PP_FIELD ("failedIndexes", STRING, ONE, INHERIT),
	PP_FIELD ("ready", INT32, ONE, INHERIT),
	PP_FIELD ("startTime", TIME, ONE, INHERIT),
	PP_FIELD ("succeeded", INT32, ONE, INHERIT),
	PP_FIELD ("terminating", INT32, ONE, INHERIT),
	PP_FIELD ("uncountedTerminatedPods", OBJECT, ONE, INHERIT, .type = &pp_t_UncountedTerminatedPods),
};

const pp_type_t pp_t_JobStatus = { "JobStatus", JobStatus_fields, PP_N_ELEMENTS (JobStatus_fields) };

static const pp_field_t UncountedTerminatedPods_fields[] = {
	PP_FIELD ("failed", STRING, LIST, INHERIT),
	PP_FIELD ("succeeded", STRING, LIST, INHERIT),
};

const pp_type_t pp_t_UncountedTerminatedPods = { "UncountedTerminatedPods", UncountedTerminatedPods_fields, PP_N_ELEMENTS (UncountedTerminatedPods_fields) };

static const pp_field_t PersistentVolumeClaimStatus_fields[] = {
	PP_FIELD ("accessModes", STRING, LIST, INHERIT),
	PP_FIELD ("allocatedResourceStatuses", STRING, MAP, INHERIT),
	PP_FIELD ("allocatedResources", QUANTITY, MAP, INHERIT),
	PP_FIELD ("capacity", QUANTITY, MAP, INHERIT),
	PP_FIELD ("conditions", OBJECT, LIST, INHERIT, .type = &pp_t_PersistentVolumeClaimCondition),
	PP_FIELD ("currentVolumeAttributesClassName", STRING, ONE, INHERIT),
	PP_FIELD ("modifyVolumeStatus", OBJECT, ONE, INHERIT, .type = &pp_t_ModifyVolumeStatus),
	PP_FIELD ("phase", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_PersistentVolumeClaimStatus = { "PersistentVolumeClaimStatus", PersistentVolumeClaimStatus_fields, PP_N_ELEMENTS (PersistentVolumeClaimStatus_fields) };

static const pp_field_t ModifyVolumeStatus_fields[] = {
	PP_FIELD ("status", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("targetVolumeAttributesClassName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_ModifyVolumeStatus = { "ModifyVolumeStatus", ModifyVolumeStatus_fields, PP_N_ELEMENTS (ModifyVolumeStatus_fields) };

static const pp_field_t ServiceStatus_fields[] = {
	PP_FIELD ("conditions", OBJECT, LIST, INHERIT, .type = &pp_t_Condition),
	PP_FIELD ("loadBalancer", OBJECT, ONE, INHERIT, .type = &pp_t_LoadBalancerStatus),
};

const pp_type_t pp_t_ServiceStatus = { "ServiceStatus", ServiceStatus_fields, PP_N_ELEMENTS (ServiceStatus_fields) };

static const pp_field_t Condition_fields[] = {
	PP_FIELD ("lastTransitionTime", TIME, ONE, INHERIT, .required = 1),
	PP_FIELD ("message", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("observedGeneration", INT64, ONE, INHERIT),
	PP_FIELD ("reason", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("status", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("type", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_Condition = { "Condition", Condition_fields, PP_N_ELEMENTS (Condition_fields) };

static const pp_field_t LoadBalancerStatus_fields[] = {
	PP_FIELD ("ingress", OBJECT, LIST, INHERIT, .type = &pp_t_LoadBalancerIngress),
};

const pp_type_t pp_t_LoadBalancerStatus = { "LoadBalancerStatus", LoadBalancerStatus_fields, PP_N_ELEMENTS (LoadBalancerStatus_fields) };

static const pp_field_t LoadBalancerIngress_fields[] = {
	PP_FIELD ("hostname", STRING, ONE, INHERIT),
	PP_FIELD ("ip", STRING, ONE, INHERIT),
	PP_FIELD ("ipMode", STRING, ONE, INHERIT),
	PP_FIELD ("ports", OBJECT, LIST, INHERIT, .type = &pp_t_PortStatus),
};

const pp_type_t pp_t_LoadBalancerIngress = { "LoadBalancerIngress", LoadBalancerIngress_fields, PP_N_ELEMENTS (LoadBalancerIngress_fields) };

static const pp_field_t PortStatus_fields[] = {
	PP_FIELD ("error", STRING, ONE, INHERIT),
	PP_FIELD ("port", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("protocol", STRING, ONE, INHERIT, .required = 1, .values = pp_enum_protocol),
};

const pp_type_t pp_t_PortStatus = { "PortStatus", PortStatus_fields, PP_N_ELEMENTS (PortStatus_fields) };
