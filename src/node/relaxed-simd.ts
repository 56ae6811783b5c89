/**
 * Node 20 keeps relaxed-SIMD FMA behind a V8 flag. The flag must be on
 * before any kernel module compiles, so the CLI turns it on first thing and
 * the WASM engine again (harmlessly) when a library caller creates one.
 * Node-only (node:v8): the decoder and kernels never import this.
 */
import { setFlagsFromString } from 'node:v8';
import { detectFeatures } from '../kernels/wasm/load.js';

let relaxedTried = false;

/** Turns on relaxed SIMD in V8 builds that keep it behind a flag. Safe to call more than once. */
export function enableRelaxedSimd(): void {
  if (relaxedTried) return;
  relaxedTried = true;
  if (detectFeatures().relaxedSimd) return;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // An unknown flag: this V8 has no relaxed SIMD; `auto` falls back to SIMD.
  }
}
