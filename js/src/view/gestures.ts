// What a click on the graph or a key on the widget asks for, decided from
// the event alone; the app carries it out. Kept apart from app.ts so each
// stays readable.

export type GraphAction =
  | { kind: "none" }
  /** A click on the empty canvas: clear the selection. */
  | { kind: "clear" }
  /** The handle beside an opened run of repeated blocks: fold it again. */
  | { kind: "fold"; run: string }
  | { kind: "node"; id: string; toggle: boolean; select: boolean };

/** A click on the graph: a group's title or a folded/collapsed box toggles; any node selects. */
export function graphAction(target: Element | null): GraphAction {
  const run = target?.closest?.("[data-run]")?.getAttribute("data-run");
  if (run) return { kind: "fold", run };
  const g = target?.closest?.("[data-id]");
  const id = g?.getAttribute("data-id") ?? "";
  if (!g || !id) return { kind: "clear" };
  const isGroup = g.classList.contains("lv-group");
  const onTitle = !!target?.closest?.(".lv-bar, .lv-title, .lv-toggle");
  const toggle = g.classList.contains("lv-collapsed") || g.classList.contains("lv-fold") || (isGroup && onTitle);
  return { kind: "node", id, toggle, select: !isGroup || onTitle };
}

export type KeyAction = "search" | "play" | "forward" | "back" | "start" | "end" | null;

/** The widget's keys (when focus is on it or a control, not in a text field or menu; keys.ts leaves the slider its arrows). */
export function keyAction(e: KeyboardEvent): KeyAction {
  const t = e.target as HTMLElement | null;
  const text = t?.tagName === "INPUT" && (t as HTMLInputElement).type !== "range";
  if (t && (text || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return null;
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case "/":
      return "search";
    case " ":
    case "Spacebar":
      return "play";
    case "ArrowRight":
      return "forward";
    case "ArrowLeft":
      return "back";
    case "Home":
      return "start";
    case "End":
      return "end";
    default:
      return null;
  }
}
