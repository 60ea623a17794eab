// Playback: the timer that advances the animation at `speed` times the base
// rate. The app decides what a step is (view/app.ts: skipping events inside
// folded boxes, syncing the traits); this only keeps time. A view that does
// not lead its model's clock (clock.ts) is "playing" without a timer: it
// follows the leader's `step` writes, and starts ticking if it takes over.

/** Events per second at speed 1 (docs/widget-state.md). */
export const BASE_RATE = 4;

/** Milliseconds between steps at a speed; a speed that is not a positive number plays at 1x. */
export function stepInterval(speed: number): number {
  return 1000 / (BASE_RATE * (Number.isFinite(speed) && speed > 0 ? speed : 1));
}

export class Player {
  playing = false;
  speed: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `advance()` moves one step and says whether to go on (false at the end). */
  constructor(
    speed: number,
    private readonly advance: () => boolean,
    private readonly leads: () => boolean = () => true,
  ) {
    this.speed = speed;
  }

  interval(): number {
    return stepInterval(this.speed);
  }

  /** Starts the clock; the first step comes after half an interval (a click feels immediate). */
  start(): void {
    clearTimeout(this.timer);
    this.playing = true;
    if (this.leads()) this.timer = setTimeout(this.tick, this.interval() * 0.5);
  }

  /** This view just took over the clock: keep playing from here if playback is on. */
  resume(): void {
    if (this.playing && this.timer === undefined) this.timer = setTimeout(this.tick, this.interval());
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.playing = false;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (!this.playing || !this.leads()) return;
    if (this.advance() && this.playing) this.timer = setTimeout(this.tick, this.interval());
  };
}
