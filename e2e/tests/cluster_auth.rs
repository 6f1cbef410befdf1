//! The apiserver authenticates and authorizes: no credentials and an unprivileged ServiceAccount
//! are refused, a ServiceAccount with a Role is let in.

use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{Namespace, Pod, ServiceAccount};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::Api;
use kube::api::{ListParams, PostParams};
use kube::config::AuthInfo;

use ferroflux_e2e::{ensure_cluster, with_temp_namespace};

/// A client that presents `auth` instead of the admin client certificate.
async fn client_with(auth: AuthInfo) -> kube::Client {
    let mut config = ensure_cluster().kube_config().await;
    config.auth_info = auth;
    kube::Client::try_from(config).unwrap()
}

fn status_code<T: std::fmt::Debug>(result: kube::Result<T>) -> u16 {
    match result {
        Err(kube::Error::Api(status)) => status.code,
        other => panic!("expected an API error status, got {other:?}"),
    }
}

/// A bearer token for ServiceAccount `name` in `ns`, from the TokenRequest API.
async fn service_account_token(client: &kube::Client, ns: &str, name: &str) -> String {
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), ns);
    let account =
        serde_json::from_value(serde_json::json!({ "metadata": { "name": name } })).unwrap();
    accounts
        .create(&PostParams::default(), &account)
        .await
        .unwrap();
    let request = TokenRequest {
        spec: TokenRequestSpec {
            expiration_seconds: Some(600),
            ..TokenRequestSpec::default()
        },
        ..TokenRequest::default()
    };
    let response = accounts
        .create_token_request(name, &PostParams::default(), &request)
        .await
        .unwrap();
    response
        .status
        .expect("TokenRequest returned no status")
        .token
}

#[tokio::test]
async fn unauthenticated_request_is_refused() {
    let client = client_with(AuthInfo::default()).await;
    let code = status_code(
        Api::<Namespace>::all(client)
            .list(&ListParams::default())
            .await,
    );
    assert!(
        code == 401 || code == 403,
        "anonymous list namespaces answered {code}"
    );
}

#[tokio::test]
async fn service_account_without_rbac_is_forbidden_and_with_a_role_is_allowed() {
    with_temp_namespace(|admin, ns| async move {
        let token = service_account_token(&admin, &ns, "reader").await;
        let as_sa = client_with(AuthInfo { token: Some(token.into()), ..AuthInfo::default() }).await;
        let pods: Api<Pod> = Api::namespaced(as_sa.clone(), &ns);

        // Authenticated (not 401) but not authorized.
        assert_eq!(status_code(pods.list(&ListParams::default()).await), 403);

        let role: Role = serde_json::from_value(serde_json::json!({
            "metadata": { "name": "pod-reader" },
            "rules": [{ "apiGroups": [""], "resources": ["pods"], "verbs": ["list"] }]
        }))
        .unwrap();
        let binding: RoleBinding = serde_json::from_value(serde_json::json!({
            "metadata": { "name": "pod-reader" },
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader" },
            "subjects": [{ "kind": "ServiceAccount", "name": "reader", "namespace": ns }]
        }))
        .unwrap();
        Api::<Role>::namespaced(admin.clone(), &ns).create(&PostParams::default(), &role).await.unwrap();
        Api::<RoleBinding>::namespaced(admin.clone(), &ns)
            .create(&PostParams::default(), &binding)
            .await
            .unwrap();

        // RBAC changes apply within a moment; the same token is now allowed to list pods only.
        ferroflux_e2e::eventually("RoleBinding to take effect", std::time::Duration::from_secs(10), || async {
            pods.list(&ListParams::default()).await.ok()
        })
        .await;
        let other_ns_pods: Api<Pod> = Api::namespaced(as_sa, "default");
        assert_eq!(status_code(other_ns_pods.list(&ListParams::default()).await), 403);
    })
    .await;
}
