//go:build tools

// Package tools pins Flux's source-controller as a dependency of this wrapper module.
package tools

import _ "github.com/fluxcd/source-controller"
