#!/usr/bin/env node
import { COMMAND_FLAGS, parseArgs } from './args.js';
import { existsSync } from 'node:fs';
import { CliError, InputError, shown } from './errors.js';
import { Interrupts } from './interrupts.js';

/** Each command loads only what it uses, so `--help` and `regen` skip plop, ajv and CEL. */
const FIELDS: Record<string, () => Promise<readonly unknown[]>> = {
  'new-cluster': async () => (await import('./commands/new-cluster.js')).newClusterFields,
  'new-app': async () => (await import('../schema/app.js')).appFields,
  regen: async () => [],
  regenerate: async () => [],
  validate: async () => [],
  graph: async () => [],
  upgrade: async () => [],
  // Only --name: the app's other answers are recorded.
  'remove-app': async () => [{ name: 'name', kind: 'string', message: 'App to remove' }],
};

async function main(argv: string[], interrupts: Interrupts): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log((await import('./help.js')).MAIN_HELP);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    const { TOOL, TOOL_VERSION } = await import('./paths.js');
    console.log(`${TOOL} ${TOOL_VERSION}`);
    return 0;
  }
  const loadFields = FIELDS[command];
  if (!loadFields) throw new InputError(`unknown command ${JSON.stringify(command)} (new-cluster, new-app, regen, validate, graph, upgrade, remove-app)`);
  const fields = await loadFields();
  const name = command === 'regenerate' ? 'regen' : command;
  const { flags, given } = parseArgs(rest, fields as never, COMMAND_FLAGS[name], name);
  if (flags.help) {
    const { commandHelp } = await import('./help.js');
    const answers = name === 'new-cluster' || name === 'new-app' ? (await import('./help-answers.js')).helpAnswers(name) : undefined;
    console.log(commandHelp(name, fields as never, answers?.groups, answers?.defaults));
    return 0;
  }
  const { loadAnswersFile, makeContext } = await import('./context.js');
  const interactive = async () => (await import('./prompt.js')).plopPrompt;
  const ctx = { ...makeContext(flags, (line) => console.log(line), name.startsWith('new-') ? await interactive() : undefined), interrupts };
  // Only new-cluster and new-app may create --dest; a typo elsewhere would read as an empty tree.
  if (!name.startsWith('new-') && !existsSync(ctx.dest)) throw new InputError(`--dest: no such directory (got ${shown(flags.dest ?? ctx.dest)})`);
  const fromFile = await loadAnswersFile(ctx.cwd, flags.answers);
  switch (name) {
    case 'new-cluster': {
      const fromProfile = await (await import('./profiles.js')).loadProfile(flags.profile);
      await (await import('./commands/new-cluster.js')).newCluster(ctx, { ...fromProfile, ...fromFile, ...given });
      return 0;
    }
    case 'new-app':
      await (await import('./commands/new-app.js')).newApp(ctx, { ...fromFile, ...given });
      return 0;
    case 'regen':
      return (await import('./commands/regen.js')).regen(ctx, { check: flags.check });
    case 'graph':
      return (await import('./commands/graph.js')).graph(ctx);
    case 'upgrade':
      return (await import('./commands/upgrade.js')).upgrade(ctx, { to: flags.to });
    case 'remove-app':
      await (await import('./commands/remove-app.js')).removeApp(ctx, { name: given.name as string | undefined, dropData: flags.dropData });
      return 0;
    default:
      return (await import('./commands/validate.js')).validate(ctx, { schemaLocations: flags.schemaLocation, ignoreMissingSchemas: flags.ignoreMissingSchemas, skipKubectl: flags.skipKubectl });
  }
}

/** The one top-level catch: a CliError is one line and its exit code; anything else is a bug. */
// SIGINT/SIGTERM: a run that is writing rolls back first, then exits 130/143 (src/interrupts.ts).
const interrupts = new Interrupts();
interrupts.install();
main(process.argv.slice(2), interrupts).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const debug = process.argv.includes('--debug');
    if (error instanceof CliError) {
      // Several invalid answers are reported together, one line each.
      for (const line of error.message.split('\n')) console.error(`error: ${line}`);
      if (debug) console.error(error.stack);
      process.exitCode = error.exitCode;
    } else {
      console.error(`error: ${(error as Error)?.message ?? String(error)}${debug ? '' : ' (run with --debug for details)'}`);
      if (debug) console.error((error as Error)?.stack);
      process.exitCode = 1;
    }
  },
);
