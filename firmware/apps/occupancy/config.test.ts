import { describe, expect, it } from 'vitest';
import { ACK_WINDOW_MS, DEFAULT_CONFIG, SEND_PER_WAKE } from '../../core/config.ts';
import { CONFIG } from './config.ts';

describe('occupancy (serial) settings', () => {
  it('main.ts reads the build-time constants, which are exactly the settings in force (CONFIG)', () => {
    // main.ts passes ACK_WINDOW_MS and SEND_PER_WAKE as numbers the minifier inlines; they must
    // stay the values of the app's CONFIG, or the bundle would run with settings CONFIG does not say.
    expect(CONFIG).toBe(DEFAULT_CONFIG);
    expect(CONFIG.ackWindowMs).toBe(ACK_WINDOW_MS);
    expect(CONFIG.sendPerWake).toBe(SEND_PER_WAKE);
  });
});
