/**
 * `spruce bridge`: every device to MQTT (and optionally a webhook), verified and durable.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandSpec } from './command.ts';
import { numberOption } from './options.ts';
import { EXIT_CODES, SpruceError, describeError, exitStatusOf } from '../errors.ts';
import { defaultKeyRegistryPath, loadKeyRegistry } from '../keys.ts';
import { resolvePreset, readSecret, type PresetName } from '../bridge/presets.ts';
import { startBridge, requireKeys, type BridgeConfig } from '../bridge/run.ts';
import { bridgeStatus, formatStatusLine } from '../bridge/status.ts';
import { buildFleet, runBoard, type FleetSpec } from '../bridge/demo.ts';

interface BridgeCliOptions {
  port: string[];
  tcp: string[];
  sim: string[];
  uplink: string[];
  mqtt?: string;
  preset: string;
  protocol: string;
  username?: string;
  passwordFile?: string;
  passwordEnv?: string;
  ca?: string;
  cert?: string;
  key?: string;
  clientId?: string;
  awsEndpoint?: string;
  azureHub?: string;
  azureDevice?: string;
  azureKeyFile?: string;
  azureKeyEnv?: string;
  sasTtl: string;
  topicPrefix: string;
  webhook?: string;
  webhookAuthEnv?: string;
  keys?: string;
  wal: string;
  walMaxMb: string;
  walMaxAgeHours: string;
  window: string;
  replayRate: string;
  maxLine: string;
  embeddedPort: string;
  statusInterval: string;
  json?: boolean;
  duration?: string;
  connectTimeout: string;
  waitForPorts?: boolean;
  simSpeed: string;
}

/** `occupancy:2` -> {app: 'occupancy', count: 2}; a bare app name means one board. */
export function parseSimSpecs(specs: string[]): FleetSpec[] {
  return specs.map((spec) => {
    const [app, countText] = spec.split(':');
    const count = countText === undefined ? 1 : Number(countText);
    if (!app || !Number.isInteger(count) || count < 1 || count > 100) {
      throw new SpruceError('E_USAGE', `--sim "${spec}" is not <app>:<count> (count 1-100)`, { exit: 'USAGE', hint: 'e.g. --sim occupancy:3' });
    }
    return { app, count };
  });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const bridgeCommand: CommandSpec = {
  name: 'bridge',
  summary: 'forward verified device messages to MQTT/cloud, durably (serial, TCP, virtual boards, MQTT uplinks)',
  configure(command: Command) {
    command
      .option('-p, --port <path>', 'serial port of a board (repeat for many; reopened after an unplug)', collect, [])
      .option('--tcp <host:port>', 'TCP console of a board (repeatable)', collect, [])
      .option('--sim <app:count>', 'run <count> virtual boards of an app as inputs (repeatable)', collect, [])
      .option('--sim-speed <x>', 'simulated seconds per real second for --sim boards', '60')
      .option('--uplink <url>', 'edge MQTT broker whose spruce/+/up topics Wi-Fi devices publish to (repeatable)', collect, [])
      .option('--mqtt <url>', 'output broker (mqtt://, mqtts://, ws://); default: an embedded broker on 127.0.0.1')
      .option('--preset <name>', 'broker preset: generic | aws | azure', 'generic')
      .option('--protocol <v>', 'MQTT protocol: 5, 4 (3.1.1) or auto', 'auto')
      .option('--username <name>', 'MQTT username')
      .option('--password-file <path>', 'file holding the MQTT password')
      .option('--password-env <VAR>', 'environment variable holding the MQTT password')
      .option('--ca <file>', 'CA certificate (PEM) to trust for TLS')
      .option('--cert <file>', 'client certificate (PEM) for mutual TLS')
      .option('--key <file>', 'client private key (PEM) for mutual TLS')
      .option('--client-id <id>', 'MQTT client id (AWS: the thing name)')
      .option('--aws-endpoint <host>', 'AWS IoT Core data endpoint (xxx-ats.iot.<region>.amazonaws.com)')
      .option('--azure-hub <name>', 'Azure IoT Hub name (without .azure-devices.net)')
      .option('--azure-device <id>', 'Azure IoT Hub device identity of the bridge')
      .option('--azure-key-file <path>', 'file holding the device primary key (base64)')
      .option('--azure-key-env <VAR>', 'environment variable holding the device primary key')
      .option('--sas-ttl <s>', 'Azure SAS token lifetime in seconds (renewed at 80%)', '3600')
      .option('--topic-prefix <prefix>', 'output topics are <prefix>/<dev>/<kind>', 'spruce')
      .option('--webhook <url>', 'also POST every message as JSON to this URL (retried until 2xx)')
      .option('--webhook-auth-env <VAR>', 'environment variable holding an Authorization header value for the webhook')
      .option('--keys <path>', `device key registry (default ${defaultKeyRegistryPath()})`)
      .option('--wal <dir>', 'write-ahead log directory', join(homedir(), '.spruce', 'bridge-wal'))
      .option('--wal-max-mb <n>', 'stop acknowledging devices when this many MB wait unpublished', '64')
      .option('--wal-max-age-hours <n>', 'stop acknowledging devices when the oldest unpublished message is this old', '168')
      .option('--window <n>', 'QoS 1 messages in flight at once', '1000')
      .option('--replay-rate <n>', 'messages/s replayed from the WAL after a restart', '2000')
      .option('--max-line <bytes>', 'longest console line accepted', '1024')
      .option('--embedded-port <n>', 'port of the embedded broker (when no --mqtt)', '1883')
      .option('--status-interval <s>', 'seconds between status lines (0: none)', '5')
      .option('--json', 'status lines as JSON objects on stdout (one per line)')
      .option('--duration <s>', 'stop after this many seconds (exit 0); default: run until Ctrl-C')
      .option('--connect-timeout <s>', 'give up (exit 7) if the broker is not reachable at start within this time', '15')
      .option('--wait-for-ports', 'start even if a serial port is missing; open it when it appears')
      .addHelpText(
        'after',
        `
Durability: every verified frame is fsynced to the WAL before the device is acknowledged
(\\x10ack(boot,seq) over the REPL) and before it is published with QoS 1. When the WAL is full
(--wal-max-mb or --wal-max-age-hours) the bridge stops acknowledging, so devices keep buffering.
Exit codes: 0 stopped cleanly, 2 usage, 3 bad input (keys, certificates), 5 port,
7 broker unreachable, 8 WAL failure, 130 interrupted.`,
      )
      .action(async (options: BridgeCliOptions) => {
        process.exitCode = await runBridgeCommand(options);
      });
  },
};

async function runBridgeCommand(options: BridgeCliOptions): Promise<number> {
  const keysPath = options.keys ?? defaultKeyRegistryPath();
  if (options.port.length + options.tcp.length + options.uplink.length + options.sim.length === 0) {
    throw new SpruceError('E_NO_INPUT', 'no inputs: give at least one --port, --tcp, --sim or --uplink', { exit: 'USAGE', hint: '`spruce ports` lists serial ports; `spruce demo` runs virtual boards' });
  }
  const simSpeed = numberOption('--sim-speed', options.simSpeed, { integer: false });
  // Virtual boards first: provisioning them writes their keys into the registry the bridge loads.
  const fleet = await buildFleet(parseSimSpecs(options.sim), keysPath, (line) => void process.stderr.write(`bridge: ${line}\n`), (app, i) => `sim-${app}-${i + 1}`);
  const keys = loadKeyRegistry(keysPath);
  requireKeys(keys, keysPath);
  const protocol = options.protocol === 'auto' ? 'auto' : options.protocol === '5' ? 5 : options.protocol === '4' ? 4 : null;
  if (protocol === null) throw new SpruceError('E_USAGE', `--protocol must be 5, 4 or auto, got "${options.protocol}"`, { exit: 'USAGE' });
  const preset = options.preset as PresetName;
  if (!['generic', 'aws', 'azure'].includes(preset)) throw new SpruceError('E_USAGE', `--preset must be generic, aws or azure, got "${options.preset}"`, { exit: 'USAGE' });
  const wantsBroker = preset !== 'generic' || options.mqtt !== undefined;
  const config: BridgeConfig = {
    walDir: options.wal,
    wal: { maxBytes: numberOption('--wal-max-mb', options.walMaxMb, { integer: false }) * 1048576, maxAgeMs: numberOption('--wal-max-age-hours', options.walMaxAgeHours, { integer: false }) * 3600_000 },
    keys,
    mqtt: wantsBroker
      ? resolvePreset({
          preset,
          url: options.mqtt,
          username: options.username,
          password: options.passwordFile || options.passwordEnv ? { file: options.passwordFile, env: options.passwordEnv } : undefined,
          caFile: options.ca,
          certFile: options.cert,
          keyFile: options.key,
          clientId: options.clientId,
          protocol,
          topicPrefix: options.topicPrefix,
          awsEndpoint: options.awsEndpoint,
          azureHub: options.azureHub,
          azureDevice: options.azureDevice,
          azureKey: { file: options.azureKeyFile, env: options.azureKeyEnv },
          sasTtlSeconds: numberOption('--sas-ttl', options.sasTtl),
        })
      : undefined,
    embeddedPort: numberOption('--embedded-port', options.embeddedPort, { allowZero: true }),
    webhook: options.webhook ? { url: options.webhook, headers: options.webhookAuthEnv ? { authorization: readSecret({ env: options.webhookAuthEnv }, 'webhook authorization') } : undefined } : undefined,
    ports: options.port,
    tcp: options.tcp,
    uplinks: options.uplink,
    transports: fleet.map((member) => member.transport),
    window: numberOption('--window', options.window),
    replayRate: numberOption('--replay-rate', options.replayRate),
    maxLine: numberOption('--max-line', options.maxLine),
    connectTimeoutMs: numberOption('--connect-timeout', options.connectTimeout, { integer: false }) * 1000,
    waitForPorts: options.waitForPorts,
  };
  const startedAt = Date.now();
  const running = await startBridge(config);
  const { bridge } = running;
  const json = options.json === true;
  const log = (text: string): void => void process.stderr.write(text + '\n');
  log(`bridge: ${running.inputs.length} input(s) → ${bridgeStatus(running, startedAt).broker.url}${running.embedded ? ' (embedded broker)' : ''}; WAL ${options.wal}${running.bridge.replayBacklog ? `; replaying ${running.bridge.replayBacklog} unpublished message(s)` : ''}`);
  bridge.on('device-error', ({ src, message }: { src: string; message: string }) => log(`device error on ${src}: ${message}`));
  bridge.on('input-down', ({ src }: { src: string }) => log(`input ${src} disconnected; reconnecting`));
  let sinkErrorLogged = 0;
  bridge.on('sink-error', ({ sink, error }: { sink: string; error: unknown }) => {
    if (Date.now() - sinkErrorLogged > 5000) {
      sinkErrorLogged = Date.now();
      log(`${sink}: ${(error as Error).message}; retrying`);
    }
  });
  const report = (): void => {
    const status = bridgeStatus(running, startedAt);
    if (json) process.stdout.write(JSON.stringify(status) + '\n');
    else log(formatStatusLine(status));
  };
  const simStop = new AbortController();
  const simRuns = fleet.map(async (member) => {
    while (!simStop.signal.aborted) await runBoard(member.board, { hours: 1, speed: simSpeed, signal: simStop.signal });
  });
  const interval = numberOption('--status-interval', options.statusInterval, { integer: false, allowZero: true });
  const statusTimer = interval > 0 ? setInterval(report, interval * 1000) : null;

  const exitCode = await new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => resolve(signal === 'SIGINT' ? EXIT_CODES.INTERRUPTED : EXIT_CODES.OK);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    bridge.once('fatal', (error: unknown) => {
      log(describeError(error));
      resolve(exitStatusOf(error));
    });
    if (options.duration) setTimeout(() => resolve(EXIT_CODES.OK), numberOption('--duration', options.duration, { integer: false }) * 1000);
  });
  if (statusTimer) clearInterval(statusTimer);
  simStop.abort();
  await Promise.all(simRuns);
  report();
  await running.close();
  return exitCode;
}
