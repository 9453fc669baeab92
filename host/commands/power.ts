/**
 * `spruce power --app <name> --board <id> [--battery <mAh>] [--json]`
 *
 * Projects battery life: builds the app, runs it for a simulated day on the virtual board (the
 * occupancy dataset on its sensors, a real MQTT broker behind its virtual Wi-Fi), then prices the
 * day with the board's power model (boards/<id>.json "power", every figure with its source) and
 * shows where the energy goes, which figures the answer is most sensitive to, and the boot cost
 * per wake at which the battery would last a year.
 */
import type { CommandSpec } from './command.ts';
import { SpruceError } from '../errors.ts';
import { TWO_AA, type Battery } from '../power/model.ts';
import { projectApp, worstChangeLatencyS, type Projection } from '../power/project.ts';

interface PowerFlags {
  app: string;
  board: string;
  battery: string;
  usable: string;
  date?: string;
  period?: string;
  summaryEvery?: string;
  lightSleepWaits?: boolean;
  hours?: string;
  json?: boolean;
}

function positive(value: string | undefined, name: string, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new SpruceError('E_USAGE', `--${name} must be a number in (0, ${max}], got "${value}"`, { hint: `e.g. --${name} ${name === 'usable' ? '0.85' : '2500'}`, exit: 'USAGE' });
  }
  return n;
}

export const powerCommand: CommandSpec = {
  name: 'power',
  summary: 'project battery life for an app on a board from a simulated day, and show where the energy goes',
  configure(command) {
    command
      .requiredOption('-a, --app <name>', 'app to project (firmware/apps/<name>; a Wi-Fi node: occupancy-mqtt)')
      .requiredOption('-b, --board <id>', 'board whose power model to use (boards/<id>.json "power")')
      .option('--battery <mAh>', 'battery capacity in mAh', String(TWO_AA.mAh))
      .option('--usable <fraction>', 'fraction of the rated charge usable above the board\'s minimum voltage', String(TWO_AA.usable))
      .option('--date <YYYY-MM-DD>', 'day of the occupancy dataset to replay (occupancy_test1.csv)')
      .option('--period <seconds>', 'wake period, sent to the app through its downlink mailbox')
      .option('--summary-every <wakes>', 'wakes per summary frame, sent through the downlink mailbox')
      .option('--hours <n>', 'simulate only the first n hours and scale to a day (quicker, less representative)')
      .option('--light-sleep-waits', 'price the firmware\'s idle waits at light-sleep current (a what-if for apps that idle; time the app spends in ESP32.lightSleep is always priced so)')
      .option('--json', 'print one machine-readable JSON document on stdout')
      .addHelpText('after', `
The day runs in virtual time (a few seconds to a minute of real time). Times the virtual board
cannot know (boot, bundle parse, Wi-Fi association) come from the board's figures; each carries
its source, and estimates carry a min-max range: the sensitivity table shows what each range does
to the answer. Espruino boots and parses the whole bundle from flash on EVERY wake (deep sleep is
a reboot); with a sensor that needs seconds to measure, the wait for it usually costs even more.
--period and --summary-every go through the app's downlink mailbox (periodMs, summaryEvery): the
app must accept those keys, and the first wake still runs on the built-in schedule.
A serial-only build (e.g. occupancy) never turns Wi-Fi on: project a Wi-Fi node with its MQTT
build (occupancy-mqtt), which also light-sleeps through the sensor wait (metered, not modelled).`)
      .action(async (flags: PowerFlags) => runPower(flags));
  },
};

