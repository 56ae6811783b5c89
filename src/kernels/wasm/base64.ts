/** The bytes of base64 `text`: how the generated modules embed the WASM builds (no `fs`, so bundlers and browsers take them). */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}
