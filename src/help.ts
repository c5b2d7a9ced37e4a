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

/** What every command that reads the pinned release says about it (new-cluster, regen, validate, upgrade). */
const SUPPORT = `A pinned operator past its end of life (CNPG supported releases) or affected by an advisory a
later patch fixes is one warning line each on stderr, naming the fix; --strict makes it an error:
exit 1 before anything is written.`;

/** How a value is written on the flag line. */
const TYPE: Record<Field<never>['kind'], string> = { string: 'text', int: 'number', bool: '', list: 'a,b,...', map: 'k=v,...', enum: '', objects: '[{k: v}, ...]' };

/** A field's default as --help shows it: the value with nothing else answered, or how it is derived. */
function shownDefault(f: Field<never>, defaults: Record<string, unknown>): string {
  if (!f.default) return 'required';
  if (f.shownDefault) return `default: ${f.shownDefault}`;
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

export const MAIN_HELP = `${TOOL}: scaffold CloudNativePG into a Flux or Argo CD GitOps repository.

Usage: ${TOOL} <command> [flags]

Commands:
  new-cluster   the CNPG operator and a PostgreSQL cluster (shared, or the template of one per app)
  new-app       onboard an app's database onto a shared cluster or its own
  remove-app    offboard an app: its files and entries go, its data stays (--drop-data drops it)
  regen         re-render everything from the recorded answers (--check: fail on drift)
  validate      check a tree: schemas, CEL rules, Flux substitution, references, kustomize builds
  graph         the tree's apply order (Flux dependsOn, Argo CD sync waves) as Mermaid in Markdown
  upgrade       move the repository to a newer release (chart, operator, default image, plugin)

Run '${TOOL} <command> --help' for its flags; '${TOOL} --version' prints the version.`;

/** A command's help; new-cluster and new-app list their answer fields, grouped, with defaults. */
export function commandHelp(command: string, fields: readonly Field<never>[], groups: [string, readonly Field<never>[]][] = [['Answers', fields]], defaults: Record<string, unknown> = {}): string {
  if (command === 'new-cluster' || command === 'new-app') {
    const usage = command === 'new-app' ? `${TOOL} new-app --name APP [flags]` : `${TOOL} new-cluster [--profile NAME] [flags]`;
    const profiles =
      command === 'new-cluster'
        ? `\n  --profile NAME      start from a team's answers shipped with ${TOOL} (${profileNames().join(', ')});\n                      --answers and flags override it; nothing is asked\n`
        : '';
    return `Usage: ${usage}\n\nEvery prompt is a flag of the same name and a key of an --answers file.\n\n${fieldLines(groups, defaults)}\n${profiles}\n${COMMON}${command === 'new-cluster' ? `\n${SUPPORT}` : ''}`;
  }
  return STATIC_HELP[command]!;
}

const STATIC_HELP: Record<string, string> = {
  'remove-app': `Usage: ${TOOL} remove-app --name APP [--drop-data] [flags]

Offboards a recorded app: its files, its entries in your files (kustomization resources, ks.yaml
dependsOn/components/substitutions), its policies (both ways), its backup CronJob and its answers go
from Git, so the GitOps engine stops managing them. What stays in the cluster is printed, with how to
drop it later.
  (default)     the data stays: the Database and role carry reclaim policy retain, so CNPG leaves the
                database and role in PostgreSQL when their objects go; the dumps' PVC is never pruned.
                A per-app cluster (topology per-app) is the app's: a first run marks its objects
                kustomize.toolkit.fluxcd.io/prune: disabled (deleting a Cluster deletes its PVCs),
                a second run, once Flux applied that, removes the files and the Cluster keeps running.
  --drop-data   drop the data: a first run marks the Database ensure: absent and
                databaseReclaimPolicy: delete, the role for deletion (DatabaseRole:
                databaseRoleReclaimPolicy: delete; managed role: ensure: absent), recorded as
                pending (regen --check stays clean); a second run, once the cluster applied it
                (the first run says how to check), removes the files. A per-app cluster goes at once.
  --dry-run     print what would change (diffs, deletions), write nothing; --json for scripts
  --force       also delete the app's files changed by hand
  --allow-dirty write over uncommitted changes, or outside a git repository
What you keep beside the app's files stays, and stays buildable: a ks.yaml kept for your files stays
listed, with what it applies; a file of yours listing one of the app's files is refused (exit 1).
Exit codes: 0 done, 1 refused (hand edits, dirty tree), 2 unknown app or bad flags (nothing written).`,
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
  --strict        an end-of-life or vulnerable operator pin is an error (exit 1), not a warning
Without --check, rewrites what drifted, all or nothing. Exit codes: 0 clean or done, 1 drift or
refused, 2 invalid recorded answers or manifest (the file and field are named).
${SUPPORT}`,
  upgrade: `Usage: ${TOOL} upgrade [--to CHART] [--dry-run] [--dest DIR]

Moves the recorded answers to a newer row of the release table and rewrites the tree from them:
chartVersion (and so the operator and its CRDs), the default PostgreSQL image of each cluster still
on the old default (same flavour; an image of your own is kept and named), and pluginChartVersion
to the newest plugin chart that runs with the new operator. Crossing operator 1.30 moves the apps'
roles from Cluster.spec.managed.roles to DatabaseRole objects. The steps to take afterwards, in
order, are printed at the end.
  --to CHART      the cloudnative-pg chart version to move to (default: the newest known)
  --dry-run       print the diff of every file that would change, write nothing
  --json          with --dry-run: the changes as one JSON document
  --force         overwrite files changed by hand since the tool wrote them
  --allow-dirty   write over uncommitted changes, or outside a git repository
  --strict        refuse (exit 1) a --to whose operator is past end of life or has a fixed advisory
Same safety as every writing command: the repository lock, all or nothing, no write over your
uncommitted changes. Exit codes: 0 done or nothing to do, 1 refused (conflict, dirty tree, --strict),
2 invalid input (an unknown or older --to, answers the new operator does not accept; nothing written).`,
  validate: `Usage: ${TOOL} validate [--dest DIR] [--schema-location LOC]...

Checks every YAML document under DIR: JSON schema, CRD CEL rules, Flux substitution, cross-references,
kubectl kustomize builds (when kubectl is on PATH). One line per problem: path:line: kind/name: message.
  --schema-location LOC   where schemas are found, in order (repeatable; kubeconform style):
                          a directory or URL in the CRDs-catalog layout (group/kind_version.json), a
                          template such as https://host/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json,
                          or "default" for the schemas shipped with ${TOOL} (the only location when none is given)
  --ignore-missing-schemas  a kind with no schema in any location is a note instead of a problem
  --skip-kubectl            no kubectl kustomize builds, even with kubectl on PATH (everything else is checked)
  --strict                  an end-of-life or vulnerable operator pin is an error (exit 1), not a warning
Exit 1 when there is any problem; a kind with no schema is a problem unless --ignore-missing-schemas.
${SUPPORT} (validate reports the tree first.)`,
};
