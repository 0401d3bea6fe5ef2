/**
 * fedctl's command tree (commander). Each action returns its exit code; failures are thrown as
 * CliError and printed by main.
 */
import { Command, Option } from 'commander';
import { createCli, type CliIo, type GlobalOptions } from './cli.ts';
import { runAgentManifests, DEFAULT_AGENT_IMAGE, type AgentManifestsFlags } from './commands/agent.ts';
import { runApply, type ApplyOptions } from './commands/apply.ts';
import {
  runCurrentContext,
  runDeleteContext,
  runGetContexts,
  runSetContext,
  runUseContext,
  runView,
  type SetContextFlags,
} from './commands/config.ts';
import { runFederate, type FederateOptions } from './commands/federate.ts';
import { runDescribe, runGet, type GetOptions } from './commands/get.ts';
import { runDelete, runFailback, runLabel, runRevokeCluster, type DeleteOptions } from './commands/mutate.ts';
import { runTokenCreate, runTokenList, runTokenRevoke, type TokenCreateOptions } from './commands/tokens.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export const FEDCTL_VERSION = '0.1.0';

/** Builds the program; `done(code)` receives the exit code of the action that ran. */
export function buildProgram(io: CliIo, done: (code: number) => void): Command {
  const program = new Command('fedctl')
    .description(
      'fedctl controls a fedhub federation: apply and inspect federated resources, clusters and agents.',
    )
    .version(FEDCTL_VERSION)
    .option('--server <url>', 'hub REST URL (env FEDHUB_SERVER; default http://127.0.0.1:7080)')
    .option('--token <token>', 'admin bearer token (env FEDHUB_TOKEN)')
    .option('--context <name>', 'context of the config file to use')
    .option('--certificate-authority <file>', 'PEM CA that signed the hub certificate')
    .option('--insecure-skip-tls-verify', "don't verify the hub certificate (testing only)")
    .option('--config <file>', 'config file (env FEDHUB_CONFIG; default ~/.fedhub/config)')
    .option('--request-timeout <duration>', 'timeout of each call to the hub', '30s')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  program.configureHelp({ sortSubcommands: false });

  const cliOf = (cmd: Command) => createCli(io, cmd.optsWithGlobals<GlobalOptions>());
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number> | number) =>
    async (...args: A) =>
      done(await fn(...args));
  const sub = (parent: Command, name: string) => {
    const c = parent.command(name).exitOverride();
    c.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
    return c;
  };

  sub(program, 'apply')
    .description('create or update federated resources from files, directories or stdin (all or nothing)')
    .option('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect, [])
    .option('-R, --recursive', 'read directories recursively')
    .option('--dry-run', 'validate on the hub and show what would change; store nothing')
    .option('--wait', 'wait until every placed cluster is Ok and its workloads are ready')
    .option('--timeout <duration>', 'how long --wait waits', '5m')
    .option('-o, --output <format>', 'name, json or yaml')
    .action(run(async (opts: ApplyOptions, cmd: Command) => runApply(cliOf(cmd), opts)));

  sub(program, 'get')
    .description('list or show clusters and federated resources (e.g. get clusters, get fdeploy web -n demo)')
    .argument(
      '<kind>',
      'clusters, events, federateddeployments (fdeploy), rsp, … (case-insensitive, singular, plural or short)',
    )
    .argument('[names...]', 'names to show')
    .option('-n, --namespace <ns>', 'namespace (default: the context namespace, else default)')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-l, --selector <selector>', 'label selector, e.g. env=prod,tier!=gold')
    .option('-o, --output <format>', 'wide, yaml, json or name')
    .option(
      '--for <kind/name>',
      'get events: only those of this object (e.g. fdeploy/web -n demo, cluster/eu-1)',
    )
    .action(
      run(async (kind: string, names: string[], opts: GetOptions, cmd: Command) =>
        runGet(cliOf(cmd), kind, names, opts),
      ),
    );

  sub(program, 'describe')
    .description('show a resource or cluster in detail: per-cluster status, conditions, recent events')
    .argument('<kind>')
    .argument('<name>')
    .option('-n, --namespace <ns>', 'namespace')
    .action(
      run(async (kind: string, name: string, opts: { namespace?: string }, cmd: Command) =>
        runDescribe(cliOf(cmd), kind, name, opts),
      ),
    );

  sub(program, 'delete')
    .description('delete federated resources by KIND NAME... or from -f files')
    .argument('[args...]', 'KIND NAME...')
    .option('-f, --filename <path>', 'file, directory or - naming what to delete (repeatable)', collect, [])
    .option('-R, --recursive', 'read directories recursively')
    .option('-n, --namespace <ns>', 'namespace')
    .option('--ignore-not-found', 'treat a missing object as deleted')
    .action(
      run(async (args: string[], opts: DeleteOptions, cmd: Command) => runDelete(cliOf(cmd), args, opts)),
    );

  sub(program, 'label')
    .description('set (key=value) or remove (key-) labels of a cluster')
    .argument('<kind>', 'cluster')
    .argument('<name>')
    .argument('<labels...>', 'key=value or key-')
    .option('--overwrite', 'allow replacing an existing label value')
    .action(
      run(async (kind: string, name: string, labels: string[], opts: { overwrite?: boolean }, cmd: Command) =>
        runLabel(cliOf(cmd), kind, name, labels, opts),
      ),
    );

  const token = sub(program, 'token').description(
    'bootstrap tokens for agents; admin tokens for the admin API',
  );
  sub(token, 'create')
    .description('create a bootstrap token, or with --admin an admin token (printed once)')
    .option('--admin', 'an admin API token instead of a bootstrap token')
    .option('--role <role>', 'role of an --admin token: admin or read-only (default read-only)')
    .option('--ttl <duration>', 'bootstrap token lifetime (hub default 24h)')
    .option('--max-uses <n>', 'registrations a bootstrap token allows (hub default 1)')
    .option('--description <text>', 'what it is for')
    .option('-o, --output <format>', 'json or yaml (default: only the token)')
    .action(run(async (opts: TokenCreateOptions, cmd: Command) => runTokenCreate(cliOf(cmd), opts)));
  sub(token, 'list')
    .description('list admin tokens (never their secrets)')
    .option('-o, --output <format>', 'json or yaml')
    .action(run(async (opts: { output?: string }, cmd: Command) => runTokenList(cliOf(cmd), opts)));
  sub(token, 'revoke')
    .description('revoke an admin token by id')
    .argument('<id>')
    .action(run(async (id: string, _o: unknown, cmd: Command) => runTokenRevoke(cliOf(cmd), id)));

  sub(program, 'revoke')
    .description("revoke a cluster's credential: its streams are cut and it must bootstrap again")
    .argument('<kind>', 'cluster')
    .argument('<name>')
    .action(
      run(async (kind: string, name: string, _o: unknown, cmd: Command) =>
        runRevokeCluster(cliOf(cmd), kind, name),
      ),
    );

  sub(program, 'failback')
    .description('approve the failback of a ReplicaSchedulingPreference whose policy is manual')
    .argument('<rsp-name>')
    .option('-n, --namespace <ns>', 'namespace')
    .option('--cluster <name>', 'only this cluster')
    .action(
      run(async (name: string, opts: { namespace?: string; cluster?: string }, cmd: Command) =>
        runFailback(cliOf(cmd), name, opts),
      ),
    );

  sub(program, 'federate')
    .description('turn plain Kubernetes manifests into types.kubefed.io/v1beta1 Federated<Kind> documents')
    .option('-f, --filename <path>', 'file, directory or - (repeatable)', collect, [])
    .option('-R, --recursive', 'read directories recursively')
    .option('--clusters <names>', 'place in these clusters, e.g. a,b')
    .option('--cluster-selector <labels>', 'place in clusters with these labels, e.g. env=prod')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('-o, --output <format>', 'yaml (default) or json')
    .action(run(async (opts: FederateOptions, cmd: Command) => runFederate(cliOf(cmd), opts)));

  const agent = sub(program, 'agent').description('install agents in member clusters');
  sub(agent, 'manifests')
    .description('print what a member needs to run an agent (kubectl apply -f -); creates a bootstrap token')
    .option('--cluster <name>', 'the member cluster name at the hub')
    .option('--labels <labels>', 'cluster labels, e.g. env=prod,region=eu')
    .option(
      '--hub-address <host:port>',
      "hub agent endpoint as the member reaches it (default: the server's host, port 7443)",
    )
    .option('--namespace <ns>', 'namespace of the agent', 'fedhub-system')
    .option('--image <image>', 'agent image', DEFAULT_AGENT_IMAGE)
    .option(
      '--kinds <list>',
      'resources the agent may manage, e.g. deployments.apps,configmaps or * (default: every kind the hub federates)',
    )
    .option(
      '--allow-namespaces <list>',
      'namespaces the hub may use in this member (agent guard rail; default any)',
    )
    .option('--deny-kinds <list>', 'Kind or Kind.group the hub may never place here (agent guard rail)')
    .addOption(
      new Option('--state-volume <kind>', 'where the credential and slice live')
        .choices(['pvc', 'emptyDir'])
        .default('pvc'),
    )
    .option('--insecure', 'the agent talks plaintext gRPC to the hub')
    .option('--token-ttl <duration>', 'lifetime of the bootstrap token (hub default 24h)')
    .option('-o, --output <format>', 'yaml (default) or json')
    .action(run(async (opts: AgentManifestsFlags, cmd: Command) => runAgentManifests(cliOf(cmd), opts)));

  const config = sub(program, 'config').description('contexts: which hub, CA and token to use');
  sub(config, 'set-context')
    .description(
      'create or change a context; takes --server, --token, --certificate-authority, --insecure-skip-tls-verify',
    )
    .argument('<name>')
    .option('--token-file <file>', 'file holding the admin token')
    .option('--namespace <ns>', 'default namespace')
    .option('--current', 'also make it the current context')
    .action(
      run(async (name: string, _opts: unknown, cmd: Command) =>
        runSetContext(cliOf(cmd), name, cmd.optsWithGlobals<SetContextFlags>()),
      ),
    );
  sub(config, 'use-context')
    .argument('<name>')
    .description('make a context current')
    .action(run(async (name: string, _o: unknown, cmd: Command) => runUseContext(cliOf(cmd), name)));
  sub(config, 'get-contexts')
    .description('list contexts')
    .action(run(async (_o: unknown, cmd: Command) => runGetContexts(cliOf(cmd))));
  sub(config, 'current-context')
    .description('print the current context')
    .action(run(async (_o: unknown, cmd: Command) => runCurrentContext(cliOf(cmd))));
  sub(config, 'delete-context')
    .argument('<name>')
    .description('remove a context')
    .action(run(async (name: string, _o: unknown, cmd: Command) => runDeleteContext(cliOf(cmd), name)));
  sub(config, 'view')
    .description('print the config file (tokens redacted unless --raw)')
    .option('--raw', 'show tokens')
    .option('-o, --output <format>', 'yaml (default) or json')
    .action(run(async (opts: { raw?: boolean; output?: string }, cmd: Command) => runView(cliOf(cmd), opts)));
  return program;
}
