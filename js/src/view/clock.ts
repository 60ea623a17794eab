// One clock per model. The same widget shown twice (a cell re-displaying
// `w`, Lab's "new view for output") mounts two views on one model; if each
// ran its own timer and wrote `step`, playback would go N times too fast.
// So the views of a model take seats in order: only the first seat keeps
// time and writes `step`, the others follow `change:step`. When the leader
// is destroyed, the next seat is told to take over (and resumes the timer
// if playback is on).

import { modelKey } from "../model-key";

export interface Seat {
  /** Whether this view keeps the clock now. */
  leads(): boolean;
  /** Leaves the table; the next view (if any) becomes the leader. */
  release(): void;
}

type Table = Array<{ onLead: () => void }>;
// Keyed by the model (model-key.ts: each view holds its own proxy of it); a
// WeakMap forgets a model nobody shows.
// Kept on globalThis under a registered symbol: two copies of the bundle
// (an ESM imported again, as a page may for a second view) share the table.
const KEY = Symbol.for("lazyviz.clock");
const holder = globalThis as { [KEY]?: WeakMap<object, Table> };
const tables = (holder[KEY] ??= new WeakMap<object, Table>());

export function takeSeat(model: { get(name: string): unknown }, onLead: () => void): Seat {
  const key = modelKey(model);
  let table = tables.get(key);
  if (!table) tables.set(key, (table = []));
  const me = { onLead };
  table.push(me);
  const t = table;
  return {
    leads: () => t[0] === me,
    release() {
      const i = t.indexOf(me);
      if (i < 0) return;
      t.splice(i, 1);
      if (i === 0) t[0]?.onLead();
    },
  };
}
