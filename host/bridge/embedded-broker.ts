/**
 * The default output when no --mqtt URL is given: an aedes broker inside the bridge process on
 * 127.0.0.1, so `spruce bridge` and `spruce demo` work with nothing installed. aedes speaks MQTT
 * 3.1.1, so messages carry (dev, boot, seq) in the JSON payload only (no MQTT 5 user properties).
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { SpruceError } from '../errors.ts';

export interface EmbeddedBroker {
  url: string;
  port: number;
  broker: Aedes;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port = 1883, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SpruceError('E_BROKER_PORT', `cannot start the embedded MQTT broker on ${host}:${port}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? `port ${port} is taken (another broker?): pass --embedded-port <n>, or --mqtt mqtt://127.0.0.1:${port} to use that broker` : 'pass --embedded-port <n>',
          exit: 'NETWORK',
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    broker,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
