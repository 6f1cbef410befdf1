//! The CustomResourceDefinitions of every kind, as Flux publishes them.
//!
//! kube's derive produces the schema; [`finish_crd`] then adjusts it to match Flux's generated
//! CRDs: no `nullable` markers, and `status` defaulting to `{observedGeneration: -1}`.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, JSONSchemaProps,
};
use kube_core::CustomResourceExt;

/// One CRD and the file name Flux gives it under `config/crd/bases`.
#[derive(Clone, Debug)]
pub struct GeneratedCrd {
    /// `<group>_<plural>.yaml`, e.g. `source.toolkit.fluxcd.io_gitrepositories.yaml`.
    pub file_name: String,
    /// The finished CRD.
    pub crd: CustomResourceDefinition,
}

/// The CRDs of every kind in this crate, in a stable order.
pub fn all() -> Vec<GeneratedCrd> {
    derived_crds()
        .into_iter()
        .map(|crd| {
            let crd = finish_crd(crd);
            GeneratedCrd {
                file_name: format!("{}_{}.yaml", crd.spec.group, crd.spec.names.plural),
                crd,
            }
        })
        .collect()
}

/// The CRD of every kind as kube's derive produces it.
fn derived_crds() -> Vec<CustomResourceDefinition> {
    use crate::kustomize::v1 as kustomize;
    use crate::source::v1 as source;
    vec![
        source::GitRepository::crd(),
        source::OCIRepository::crd(),
        source::HelmRepository::crd(),
        source::HelmChart::crd(),
        source::Bucket::crd(),
        source::ExternalArtifact::crd(),
        kustomize::Kustomization::crd(),
        crate::helm::v2::HelmRelease::crd(),
        crate::source_extensions::v1beta1::ArtifactGenerator::crd(),
        crate::notification::v1beta3::Provider::crd(),
        crate::notification::v1beta3::Alert::crd(),
        crate::notification::v1::Receiver::crd(),
        crate::image::v1::ImageRepository::crd(),
        crate::image::v1::ImagePolicy::crd(),
        crate::image::v1::ImageUpdateAutomation::crd(),
    ]
}

/// Makes a derived CRD look like Flux's: strips `nullable` (Flux's optional fields are simply
/// not required), does not require `spec` at the root, and gives a `status` that has
/// `observedGeneration` the default `{"observedGeneration": -1}`.
pub fn finish_crd(mut crd: CustomResourceDefinition) -> CustomResourceDefinition {
    for version in &mut crd.spec.versions {
        let Some(validation) = version.schema.as_mut() else {
            continue;
        };
        let Some(root) = validation.open_api_v3_schema.as_mut() else {
            continue;
        };
        strip_nullable(root);
        root.required = None;
        let status = root.properties.as_mut().and_then(|p| p.get_mut("status"));
        let has_observed_generation = |s: &JSONSchemaProps| {
            s.properties
                .as_ref()
                .is_some_and(|p| p.contains_key("observedGeneration"))
        };
        let Some(status) = status else {
            continue;
        };
        if has_observed_generation(status) {
            status.default = Some(
                k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSON(
                    serde_json::json!({"observedGeneration": -1}),
                ),
            );
        }
        validate_conditions(status);
    }
    crd
}

/// Adds the validation `metav1.Condition` carries in every CRD built by controller-gen (and so in
/// Flux's): status is True/False/Unknown, type and reason are identifiers of bounded length.
fn validate_conditions(status: &mut JSONSchemaProps) {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
        JSON, JSONSchemaPropsOrArray,
    };
    let Some(conditions) = status
        .properties
        .as_mut()
        .and_then(|p| p.get_mut("conditions"))
    else {
        return;
    };
    let Some(JSONSchemaPropsOrArray::Schema(item)) = conditions.items.as_mut() else {
        return;
    };
    let Some(fields) = item.properties.as_mut() else {
        return;
    };
    if let Some(type_) = fields.get_mut("type") {
        type_.max_length = Some(316);
        type_.pattern = Some(
            r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
                .into(),
        );
    }
    if let Some(status) = fields.get_mut("status") {
        status.enum_ = Some(
            ["True", "False", "Unknown"]
                .map(|v| JSON(v.into()))
                .to_vec(),
        );
    }
    if let Some(reason) = fields.get_mut("reason") {
        reason.min_length = Some(1);
        reason.max_length = Some(1024);
        reason.pattern = Some(r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$".into());
    }
    if let Some(message) = fields.get_mut("message") {
        message.max_length = Some(32768);
    }
    if let Some(generation) = fields.get_mut("observedGeneration") {
        generation.minimum = Some(0.0);
    }
}

fn strip_nullable(schema: &mut JSONSchemaProps) {
    schema.nullable = None;
    let children = schema
        .properties
        .iter_mut()
        .flat_map(|p| p.values_mut())
        .chain(schema.all_of.iter_mut().flatten())
        .chain(schema.any_of.iter_mut().flatten())
        .chain(schema.one_of.iter_mut().flatten());
    let children: Vec<&mut JSONSchemaProps> = children.collect();
    for child in children {
        strip_nullable(child);
    }
    if let Some(items) = schema.items.as_mut() {
        match items {
            k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrArray::Schema(s) => strip_nullable(s),
            k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrArray::Schemas(list) => {
                list.iter_mut().for_each(strip_nullable)
            }
        }
    }
    if let Some(k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrBool::Schema(s)) =
        schema.additional_properties.as_mut()
    {
        strip_nullable(s);
    }
}
