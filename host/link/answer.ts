/**
 * How an expression's answer crosses the wire: the board evaluates a wrapper that always answers
 * `{"v":value}` or `{"e":"message"}`, so a thrown error comes back as a value, never as a half-read
 * `Uncaught` line. Pure functions: the client sends the wrapped text and unwraps what returns.
 */
import { SpruceError } from '../errors.ts';

/** The wrapper that turns any expression into `{"v":...}` or `{"e":"..."}`. */
export function wrapExpression(expression: string): string {
  return `(function(){try{return JSON.stringify({v:eval(${JSON.stringify(expression)})})}catch(e){return JSON.stringify({e:String(e&&e.message||e)})}})()`;
}

/** The value inside a wrapper's answer; a garbled answer or a board-side error becomes a SpruceError. */
export function unwrapAnswer(expression: string, json: string): unknown {
  let answer: { v?: unknown; e?: string };
  try {
    answer = JSON.parse(json);
  } catch (error) {
    throw new SpruceError('E_DEVICE_GARBLED', `the board's answer to \`${expression.slice(0, 60)}\` is not JSON: ${JSON.stringify(json.slice(0, 80))}`, {
      exit: 'DEVICE',
      hint: 'characters were lost on the line: check the cable and baud rate, then retry',
      cause: error,
    });
  }
  if (answer.e !== undefined) {
    throw new SpruceError('E_DEVICE_EVAL', `the board raised an error evaluating \`${expression.slice(0, 60)}\`: ${answer.e}`, { exit: 'DEVICE' });
  }
  return answer.v;
}
