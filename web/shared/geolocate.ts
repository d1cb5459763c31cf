/** Why the browser gave no position; each has its own sentence under `common.location.*`. */
export type LocateFailure = 'unsupported' | 'insecure' | 'denied' | 'unavailable' | 'timeout';

/** The device's position, or why there is none. */
export type LocateResult =
  { ok: true; lat: number; lng: number; accuracyM: number } | { ok: false; reason: LocateFailure };

/**
 * Asks the browser for the device's position once. It never throws: a browser without geolocation, a
 * page on plain HTTP (browsers refuse there), a refused permission, no fix and a timeout each come back
 * as a reason the page can put into words.
 */
export function locateOnce(timeoutMs = 10_000): Promise<LocateResult> {
  if (typeof window !== 'undefined' && window.isSecureContext === false)
    return Promise.resolve({ ok: false, reason: 'insecure' });
  const geo = typeof navigator !== 'undefined' ? navigator.geolocation : undefined;
  if (!geo || typeof geo.getCurrentPosition !== 'function')
    return Promise.resolve({ ok: false, reason: 'unsupported' });
  return new Promise((resolve) => {
    try {
      geo.getCurrentPosition(
        (pos) =>
          resolve({
            ok: true,
            lat: Number(pos.coords.latitude.toFixed(6)),
            lng: Number(pos.coords.longitude.toFixed(6)),
            accuracyM: Math.round(pos.coords.accuracy),
          }),
        (err) =>
          resolve({
            ok: false,
            reason:
              err.code === err.PERMISSION_DENIED
                ? 'denied'
                : err.code === err.TIMEOUT
                  ? 'timeout'
                  : 'unavailable',
          }),
        { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
      );
    } catch {
      // Some embedded browsers throw instead of calling back when the feature is switched off.
      resolve({ ok: false, reason: 'unavailable' });
    }
  });
}
