// The picture functions on `globalThis.__lazyvizSnapshot`, for code that is
// not in the bundle: lazyviz/export/snapshot.js, which lazyviz/export/pictures.py injects
// into an offline page in headless Chromium, and browser tests. Each bundle
// adds its own (the graph widget's and the comparison's may share a page).

export interface SnapshotApi {
  widgetPicture(root: HTMLElement): string;
  initsPicture(root: HTMLElement): Promise<string>;
  pictureAsPng(svg: string, width: number, height: number, scale?: number): Promise<string>;
}

declare global {
  // eslint-disable-next-line no-var -- a global must be declared with var
  var __lazyvizSnapshot: Partial<SnapshotApi> | undefined;
}

export function exposePictures(fns: Partial<SnapshotApi>): void {
  globalThis.__lazyvizSnapshot = { ...globalThis.__lazyvizSnapshot, ...fns };
}
