module ferroflux.dev/bench/flux-source-controller

go 1.25.0

require (
	github.com/fluxcd/source-controller v1.7.3
	github.com/fluxcd/source-controller/api v1.7.3
)

replace github.com/opencontainers/go-digest => github.com/opencontainers/go-digest v1.0.1-0.20220411205349-bde1400a84be
