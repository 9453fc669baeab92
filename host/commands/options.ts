/**
 * Parsing of numeric command-line options shared by the commands: commander hands over strings,
 * and a bad value must stop with E_USAGE naming the option and what it accepts.
 */
import { SpruceError } from '../errors.ts';

/**
 * The number in `text` for the option `name`: finite and not negative, a whole number unless
 * `integer` is false, and above zero unless `allowZero`.
 */
export function numberOption(name: string, text: string, { integer = true, allowZero = false } = {}): number {
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < 0 || (!allowZero && value === 0)) {
    throw new SpruceError('E_USAGE', `${name} must be a ${integer ? 'whole ' : ''}number${allowZero ? ' >= 0' : ' > 0'}, got "${text}"`, { exit: 'USAGE' });
  }
  return value;
}
