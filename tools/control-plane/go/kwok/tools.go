//go:build tools

// Package tools names kwok, the simulated kubelet that marks pods on fake nodes Running.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
