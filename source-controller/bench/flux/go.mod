// Wrapper module that builds Flux's source-controller from its published Go module, for the
// side-by-side benchmark (source-controller/bench/run.sh). Flux's own go.mod replaces its api
// module with ./api, which only works inside its repository; here the api module is required
// at the matching version instead, and Flux's other replace directive is repeated. Flux
// v1.10 needs Go 1.27: run.sh sets GOTOOLCHAIN, which fetches it as a module.
module ferroflux.dev/bench/flux-source-controller

go 1.27.0

require github.com/fluxcd/source-controller v1.10.1

replace github.com/opencontainers/go-digest => github.com/opencontainers/go-digest v1.0.1-0.20220411205349-bde1400a84be
