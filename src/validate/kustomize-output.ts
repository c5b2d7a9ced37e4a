import { parse } from "yaml";
import { isClusterScoped } from "./flux-model.js";

/** A value as written after `key: ` in kustomize's output; undefined for anything but a scalar on the line. */
function scalar(text: string): string | undefined {
  if (!text || /^[&*|>!]/.test(text)) return undefined;
  if (!/['"#]/.test(text)) return text;
  const value: unknown = parse(text);
  return typeof value === "string" ? value : undefined;
}

/**
 * The resource ids in `kubectl kustomize` output (one document per resource, top-level keys at the
 * margin, metadata's two spaces in), as kustomize compares them when it refuses a second resource
 * with one id: group/version, kind, namespace ("default" when unset; none for cluster-scoped kinds)
 * and name (kubernetes-sigs/kustomize api/resource/resource.go CurId, api/resid/resid.go). Undefined
 * when a document does not read that simply: the caller then asks kustomize itself.
 */
export function resourceIds(output: string): string[] | undefined {
  const ids: string[] = [];
  for (const doc of output.split(/^---$/m)) {
    if (!doc.trim()) continue;
    const top = new Map<string, string | undefined>();
    const meta = new Map<string, string | undefined>();
    let inMetadata = false;
    for (const line of doc.split("\n")) {
      const topKey = /^([A-Za-z]+):(?: (.*))?$/.exec(line);
      if (topKey) {
        inMetadata = topKey[1] === "metadata";
        top.set(topKey[1]!, scalar(topKey[2] ?? ""));
        continue;
      }
      const metaKey = inMetadata ? /^ {2}(name|namespace): (.*)$/.exec(line) : null;
      if (metaKey) meta.set(metaKey[1]!, scalar(metaKey[2]!));
    }
    const [apiVersion, kind, name] = [top.get("apiVersion"), top.get("kind"), meta.get("name")];
    if (!apiVersion || !kind || !name || (meta.has("namespace") && meta.get("namespace") === undefined)) return undefined;
    const namespace = isClusterScoped(kind) ? "" : (meta.get("namespace") ?? "default");
    ids.push(`${apiVersion}|${kind}|${namespace}|${name}`);
  }
  return ids;
}
