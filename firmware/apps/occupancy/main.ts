/**
 * The occupancy node over the serial console (lean build: no Wi-Fi, no MQTT client): frames are
 * printed as console lines and leave the outbox when the host calls the global ack(boot, seq).
 * The wake itself is node.ts, shared with firmware/apps/occupancy-mqtt.
 *
 * The sensor wait is a timer, not light sleep: the console must stay responsive so a host can
 * acknowledge frames of an earlier wake while the sensors convert (a serial node has a host
 * attached, and usually its USB power).
 */
import { serialUplink } from '../../hal/uplink';
import { runNode } from './node';
import { ACK_WINDOW_MS, SEND_PER_WAKE } from '../../core/config';
import { CONFIG } from './config';

runNode(function (w) {
  return {
    uplink: serialUplink(ACK_WINDOW_MS, w.removeFrame),
    limit: SEND_PER_WAKE,
    config: CONFIG,
    // The built-in timer itself (NodeLink.wait takes setTimeout's arguments): no wrapper to parse.
    wait: setTimeout,
  };
});
