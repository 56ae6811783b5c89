import { ElementBase, reflectAttributes, upgradeProperties } from './element-base.js';
import { decodeAudio } from '../decoder/index.js';
import { fileErrorMessage, fireError, loadBytes } from './load-bytes.js';
import { wavBytes } from './wav.js';

/** Default sample rate where the page has no AudioContext to ask. */
const FALLBACK_RATE = 48000;

/**
 * `<snf-audio src="clip.snf" controls>`: decodes an audio .snf at the
 * sample rate of the page's audio output (an AudioContext's, so the browser
 * does not resample it again) and plays it through an `<audio>` element fed
 * with a 16-bit WAV, so the controls, keyboard access and media keys are the
 * browser's own. `controls`, `autoplay` and `loop` pass through. Fires
 * `load` once the audio can play, `error` for a missing or bad file.
 */
export class SnfAudioElement extends ElementBase {
  static readonly observedAttributes = ['src', 'controls', 'autoplay', 'loop'];
  /** The `src` attribute, as a property (reflectAttributes below): `element.src = 'clip.snf'` loads it. */
  declare src: string;

  /** The decoded clip: its sample rate, channels and samples per channel (0 until decoded). */
  sampleRate = 0;
  channelCount = 0;
  length = 0;
  /** Milliseconds from `src` to playable: fetch + decode + WAV + the media element's metadata. */
  startupMs = 0;
  complete = false;
  error: Error | undefined;
  /** The inner <audio> element. */
  readonly audio: HTMLAudioElement;

  #url: string | undefined;
  /** The `src` whose clip the inner <audio> plays. */
  #loadedSrc: string | undefined;
  #loading: AbortController | undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    // With controls, 300 pixels wide as an <audio controls> is by default (the page's CSS can size it otherwise);
    // without them nothing shows, as with <audio>.
    style.textContent = ':host { display: inline-block; } :host([controls]) { width: 300px; } :host([hidden]) { display: none; } audio { display: block; width: 100%; }';
    this.audio = document.createElement('audio');
    root.append(style, this.audio);
  }

  connectedCallback(): void {
    upgradeProperties(this, ['src']);
    this.#passThrough();
    // Moved in the page: the clip is decoded already and keeps its place (a move pauses it, as it pauses an <audio>);
    // `load` does not fire again.
    if (this.#loadedSrc === undefined || this.#loadedSrc !== this.getAttribute('src')) void this.#load();
  }

  disconnectedCallback(): void {
    this.#loading?.abort();
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (before === after || !this.isConnected) return;
    if (name === 'src') void this.#load();
    else this.#passThrough();
  }

  #passThrough(): void {
    for (const name of ['controls', 'autoplay', 'loop']) this.audio.toggleAttribute(name, this.hasAttribute(name));
  }

  async #load(): Promise<void> {
    this.#loading?.abort();
    const loading = new AbortController();
    this.#loading = loading;
    this.complete = false;
    this.error = undefined;
    // Nothing of the clip before stays, whether the new one loads, fails or there is none: its figures and its sound.
    this.sampleRate = this.channelCount = this.length = this.startupMs = 0;
    this.#loadedSrc = undefined;
    this.audio.removeAttribute('src');
    this.audio.load();
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = undefined;
    const src = this.getAttribute('src');
    if (!src) return;
    const started = performance.now();
    try {
      const bytes = await loadBytes('snf-audio', src, loading.signal);
      const clip = await decodeAudio(bytes, { sampleRate: outputRate() });
      if (loading.signal.aborted) return;
      const url = URL.createObjectURL(new Blob([wavBytes(clip.channels, clip.sampleRate)], { type: 'audio/wav' }));
      const playable = new Promise<void>((resolve, reject) => {
        this.audio.addEventListener('loadedmetadata', () => resolve(), { once: true });
        this.audio.addEventListener('error', () => reject(new Error(`snf-audio: the browser cannot play the decoded ${src}`)), { once: true });
      });
      this.#url = url;
      this.audio.src = url;
      await playable;
      if (loading.signal.aborted) return;
      this.sampleRate = clip.sampleRate;
      this.channelCount = clip.channels.length;
      this.length = clip.channels[0]?.length ?? 0;
      this.startupMs = performance.now() - started;
      this.#loadedSrc = src;
      this.complete = true;
      this.dispatchEvent(new Event('load'));
    } catch (error) {
      if (loading.signal.aborted) return;
      const message = fileErrorMessage('snf-audio', src, error);
      this.complete = true;
      this.error = new Error(message, { cause: error });
      fireError(this, message, this.error);
    }
  }
}

/** The sample rate of the page's audio output, asked of a short-lived AudioContext. */
function outputRate(): number {
  if (typeof AudioContext !== 'function') return FALLBACK_RATE;
  const context = new AudioContext();
  const rate = context.sampleRate;
  void context.close();
  return rate;
}

reflectAttributes(SnfAudioElement, ['src']);
