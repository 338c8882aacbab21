/* The values of the Kubernetes enumerations the schema tables check. */

#include "schema/k8s_types.h"

const char *const pp_enum_access_mode[] = { "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod", NULL };
const char *const pp_enum_completion_mode[] = { "NonIndexed", "Indexed", NULL };
const char *const pp_enum_container_restart_policy[] = { "Always", "OnFailure", "Never", NULL };
const char *const pp_enum_dns_policy[] = { "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None", NULL };
const char *const pp_enum_exit_codes_operator[] = { "In", "NotIn", NULL };
const char *const pp_enum_failure_action[] = { "FailJob", "FailIndex", "Ignore", "Count", NULL };
const char *const pp_enum_fs_group_change_policy[] = { "OnRootMismatch", "Always", NULL };
const char *const pp_enum_host_path_type[] = { "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice", NULL };
const char *const pp_enum_inclusion_policy[] = { "Honor", "Ignore", NULL };
const char *const pp_enum_ip_family[] = { "IPv4", "IPv6", NULL };
const char *const pp_enum_ip_family_policy[] = { "SingleStack", "PreferDualStack", "RequireDualStack", NULL };
const char *const pp_enum_mount_propagation[] = { "None", "HostToContainer", "Bidirectional", NULL };
const char *const pp_enum_os_name[] = { "linux", "windows", NULL };
const char *const pp_enum_pod_replacement_policy[] = { "TerminatingOrFailed", "Failed", NULL };
const char *const pp_enum_preemption_policy[] = { "PreemptLowerPriority", "Never", NULL };
const char *const pp_enum_proc_mount[] = { "Default", "Unmasked", NULL };
const char *const pp_enum_profile_type[] = { "RuntimeDefault", "Unconfined", "Localhost", NULL };
const char *const pp_enum_protocol[] = { "TCP", "UDP", "SCTP", NULL };
const char *const pp_enum_pull_policy[] = { "Always", "IfNotPresent", "Never", NULL };
const char *const pp_enum_recursive_read_only[] = { "Disabled", "IfPossible", "Enabled", NULL };
const char *const pp_enum_resize_restart_policy[] = { "NotRequired", "RestartContainer", NULL };
const char *const pp_enum_restart_policy[] = { "Always", "OnFailure", "Never", NULL };
const char *const pp_enum_se_linux_change_policy[] = { "MountOption", "Recursive", NULL };
const char *const pp_enum_selector_operator[] = { "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", NULL };
const char *const pp_enum_service_type[] = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", NULL };
const char *const pp_enum_session_affinity[] = { "ClientIP", "None", NULL };
const char *const pp_enum_storage_medium[] = { "", "Memory", "HugePages", NULL };
const char *const pp_enum_strategy_type[] = { "Recreate", "RollingUpdate", "OnDelete", NULL };
const char *const pp_enum_supplemental_groups_policy[] = { "Merge", "Strict", NULL };
const char *const pp_enum_taint_effect[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };
const char *const pp_enum_termination_message_policy[] = { "File", "FallbackToLogsOnError", NULL };
const char *const pp_enum_toleration_operator[] = { "Exists", "Equal", NULL };
const char *const pp_enum_traffic_distribution[] = { "PreferClose", NULL };
const char *const pp_enum_traffic_policy[] = { "Cluster", "Local", NULL };
const char *const pp_enum_uri_scheme[] = { "HTTP", "HTTPS", NULL };
const char *const pp_enum_volume_mode[] = { "Filesystem", "Block", NULL };
const char *const pp_enum_when_unsatisfiable[] = { "DoNotSchedule", "ScheduleAnyway", NULL };
const char *const pp_enum_pod_certificate_key_type[] = { "RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519", NULL };
const char *const pp_enum_restart_rule_action[] = { "Restart", "RestartAllContainers", NULL };
const char *const pp_enum_stop_signal[] = {
  /* The Linux signals Kubernetes accepts (a Windows pod takes SIGKILL and SIGTERM only). */
  "SIGABRT", "SIGALRM", "SIGBUS", "SIGCHLD", "SIGCLD", "SIGCONT", "SIGFPE", "SIGHUP", "SIGILL", "SIGINT", "SIGIO", "SIGIOT", "SIGKILL", "SIGPIPE", "SIGPOLL", "SIGPROF", "SIGPWR", "SIGQUIT", "SIGSEGV", "SIGSTKFLT", "SIGSTOP", "SIGSYS", "SIGTERM", "SIGTRAP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGUSR1", "SIGUSR2", "SIGVTALRM", "SIGWINCH", "SIGXCPU", "SIGXFSZ", "SIGRTMIN", "SIGRTMIN+1", "SIGRTMIN+2", "SIGRTMIN+3", "SIGRTMIN+4", "SIGRTMIN+5", "SIGRTMIN+6", "SIGRTMIN+7", "SIGRTMIN+8", "SIGRTMIN+9", "SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMAX-14", "SIGRTMAX-13", "SIGRTMAX-12", "SIGRTMAX-11", "SIGRTMAX-10", "SIGRTMAX-9", "SIGRTMAX-8", "SIGRTMAX-7", "SIGRTMAX-6", "SIGRTMAX-5", "SIGRTMAX-4", "SIGRTMAX-3", "SIGRTMAX-2", "SIGRTMAX-1", "SIGRTMAX",
  NULL
};
