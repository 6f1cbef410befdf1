// Wrapper module that builds Flux's kustomize-controller from its published Go module, for the
// side-by-side benchmark (kustomize-controller/bench/run.sh). Flux's own go.mod replaces its api
// module with ./api, which only works inside its repository; here the api module is required at
// the matching version instead, and Flux's other replace directives are repeated (replace lines
// of a dependency do not apply to its dependents).
module ferroflux.dev/bench/flux-kustomize-controller

go 1.25.0

require (
	github.com/fluxcd/kustomize-controller v1.7.3
	github.com/fluxcd/kustomize-controller/api v1.7.3
)

replace github.com/opencontainers/go-digest => github.com/opencontainers/go-digest v1.0.1-0.20220411205349-bde1400a84be

replace (
	sigs.k8s.io/kustomize/api => sigs.k8s.io/kustomize/api v0.20.1
	sigs.k8s.io/kustomize/kyaml => sigs.k8s.io/kustomize/kyaml v0.20.1
)

replace gopkg.in/yaml.v3 => gopkg.in/yaml.v3 v3.0.1
