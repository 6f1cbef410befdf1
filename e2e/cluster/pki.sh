# shellcheck shell=bash
# Certificates and kubeconfigs for the test cluster, generated with openssl into $PKI. Sourced by up.sh.
# EC P-256 keys: fast to generate and accepted by Kubernetes, rustls and git/curl/openssh alike.

# new_key FILE
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign_cert NAME SUBJECT EXTENSIONS: $PKI/NAME.{key,crt} signed by the CA, valid 30 days.
sign_cert() {
  local name=$1 subject=$2 ext=$3
  new_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -out "$PKI/$name.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$PKI/$name.csr"
}

# generate_pki: a fresh CA, serving certs for the apiserver and the Git server, one client cert per
# component, and the service-account token signing key pair.
generate_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  new_key "$PKI/ca.key"
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=ferroflux-e2e-ca" -days 30 -out "$PKI/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

  local serving="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  sign_cert apiserver "/CN=kube-apiserver" "$serving
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1"
  sign_cert git-server "/CN=ferroflux-git-server" "$serving
subjectAltName=IP:127.0.0.1,DNS:localhost"
  # O=system:masters is the built-in cluster-admin group.
  sign_cert admin "/O=system:masters/CN=ferroflux-admin" "$client"
  sign_cert kwok "/O=system:masters/CN=kwok" "$client"
  # The apiserver's identity towards aggregated API servers (request-header authentication).
  sign_cert front-proxy-client "/CN=front-proxy-client" "$client"
  # These CNs are the users the default RBAC bootstrap policy grants the components' rights to.
  sign_cert kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  sign_cert kube-scheduler "/CN=system:kube-scheduler" "$client"

  new_key "$PKI/sa.key"
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  chmod 600 "$PKI"/*.key
}

# write_kubeconfig FILE USER_CERT_NAME: a kubeconfig with the CA and the client cert embedded.
write_kubeconfig() {
  local file=$1 user=$2
  cat >"$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: ferroflux-e2e
  cluster:
    server: https://127.0.0.1:${PORTS[kube-apiserver]}
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$user.crt")
    client-key-data: $(base64 -w0 <"$PKI/$user.key")
contexts:
- name: ferroflux-e2e
  context:
    cluster: ferroflux-e2e
    user: $user
current-context: ferroflux-e2e
KUBECONFIG
  chmod 600 "$file"
}