async function runPower(flags: PowerFlags): Promise<void> {
  const battery: Battery = { ...TWO_AA, mAh: positive(flags.battery, 'battery')!, usable: positive(flags.usable, 'usable', 1)! };
  const mailbox: Record<string, number> = {};
  const period = positive(flags.period, 'period', 3600);
  if (period !== undefined) mailbox.periodMs = Math.round(period * 1000);
  const summaryEvery = positive(flags.summaryEvery, 'summary-every', 1440);
  if (summaryEvery !== undefined) mailbox.summaryEvery = Math.round(summaryEvery);
  const hours = positive(flags.hours, 'hours', 24);
  let lastShown = -1;
  const projection = await projectApp({
    app: flags.app,
    board: flags.board,
    battery,
    date: flags.date,
    mailbox: Object.keys(mailbox).length ? mailbox : undefined,
    hours,
    waitsInLightSleep: flags.lightSleepWaits ?? false,
    onProgress: (minute) => {
      const hour = Math.floor(minute / 60);
      if (hour === lastShown) return;
      lastShown = hour;
      const text = `spruce power: simulating ${flags.app} on the virtual board, hour ${hour + 1}/${Math.ceil(hours ?? 24)}`;
      if (process.stderr.isTTY) process.stderr.write(`\r${text} `);
      else if (hour % 6 === 0) process.stderr.write(`${text}\n`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...projection, worstChangeLatencyS: worstChangeLatencyS(projection.run) }, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatProjection(projection));
}

const pct = (part: number, total: number) => `${((100 * part) / total).toFixed(0).padStart(3)}%`;
const num = (n: number, digits = 2) => n.toFixed(digits);

export function formatProjection(p: Projection): string {
  const e = p.energy;
  const f = p.figures;
  const r = p.run;
  const frames = Object.entries(r.framesByKind).map(([k, n]) => `${k}:${n}`).join(' ');
  const lines = [
    `spruce power: ${p.app} on ${p.board} — ${p.counts.periodMs < 86_400_000 ? `the first ${num(p.counts.periodMs / 3_600_000, 1)} h of a day, scaled to 24 h` : 'one simulated day'} (${p.day.file} ${p.day.date}) on the virtual board`,
    `  wakes ${r.counts.wakes} · radio sessions ${r.counts.sessions} ok, ${r.counts.failedSessions} failed · frames delivered ${frames || 'none'} · bytes up ${r.bytesOut} · left in outbox ${r.leftInOutbox}`,
    `  awake with the radio off ${num(e.awakeSPerDay, 0)} s/day · light sleep ${num(e.lightSleepSPerDay, 0)} s/day · radio on ${num(e.radioSPerDay, 1)} s/day · bundle ${p.bundleBytes} bytes parsed on every wake`,
    p.mailbox ? `  schedule set through the mailbox: ${JSON.stringify(p.mailbox)}` : '',
    r.wifiAttempts === 0 ? `  the app never turned Wi-Fi on (a serial-only build?): for a Wi-Fi node project its MQTT build, e.g. --app occupancy-mqtt` : '',
    r.changes.length ? `  class changes: ${r.changes.length}, worst wake-to-broker ${num(worstChangeLatencyS(r), 0)} s (the change itself may precede its wake by one period)` : '',
    '',
    '  where the energy goes            mAh/day   share',
    `    boot (ROM, IDF, Espruino init)  ${num(e.boot, 3).padStart(8)}  ${pct(e.boot, e.total)}   ${f.hwBootMs.value}+${f.espruinoInitMs.value} ms per wake at ${f.activeMa.value} mA`,
    `    bundle parse                    ${num(e.bundle, 3).padStart(8)}  ${pct(e.bundle, e.total)}   ${num((p.bundleBytes * f.bundleLoadUsPerByte.value) / 1000, 0)} ms per wake (${f.bundleLoadUsPerByte.value} us/byte, estimate)`,
    `    app work                        ${num(e.work, 3).padStart(8)}  ${pct(e.work, e.total)}   ${f.wakeWorkMs.value} ms per wake`,
    `    firmware waits (sensors)        ${num(e.waits, 3).padStart(8)}  ${pct(e.waits, e.total)}   ${num(r.counts.firmwareAwakeMs / Math.max(1, r.counts.wakes), 0)} ms per wake at ${p.waitsInLightSleep ? `${f.lightSleepMa.value} mA (light sleep, modelled)` : `${f.idleMa.value} mA (idle)`} + ${num((p.counts.lightSleepMs ?? 0) / Math.max(1, r.counts.wakes), 0)} ms in ESP32.lightSleep at ${f.lightSleepMa.value} mA`,
    `    radio                           ${num(e.radio, 3).padStart(8)}  ${pct(e.radio, e.total)}   ${f.wifiConnectMs.value}+${f.mqttSetupMs.value} ms per session at ${f.radioMa.value} mA`,
    `    deep sleep                      ${num(e.sleep, 3).padStart(8)}  ${pct(e.sleep, e.total)}   ${f.deepSleepMa.value * 1000} uA`,
    `    total                           ${num(e.total, 3).padStart(8)}         average ${num(e.averageMa, 3)} mA`,
    '',
    `  battery ${p.battery.mAh} mAh x ${p.battery.usable} usable, ${p.battery.selfDischargePerYear * 100}%/year self-discharge: ${num(e.lifeDays, 0)} days (${num(e.lifeYears, 2)} years)`,
    `  boot cost per wake in this model: ${num(p.bootMsPerWake, 0)} ms; a year needs it at or below ${p.breakEvenBootMsForYear < 0 ? 'nothing (impossible even with a free boot)' : `${num(p.breakEvenBootMsForYear, 0)} ms`}`,
    '',
    '  sensitivity (battery life in days with one figure at its min / max):',
    ...p.sensitivity
      .filter((s) => Math.abs(s.lifeAtMaxDays - s.lifeAtMinDays) >= 1)
      .sort((a, b) => Math.abs(b.lifeAtMaxDays - b.lifeAtMinDays) - Math.abs(a.lifeAtMaxDays - a.lifeAtMinDays))
      .map((s) => `    ${s.figure.padEnd(20)} ${String(s.low).padStart(6)} .. ${String(s.high).padEnd(6)}  ${num(s.lifeAtMinDays, 0).padStart(5)} .. ${num(s.lifeAtMaxDays, 0)} days`),
    '',
    '  figures and sources: boards/' + p.board + '.json "power"',
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n') + '\n';
}
