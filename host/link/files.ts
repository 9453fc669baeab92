/**
 * Moving Storage files to and from a board over a BoardChannel (an EspruinoClient): FILE_SEND/DATA and FILE_RECV
 * packets on 2v25+, and on older firmware `Storage.write(name, atob(...), offset, size)` lines —
 * the fallback the stock tools use — with every line answered before the next goes out.
 */
import { SpruceError } from '../errors.ts';
import type { BoardChannel, Progress } from './channel.ts';
import { PacketType, type Packet } from './packets.ts';

/** Bytes per fallback line: 768 bytes become 1024 base64 characters. */
const LINE_CHUNK = 768;

export async function writeStorageFile(client: BoardChannel, name: string, data: Buffer, progress?: Progress): Promise<void> {
  if (client.usePackets) {
    await client.sendPacket(PacketType.FILE_SEND, JSON.stringify({ fn: name, s: data.length }), `FILE_SEND ${name}`, 0);
    progress?.(0, data.length);
    for (let offset = 0; offset < data.length; offset += client.chunkSize) {
      const chunk = data.subarray(offset, offset + client.chunkSize);
      // A DATA packet is not retried: the board's write offset may already have moved.
      await client.sendPacket(PacketType.DATA, chunk, `DATA for ${name} at ${offset}`, 0);
      progress?.(offset + chunk.length, data.length);
    }
    return;
  }
  progress?.(0, data.length);
  for (let offset = 0; offset < data.length || offset === 0; offset += LINE_CHUNK) {
    const part = data.subarray(offset, offset + LINE_CHUNK).toString('base64');
    await client.evalLine(`require("Storage").write(${JSON.stringify(name)},atob(${JSON.stringify(part)}),${offset},${data.length})`);
    progress?.(Math.min(offset + LINE_CHUNK, data.length), data.length);
    if (data.length === 0) break;
  }
}

export async function readStorageFile(client: BoardChannel, name: string): Promise<Buffer> {
  if (!client.usePackets) {
    const size = (await client.evalLine(`(require("Storage").read(${JSON.stringify(name)})||"").length`)) as number;
    const parts: Buffer[] = [];
    for (let offset = 0; offset < size; offset += LINE_CHUNK) {
      const b64 = (await client.evalLine(`btoa(require("Storage").read(${JSON.stringify(name)},${offset},${Math.min(LINE_CHUNK, size - offset)}))`)) as string;
      parts.push(Buffer.from(b64, 'base64'));
    }
    return Buffer.concat(parts);
  }
  const chunks: Buffer[] = [];
  let stop = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const fail = () => {
      stop();
      reject(new SpruceError('E_DEVICE_NO_ANSWER', `reading ${name} back stalled`, { exit: 'DEVICE', hint: 'retry; check the cable' }));
    };
    let timer = setTimeout(fail, client.timeoutMs);
    const onPacket = (packet: Packet) => {
      if (packet.type !== PacketType.DATA) return;
      clearTimeout(timer);
      // The board ends the file with an empty DATA packet.
      if (packet.data.length === 0) {
        stop();
        resolve();
        return;
      }
      chunks.push(packet.data);
      timer = setTimeout(fail, client.timeoutMs);
    };
    stop = () => {
      clearTimeout(timer);
      client.rx.off('packet', onPacket);
    };
    client.rx.on('packet', onPacket);
  });
  done.catch(() => undefined);
  try {
    await client.sendPacket(PacketType.FILE_RECV, JSON.stringify({ fn: name }), `FILE_RECV ${name}`, 0);
  } catch (error) {
    stop();
    throw error;
  }
  await done;
  return Buffer.concat(chunks);
}
