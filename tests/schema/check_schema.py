#!/usr/bin/python3
"""Keeps docs/scenario.schema.json true (a ctest case; run it by hand the same way).

    check_schema.py --sdsim BUILD/sdsim --root SOURCE_DIR

1. Every scenario under scenarios/ validates against the schema, and a scenario with a
   misspelt key does not (additionalProperties: false everywhere).
2. The schema lists exactly the keys the loader accepts. The loader's own list comes from
   `sdsim keys` over every scenario under scenarios/ and every bad-input case under
   tests/config/: for each mapping it loaded, the keys its parser asked for, named by place
   (path of keys, "[]" a list item, "[KIND]" a component of that kind). Both directions:
   a key the loader accepted that the schema rejects, and a key the schema allows at a
   place that no file ever got the loader to accept (add it to an example, as
   docs/reference.md promises, or remove it from the schema).
   PENDING lists keys of features that live on other branches: the schema has them first.

Exit 0 when all holds; otherwise every problem is printed and the exit code is 1.
"""

import argparse
import copy
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml

# Keys in the schema that the loader does not accept yet (a feature being built on another
# branch): top-level key -> reason. Everything at or under them is skipped in the schema ->
# loader direction only. Empty on main.
PENDING = {}


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where `on:` and `yes` are booleans; sdsim's loader (yaml-cpp) and
    yaml-language-server read `on` as the string it is. Booleans here are true/false only."""


Yaml12Loader.yaml_implicit_resolvers = copy.deepcopy(yaml.SafeLoader.yaml_implicit_resolvers)
for first in "yYnNoO":
    Yaml12Loader.yaml_implicit_resolvers[first] = [
        r for r in Yaml12Loader.yaml_implicit_resolvers.get(first, [])
        if r[0] != "tag:yaml.org,2002:bool"
    ]


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def show(path):
    return ".".join(path) if path else "(top level)"


class SchemaWalker:
    """Follows a place (path of keys, "[]", "[KIND]") through the schema to the object
    schemas that apply there. The schema uses a small set of constructs: $ref, properties,
    additionalProperties, items, anyOf/oneOf/allOf, and if/then on `kind`."""

    def __init__(self, schema):
        self.schema = schema

    def resolve(self, s):
        while isinstance(s, dict) and "$ref" in s:
            ref = s["$ref"]
            assert ref.startswith("#/"), ref
            node = self.schema
            for part in ref[2:].split("/"):
                node = node[part]
            s = node
        return s

    def branches(self, s):
        """The schema and every schema it is combined with (allOf/anyOf/oneOf, then)."""
        s = self.resolve(s)
        if not isinstance(s, dict):
            return []  # true/false: any value / no value (a key known but not allowed here)
        out = [s]
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in s.get(key, []):
                out += self.branches(sub)
        if "then" in s:
            out += self.branches(s["then"])
        return out

    def step(self, schemas, seg):
        out = []
        for s in schemas:
            for b in self.branches(s):
                if seg.startswith("[") and seg.endswith("]"):
                    if "items" not in b:
                        continue
                    kind = seg[1:-1]
                    item = self.resolve(b["items"])
                    if kind and any("if" in x for x in item.get("allOf", [])):
                        for x in item["allOf"]:
                            cond = x.get("if", {}).get("properties", {}).get("kind", {})
                            if cond.get("const") == kind:
                                out.append(x["then"])
                    else:
                        out.append(item)
                elif seg in b.get("properties", {}):
                    out.append(b["properties"][seg])
                elif isinstance(b.get("additionalProperties"), dict):
                    out.append(b["additionalProperties"])
        return out

    def objects_at(self, path):
        """(fixed keys, free) at a place: the union of the properties of the object schemas
        that apply there; free when one of them takes any key (a map of names)."""
        schemas = [self.schema]
        for seg in path:
            schemas = self.step(schemas, seg)
        keys, free, found = set(), False, False
        for s in schemas:
            for b in self.branches(s):
                if b.get("type") == "object" or "properties" in b:
                    found = True
                    if b.get("additionalProperties") is False:
                        keys |= set(b.get("properties", {}))
                    else:
                        free = True
        return found, keys, free

    def places(self, s=None, path=(), depth=0):
        """Every place of the schema that holds an object with fixed keys: (path, the object
        schema, its keys). One object schema (a $defs entry) may sit at several places."""
        if s is None:
            s = self.schema
        if depth > 12:
            return
        for b in self.branches(s):
            if "properties" in b and b.get("additionalProperties") is False:
                yield path, b, set(b["properties"])
                for k, sub in b["properties"].items():
                    yield from self.places(sub, path + (k,), depth + 1)
            if isinstance(b.get("additionalProperties"), dict):
                yield from self.places(b["additionalProperties"], path + ("*",), depth + 1)
            if "items" in b:
                item = self.resolve(b["items"])
                kinds = [x for x in item.get("allOf", []) if "if" in x]
                if kinds:
                    for x in kinds:
                        kind = x["if"]["properties"]["kind"]["const"]
                        yield from self.places(x["then"], path + ("[" + kind + "]",), depth + 1)
                else:
                    yield from self.places(item, path + ("[]",), depth + 1)


def matches(pattern, path):
    """A schema place with "*" (any key of a free map) against a loader place."""
    return len(pattern) == len(path) and all(p in ("*", q) for p, q in zip(pattern, path))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdsim", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    root = args.root
    with open(os.path.join(root, "docs/scenario.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    problems = []

    # The schema itself.
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    # 1. Every scenario validates; a misspelt key does not.
    scenarios = sorted(glob.glob(os.path.join(root, "scenarios/**/*.yaml"), recursive=True))
    if not scenarios:
        problems.append("no scenario found under scenarios/")
    for path in scenarios:
        rel = os.path.relpath(path, root)
        for e in sorted(validator.iter_errors(load_yaml(path)), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in e.absolute_path)
            problems.append(f"{rel}: {where}: {e.message}")
    example = load_yaml(os.path.join(root, "scenarios/examples/web-service.yaml"))
    service = next(c for c in example["components"] if c.get("kind") == "service")
    service["wokers"] = service.pop("workers", 1)
    if validator.is_valid(example):
        problems.append("a service with the misspelt key 'wokers' passes the schema")

    # 2. The keys: the loader's (sdsim keys) against the schema's.
    files = scenarios + sorted(glob.glob(os.path.join(root, "tests/config/*.yaml")))
    out = subprocess.run([args.sdsim, "keys", "--quiet"] + files, capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        print(f"sdsim keys failed with exit code {out.returncode}", file=sys.stderr)
        return 1
    report = json.loads(out.stdout)
    for f in report["skipped"]:
        problems.append(f"sdsim keys left {f} out (two mappings at one position, or nested too deep)")
    walker = SchemaWalker(schema)
    loader = {tuple(m["path"]): set(m["keys"]) for m in report["maps"]}
    for path, keys in sorted(loader.items()):
        found, allowed, free = walker.objects_at(path)
        if not found:
            problems.append(f"{show(path)}: the loader reads a mapping here; the schema has none")
        elif not free:
            for k in sorted(keys - allowed):
                problems.append(f"{show(path)}: key '{k}' is accepted by the loader, "
                                "missing from the schema")
    # Schema -> loader, per object schema: a $defs entry used at several places (a calls list
    # in a service and in a request class) is one parser, read at any of them.
    groups = {}
    for place, obj, keys in walker.places():
        if place and place[0] in PENDING:
            continue
        groups.setdefault(id(obj), (keys, []))[1].append(place)
    for keys, places in groups.values():
        accepted, hit = set(), False
        for path, loader_keys in loader.items():
            if any(matches(place, path) for place in places):
                hit = True
                accepted |= loader_keys
        name = " or ".join(sorted({show(p) for p in places}))
        if not hit:
            problems.append(f"{name}: the schema has a mapping here that no scenario or "
                            "bad-input case gets the loader to read")
            continue
        for k in sorted(keys - accepted):
            if not places[0] and k in PENDING:
                continue
            problems.append(f"{name}: key '{k}' is in the schema, but the loader accepted "
                            "it in no scenario or bad-input case")

    for p in problems:
        print(p)
    print(f"check_schema: {len(scenarios)} scenarios, {len(files)} files for keys, "
          f"{len(loader)} loader places, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
