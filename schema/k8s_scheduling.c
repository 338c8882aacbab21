/* Schema tables of Kubernetes 1.36: affinity, tolerations and topology spread, which one machine has no use for. */

#include "schema/k8s_types.h"

static const pp_field_t Affinity_fields[] = {
	PP_FIELD ("nodeAffinity", OBJECT, ONE, INHERIT, .type = &pp_t_NodeAffinity),
	PP_FIELD ("podAffinity", OBJECT, ONE, INHERIT, .type = &pp_t_PodAffinity),
	PP_FIELD ("podAntiAffinity", OBJECT, ONE, INHERIT, .type = &pp_t_PodAffinity),
};

const pp_type_t pp_t_Affinity = { "Affinity", Affinity_fields, PP_N_ELEMENTS (Affinity_fields) };

static const pp_field_t NodeAffinity_fields[] = {
	PP_FIELD ("preferredDuringSchedulingIgnoredDuringExecution", OBJECT, LIST, INHERIT, .type = &pp_t_PreferredSchedulingTerm),
	PP_FIELD ("requiredDuringSchedulingIgnoredDuringExecution", OBJECT, ONE, INHERIT, .type = &pp_t_NodeSelector),
};

const pp_type_t pp_t_NodeAffinity = { "NodeAffinity", NodeAffinity_fields, PP_N_ELEMENTS (NodeAffinity_fields) };

static const pp_field_t PreferredSchedulingTerm_fields[] = {
	PP_FIELD ("preference", OBJECT, ONE, INHERIT, .required = 1, .type = &pp_t_NodeSelectorTerm),
	PP_FIELD ("weight", INT32, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PreferredSchedulingTerm = { "PreferredSchedulingTerm", PreferredSchedulingTerm_fields, PP_N_ELEMENTS (PreferredSchedulingTerm_fields) };

static const pp_field_t NodeSelectorTerm_fields[] = {
	PP_FIELD ("matchExpressions", OBJECT, LIST, INHERIT, .type = &pp_t_SelectorRequirement),
	PP_FIELD ("matchFields", OBJECT, LIST, INHERIT, .type = &pp_t_SelectorRequirement),
};

const pp_type_t pp_t_NodeSelectorTerm = { "NodeSelectorTerm", NodeSelectorTerm_fields, PP_N_ELEMENTS (NodeSelectorTerm_fields) };

static const pp_field_t NodeSelector_fields[] = {
	PP_FIELD ("nodeSelectorTerms", OBJECT, LIST, INHERIT, .required = 1, .type = &pp_t_NodeSelectorTerm),
};

const pp_type_t pp_t_NodeSelector = { "NodeSelector", NodeSelector_fields, PP_N_ELEMENTS (NodeSelector_fields) };

static const pp_field_t PodAffinity_fields[] = {
	PP_FIELD ("preferredDuringSchedulingIgnoredDuringExecution", OBJECT, LIST, INHERIT, .type = &pp_t_WeightedPodAffinityTerm),
	PP_FIELD ("requiredDuringSchedulingIgnoredDuringExecution", OBJECT, LIST, INHERIT, .type = &pp_t_PodAffinityTerm),
};

const pp_type_t pp_t_PodAffinity = { "PodAffinity", PodAffinity_fields, PP_N_ELEMENTS (PodAffinity_fields) };

static const pp_field_t WeightedPodAffinityTerm_fields[] = {
	PP_FIELD ("podAffinityTerm", OBJECT, ONE, INHERIT, .required = 1, .type = &pp_t_PodAffinityTerm),
	PP_FIELD ("weight", INT32, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_WeightedPodAffinityTerm = { "WeightedPodAffinityTerm", WeightedPodAffinityTerm_fields, PP_N_ELEMENTS (WeightedPodAffinityTerm_fields) };

static const pp_field_t PodAffinityTerm_fields[] = {
	PP_FIELD ("labelSelector", OBJECT, ONE, INHERIT, .type = &pp_t_LabelSelector),
	PP_FIELD ("matchLabelKeys", STRING, LIST, INHERIT),
	PP_FIELD ("mismatchLabelKeys", STRING, LIST, INHERIT),
	PP_FIELD ("namespaceSelector", OBJECT, ONE, INHERIT, .type = &pp_t_LabelSelector),
	PP_FIELD ("namespaces", STRING, LIST, INHERIT),
	PP_FIELD ("topologyKey", STRING, ONE, INHERIT, .required = 1),
};

const pp_type_t pp_t_PodAffinityTerm = { "PodAffinityTerm", PodAffinityTerm_fields, PP_N_ELEMENTS (PodAffinityTerm_fields) };

static const pp_field_t Toleration_fields[] = {
	PP_FIELD ("effect", STRING, ONE, INHERIT, .values = pp_enum_taint_effect),
	PP_FIELD ("key", STRING, ONE, INHERIT),
	PP_FIELD ("operator", STRING, ONE, INHERIT, .values = pp_enum_toleration_operator),
	PP_FIELD ("tolerationSeconds", INT64, ONE, INHERIT),
	PP_FIELD ("value", STRING, ONE, INHERIT),
};

const pp_type_t pp_t_Toleration = { "Toleration", Toleration_fields, PP_N_ELEMENTS (Toleration_fields) };

static const pp_field_t TopologySpreadConstraint_fields[] = {
	PP_FIELD ("labelSelector", OBJECT, ONE, INHERIT, .type = &pp_t_LabelSelector),
	PP_FIELD ("matchLabelKeys", STRING, LIST, INHERIT),
	PP_FIELD ("maxSkew", INT32, ONE, INHERIT, .required = 1),
	PP_FIELD ("minDomains", INT32, ONE, INHERIT),
	PP_FIELD ("nodeAffinityPolicy", STRING, ONE, INHERIT, .values = pp_enum_inclusion_policy),
	PP_FIELD ("nodeTaintsPolicy", STRING, ONE, INHERIT, .values = pp_enum_inclusion_policy),
	PP_FIELD ("topologyKey", STRING, ONE, INHERIT, .required = 1),
	PP_FIELD ("whenUnsatisfiable", STRING, ONE, INHERIT, .required = 1, .values = pp_enum_when_unsatisfiable),
};

const pp_type_t pp_t_TopologySpreadConstraint = { "TopologySpreadConstraint", TopologySpreadConstraint_fields, PP_N_ELEMENTS (TopologySpreadConstraint_fields) };
