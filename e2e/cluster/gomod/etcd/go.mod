// Wrapper module: builds the etcd server binary (package main at the root of go.etcd.io/etcd/server/v3).
// The etcd module itself uses replace lines, so `go install pkg@version` cannot build it directly.
module ferroflux.invalid/e2e/etcd

go 1.24

require go.etcd.io/etcd/server/v3 v3.6.5
