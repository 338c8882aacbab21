/* Schema tables of Kubernetes 1.36 (fields added after 1.32 say when): volumes and their sources. */

#include "schema/k8s_types.h"

static const pp_field_t Volume_fields[] = {
	PP_FIELD ("awsElasticBlockStore", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_AWSElasticBlockStoreVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("azureDisk", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_AzureDiskVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("azureFile", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_AzureFileVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("cephfs", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_CephFSVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("cinder", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_CinderVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("configMap", OBJECT, ONE, SUPPORTED, .type = &pp_t_ConfigMapVolumeSource),
	PP_FIELD ("csi", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_CSIVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("downwardAPI", OBJECT, ONE, SUPPORTED, .type = &pp_t_DownwardAPIVolumeSource),
	PP_FIELD ("emptyDir", OBJECT, ONE, SUPPORTED, .type = &pp_t_EmptyDirVolumeSource),
	PP_FIELD ("ephemeral", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_EphemeralVolumeSource, .note = "generic ephemeral volumes need a provisioner"),
	PP_FIELD ("fc", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_FCVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("flexVolume", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_FlexVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("flocker", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_FlockerVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("gcePersistentDisk", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_GCEPersistentDiskVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("gitRepo", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_GitRepoVolumeSource),
	PP_FIELD ("glusterfs", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_GlusterfsVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("hostPath", OBJECT, ONE, SUPPORTED, .type = &pp_t_HostPathVolumeSource),
	PP_FIELD ("image", OBJECT, ONE, SUPPORTED, .type = &pp_t_ImageVolumeSource),
	PP_FIELD ("iscsi", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_ISCSIVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("nfs", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_NFSVolumeSource),
	PP_FIELD ("persistentVolumeClaim", OBJECT, ONE, SUPPORTED, .type = &pp_t_PersistentVolumeClaimVolumeSource),
	PP_FIELD ("photonPersistentDisk", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_PhotonPersistentDiskVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("portworxVolume", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_PortworxVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("projected", OBJECT, ONE, SUPPORTED, .type = &pp_t_ProjectedVolumeSource),
	PP_FIELD ("quobyte", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_QuobyteVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("rbd", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_RBDVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("scaleIO", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_ScaleIOVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("secret", OBJECT, ONE, SUPPORTED, .type = &pp_t_SecretVolumeSource),
	PP_FIELD ("storageos", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_StorageOSVolumeSource, .note = "a cluster storage driver"),
	PP_FIELD ("vsphereVolume", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_VsphereVirtualDiskVolumeSource, .note = "a cluster storage driver"),
};

const pp_type_t pp_t_Volume = { "Volume", Volume_fields, PP_N_ELEMENTS (Volume_fields) };

static const pp_field_t AWSElasticBlockStoreVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("partition", INT32, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("volumeID", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_AWSElasticBlockStoreVolumeSource = { "AWSElasticBlockStoreVolumeSource", AWSElasticBlockStoreVolumeSource_fields, PP_N_ELEMENTS (AWSElasticBlockStoreVolumeSource_fields) };

static const pp_field_t AzureDiskVolumeSource_fields[] = {
	PP_FIELD ("cachingMode", STRING, ONE, INHERIT),
	PP_FIELD ("diskName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("diskURI", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("kind", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
};

const pp_type_t pp_t_AzureDiskVolumeSource = { "AzureDiskVolumeSource", AzureDiskVolumeSource_fields, PP_N_ELEMENTS (AzureDiskVolumeSource_fields) };

static const pp_field_t AzureFileVolumeSource_fields[] = {
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("shareName", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_AzureFileVolumeSource = { "AzureFileVolumeSource", AzureFileVolumeSource_fields, PP_N_ELEMENTS (AzureFileVolumeSource_fields) };

static const pp_field_t CephFSVolumeSource_fields[] = {
	PP_FIELD ("monitors", STRING, LIST, INHERIT, .required = 1),
	PP_FIELD ("path", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretFile", STRING, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("user", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_CephFSVolumeSource = { "CephFSVolumeSource", CephFSVolumeSource_fields, PP_N_ELEMENTS (CephFSVolumeSource_fields) };

static const pp_field_t CinderVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("volumeID", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_CinderVolumeSource = { "CinderVolumeSource", CinderVolumeSource_fields, PP_N_ELEMENTS (CinderVolumeSource_fields) };

static const pp_field_t ConfigMapVolumeSource_fields[] = {
	PP_FIELD ("defaultMode", INT32, ONE, SUPPORTED, .check = PP_CHECK_MODE),
	PP_FIELD ("items", OBJECT, LIST, SUPPORTED, .type = &pp_t_KeyToPath),
	PP_FIELD ("name", STRING, ONE, SUPPORTED),
	PP_FIELD ("optional", BOOL, ONE, SUPPORTED),
};

const pp_type_t pp_t_ConfigMapVolumeSource = { "ConfigMapVolumeSource", ConfigMapVolumeSource_fields, PP_N_ELEMENTS (ConfigMapVolumeSource_fields) };

static const pp_field_t KeyToPath_fields[] = {
	PP_FIELD ("key", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_CONFIG_KEY),
	PP_FIELD ("mode", INT32, ONE, SUPPORTED, .check = PP_CHECK_MODE),
	PP_FIELD ("path", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_ITEM_PATH),
};

const pp_type_t pp_t_KeyToPath = { "KeyToPath", KeyToPath_fields, PP_N_ELEMENTS (KeyToPath_fields) };

static const pp_field_t CSIVolumeSource_fields[] = {
	PP_FIELD ("driver", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("nodePublishSecretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("volumeAttributes", STRING, MAP, INHERIT),
};

const pp_type_t pp_t_CSIVolumeSource = { "CSIVolumeSource", CSIVolumeSource_fields, PP_N_ELEMENTS (CSIVolumeSource_fields) };

static const pp_field_t DownwardAPIVolumeSource_fields[] = {
	PP_FIELD ("defaultMode", INT32, ONE, SUPPORTED, .check = PP_CHECK_MODE),
	PP_FIELD ("items", OBJECT, LIST, SUPPORTED, .type = &pp_t_DownwardAPIVolumeFile),
};

const pp_type_t pp_t_DownwardAPIVolumeSource = { "DownwardAPIVolumeSource", DownwardAPIVolumeSource_fields, PP_N_ELEMENTS (DownwardAPIVolumeSource_fields) };

static const pp_field_t DownwardAPIVolumeFile_fields[] = {
	PP_FIELD ("fieldRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_ObjectFieldSelector),
	PP_FIELD ("mode", INT32, ONE, SUPPORTED, .check = PP_CHECK_MODE),
	PP_FIELD ("path", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_ITEM_PATH),
	PP_FIELD ("resourceFieldRef", OBJECT, ONE, SUPPORTED, .type = &pp_t_ResourceFieldSelector),
};

const pp_type_t pp_t_DownwardAPIVolumeFile = { "DownwardAPIVolumeFile", DownwardAPIVolumeFile_fields, PP_N_ELEMENTS (DownwardAPIVolumeFile_fields) };

static const pp_field_t EmptyDirVolumeSource_fields[] = {
	PP_FIELD ("medium", STRING, ONE, SUPPORTED, .values = pp_enum_storage_medium, .note = "Memory is a tmpfs; HugePages is named in a warning, and the volume is on disk"),
	PP_FIELD ("sizeLimit", QUANTITY, ONE, SUPPORTED, .check = PP_CHECK_NONNEG_QUANTITY, .note = "the size of a Memory emptyDir's tmpfs; on disk it is named in a warning, not enforced"),
};

const pp_type_t pp_t_EmptyDirVolumeSource = { "EmptyDirVolumeSource", EmptyDirVolumeSource_fields, PP_N_ELEMENTS (EmptyDirVolumeSource_fields) };

static const pp_field_t EphemeralVolumeSource_fields[] = {
	PP_FIELD ("volumeClaimTemplate", OBJECT, ONE, INHERIT, .type = &pp_t_PersistentVolumeClaimTemplate),
};

const pp_type_t pp_t_EphemeralVolumeSource = { "EphemeralVolumeSource", EphemeralVolumeSource_fields, PP_N_ELEMENTS (EphemeralVolumeSource_fields) };

static const pp_field_t PersistentVolumeClaimTemplate_fields[] = {
	PP_FIELD ("metadata", OBJECT, ONE, INHERIT, .type = &pp_t_ObjectMeta),
	PP_FIELD ("spec", OBJECT, ONE, INHERIT, .required = 1, .type = &pp_t_PersistentVolumeClaimSpec),
};

const pp_type_t pp_t_PersistentVolumeClaimTemplate = { "PersistentVolumeClaimTemplate", PersistentVolumeClaimTemplate_fields, PP_N_ELEMENTS (PersistentVolumeClaimTemplate_fields) };

static const pp_field_t PersistentVolumeClaimSpec_fields[] = {
	PP_FIELD ("accessModes", STRING, LIST, NOT_APPLICABLE, .values = pp_enum_access_mode, .note = "a named volume of this machine: any pod on it may mount it"),
	PP_FIELD ("dataSource", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_TypedLocalObjectReference),
	PP_FIELD ("dataSourceRef", OBJECT, ONE, NOT_IMPLEMENTED, .type = &pp_t_TypedObjectReference),
	PP_FIELD ("resources", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_VolumeResourceRequirements, .note = "a named volume takes what its filesystem has"),
	PP_FIELD ("selector", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_LabelSelector, .note = "volumes are local directories"),
	PP_FIELD ("storageClassName", STRING, ONE, NOT_APPLICABLE, .note = "volumes are local directories"),
	PP_FIELD ("volumeAttributesClassName", STRING, ONE, NOT_APPLICABLE, .note = "volumes are local directories"),
	PP_FIELD ("volumeMode", STRING, ONE, NOT_IMPLEMENTED, .values = pp_enum_volume_mode),
	PP_FIELD ("volumeName", STRING, ONE, NOT_APPLICABLE, .note = "volumes are local directories"),
};

const pp_type_t pp_t_PersistentVolumeClaimSpec = { "PersistentVolumeClaimSpec", PersistentVolumeClaimSpec_fields, PP_N_ELEMENTS (PersistentVolumeClaimSpec_fields) };

static const pp_field_t TypedLocalObjectReference_fields[] = {
	PP_FIELD ("apiGroup", STRING, ONE, INHERIT),
	PP_FIELD ("kind", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_TypedLocalObjectReference = { "TypedLocalObjectReference", TypedLocalObjectReference_fields, PP_N_ELEMENTS (TypedLocalObjectReference_fields) };

static const pp_field_t TypedObjectReference_fields[] = {
	PP_FIELD ("apiGroup", STRING, ONE, INHERIT),
	PP_FIELD ("kind", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("namespace", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_TypedObjectReference = { "TypedObjectReference", TypedObjectReference_fields, PP_N_ELEMENTS (TypedObjectReference_fields) };

static const pp_field_t VolumeResourceRequirements_fields[] = {
	PP_FIELD ("limits", QUANTITY, MAP, SUPPORTED, .check = PP_CHECK_RESOURCE_NAMES),
	PP_FIELD ("requests", QUANTITY, MAP, SUPPORTED, .check = PP_CHECK_RESOURCE_NAMES),
};

const pp_type_t pp_t_VolumeResourceRequirements = { "VolumeResourceRequirements", VolumeResourceRequirements_fields, PP_N_ELEMENTS (VolumeResourceRequirements_fields) };

static const pp_field_t FCVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("lun", INT32, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("targetWWNs", STRING, LIST, INHERIT),
	PP_FIELD ("wwids", STRING, LIST, INHERIT),
};

const pp_type_t pp_t_FCVolumeSource = { "FCVolumeSource", FCVolumeSource_fields, PP_N_ELEMENTS (FCVolumeSource_fields) };

static const pp_field_t FlexVolumeSource_fields[] = {
	PP_FIELD ("driver", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("options", STRING, MAP, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
};

const pp_type_t pp_t_FlexVolumeSource = { "FlexVolumeSource", FlexVolumeSource_fields, PP_N_ELEMENTS (FlexVolumeSource_fields) };

static const pp_field_t FlockerVolumeSource_fields[] = {
	PP_FIELD ("datasetName", STRING, ONE, INHERIT),
	PP_FIELD ("datasetUUID", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_FlockerVolumeSource = { "FlockerVolumeSource", FlockerVolumeSource_fields, PP_N_ELEMENTS (FlockerVolumeSource_fields) };

static const pp_field_t GCEPersistentDiskVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("partition", INT32, ONE, INHERIT),
	PP_FIELD ("pdName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
};

const pp_type_t pp_t_GCEPersistentDiskVolumeSource = { "GCEPersistentDiskVolumeSource", GCEPersistentDiskVolumeSource_fields, PP_N_ELEMENTS (GCEPersistentDiskVolumeSource_fields) };

static const pp_field_t GitRepoVolumeSource_fields[] = {
	PP_FIELD ("directory", STRING, ONE, INHERIT),
	PP_FIELD ("repository", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("revision", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_GitRepoVolumeSource = { "GitRepoVolumeSource", GitRepoVolumeSource_fields, PP_N_ELEMENTS (GitRepoVolumeSource_fields) };

static const pp_field_t GlusterfsVolumeSource_fields[] = {
	PP_FIELD ("endpoints", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("path", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
};

const pp_type_t pp_t_GlusterfsVolumeSource = { "GlusterfsVolumeSource", GlusterfsVolumeSource_fields, PP_N_ELEMENTS (GlusterfsVolumeSource_fields) };

static const pp_field_t HostPathVolumeSource_fields[] = {
	PP_FIELD ("path", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_HOST_PATH),
	PP_FIELD ("type", STRING, ONE, SUPPORTED, .values = pp_enum_host_path_type),
};

const pp_type_t pp_t_HostPathVolumeSource = { "HostPathVolumeSource", HostPathVolumeSource_fields, PP_N_ELEMENTS (HostPathVolumeSource_fields) };

static const pp_field_t ImageVolumeSource_fields[] = {
	PP_FIELD ("pullPolicy", STRING, ONE, SUPPORTED, .values = pp_enum_pull_policy),
	PP_FIELD ("reference", STRING, ONE, SUPPORTED, .check = PP_CHECK_IMAGE),
};

const pp_type_t pp_t_ImageVolumeSource = { "ImageVolumeSource", ImageVolumeSource_fields, PP_N_ELEMENTS (ImageVolumeSource_fields) };

static const pp_field_t ISCSIVolumeSource_fields[] = {
	PP_FIELD ("chapAuthDiscovery", BOOL, ONE, INHERIT),
	PP_FIELD ("chapAuthSession", BOOL, ONE, INHERIT),
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("initiatorName", STRING, ONE, INHERIT),
	PP_FIELD ("iqn", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("iscsiInterface", STRING, ONE, INHERIT),
	PP_FIELD ("lun", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("portals", STRING, LIST, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("targetPortal", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_ISCSIVolumeSource = { "ISCSIVolumeSource", ISCSIVolumeSource_fields, PP_N_ELEMENTS (ISCSIVolumeSource_fields) };

static const pp_field_t NFSVolumeSource_fields[] = {
	PP_FIELD ("path", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("server", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_NFSVolumeSource = { "NFSVolumeSource", NFSVolumeSource_fields, PP_N_ELEMENTS (NFSVolumeSource_fields) };

static const pp_field_t PersistentVolumeClaimVolumeSource_fields[] = {
	PP_FIELD ("claimName", STRING, ONE, SUPPORTED, .required = 1, .check = PP_CHECK_NONEMPTY),
	PP_FIELD ("readOnly", BOOL, ONE, SUPPORTED),
};

const pp_type_t pp_t_PersistentVolumeClaimVolumeSource = { "PersistentVolumeClaimVolumeSource", PersistentVolumeClaimVolumeSource_fields, PP_N_ELEMENTS (PersistentVolumeClaimVolumeSource_fields) };

static const pp_field_t PhotonPersistentDiskVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("pdID", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PhotonPersistentDiskVolumeSource = { "PhotonPersistentDiskVolumeSource", PhotonPersistentDiskVolumeSource_fields, PP_N_ELEMENTS (PhotonPersistentDiskVolumeSource_fields) };

static const pp_field_t PortworxVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("volumeID", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PortworxVolumeSource = { "PortworxVolumeSource", PortworxVolumeSource_fields, PP_N_ELEMENTS (PortworxVolumeSource_fields) };

static const pp_field_t ProjectedVolumeSource_fields[] = {
	PP_FIELD ("defaultMode", INT32, ONE, SUPPORTED, .check = PP_CHECK_MODE),
	PP_FIELD ("sources", OBJECT, LIST, SUPPORTED, .type = &pp_t_VolumeProjection),
};

const pp_type_t pp_t_ProjectedVolumeSource = { "ProjectedVolumeSource", ProjectedVolumeSource_fields, PP_N_ELEMENTS (ProjectedVolumeSource_fields) };

static const pp_field_t VolumeProjection_fields[] = {
	PP_FIELD ("clusterTrustBundle", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_ClusterTrustBundleProjection, .note = "no API server: kube play names it in a warning and writes nothing at its path"),
	PP_FIELD ("configMap", OBJECT, ONE, SUPPORTED, .type = &pp_t_KeyProjection),
	PP_FIELD ("downwardAPI", OBJECT, ONE, SUPPORTED, .type = &pp_t_DownwardAPIProjection),
	PP_FIELD ("podCertificate", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_PodCertificateProjection, .since = 34, .note = "no API server signs a certificate: kube play names it in a warning and writes nothing at its paths"),
	PP_FIELD ("secret", OBJECT, ONE, SUPPORTED, .type = &pp_t_KeyProjection),
	PP_FIELD ("serviceAccountToken", OBJECT, ONE, NOT_APPLICABLE, .type = &pp_t_ServiceAccountTokenProjection, .note = "no API server issues a token: kube play names it in a warning and writes nothing at its path"),
};

const pp_type_t pp_t_VolumeProjection = { "VolumeProjection", VolumeProjection_fields, PP_N_ELEMENTS (VolumeProjection_fields) };

static const pp_field_t PodCertificateProjection_fields[] = {
	PP_FIELD ("certificateChainPath", STRING, ONE, INHERIT, .check = PP_CHECK_ITEM_PATH),
	PP_FIELD ("credentialBundlePath", STRING, ONE, INHERIT, .check = PP_CHECK_ITEM_PATH),
	PP_FIELD ("keyPath", STRING, ONE, INHERIT, .check = PP_CHECK_ITEM_PATH),
	PP_FIELD ("keyType", STRING, ONE, INHERIT, .required = 1, .values = pp_enum_pod_certificate_key_type),
	PP_FIELD ("maxExpirationSeconds", INT32, ONE, INHERIT),
	PP_FIELD ("signerName", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("userAnnotations", STRING, MAP, INHERIT),
};

const pp_type_t pp_t_PodCertificateProjection = { "PodCertificateProjection", PodCertificateProjection_fields, PP_N_ELEMENTS (PodCertificateProjection_fields) };

static const pp_field_t ClusterTrustBundleProjection_fields[] = {
	PP_FIELD ("labelSelector", OBJECT, ONE, INHERIT, .type = &pp_t_LabelSelector),
	PP_FIELD ("name", STRING, ONE, INHERIT),
	PP_FIELD ("optional", BOOL, ONE, INHERIT),
	PP_FIELD ("path", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("signerName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_ClusterTrustBundleProjection = { "ClusterTrustBundleProjection", ClusterTrustBundleProjection_fields, PP_N_ELEMENTS (ClusterTrustBundleProjection_fields) };

static const pp_field_t KeyProjection_fields[] = {
	PP_FIELD ("items", OBJECT, LIST, SUPPORTED, .type = &pp_t_KeyToPath),
	PP_FIELD ("name", STRING, ONE, SUPPORTED),
	PP_FIELD ("optional", BOOL, ONE, SUPPORTED),
};

const pp_type_t pp_t_KeyProjection = { "KeyProjection", KeyProjection_fields, PP_N_ELEMENTS (KeyProjection_fields) };

static const pp_field_t DownwardAPIProjection_fields[] = {
	PP_FIELD ("items", OBJECT, LIST, SUPPORTED, .type = &pp_t_DownwardAPIVolumeFile),
};

const pp_type_t pp_t_DownwardAPIProjection = { "DownwardAPIProjection", DownwardAPIProjection_fields, PP_N_ELEMENTS (DownwardAPIProjection_fields) };

static const pp_field_t ServiceAccountTokenProjection_fields[] = {
	PP_FIELD ("audience", STRING, ONE, INHERIT),
	PP_FIELD ("expirationSeconds", INT64, ONE, INHERIT),
	PP_FIELD ("path", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_ServiceAccountTokenProjection = { "ServiceAccountTokenProjection", ServiceAccountTokenProjection_fields, PP_N_ELEMENTS (ServiceAccountTokenProjection_fields) };

static const pp_field_t QuobyteVolumeSource_fields[] = {
	PP_FIELD ("group", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("registry", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("tenant", STRING, ONE, INHERIT),
	PP_FIELD ("user", STRING, ONE, INHERIT),
	PP_FIELD ("volume", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_QuobyteVolumeSource = { "QuobyteVolumeSource", QuobyteVolumeSource_fields, PP_N_ELEMENTS (QuobyteVolumeSource_fields) };

static const pp_field_t RBDVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("image", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("keyring", STRING, ONE, INHERIT),
	PP_FIELD ("monitors", STRING, LIST, INHERIT, .required = 1),
	PP_FIELD ("pool", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("user", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_RBDVolumeSource = { "RBDVolumeSource", RBDVolumeSource_fields, PP_N_ELEMENTS (RBDVolumeSource_fields) };

static const pp_field_t ScaleIOVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("gateway", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("protectionDomain", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .required = 1, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("sslEnabled", BOOL, ONE, INHERIT),
	PP_FIELD ("storageMode", STRING, ONE, INHERIT),
	PP_FIELD ("storagePool", STRING, ONE, INHERIT),
	PP_FIELD ("system", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("volumeName", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_ScaleIOVolumeSource = { "ScaleIOVolumeSource", ScaleIOVolumeSource_fields, PP_N_ELEMENTS (ScaleIOVolumeSource_fields) };

static const pp_field_t SecretVolumeSource_fields[] = {
	PP_FIELD ("defaultMode", INT32, ONE, SUPPORTED, .check = PP_CHECK_MODE),
	PP_FIELD ("items", OBJECT, LIST, SUPPORTED, .type = &pp_t_KeyToPath),
	PP_FIELD ("optional", BOOL, ONE, SUPPORTED),
	PP_FIELD ("secretName", STRING, ONE, SUPPORTED),
};

const pp_type_t pp_t_SecretVolumeSource = { "SecretVolumeSource", SecretVolumeSource_fields, PP_N_ELEMENTS (SecretVolumeSource_fields) };

static const pp_field_t StorageOSVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("readOnly", BOOL, ONE, INHERIT),
	PP_FIELD ("secretRef", OBJECT, ONE, INHERIT, .type = &pp_t_LocalObjectReference),
	PP_FIELD ("volumeName", STRING, ONE, INHERIT),
	PP_FIELD ("volumeNamespace", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_StorageOSVolumeSource = { "StorageOSVolumeSource", StorageOSVolumeSource_fields, PP_N_ELEMENTS (StorageOSVolumeSource_fields) };

static const pp_field_t VsphereVirtualDiskVolumeSource_fields[] = {
	PP_FIELD ("fsType", STRING, ONE, INHERIT),
	PP_FIELD ("storagePolicyID", STRING, ONE, INHERIT),
	PP_FIELD ("storagePolicyName", STRING, ONE, INHERIT),
	PP_FIELD ("volumePath", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_VsphereVirtualDiskVolumeSource = { "VsphereVirtualDiskVolumeSource", VsphereVirtualDiskVolumeSource_fields, PP_N_ELEMENTS (VsphereVirtualDiskVolumeSource_fields) };
