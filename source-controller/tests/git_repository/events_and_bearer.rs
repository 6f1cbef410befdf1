//! Events reach notification-controller's endpoint and the Kubernetes API; bearer tokens are
//! sent as `Authorization: Bearer` (through a token-checking proxy in front of the Git server,
//! whose own web server only does basic auth).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use ferroflux_api::meta::LocalObjectReference;
use ferroflux_api::source::v1::GitRepositoryRef;
use ferroflux_e2e::{ensure_cluster, eventually, with_temp_namespace};
use k8s_openapi::api::events::v1::Event;
use kube::Api;

use crate::harness::*;

const TOKEN: &str = "bearer-t0ken-value";

fn main_branch() -> Option<GitRepositoryRef> {
    Some(GitRepositoryRef {
        branch: Some("main".into()),
        ..Default::default()
    })
}

#[tokio::test]
async fn new_artifact_events_are_posted_and_recorded() {
    harness();
    let repo = ensure_cluster().services().create_repo("events");
    let c = repo.commit_files(&[("a.yaml", "a\n")], "event commit");
    with_temp_namespace(|client, ns| async move {
        let mut obj = git_repository(&ns, "ev", &repo.http_url());
        obj.spec.reference = main_branch();
        create(&client, &obj).await;
        let obj = wait_for(&client, &ns, "ev", "ready", |o| {
            ready_with(o, |r| r.ends_with(&c))
        })
        .await;
        let posted = eventually("event POSTed", Duration::from_secs(20), || async {
            RECEIVED_EVENTS
                .lock()
                .unwrap()
                .iter()
                .find(|e| e["involvedObject"]["namespace"] == ns.as_str())
                .cloned()
        })
        .await;
        assert_eq!(posted["involvedObject"]["kind"], "GitRepository");
        assert_eq!(
            posted["involvedObject"]["apiVersion"],
            "source.toolkit.fluxcd.io/v1"
        );
        assert_eq!(posted["severity"], "info");
        assert_eq!(posted["reason"], "NewArtifact");
        assert_eq!(posted["reportingController"], "source-controller");
        assert_eq!(
            posted["message"],
            "stored artifact for commit 'event commit'"
        );
        assert_eq!(
            posted["metadata"]["source.toolkit.fluxcd.io/revision"],
            format!("main@sha1:{c}")
        );
        assert_eq!(
            posted["metadata"]["source.toolkit.fluxcd.io/digest"],
            obj.artifact().unwrap().digest.clone().unwrap()
        );
        assert!(
            posted["timestamp"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
        let events: Api<Event> = Api::namespaced(client.clone(), &ns);
        eventually("Kubernetes event", Duration::from_secs(20), || async {
            let list = events.list(&Default::default()).await.ok()?;
            list.items
                .into_iter()
                .find(|e| e.reason.as_deref() == Some("NewArtifact"))
        })
        .await;
    })
    .await;
}

/// Forwards Git smart-HTTP requests to the real server when the bearer token matches.
async fn proxy(
    State(upstream): State<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Bearer {TOKEN}") {
        return (StatusCode::UNAUTHORIZED, HeaderMap::new(), Bytes::new());
    }
    let url = format!(
        "{upstream}{}",
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut req = reqwest::Client::new().request(method, url).body(body);
    for name in ["content-type", "content-encoding", "git-protocol", "accept"] {
        if let Some(v) = headers.get(name) {
            req = req.header(name, v);
        }
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let mut out = HeaderMap::new();
    for name in ["content-type", "cache-control"] {
        if let Some(v) = resp.headers().get(name) {
            out.insert(name, v.clone());
        }
    }
    (status, out, resp.bytes().await.unwrap())
}

#[tokio::test]
async fn bearer_token_is_sent_as_authorization_header() {
    harness();
    ferroflux_runtime::tls::install_crypto_provider();
    let services = ensure_cluster().services();
    let repo = services.create_repo("bearer");
    let c = repo.commit_files(&[("a.yaml", "a\n")], "one");
    let http = repo.http_url();
    let base = services.git_http_base.clone();
    let origin = base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(proxy)
        .with_state(origin.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let proxied = http.replacen(&origin, &format!("http://{addr}"), 1);
    with_temp_namespace(|client, ns| async move {
        create_secret(&client, &ns, "token", &[("bearerToken", TOKEN.to_string())]).await;
        let mut obj = git_repository(&ns, "bearer", &proxied);
        obj.spec.reference = main_branch();
        obj.spec.secret_ref = Some(LocalObjectReference {
            name: "token".into(),
        });
        create(&client, &obj).await;
        wait_for(&client, &ns, "bearer", "ready via bearer", |o| {
            ready_with(o, |r| r.ends_with(&c))
        })
        .await;

        let mut obj = git_repository(&ns, "no-token", &proxied);
        obj.spec.reference = main_branch();
        create(&client, &obj).await;
        let obj = wait_for(&client, &ns, "no-token", "refused", |o| {
            not_ready_because(o, "GitOperationFailed")
        })
        .await;
        assert!(!condition(&obj, "Ready").unwrap().message.contains(TOKEN));
    })
    .await;
}
