/**
 * Wi-Fi with a deadline. Espruino's Wifi.connect reports only "Bad password"; every other
 * failure (no access point, DHCP never answering) retries silently forever, which on a battery
 * node means the radio stays on until the watchdog or the battery gives out. So every connect
 * here has its own timeout, after which the radio is switched off and a value comes back.
 * Backoff across wakes is the transmit policy's job (firmware/core/policy.ts).
 */

export interface WifiResult {
  ok: boolean;
  code?: string;
  /** Milliseconds from the call to the outcome (for logs and the power report). */
  ms: number;
}

/**
 * Connects to `ssid`; cb is called exactly once: {ok:true} with an IP address, or
 * {ok:false, code: 'E_WIFI_AUTH' | 'E_WIFI_TIMEOUT' | 'E_WIFI_ERROR'}.
 */
export function wifiConnect(ssid: string, password: string, timeoutMs: number, cb: (r: WifiResult) => void): void {
  var wifi = require('Wifi');
  var start = getTime();
  var done = false;
  function finish(ok: boolean, code?: string): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    var r: WifiResult = { ok: ok, ms: ((getTime() - start) * 1000) | 0 };
    if (code) r.code = code;
    if (!ok) wifi.disconnect(); // stop the silent retries: they keep the radio on
    cb(r);
  }
  var timer = setTimeout(function () {
    finish(false, 'E_WIFI_TIMEOUT');
  }, timeoutMs);
  try {
    wifi.connect(ssid, { password: password }, function (err: string | null) {
      if (err) finish(false, err === 'Bad password' ? 'E_WIFI_AUTH' : 'E_WIFI_ERROR');
      else finish(true);
    });
  } catch (e) {
    finish(false, 'E_WIFI_ERROR');
  }
}

/** Turns the radio off before deep sleep (deep sleep would too, but this also stops auto-reconnect). */
export function wifiOff(): void {
  try {
    require('Wifi').disconnect();
  } catch (e) {
    // Nothing to do: the radio was not on.
  }
}
