/**
 * Occupancy rows as the occupancy app sees them: each CSV row is one wake's readings, turned
 * into the app's integer feature vector by the app's OWN function (firmware/core/occupancy.ts,
 * occupancyFeatures + nextHistory), so training and the device cannot drift. Units follow the
 * sensor drivers: centi-°C, centi-%RH, whole lux (floor, like the BH1750 driver), ppm (floor).
 */
import { FEATURE_NAMES, nextHistory, occupancyFeatures, type Readings } from '../../firmware/core/occupancy.ts';
import { DEFAULT_CONFIG } from '../../firmware/core/config.ts';
import { columnIndex, numberAt, readCsv } from './csv.ts';
import { toScaledInt } from './scale.ts';

export interface OccupancyColumns {
  temperature: string;
  humidity: string;
  light: string;
  co2: string;
  label: string;
}

export const OCCUPANCY_COLUMNS: OccupancyColumns = {
  temperature: 'temperature_c',
  humidity: 'humidity_pct',
  light: 'light_lux',
  co2: 'co2_ppm',
  label: 'occupancy',
};

export const OCCUPANCY_SCALES = { t: 100, h: 100, l: 1, c: 1, dc: 1 };

export function loadOccupancyRows(file: string, label: string, slopeWindow = DEFAULT_CONFIG.slopeWindow): { names: string[]; rows: Int32Array[]; labels: string[]; lines: number[] } {
  const table = readCsv(file);
  const at = {
    t: columnIndex(table, OCCUPANCY_COLUMNS.temperature, 'channels'),
    h: columnIndex(table, OCCUPANCY_COLUMNS.humidity, 'channels'),
    l: columnIndex(table, OCCUPANCY_COLUMNS.light, 'channels'),
    c: columnIndex(table, OCCUPANCY_COLUMNS.co2, 'channels'),
    y: columnIndex(table, label, 'label'),
  };
  let history: number[] = [];
  const rows: Int32Array[] = [];
  const labels: string[] = [];
  for (let r = 0; r < table.rows.length; r++) {
    const readings: Readings = {
      t: toScaledInt(numberAt(table, r, at.t), 100),
      h: toScaledInt(numberAt(table, r, at.h), 100),
      l: Math.floor(numberAt(table, r, at.l)),
      c: Math.floor(numberAt(table, r, at.c)),
      faults: [],
    };
    rows.push(Int32Array.from(occupancyFeatures(history, readings, slopeWindow)));
    history = nextHistory(history, readings.c, slopeWindow);
    labels.push(table.rows[r]![at.y]!.trim());
  }
  return { names: [...FEATURE_NAMES], rows, labels, lines: table.lines };
}
