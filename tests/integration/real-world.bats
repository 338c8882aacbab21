#!/usr/bin/env bats
# Manifests from the Kubernetes documentation, as published: podplay must accept what the API server accepts.

setup() {
	DIR="$BATS_TEST_DIRNAME/../../fixtures/manifests/real-world"
	N=$(find "$DIR" -name '*.yaml' | wc -l)
}

@test "real-world: the folder holds the corpus" {
	[ "$N" -ge 15 ]
}

@test "real-world: the whole folder validates with exit 0" {
	run "$PODPLAY" kube validate "$DIR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *": error: "* ]]
	[[ "${lines[-1]}" == *" in $N files: valid"* ]]
}

@test "real-world: each manifest validates on its own" {
	for f in "$DIR"/*.yaml; do
		run "$PODPLAY" kube validate "$f"
		[ "$status" -eq 0 ] || {
			echo "$f was rejected:"
			echo "$output"
			return 1
		}
	done
}

@test "real-world: --format json says valid with no errors" {
	run "$PODPLAY" kube validate --format json "$DIR"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"valid": true'* ]]
	[[ "$output" == *'"errors": 0'* ]]
	[[ "$output" == *"\"files\": $N"* ]]
}

@test "real-world: Deployment strategy is a not-implemented warning" {
	run "$PODPLAY" kube validate "$DIR/application-wordpress-wordpress-deployment.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"application-wordpress-wordpress-deployment.yaml:40:3: warning: spec.strategy: podplay does not implement this field yet; it is ignored"* ]]
	[[ "${lines[-1]}" == "3 objects in 1 file: valid, 1 warning" ]]
}

@test "real-world: DaemonSet updateStrategy is a not-implemented warning" {
	run "$PODPLAY" kube validate "$DIR/controllers-fluentd-daemonset-update.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"controllers-fluentd-daemonset-update.yaml:13:3: warning: spec.updateStrategy: podplay does not implement this field yet"* ]]
	[[ "${lines[-1]}" == "1 object in 1 file: valid, 1 warning" ]]
}

@test "real-world: Job podFailurePolicy is a not-implemented warning" {
	run "$PODPLAY" kube validate "$DIR/controllers-job-pod-failure-policy-example.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"controllers-job-pod-failure-policy-example.yaml:20:3: warning: spec.podFailurePolicy: podplay does not implement this field yet"* ]]
}

@test "real-world: a plain Pod gives no diagnostic at all" {
	run "$PODPLAY" kube validate "$DIR/pods-storage-pv-pod.yaml"
	[ "$status" -eq 0 ]
	[ "$output" = "1 object in 1 file: valid" ]
}

@test "real-world: cluster-only fields are notes under -v and silent without" {
	run "$PODPLAY" kube validate "$DIR/controllers-fluentd-daemonset-update.yaml"
	[[ "$output" != *"note:"* ]]
	run "$PODPLAY" kube validate -v "$DIR/controllers-fluentd-daemonset-update.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *":22:7: note: spec.template.spec.tolerations: not applicable on one machine"* ]]
	run "$PODPLAY" kube validate -v "$DIR/pods-storage-pv-claim.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *":12:3: note: spec.storageClassName: not applicable on one machine"* ]]
}

@test "real-world: an ingress-nginx release validates; each kind podplay does not run is a warning at its kind" {
	f=$DIR/ingress-nginx-release.yaml
	run "$PODPLAY" kube validate "$f"
	[ "$status" -eq 0 ]
	kinds=$(printf '%s\n' "$output" | sed -n 's|^.*/ingress-nginx-release.yaml:\([0-9]*\):7: warning: kind: podplay does not run kind \([A-Za-z]*\).*|\1 \2|p')
	expected="5 Namespace
13 ServiceAccount
23 ServiceAccount
32 Role
49 ClusterRole
61 ClusterRole
70 RoleBinding
84 ClusterRoleBinding
282 IngressClass
289 ValidatingWebhookConfiguration"
	[ "$kinds" = "$expected" ] || { echo "$output"; return 1; }
	[[ "$output" == *":289:7: warning: kind: podplay does not run kind ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1); it is skipped"* ]]
	[[ "$output" != *"error:"* ]]
	[[ "${lines[-1]}" == "15 objects in 1 file: valid, 17 warnings" ]]
}
