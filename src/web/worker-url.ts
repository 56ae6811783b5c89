/**
 * A URL a module Web Worker can start from for the script at `url`: the URL
 * itself when it is of the page's origin, else a blob copy of the script (a
 * worker must come from the page's origin; a bundle served by a CDN is not).
 * Used by the decoder's worker and the encoder's.
 */
export async function sameOriginScriptUrl(url: string): Promise<string> {
  if (new URL(url).origin === location.origin) return url;
  const response = await fetch(url);
  return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
}
