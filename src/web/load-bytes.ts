/**
 * Fetches the bytes of `src` for an element. Every failure becomes an
 * `Error` whose message names the element and the file, never a bare
 * TypeError from fetch.
 */
export async function loadBytes(element: string, src: string, signal: AbortSignal): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(src, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error(`${element}: could not fetch ${src} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new Error(`${element}: could not fetch ${src}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return new Uint8Array(await response.arrayBuffer());
}

/** The message of an error from reading or decoding a file, naming the file. */
export function fileErrorMessage(element: string, src: string, error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? ` (${String(error.code)})` : '';
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${element}:`) ? message : `${element}: ${src} is not a file this decoder can show${code}: ${message}`;
}

/** Fires an `error` ErrorEvent on `target` with `message`; never throws. */
export function fireError(target: EventTarget, message: string, error?: unknown): void {
  target.dispatchEvent(new ErrorEvent('error', { message, error: error ?? new Error(message) }));
}
