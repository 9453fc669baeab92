/**
 * Broker presets: a generic broker (username/password and/or client certificates), AWS IoT Core
 * (mutual TLS on 443 with ALPN "x-amzn-mqtt-ca") and Azure IoT Hub (SAS token from a device key,
 * renewed before it expires). Secrets are read from files or environment variables, never from the
 * command line (which `ps` shows), and never logged.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { SpruceError } from '../errors.ts';
import type { MqttSinkOptions } from './mqtt-sink.ts';
import { kindName } from './message.ts';

export type PresetName = 'generic' | 'aws' | 'azure';

export interface SecretSource {
  file?: string;
  env?: string;
}

export interface PresetInput {
  preset: PresetName;
  url?: string;
  username?: string;
  password?: SecretSource;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  clientId?: string;
  protocol?: 5 | 4 | 'auto';
  topicPrefix?: string;
  /** AWS: the account's ATS endpoint, e.g. abc123-ats.iot.eu-west-1.amazonaws.com. */
  awsEndpoint?: string;
  /** Azure: hub name (without .azure-devices.net) and the bridge's device identity. */
  azureHub?: string;
  azureDevice?: string;
  azureKey?: SecretSource;
  /** Azure SAS token lifetime, seconds. */
  sasTtlSeconds?: number;
}

/** Reads a secret from a file (trailing newline trimmed) or an environment variable. */
export function readSecret(source: SecretSource, what: string): string {
  if (source.file) {
    try {
      return readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new SpruceError('E_SECRET', `cannot read the ${what} from ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {
        hint: 'check the path and its permissions',
        exit: 'BAD_INPUT',
      });
    }
  }
  if (source.env) {
    const value = process.env[source.env];
    if (value === undefined || value === '') {
      throw new SpruceError('E_SECRET', `the environment variable ${source.env} (${what}) is not set`, { hint: `export ${source.env}=... before starting`, exit: 'BAD_INPUT' });
    }
    return value;
  }
  throw new SpruceError('E_SECRET', `no ${what} given`, { hint: 'pass it as a file or an environment variable name', exit: 'USAGE' });
}

function readFileOption(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new SpruceError('E_TLS_FILE', `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {
      hint: 'check the path and its permissions',
      exit: 'BAD_INPUT',
    });
  }
}

function tlsOptions(input: PresetInput): IClientOptions {
  const options: IClientOptions = {};
  if (input.caFile) options.ca = readFileOption(input.caFile, 'CA certificate');
  if (input.certFile) options.cert = readFileOption(input.certFile, 'client certificate');
  if (input.keyFile) options.key = readFileOption(input.keyFile, 'client key');
  if ((input.certFile === undefined) !== (input.keyFile === undefined)) {
    throw new SpruceError('E_USAGE', 'a client certificate needs both --cert and --key', { exit: 'USAGE' });
  }
  return options;
}

/** Azure IoT Hub SAS token for `resourceUri`, signed with the base64 device key, expiring at `expiry` (s). */
export function azureSasToken(resourceUri: string, base64Key: string, expiry: number): string {
  const encoded = encodeURIComponent(resourceUri);
  const signature = createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${encoded}\n${expiry}`).digest('base64');
  return `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(signature)}&se=${expiry}`;
}

export function resolvePreset(input: PresetInput, now: () => number = Date.now): Omit<MqttSinkOptions, 'window'> {
  switch (input.preset) {
    case 'generic': {
      if (!input.url) throw new SpruceError('E_USAGE', 'the generic preset needs --mqtt <url>', { exit: 'USAGE', hint: 'e.g. --mqtt mqtt://broker.local:1883 or mqtts://host:8883' });
      const clientOptions: IClientOptions = { ...tlsOptions(input) };
      if (input.username) clientOptions.username = input.username;
      if (input.password) clientOptions.password = readSecret(input.password, 'MQTT password');
      if (input.clientId) clientOptions.clientId = input.clientId;
      return { url: input.url, clientOptions, protocol: input.protocol ?? 'auto', topicPrefix: input.topicPrefix };
    }
    case 'aws': {
      if (!input.awsEndpoint) throw new SpruceError('E_USAGE', 'the aws preset needs --aws-endpoint <xxx-ats.iot.<region>.amazonaws.com>', { exit: 'USAGE', hint: 'find it in the AWS IoT console under Settings (Device data endpoint)' });
      if (!input.certFile || !input.keyFile) throw new SpruceError('E_USAGE', 'the aws preset needs the thing certificate and key (--cert, --key)', { exit: 'USAGE', hint: 'download them when creating the thing; --ca is Amazon Root CA 1' });
      return {
        // Port 443 with ALPN "x-amzn-mqtt-ca" gets MQTT through firewalls that only allow HTTPS.
        url: `mqtts://${input.awsEndpoint}:443`,
        clientOptions: { ...tlsOptions(input), ALPNProtocols: ['x-amzn-mqtt-ca'], clientId: input.clientId ?? 'spruce-bridge', servername: input.awsEndpoint },
        protocol: input.protocol ?? 5,
        topicPrefix: input.topicPrefix,
      };
    }
    case 'azure': {
      if (!input.azureHub || !input.azureDevice) throw new SpruceError('E_USAGE', 'the azure preset needs --azure-hub <name> and --azure-device <id>', { exit: 'USAGE' });
      const key = readSecret(input.azureKey ?? {}, 'Azure device key');
      const host = `${input.azureHub}.azure-devices.net`;
      const device = input.azureDevice;
      const ttl = input.sasTtlSeconds ?? 3600;
      const token = (): string => azureSasToken(`${host}/devices/${device}`, key, Math.floor(now() / 1000) + ttl);
      return {
        url: `mqtts://${host}:8883`,
        clientOptions: { ...tlsOptions(input), clientId: device, username: `${host}/${device}/?api-version=2021-04-12`, password: token() },
        protocol: 4, // IoT Hub speaks MQTT 3.1.1
        // IoT Hub accepts only its own topic; (dev, boot, seq) ride in the property bag.
        topic: (entry) => `devices/${device}/messages/events/dev=${entry.dev}&boot=${entry.boot}&seq=${entry.seq}&kind=${kindName(entry.k)}`,
        refreshCredentials: () => ({ password: token() }),
        // Reconnect with a fresh token at 80% of its life.
        renewEveryMs: Math.floor(ttl * 800),
      };
    }
  }
}
