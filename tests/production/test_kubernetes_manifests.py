"""The Kubernetes manifests (deploy/kubernetes/), checked without a cluster: every resource against
Kubernetes 1.28's own API schemas (kubernetes-validate, strict: an unknown or misplaced field fails),
and the references between resources that only a running cluster would otherwise catch (a Service
selecting no pod, a probe on a port that does not exist, a variable nobody sets)."""
from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List

import kubernetes_validate
import pytest
import yaml

from bot.paths import ROOT

K8S = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.28.0"
WORKLOADS = ("Deployment", "StatefulSet", "Job")


def _documents() -> List[Dict[str, Any]]:
    out = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                out.append({**document, "_file": path.name})
    return out


DOCUMENTS = _documents()


def _of(kind: str) -> List[Dict[str, Any]]:
    return [d for d in DOCUMENTS if d["kind"] == kind]


def _containers() -> Iterator[tuple]:
    for workload in (d for d in DOCUMENTS if d["kind"] in WORKLOADS):
        for container in workload["spec"]["template"]["spec"]["containers"]:
            yield workload, container


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: f"{d['_file']}:{d['kind']}/{d['metadata']['name']}")
def test_every_resource_fits_the_kubernetes_api_schema(document):
    resource = {k: v for k, v in document.items() if k != "_file"}
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest_and_nothing_else():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert kustomization["namespace"] == _of("Namespace")[0]["metadata"]["name"]


def test_every_long_running_container_has_readiness_and_liveness_probes_on_its_own_ports():
    for workload, container in _containers():
        if workload["kind"] == "Job":
            continue
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        for probe in ("readinessProbe", "livenessProbe"):
            assert probe in container, f"{workload['metadata']['name']}: no {probe}"
            port = container[probe]["httpGet"]["port"]
            assert port in ports or port in ports.values(), f"{workload['metadata']['name']}: {probe} on {port}"


def test_services_select_pods_and_reach_named_ports():
    for service in _of("Service"):
        selector = service["spec"]["selector"]
        targets = [c for w, c in _containers()
                   if selector.items() <= w["spec"]["template"].get("metadata", {}).get("labels", {}).items()]
        assert targets, f"Service {service['metadata']['name']} selects no pod"
        names = {p["name"] for c in targets for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in names, f"Service {service['metadata']['name']}: {port['targetPort']}"


def test_the_ingress_routes_to_existing_services_and_ports():
    services = {s["metadata"]["name"]: {p["name"] for p in s["spec"]["ports"]} for s in _of("Service")}
    for ingress in _of("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["port"]["name"] in services[backend["name"]]


def test_every_variable_the_endpoints_file_reads_is_set_in_the_cluster():
    config = {k for c in _of("ConfigMap") for k in (c.get("data") or {})}
    secrets = {line.split("=", 1)[0] for line in (K8S / "secrets.example.env").read_text().splitlines()
               if line and not line.startswith("#")}
    endpoints = "\n".join(line for line in (ROOT / "deploy" / "endpoints.yml").read_text().splitlines()
                          if not line.lstrip().startswith("#"))
    needed = set(re.findall(r"\$\{(\w+)\}", endpoints))
    assert needed and needed <= config | secrets, sorted(needed - config - secrets)
    for workload, container in _containers():
        refs = {ref.get("configMapRef", {}).get("name") for ref in container.get("envFrom", [])}
        assert "bussola-settings" in refs, f"{workload['metadata']['name']} misses the settings"


def test_config_maps_and_secrets_carry_no_secret_values_in_the_repository():
    for config in _of("ConfigMap"):
        for key in config.get("data") or {}:
            assert not re.search(r"PASSWORD|TOKEN|SECRET", key), key
    for line in (K8S / "secrets.example.env").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            value = line.split("=", 1)[1]
            assert value == "" or "CHANGE_ME" in value or value.startswith("https://"), line


def test_the_documented_topology_is_the_one_in_the_manifests():
    replicas = {d["metadata"]["name"]: d["spec"].get("replicas") for d in DOCUMENTS
                if d["kind"] in ("Deployment", "StatefulSet")}
    assert replicas["bussola-rasa"] >= 2 and replicas["bussola-actions"] >= 2
    rasa = next(c for w, c in _containers() if w["metadata"]["name"] == "bussola-rasa")
    # one Sanic worker per pod: Kubernetes spreads the load over pods, not inside one
    assert {"name": "SANIC_WORKERS", "value": "1"} in rasa["env"]
    assert "--auth-token" in rasa["args"][0]  # the HTTP API never without its token
