// An audible alert for new critical alarms, synthesised with WebAudio (no audio file to ship or
// cache). Browsers only let a page make sound after a user gesture, so the AudioContext is created
// on the first click or key press; before that, beep() is silent and the UI says how to enable it.

type AudioCtor = typeof AudioContext;
let ctx: AudioContext | undefined;
const listeners = new Set<() => void>();

function audioCtor(): AudioCtor | undefined {
  const w = globalThis as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
  return w.AudioContext ?? w.webkitAudioContext;
}

export function audioReady(): boolean {
  return ctx?.state === 'running';
}

export function onAudioReady(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Installs one-time gesture listeners that unlock audio. Safe to call more than once. */
export function armAudio(): void {
  if (typeof window === 'undefined' || ctx) return;
  const unlock = () => {
    const Ctor = audioCtor();
    if (!Ctor) return;
    try {
      ctx ??= new Ctor();
      void ctx.resume().then(() => listeners.forEach((l) => l()));
    } catch {
      return;
    }
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
  };
  window.addEventListener('pointerdown', unlock);
  window.addEventListener('keydown', unlock);
}

/** Two short 880 Hz tones; silent until audio is unlocked. */
export function beep(): void {
  if (!ctx || ctx.state !== 'running') return;
  const t0 = ctx.currentTime;
  for (const start of [0, 0.3]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, t0 + start);
    gain.gain.exponentialRampToValueAtTime(0.2, t0 + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + start + 0.2);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + start);
    osc.stop(t0 + start + 0.22);
  }
}
