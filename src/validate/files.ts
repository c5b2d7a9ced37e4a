import { readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";

const SKIP_DIRS = new Set([".git", "node_modules", ".cnpg", ".github"]);
// Tool configuration, not manifests (sops creation rules).
const SKIP_FILES = new Set([".sops.yaml", ".sops.yml"]);

export interface TreeFiles {
  yaml: string[]; // relative, forward slashes, sorted
  helmTemplateDirs: string[]; // chart `templates/` dirs that were skipped
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** Every YAML file under root, minus tool dirs and Helm chart templates (not plain YAML). */
export async function listYamlFiles(root: string): Promise<TreeFiles> {
  const yaml: string[] = [];
  const helmTemplateDirs: string[] = [];
  async function walk(rel: string): Promise<void> {
    const abs = path.join(root, rel);
    const entries = await readdir(abs, { withFileTypes: true });
    const isChart = entries.some((e) => e.isFile() && e.name === "Chart.yaml");
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        if (isChart && e.name === "templates") {
          helmTemplateDirs.push(childRel);
          continue;
        }
        await walk(childRel);
      } else if (e.isFile() && /\.ya?ml$/.test(e.name) && !SKIP_FILES.has(e.name)) {
        yaml.push(childRel);
      }
    }
  }
  await walk("");
  yaml.sort();
  return { yaml, helmTemplateDirs };
}

/** True when `file` (relative) lies within one of `paths` (relative files or dirs). */
export function inPaths(file: string, paths: string[] | undefined): boolean {
  if (!paths || paths.length === 0) return true;
  return paths.some((p) => {
    const norm = toPosix(path.normalize(p)).replace(/^\.\/?/, "").replace(/\/$/, "");
    return norm === "" || file === norm || file.startsWith(`${norm}/`);
  });
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** The kustomization files of a directory (relative paths): kustomize refuses a directory with more than one. */
export function kustomizationFilesIn(root: string, dir: string): string[] {
  return KUSTOMIZATION_FILES.map((name) => (dir ? `${dir}/${name}` : name)).filter((rel) => existsSync(path.join(root, rel)));
}

/** The kustomization file of a directory (relative path), if any. */
export function kustomizationFileIn(root: string, dir: string): string | undefined {
  return kustomizationFilesIn(root, dir)[0];
}
