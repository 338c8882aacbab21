#!/usr/bin/env python3
"""Checks each document of YAML files against Kubernetes' published JSON schemas (tests/data/k8s-schema), picked
by its apiVersion and kind: a line per violation, and exit status 1 when there is any.  What `kube generate`
writes must be accepted by a cluster, and these schemas are what a cluster's API server publishes."""
import json
import os
import sys

import jsonschema
import yaml

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "k8s-schema", "v1.36")


def schema_path(api_version, kind):
    group, _, version = api_version.rpartition("/")
    parts = [kind.lower()] + ([group.split(".")[0]] if group else []) + [version]
    return os.path.join(SCHEMAS, "-".join(parts) + ".json")


def main(paths):
    problems = 0
    documents = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs = list(yaml.safe_load_all(f))
        for i, doc in enumerate(docs, 1):
            if doc is None:
                continue
            documents += 1
            where = f"{path}:doc{i}"
            if not isinstance(doc, dict):
                print(f"{where}: not a mapping")
                problems += 1
                continue
            schema_file = schema_path(str(doc.get("apiVersion", "")), str(doc.get("kind", "")))
            if not os.path.exists(schema_file):
                print(f"{where}: no schema for {doc.get('apiVersion')} {doc.get('kind')}")
                problems += 1
                continue
            with open(schema_file, encoding="utf-8") as f:
                schema = json.load(f)
            for err in jsonschema.Draft7Validator(schema).iter_errors(doc):
                field = ".".join(str(p) for p in err.absolute_path) or "-"
                print(f"{where}: {doc.get('kind')}: {field}: {err.message}")
                problems += 1
    if problems == 0:
        print(f"{documents} documents valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
