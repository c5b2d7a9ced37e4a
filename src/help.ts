import type { Field } from '../schema/fields.js';

import { TOOL } from './paths.js';
import { profileNames } from './profiles.js';

const COMMON = `Common flags:
  --dest DIR          GitOps repository to write into (default: git top-level of your directory)
  --answers FILE      YAML map of answers (flags override it)
  --yes, -y           ask nothing: defaults fill in, a missing required answer is an error
  --dry-run           print what would change (new files as a tree, a diff per changed file), write nothing
  --json              with --dry-run: the changes as one JSON document
  --force             overwrite files changed by hand since the tool wrote them
  --allow-dirty       write over uncommitted changes, or outside a git repository
  --debug             print stack traces
Exit codes: 0 done, 1 failure, conflict or drift, 2 invalid input (nothing written).`;

/** How a value is written on the flag line. */
const TYPE: Record<Field<never>['kind'], string> = { string: 'text', int: 'number', bool: '', list: 'a,b,...', map: 'k=v,...', enum: '', objects: '[{k: v}, ...]' };

/** A field's default as --help shows it: the value with nothing else answered, or how it is derived. */
function shownDefault(f: Field<never>, defaults: Record<string, unknown>): string {
  if (!f.default) return 'required';
  const v = defaults[f.name];
  if (v === undefined) return 'default: none (asked)';
  if (f.kind === 'objects') return `default: ${JSON.stringify(v)}`;
  if (Array.isArray(v)) return `default: ${v.length ? v.join(',') : '(empty)'}`;
  if (v && typeof v === 'object') return `default: ${Object.entries(v).map(([k, x]) => `${k}=${String(x)}`).join(',') || '(empty)'}`;
  return `default: ${v === '' ? '""' : String(v)}`;
}

const BACKUP_FIELD = /^(backup|keep|nfs)/;

/**
 * One line per answer: flag (with its --no- form for a switch), type or choices, what it is,
 * its default (as resolved for an empty repository; `<name>` where it derives from the app's name)
 * or "required", grouped as the answers are recorded.
 */
function fieldLines(groups: [string, readonly Field<never>[]][], defaults: Record<string, unknown>): string {
  return groups
    .filter(([, fields]) => fields.length)
    .map(([title, fields]) => {
      const lines = fields.map((f) => {
        const flag = f.kind === 'bool' ? `--[no-]${f.name}` : `--${f.name} ${f.choices ? f.choices.join('|') : TYPE[f.kind] || 'text'}`;
        return `  ${flag}\n      ${f.message} (${shownDefault(f, defaults)}${f.when ? '; asked only when it applies' : ''})`;
      });
      return `${title}:\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

export { BACKUP_FIELD };

export const MAIN_HELP = `${TOOL}: scaffold CloudNativePG onto a Flux GitOps repository.

Usage: ${TOOL} <command> [flags]

Commands:
  new-cluster   the CNPG operator and a shared PostgreSQL cluster
  new-app       onboard an app's database onto a shared cluster
  regen         re-render everything from the recorded answers (--check: fail on drift)
  validate      check a tree: schemas, CEL rules, Flux substitution, references, kustomize builds
  graph         the tree's apply order (Flux dependsOn, Argo CD sync waves) as Mermaid in Markdown

Run '${TOOL} <command> --help' for its flags; '${TOOL} --version' prints the version.`;

/** A command's help; new-cluster and new-app list their answer fields, grouped, with defaults. */
export function commandHelp(command: string, fields: readonly Field<never>[], groups: [string, readonly Field<never>[]][] = [['Answers', fields]], defaults: Record<string, unknown> = {}): string {
  if (command === 'new-cluster' || command === 'new-app') {
    const usage = command === 'new-app' ? `${TOOL} new-app --name APP [flags]` : `${TOOL} new-cluster [--profile NAME] [flags]`;
    const profiles =
      command === 'new-cluster'
        ? `\n  --profile NAME      start from a team's answers shipped with ${TOOL} (${profileNames().join(', ')});\n                      --answers and flags override it; nothing is asked\n`
        : '';
    return `Usage: ${usage}\n\nEvery prompt is a flag of the same name and a key of an --answers file.\n\n${fieldLines(groups, defaults)}\n${profiles}\n${COMMON}`;
  }
  return STATIC_HELP[command]!;
}

const STATIC_HELP: Record<string, string> = {
  graph: `Usage: ${TOOL} graph [--dest DIR] > graph.md

Prints the apply order of every Flux Kustomization and Argo CD Application in the tree (the user's
own too) as a Mermaid flowchart in Markdown: an arrow from what is applied first to what waits for
it (Flux dependsOn; Argo CD sync waves). External inputs the answers name (secret store, storage,
cert-manager) are drawn as such. Exit 1 when there is a cycle or a dependsOn that names nothing.`,
  regen: `Usage: ${TOOL} regen [--check] [--dest DIR]

Re-renders every unit recorded under .cnpg/answers/ and compares with the tree: files changed by
hand or out of date (with a diff), missing, orphaned (no unit produces them now), and your files
that still hold entries of a unit whose answers were removed.
  --check         write nothing; exit 1 on any drift
  --force         overwrite files changed by hand; write even while leftover entries remain
  --allow-dirty   write over uncommitted changes, or outside a git repository
  --dry-run       print what would change, write nothing
Without --check, rewrites what drifted, all or nothing. Exit codes: 0 clean or done, 1 drift or
refused, 2 invalid recorded answers or manifest (the file and field are named).`,
  validate: `Usage: ${TOOL} validate [--dest DIR] [--schema-location LOC]...

Checks every YAML document under DIR: JSON schema, CRD CEL rules, Flux substitution, cross-references,
kubectl kustomize builds (when kubectl is on PATH). One line per problem: path:line: kind/name: message.
  --schema-location LOC   where schemas are found, in order (repeatable; kubeconform style):
                          a directory or URL in the CRDs-catalog layout (group/kind_version.json), a
                          template such as https://host/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json,
                          or "default" for the schemas shipped with ${TOOL} (the only location when none is given)
  --ignore-missing-schemas  a kind with no schema in any location is a note instead of a problem
  --skip-kubectl  no kubectl kustomize builds, even with kubectl on PATH (everything else is checked)
Exit 1 when there is any problem; a kind with no schema is a problem unless --ignore-missing-schemas.`,
};
