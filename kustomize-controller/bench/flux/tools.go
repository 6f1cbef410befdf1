//go:build tools

// Package tools pins Flux's kustomize-controller as a dependency of this wrapper module.
package tools

import _ "github.com/fluxcd/kustomize-controller"
