import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { azureSasToken, readSecret, resolvePreset } from './presets.ts';

const dir = mkdtempSync(join(tmpdir(), 'spruce-presets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('broker presets', () => {
  it('AWS IoT Core: mutual TLS on 443 with ALPN x-amzn-mqtt-ca', () => {
    const cert = file('c.pem', 'CERT');
    const key = file('k.pem', 'KEY');
    const ca = file('ca.pem', 'CA');
    const p = resolvePreset({ preset: 'aws', awsEndpoint: 'abc-ats.iot.eu-west-1.amazonaws.com', certFile: cert, keyFile: key, caFile: ca, clientId: 'thing1' });
    expect(p.url).toBe('mqtts://abc-ats.iot.eu-west-1.amazonaws.com:443');
    expect(p.clientOptions).toMatchObject({ ALPNProtocols: ['x-amzn-mqtt-ca'], clientId: 'thing1', servername: 'abc-ats.iot.eu-west-1.amazonaws.com' });
    expect(String(p.clientOptions!.cert)).toBe('CERT');
    expect(() => resolvePreset({ preset: 'aws', awsEndpoint: 'x' })).toThrow(/certificate and key/);
  });

  it('Azure IoT Hub: SAS token from the key, the right username and topic, renewed before expiry', () => {
    const deviceKey = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    process.env.SPRUCE_TEST_AZURE_KEY = deviceKey;
    let now = 1_700_000_000_000;
    const p = resolvePreset({ preset: 'azure', azureHub: 'myhub', azureDevice: 'bridge1', azureKey: { env: 'SPRUCE_TEST_AZURE_KEY' }, sasTtlSeconds: 600 }, () => now);
    expect(p.url).toBe('mqtts://myhub.azure-devices.net:8883');
    expect(p.protocol).toBe(4);
    expect(p.clientOptions).toMatchObject({ clientId: 'bridge1', username: 'myhub.azure-devices.net/bridge1/?api-version=2021-04-12' });
    const token = String(p.clientOptions!.password);
    const resource = encodeURIComponent('myhub.azure-devices.net/devices/bridge1');
    const expiry = 1_700_000_000 + 600;
    const sig = createHmac('sha256', Buffer.from(deviceKey, 'base64')).update(`${resource}\n${expiry}`).digest('base64');
    expect(token).toBe(`SharedAccessSignature sr=${resource}&sig=${encodeURIComponent(sig)}&se=${expiry}`);
    expect(p.renewEveryMs).toBe(480_000); // 80% of the lifetime
    now += 480_000;
    expect(p.refreshCredentials!().password).toContain(`se=${expiry + 480}`);
    expect(p.topic!({ dev: 'd1', boot: 2, seq: 3, k: 'c' } as never)).toBe('devices/bridge1/messages/events/dev=d1&boot=2&seq=3&kind=class');
    expect(azureSasToken('a/b', deviceKey, 1)).toMatch(/^SharedAccessSignature sr=a%2Fb&sig=.+&se=1$/);
  });

  it('generic: username and password from a file, never from the command line', () => {
    const p = resolvePreset({ preset: 'generic', url: 'mqtt://h:1883', username: 'u', password: { file: file('pw', 's3cret\n') } });
    expect(p.clientOptions).toMatchObject({ username: 'u', password: 's3cret' });
    expect(() => resolvePreset({ preset: 'generic' })).toThrow(/--mqtt/);
  });

  it('says which secret is missing without showing any', () => {
    delete process.env.SPRUCE_NOPE;
    expect(() => readSecret({ env: 'SPRUCE_NOPE' }, 'MQTT password')).toThrow(/SPRUCE_NOPE/);
    expect(() => readSecret({ file: join(dir, 'missing') }, 'MQTT password')).toThrow(/ENOENT/);
  });
});
