/* Schema tables of Kubernetes 1.36: object metadata, owner references and label selectors. */

#include "schema/k8s_types.h"

static const pp_field_t ObjectMeta_fields[] = {
	PP_FIELD ("annotations", STRING, MAP, SUPPORTED, .check = PP_CHECK_ANNOTATIONS),
	PP_FIELD ("creationTimestamp", TIME, ONE, NOT_APPLICABLE, .note = "set by the API server"),
	PP_FIELD ("deletionGracePeriodSeconds", INT64, ONE, NOT_APPLICABLE, .note = "set by the API server"),
	PP_FIELD ("deletionTimestamp", TIME, ONE, NOT_APPLICABLE, .note = "set by the API server"),
	PP_FIELD ("finalizers", STRING, LIST, NOT_APPLICABLE, .note = "finalizers need controllers"),
	PP_FIELD ("generateName", STRING, ONE, NOT_IMPLEMENTED, .check = PP_CHECK_GENERATE_NAME),
	PP_FIELD ("generation", INT64, ONE, NOT_APPLICABLE, .note = "set by the API server"),
	PP_FIELD ("labels", STRING, MAP, SUPPORTED, .check = PP_CHECK_LABELS),
	PP_FIELD ("managedFields", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_ManagedFieldsEntry, .note = "set by the API server"),
	PP_FIELD ("name", STRING, ONE, SUPPORTED, .check = PP_CHECK_OBJECT_NAME),
	PP_FIELD ("namespace", STRING, ONE, SUPPORTED, .check = PP_CHECK_DNS_LABEL),
	PP_FIELD ("ownerReferences", OBJECT, LIST, NOT_APPLICABLE, .type = &pp_t_OwnerReference, .note = "garbage collection needs a cluster"),
	PP_FIELD ("resourceVersion", STRING, ONE, NOT_APPLICABLE, .note = "set by the API server"),
	PP_FIELD ("selfLink", STRING, ONE, NOT_APPLICABLE, .note = "set by the API server"),
	PP_FIELD ("uid", STRING, ONE, NOT_APPLICABLE, .note = "set by the API server"),
};

const pp_type_t pp_t_ObjectMeta = { "ObjectMeta", ObjectMeta_fields, PP_N_ELEMENTS (ObjectMeta_fields) };

static const pp_field_t ManagedFieldsEntry_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, INHERIT),
	PP_FIELD ("fieldsType", STRING, ONE, INHERIT),
	PP_FIELD ("fieldsV1", ANY, ONE, INHERIT),
	PP_FIELD ("manager", STRING, ONE, INHERIT),
	PP_FIELD ("operation", STRING, ONE, INHERIT),
	PP_FIELD ("subresource", STRING, ONE, INHERIT),
	PP_FIELD ("time", TIME, ONE, INHERIT),
};

const pp_type_t pp_t_ManagedFieldsEntry = { "ManagedFieldsEntry", ManagedFieldsEntry_fields, PP_N_ELEMENTS (ManagedFieldsEntry_fields) };

static const pp_field_t OwnerReference_fields[] = {
	PP_FIELD ("apiVersion", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("blockOwnerDeletion", BOOL, ONE, INHERIT),
	PP_FIELD ("controller", BOOL, ONE, INHERIT),
	PP_FIELD ("kind", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("name", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("uid", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_OwnerReference = { "OwnerReference", OwnerReference_fields, PP_N_ELEMENTS (OwnerReference_fields) };

static const pp_field_t SelectorRequirement_fields[] = {
	PP_FIELD ("key", STRING, ONE, SUPPORTED, .required = 1),
	PP_FIELD ("operator", STRING, ONE, SUPPORTED, .required = 1, .values = pp_enum_selector_operator),
	PP_FIELD ("values", STRING, LIST, SUPPORTED),
};

const pp_type_t pp_t_SelectorRequirement = { "SelectorRequirement", SelectorRequirement_fields, PP_N_ELEMENTS (SelectorRequirement_fields) };

static const pp_field_t LabelSelector_fields[] = {
	PP_FIELD ("matchExpressions", OBJECT, LIST, SUPPORTED, .type = &pp_t_SelectorRequirement),
	PP_FIELD ("matchLabels", STRING, MAP, SUPPORTED, .check = PP_CHECK_LABELS),
};

const pp_type_t pp_t_LabelSelector = { "LabelSelector", LabelSelector_fields, PP_N_ELEMENTS (LabelSelector_fields) };

static const pp_field_t LocalObjectReference_fields[] = {
	PP_FIELD ("name", STRING, ONE, SUPPORTED),
};

const pp_type_t pp_t_LocalObjectReference = { "LocalObjectReference", LocalObjectReference_fields, PP_N_ELEMENTS (LocalObjectReference_fields) };
