// Which run of the history (`runs`, `run`) is on screen, and the header that
// tells which: the run picker, the count of forwards, the note. A change of
// the list or of the pick asks the app to rebuild, once for traits that
// change together; so does a `lazyviz:run` message, which extends the list in
// place (history.ts says why) and so fires no `change:runs`.

import { currentTrace, type Trace, type WidgetModel } from "../model";
import { onRunsAppended } from "../history";
import type { Header } from "./header";
import { listen } from "./traits";
import { str } from "./values";

export class RunPicker {
  /** The raw record on screen: an entry added elsewhere in `runs` only relabels the picker. */
  private onScreen: unknown = undefined;
  private pending = false;
  private stopped = false;
  private readonly unlisten: Array<() => void>;

  constructor(
    private readonly model: WidgetModel,
    private readonly header: Header,
    private readonly rebuild: () => void,
  ) {
    this.unlisten = [
      onRunsAppended((runs) => runs === model.get("runs") && this.schedule()),
      listen(model, [
        ["change:forwards", () => header.setForwards(model.get("forwards"))],
        ["change:note", () => header.setNote(str(model.get("note")))],
        ["change:runs change:run", () => this.schedule()],
      ]),
    ];
  }

  /** The reader picked run i in the header. */
  pick(i: number): void {
    this.model.set("run", i);
    this.model.save_changes();
    this.rebuild();
  }

  /** Updates the header; returns the trace to show, or null while the entry on screen is still the one picked. */
  next(): Trace | null {
    const runs = this.model.get("runs");
    const { trace, index } = currentTrace(runs, this.model.get("run"));
    this.header.setRuns(runs ?? [], index, trace, this.model.get("forwards"));
    this.header.setNote(str(this.model.get("note")));
    const entry = runs?.[index];
    if (entry !== undefined && entry === this.onScreen) return null;
    this.onScreen = entry;
    return trace;
  }

  destroy(): void {
    this.stopped = true;
    for (const stop of this.unlisten) stop();
  }

  /** One rebuild for the changes of this task (`runs` and `run` often change together). */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (!this.stopped) this.rebuild();
    });
  }
}
