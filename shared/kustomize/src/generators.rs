//! configMapGenerator and secretGenerator.

use crate::error::Error;
use crate::kustomization::{GeneratorArgs, GeneratorOptions};
use crate::loader::DirLoader;
use crate::resource::{Behavior, Resource};
use base64::Engine;
use serde_json::{Map, Value, json};

/// Which object a generator makes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum GeneratedKind {
    /// A ConfigMap.
    ConfigMap,
    /// A Secret.
    Secret,
}

impl GeneratedKind {
    fn name(self) -> &'static str {
        match self {
            GeneratedKind::ConfigMap => "ConfigMap",
            GeneratedKind::Secret => "Secret",
        }
    }
    fn field(self) -> &'static str {
        match self {
            GeneratedKind::ConfigMap => "configMapGenerator",
            GeneratedKind::Secret => "secretGenerator",
        }
    }
}

fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

struct Collected {
    data: Map<String, Value>,
    binary: Map<String, Value>,
}

impl Collected {
    fn add(
        &mut self,
        key: &str,
        value: Vec<u8>,
        field: &str,
        loader: &DirLoader,
    ) -> Result<(), Error> {
        if key.is_empty() {
            return Err(Error::invalid(
                &loader.kustomization,
                field,
                "a ConfigMap or Secret key cannot be empty",
            ));
        }
        if self.data.contains_key(key) || self.binary.contains_key(key) {
            return Err(Error::invalid(
                &loader.kustomization,
                field,
                format!("cannot add key '{key}', another key by that name already exists"),
            ));
        }
        match String::from_utf8(value) {
            Ok(text) => self.data.insert(key.to_string(), Value::String(text)),
            Err(e) => self.binary.insert(
                key.to_string(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(e.into_bytes())),
            ),
        };
        Ok(())
    }
}

fn parse_env_file(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match trimmed.split_once('=') {
            Some((k, v)) => out.push((k.to_string(), v.to_string())),
            None => out.push((trimmed.to_string(), String::new())),
        }
    }
    out
}

/// Merge global and per-generator options (per-generator wins).
fn merged_options(
    global: Option<&GeneratorOptions>,
    local: Option<&GeneratorOptions>,
) -> GeneratorOptions {
    let mut out = global.cloned().unwrap_or_default();
    if let Some(l) = local {
        if let Some(labels) = &l.labels {
            out.labels
                .get_or_insert_with(Default::default)
                .extend(labels.clone());
        }
        if let Some(a) = &l.annotations {
            out.annotations
                .get_or_insert_with(Default::default)
                .extend(a.clone());
        }
        if l.disable_name_suffix_hash.is_some() {
            out.disable_name_suffix_hash = l.disable_name_suffix_hash;
        }
        if l.immutable.is_some() {
            out.immutable = l.immutable;
        }
    }
    out
}

