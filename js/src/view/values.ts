// Trait values as the view reads them: whatever arrives (a missing trait, a
// hand-edited page's wrong type), the view gets a usable number or string.

export function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}
