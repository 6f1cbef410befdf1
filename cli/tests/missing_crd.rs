//! Errors for a missing CRD and a missing object, against a stand-in API server on 127.0.0.1 that
//! knows no CRDs at all (the shared test cluster has every Flux CRD installed by other tests).

use ferroflux_e2e::ferroflux_raw;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

/// Serves `/version` (Kubernetes 1.34) and answers 404 to everything else, like an API server
/// without the requested CRD. Returns the kubeconfig file pointing at it.
async fn start_bare_apiserver(dir: &std::path::Path) -> std::path::PathBuf {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(request)) = lines.next_line().await {
                    // Skip headers; these requests have no body.
                    while let Ok(Some(header)) = lines.next_line().await {
                        if header.is_empty() {
                            break;
                        }
                    }
                    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let (code, body) = if path == "/version" {
                        ("200 OK", r#"{"major":"1","minor":"34","gitVersion":"v1.34.4","platform":"linux/amd64"}"#.to_string())
                    } else {
                        (
                            "404 Not Found",
                            format!(
                                r#"{{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource ({path})","reason":"NotFound","code":404}}"#
                            ),
                        )
                    };
                    let response = format!(
                        "HTTP/1.1 {code}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if write.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: bare\n  cluster:\n    server: http://127.0.0.1:{port}\n\
             contexts:\n- name: bare\n  context:\n    cluster: bare\n    user: u\ncurrent-context: bare\n\
             users:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    kubeconfig
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_crd_and_missing_object_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = start_bare_apiserver(dir.path()).await;
    let kc = kubeconfig.to_str().unwrap();

    let run = ferroflux_raw(&["--kubeconfig", kc, "get", "kustomizations"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.expect_err(
        "the Kustomization CRD (kustomizations.kustomize.toolkit.fluxcd.io) is not installed",
    )
    .expect_err("ferroflux install --components kustomize-controller");

    let run = ferroflux_raw(&["--kubeconfig", kc, "reconcile", "hr", "web", "-n", "apps"]).await;
    run.expect_err("(helmreleases.helm.toolkit.fluxcd.io) is not installed")
        .expect_err("--components helm-controller");

    let run = ferroflux_raw(&["--kubeconfig", kc, "suspend", "image", "policy", "app"]).await;
    run.expect_err("--components image-reflector-controller");

    // `get all` with no Flux CRD at all.
    let run = ferroflux_raw(&["--kubeconfig", kc, "get", "all"]).await;
    run.expect_err("no Flux CRDs are installed in this cluster; run `ferroflux install`");

    // check --pre passes: the server answers and its version is supported.
    let run = ferroflux_raw(&["--kubeconfig", kc, "check", "--pre"])
        .await
        .expect_ok();
    assert!(
        run.stderr.contains("Kubernetes 1.34 >=1.33"),
        "{}",
        run.stderr
    );
}