/// Make the object one generator entry describes.
pub fn generate(
    loader: &DirLoader,
    kind: GeneratedKind,
    index: usize,
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
) -> Result<Resource, Error> {
    let field = format!("{}[{index}]", kind.field());
    if args.name.is_empty() {
        return Err(Error::invalid(
            &loader.kustomization,
            format!("{field}.name"),
            "a generator needs a name",
        ));
    }
    let mut c = Collected {
        data: Map::new(),
        binary: Map::new(),
    };
    let mut envs = args.envs.clone();
    if let Some(e) = &args.env {
        envs.push(e.clone());
    }
    for (i, env) in envs.iter().enumerate() {
        let f = format!("{field}.envs[{i}]");
        let (_, text) = loader.read_text(env, &f)?;
        for (k, v) in parse_env_file(&text) {
            c.add(&k, v.into_bytes(), &f, loader)?;
        }
    }
    for (i, lit) in args.literals.iter().enumerate() {
        let f = format!("{field}.literals[{i}]");
        let Some((k, v)) = lit.split_once('=') else {
            return Err(Error::invalid(
                &loader.kustomization,
                f,
                format!("literal '{lit}' must be key=value"),
            ));
        };
        c.add(k, unquote(v).as_bytes().to_vec(), &f, loader)?;
    }
    for (i, file) in args.files.iter().enumerate() {
        let f = format!("{field}.files[{i}]");
        let (key, path) = match file.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => {
                let name = std::path::Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                (name, file.clone())
            }
        };
        let (_, bytes) = loader.read_bytes(&path, &f)?;
        c.add(&key, bytes, &f, loader)?;
    }
    let opts = merged_options(global, args.options.as_ref());
    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(args.name.clone()));
    if let Some(ns) = &args.namespace {
        metadata.insert("namespace".into(), Value::String(ns.clone()));
    }
    if let Some(labels) = opts.labels.as_ref().filter(|l| !l.is_empty()) {
        metadata.insert("labels".into(), json!(labels));
    }
    if let Some(a) = opts.annotations.as_ref().filter(|a| !a.is_empty()) {
        metadata.insert("annotations".into(), json!(a));
    }
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), Value::String("v1".into()));
    obj.insert("kind".into(), Value::String(kind.name().into()));
    obj.insert("metadata".into(), Value::Object(metadata));
    match kind {
        GeneratedKind::ConfigMap => {
            if !c.data.is_empty() {
                obj.insert("data".into(), Value::Object(c.data));
            }
            if !c.binary.is_empty() {
                obj.insert("binaryData".into(), Value::Object(c.binary));
            }
        }
        GeneratedKind::Secret => {
            let mut data = c.binary;
            for (k, v) in c.data {
                let text = v.as_str().unwrap_or_default();
                data.insert(
                    k,
                    Value::String(base64::engine::general_purpose::STANDARD.encode(text)),
                );
            }
            if !data.is_empty() {
                obj.insert("data".into(), Value::Object(data));
            }
            obj.insert(
                "type".into(),
                Value::String(args.kind.clone().unwrap_or_else(|| "Opaque".into())),
            );
        }
    }
    if opts.immutable == Some(true) {
        obj.insert("immutable".into(), Value::Bool(true));
    }
    let behavior = match args.behavior.as_deref() {
        None | Some("") | Some("create") => Behavior::Create,
        Some("merge") => Behavior::Merge,
        Some("replace") => Behavior::Replace,
        Some(other) => {
            return Err(Error::invalid(
                &loader.kustomization,
                format!("{field}.behavior"),
                format!("unknown behavior '{other}' (expected create, merge or replace)"),
            ));
        }
    };
    let mut res = Resource::new(Value::Object(obj));
    res.needs_hash = opts.disable_name_suffix_hash != Some(true);
    res.behavior = behavior;
    Ok(res)
}

/// Add a generated object, merging with or replacing an existing one as its behavior says. On
/// merge or replace, the existing object decides whether a hash suffix is added.
pub fn add_generated(
    loader: &DirLoader,
    field: &str,
    resources: &mut Vec<Resource>,
    generated: Resource,
) -> Result<(), Error> {
    let id = generated.id();
    let existing = resources.iter().position(|r| {
        r.kind() == id.kind
            && r.all_ids()
                .iter()
                .any(|old| old.name == id.name && old.kind == id.kind && old.same_namespace(&id))
    });
    match (generated.behavior, existing) {
        (Behavior::Create, None) => {
            resources.push(generated);
            Ok(())
        }
        (Behavior::Create, Some(_)) => Err(Error::DuplicateResource {
            kustomization: loader.kustomization.clone(),
            id: id.to_string(),
        }),
        (_, None) => Err(Error::invalid(
            &loader.kustomization,
            field,
            format!(
                "{} {} has behavior merge or replace, but there is no existing object of that name to change",
                id.kind, id.name
            ),
        )),
        (Behavior::Replace, Some(i)) => {
            let old = &mut resources[i];
            let name = old.name().to_string();
            let mut obj = generated.obj;
            obj["metadata"]["name"] = Value::String(name);
            old.obj = obj;
            Ok(())
        }
        (Behavior::Merge, Some(i)) => {
            let old = &mut resources[i];
            for key in ["data", "binaryData"] {
                if let Some(Value::Object(new)) = generated.obj.get(key) {
                    let target = old
                        .obj
                        .as_object_mut()
                        .expect("object")
                        .entry(key)
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(t) = target {
                        for (k, v) in new {
                            t.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            for key in ["labels", "annotations"] {
                if let Some(Value::Object(new)) = generated.obj["metadata"].get(key) {
                    let md = old.metadata_mut();
                    let target = md.entry(key).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(t) = target {
                        for (k, v) in new {
                            t.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            Ok(())
        }
    }
}
