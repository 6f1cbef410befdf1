// Wrapper module that builds Flux's source-controller from its published Go module, for the
// side-by-side benchmark (source-controller/bench/run.sh). Flux's own go.mod replaces its api
// module with ./api, which only works inside its repository; here the api module is required
// at the matching version instead, and Flux's other replace directive is repeated. v1.7.3 is the
// newest release whose module graph the Go module proxy reachable here serves in full.
module ferroflux.dev/bench/flux-source-controller

go 1.25.0

require (
	github.com/fluxcd/source-controller v1.7.3
	github.com/fluxcd/source-controller/api v1.7.3
)

replace github.com/opencontainers/go-digest => github.com/opencontainers/go-digest v1.0.1-0.20220411205349-bde1400a84be
