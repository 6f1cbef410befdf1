//! The images transformer: new names, tags and digests for container images.

use crate::kustomization::ImageOverride;
use crate::resource::Resource;
use serde_json::Value;

/// An image reference split into name, tag and digest.
struct ImageRef<'a> {
    name: &'a str,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
}

fn split_image(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rest[slash..].rfind(':') {
        Some(c) => ImageRef {
            name: &rest[..slash + c],
            tag: Some(&rest[slash + c + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

fn tag_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The image after an override, or None when the override does not apply.
pub fn override_image(image: &str, ov: &ImageOverride) -> Option<String> {
    let parts = split_image(image);
    if parts.name != ov.name {
        return None;
    }
    let name = ov.new_name.as_deref().unwrap_or(parts.name);
    let mut tag = parts.tag.map(str::to_string);
    let mut digest = parts.digest.map(str::to_string);
    match (&ov.new_tag, &ov.digest) {
        (Some(t), Some(d)) => {
            tag = Some(tag_text(t));
            digest = Some(d.clone());
        }
        (Some(t), None) => {
            tag = Some(tag_text(t));
            digest = None;
        }
        (None, Some(d)) => {
            digest = Some(d.clone());
            tag = None;
        }
        (None, None) => {}
    }
    if let Some(suffix) = &ov.tag_suffix {
        tag = Some(format!("{}{suffix}", tag.unwrap_or_default()));
    }
    let mut out = name.to_string();
    if let Some(t) = tag {
        out.push(':');
        out.push_str(&t);
    }
    if let Some(d) = digest {
        out.push('@');
        out.push_str(&d);
    }
    Some(out)
}

/// Apply the overrides to every `containers`/`initContainers` list found anywhere in each object.
pub fn apply(resources: &mut [Resource], overrides: &[ImageOverride]) {
    if overrides.is_empty() {
        return;
    }
    for res in resources.iter_mut() {
        walk(&mut res.obj, overrides);
    }
}

fn walk(node: &mut Value, overrides: &[ImageOverride]) {
    match node {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if (k == "containers" || k == "initContainers")
                    && let Value::Array(items) = v
                {
                    for c in items.iter_mut() {
                        update_container(c, overrides);
                    }
                }
                walk(v, overrides);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| walk(i, overrides)),
        _ => {}
    }
}

fn update_container(c: &mut Value, overrides: &[ImageOverride]) {
    let Some(image) = c.get("image").and_then(Value::as_str) else {
        return;
    };
    for ov in overrides {
        if let Some(new) = override_image(image, ov) {
            c["image"] = Value::String(new);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ov(
        name: &str,
        new_name: Option<&str>,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> ImageOverride {
        ImageOverride {
            name: name.into(),
            new_name: new_name.map(Into::into),
            new_tag: tag.map(|t| Value::String(t.into())),
            digest: digest.map(Into::into),
            tag_suffix: None,
        }
    }

    #[test]
    fn overrides() {
        assert_eq!(
            override_image("nginx:1.0", &ov("nginx", None, Some("2.0"), None)).unwrap(),
            "nginx:2.0"
        );
        assert_eq!(
            override_image(
                "reg:5000/nginx",
                &ov("reg:5000/nginx", Some("x/y"), None, None)
            )
            .unwrap(),
            "x/y"
        );
        assert_eq!(
            override_image(
                "nginx:1@sha256:a",
                &ov("nginx", None, None, Some("sha256:b"))
            )
            .unwrap(),
            "nginx@sha256:b"
        );
        assert!(override_image("nginxx", &ov("nginx", None, Some("1"), None)).is_none());
    }
}
