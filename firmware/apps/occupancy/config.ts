/**
 * The occupancy app's settings (fields documented in firmware/core/config.ts; DEFAULT_CONFIG there
 * is the same schedule). A plain literal: a merge helper would cost bundle bytes on every board.
 */
import type { StepConfig } from '../../core/config';

export var CONFIG: StepConfig = {
  periodMs: 60000,
  summaryEvery: 15,
  slopeWindow: 15,
  outboxMax: 96,
  sendPerWake: 8,
  ackWindowMs: 300,
};

