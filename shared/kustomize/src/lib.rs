//! A kustomize engine: a directory tree in, Kubernetes objects out. Pure: no network, no cluster.
