//go:build tools

// Package tools names the Kubernetes programs the e2e control plane is built from. The build
// script (tools/control-plane/build.ts) writes this module's go.mod for the chosen version.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
