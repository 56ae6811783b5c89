/** A duration for a progress line: `42.0 s`, `3 min 5 s`, `1 h 20 min`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  // Rounded once, so that 179.6 s reads `3 min 0 s`, not `2 min 60 s`.
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  return minutes < 60 ? `${minutes} min ${whole % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
