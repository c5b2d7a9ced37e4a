import type { Field } from '../schema/fields.js';

import { TOOL } from './paths.js';
import { profileNames } from './profiles.js';

const COMMON = `Common flags:
  --dest DIR          GitOps repository to write into (default: git top-level of your directory)
  --answers FILE      YAML map of answers (flags override it)
  --yes, -y           ask nothing: defaults fill in, a missing required answer is an error
  --dry-run           print what would be created or changed, write nothing
  --force             overwrite files changed by hand since the tool wrote them
  --allow-dirty       write over uncommitted changes, or outside a git repository
  --debug             print stack traces
Exit codes: 0 done, 1 failure, conflict or drift, 2 invalid input (nothing written).`;

const fieldLines = (fields: readonly Field<never>[]) =>
  fields.map((f) => `  --${f.name.padEnd(26)}${f.message}${f.choices ? ` [${f.choices.join('|')}]` : ''}${f.default ? '' : ' (required)'}`).join('\n');

export const MAIN_HELP = `${TOOL}: scaffold CloudNativePG onto a Flux GitOps repository.

Usage: ${TOOL} <command> [flags]

Commands:
  new-cluster   the CNPG operator and a shared PostgreSQL cluster
  new-app       onboard an app's database onto a shared cluster
  regen         re-render everything from the recorded answers (--check: fail on drift)
  validate      check a tree: schemas, CEL rules, Flux substitution, references, kustomize builds

Run '${TOOL} <command> --help' for its flags.`;

/** A command's help; new-cluster and new-app list their answer fields. */
export function commandHelp(command: string, fields: readonly Field<never>[]): string {
  if (command === 'new-cluster' || command === 'new-app') {
    const usage = command === 'new-app' ? `${TOOL} new-app --name APP [flags]` : `${TOOL} new-cluster [--profile NAME] [flags]`;
    const profiles =
      command === 'new-cluster'
        ? `\n  --profile NAME      start from a team's answers shipped with ${TOOL} (${profileNames().join(', ')});\n                      --answers and flags override it; nothing is asked\n`
        : '';
    return `Usage: ${usage}\n\nAnswers (every prompt is a flag):\n${fieldLines(fields)}\n${profiles}\n${COMMON}`;
  }
  return STATIC_HELP[command]!;
}

const STATIC_HELP: Record<string, string> = {
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
Exit 1 when there is any problem; a kind with no schema is a problem unless --ignore-missing-schemas.`,
};
