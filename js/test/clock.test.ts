// One clock per model (view/clock.ts, view/player.ts): of several views of
// one model only the first keeps time; when it goes, the next takes over.
import { describe, expect, it, vi } from "vitest";
import { takeSeat } from "../src/view/clock";
import { Player } from "../src/view/player";

/** A stand-in model: a different object per call, like anywidget's proxies of one model. */
const proxyOf = (runtime: object) => ({ get: (name: string): unknown => (name === "_runtime" ? runtime : undefined) });

describe("takeSeat", () => {
  it("lets the first view lead and hands the clock on when it leaves", () => {
    const runtime = {};
    const took: string[] = [];
    const a = takeSeat(proxyOf(runtime), () => took.push("a"));
    const b = takeSeat(proxyOf(runtime), () => took.push("b"));
    const c = takeSeat(proxyOf(runtime), () => took.push("c"));
    expect([a.leads(), b.leads(), c.leads()]).toEqual([true, false, false]);
    c.release(); // a follower leaving changes nothing
    expect(took).toEqual([]);
    a.release();
    expect(took).toEqual(["b"]);
    expect(b.leads()).toBe(true);
    a.release(); // twice is harmless
    expect(took).toEqual(["b"]);
    expect(takeSeat(proxyOf({}), () => {}).leads()).toBe(true); // another model, another clock
  });
});

describe("Player with a shared clock", () => {
  it("ticks only while it leads, and resumes when it takes over", () => {
    vi.useFakeTimers();
    try {
      const model = proxyOf({});
      let ticksA = 0;
      let ticksB = 0;
      const seatA = takeSeat(model, () => a.resume());
      const a = new Player(1, () => ++ticksA < 100, () => seatA.leads());
      const seatB = takeSeat(model, () => b.resume());
      const b = new Player(1, () => ++ticksB < 100, () => seatB.leads());
      a.start();
      b.start();
      vi.advanceTimersByTime(1000 - 125);
      expect([ticksA, ticksB]).toEqual([4, 0]); // 4 events/s at speed 1, one clock
      a.stop();
      seatA.release();
      vi.advanceTimersByTime(1000);
      expect([ticksA, ticksB]).toEqual([4, 4]);
    } finally {
      vi.useRealTimers();
    }
  });
});
