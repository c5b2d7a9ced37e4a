import { TOOL } from './paths.js';
import { OPERATOR_IMAGE, PIN_MATCH_STRING, PLUGIN_IMAGE } from './pins.js';
import { OPERATOR_CHART_URL, PLUGIN_CHART_URL } from './versions.js';

/**
 * Renovate, in one place: the preset shipped in the package (renovate/cnpg-scaffold.json, checked
 * against `renovatePreset()` by test/engine/renovate-preset.test.ts), the admin fragment for a
 * self-hosted bot (renovate/admin.json), and the renovate.json5 new-cluster writes once, which
 * holds the preset inline (a preset in an npm tarball is nothing Renovate can extend) and the
 * regeneration the pull request needs.
 */

/** The answers files, as Renovate matches paths (`fileMatch`: Renovate 39 reads it, later releases migrate it). */
export const ANSWERS_FILE_MATCH = '(^|/)\\.cnpg/answers/.+\\.yaml$';

/** What one upstream release moves together: a chart and what it installs, in one pull request. */
const RELEASE_DEPS = [OPERATOR_CHART_URL, PLUGIN_CHART_URL].flatMap((url) => [url.replace(/^oci:\/\//, ''), url.replace(/^.*\//, '')]).concat([OPERATOR_IMAGE, PLUGIN_IMAGE]);

export function renovatePreset(): Record<string, unknown> {
  return {
    $schema: 'https://docs.renovatebot.com/renovate-schema.json',
    description: `${TOOL}: the pins in the recorded answers (.cnpg/answers), each under its "# renovate:" comment`,
    customManagers: [{ customType: 'regex', fileMatch: [ANSWERS_FILE_MATCH], matchStrings: [PIN_MATCH_STRING] }],
    packageRules: [
      {
        description: `A chart and the versions it installs are one row (${TOOL} refuses a chart of its release table with another operator): one pull request`,
        matchFileNames: ['.cnpg/answers/**'],
        matchDepNames: RELEASE_DEPS,
        groupName: 'CloudNativePG release',
      },
      {
        description: 'A new PostgreSQL major is a migration (CNPG major upgrades), not a tag bump',
        matchFileNames: ['.cnpg/answers/**'],
        matchDatasources: ['docker'],
        matchDepNames: ['ghcr.io/cloudnative-pg/postgresql'],
        matchUpdateTypes: ['major'],
        enabled: false,
      },
    ],
  };
}

/**
 * The command that regenerates the tree, run the way the generated CI job runs the tool: the
 * recorded `toolPackage`, else the release that last wrote the tree (the manifest's version).
 */
export function regenCommand(toolPackage: string | undefined): string {
  const spec = toolPackage ? shellWord(toolPackage) : `"${TOOL}@$(node -p "require('./.cnpg/manifest.json').version")"`;
  return `npx --yes --package ${spec} ${TOOL} regen --dest .`;
}

/**
 * What a self-hosted bot's global config must allow for that command (`allowedCommands` is an
 * admin-only option, refused in a repository's config): either form of regenCommand.
 */
export const ALLOWED_COMMANDS = [`^npx --yes --package ([\\w@%+=:,./#~-]+|"${TOOL}@\\$\\(node -p "require\\('\\./\\.cnpg/manifest\\.json'\\)\\.version"\\)") ${TOOL} regen --dest \\.$`];

export const renovateAdmin = (): Record<string, unknown> => ({ allowedCommands: ALLOWED_COMMANDS });

/** A word the shell passes as it is; anything else single-quoted (toolPackageSpec allows neither quotes nor spaces). */
const shellWord = (s: string) => (/^[\w@%+=:,./#~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The repository's renovate.json5: the preset, the regeneration (once per branch, after every
 * bump in it), and the tool's own files left alone: they follow the answers, and a bump in one of
 * them would be a hand edit that regen refuses.
 */
export function renovateConfig(repo: { toolPackage?: string | undefined }, toolFiles: readonly string[]): string {
  const preset = renovatePreset();
  const config = {
    ...preset,
    packageRules: [
      ...(preset.packageRules as object[]),
      ...(toolFiles.length ? [{ description: `Files ${TOOL} writes follow the answers: bump the answers instead`, matchFileNames: toolFiles, enabled: false }] : []),
    ],
    postUpgradeTasks: { commands: [regenCommand(repo.toolPackage)], executionMode: 'branch' },
  };
  const comment = [
    `Written once by ${TOOL} (the answer renovateConfig); it is yours now: regen never rewrites it.`,
    `The pins live in .cnpg/answers: Renovate bumps them there, and postUpgradeTasks runs regen so the`,
    `pull request carries the regenerated tree. A self-hosted bot runs that command only when its admin`,
    `config allows it: "allowedCommands": ${JSON.stringify(ALLOWED_COMMANDS)}`,
    `(an admin-only option; ${TOOL}'s renovate/admin.json holds it). Where Renovate runs no commands`,
    `(the hosted app), the CI job's drift check fails the pull request and names the command to run.`,
  ];
  return `${comment.map((l) => `// ${l}`).join('\n')}\n${JSON.stringify(config, null, 2)}\n`;
}
