/**
 * `spruce ports [--json] [--all]`: the serial ports present, with USB ids, serial numbers and a
 * guess at which are ESP32 boards (from the USB bridges listed in boards/*.json).
 */
import type { CommandSpec } from './command.ts';
import { listPorts, type PortEntry } from '../link/ports.ts';

interface PortsFlags {
  json?: boolean;
  all?: boolean;
}

export function formatPortsTable(ports: PortEntry[]): string {
  if (ports.length === 0) return 'no serial ports found (plug the board in with a data cable; `spruce sim --serial` makes a virtual one)';
  const rows = [['PORT', 'VID:PID', 'SERIAL', 'BRIDGE', 'ESP32?']];
  for (const p of ports) {
    rows.push([p.path, p.vendorId ? `${p.vendorId}:${p.productId ?? '????'}` : '-', p.serialNumber ?? '-', p.bridge ?? p.manufacturer ?? '-', p.esp32 ? `likely (${p.boards.join(', ') || 'native USB'})` : 'no']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export const portsCommand: CommandSpec = {
  name: 'ports',
  summary: 'list serial ports, their USB ids and which look like ESP32 boards',
  configure(command) {
    command
      .option('--json', 'print a JSON array')
      .option('--all', 'include ports without USB information (built-in UARTs, pseudo-terminals)')
      .addHelpText('after', `
Linux needs \`udevadm\` (Debian package \`udev\`) to read USB details.
Not listed? Check the cable carries data, and that you may open the port (group \`dialout\`).`)
      .action(async (flags: PortsFlags) => {
        const ports = (await listPorts()).filter((p) => flags.all || p.vendorId !== undefined);
        process.stdout.write((flags.json ? JSON.stringify(ports, null, 2) : formatPortsTable(ports)) + '\n');
      });
  },
};
