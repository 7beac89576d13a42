//go:build tools

// Package tools names etcd's server, built in a module of its own: its versions of k8s.io and
// grpc differ from Kubernetes' own.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
