/**
 * host/link: talking to boards. The public API, for commands and the bridge:
 *
 *   const transport = await openLink({ port: '/dev/ttyUSB0' });   // or { tcp: 'host:23' }; shared per port
 *   const client = new EspruinoClient(transport);
 *   await client.sync();  await client.identify();
 *   await client.eval('ack(3, 17)');                                // echo off, JSON answer
 *   client.onText((text) => ...);                                   // console text, protocol bytes removed
 *
 * Transports: SerialTransport, TcpTransport, MemoryTransport (createMemoryPair), SharedTransport
 * (one owner per port across processes). All reconnect by themselves and emit disconnect/open.
 */
export type { Transport, TransportEvents, TransportState } from './transport.ts';
export { SerialTransport, serialOpenError } from './serial.ts';
export { TcpTransport, parseTcpTarget } from './tcp.ts';
export { MemoryTransport, createMemoryPair } from './memory.ts';
export { SharedTransport, socketPathFor } from './broker.ts';
export { openLink, resolveLinkName, type LinkOptions } from './open.ts';
export { listPorts, pickPort, classifyPort, type PortEntry } from './ports.ts';
export { EspruinoClient, parseVersion, supportsPackets, type BoardInfo, type ClientOptions } from './espruino.ts';
export { RxDemux } from './rx.ts';
export { encodePacket, PacketType, ACK, NAK, XON, XOFF, DLE } from './packets.ts';
export { flashApp, restartAndConfirm, waitForBoard, type FlashPlan, type FlashResult } from './flash.ts';
export { classifyLine, verifyFrameHmac, LineAssembler, type MonitorLine } from './monitor.ts';
