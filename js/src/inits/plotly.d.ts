// plotly.js-basic-dist-min ships no types; only what the comparison view calls.
declare module "plotly.js-basic-dist-min" {
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: "plotly_click", handler: (ev: { points: Array<{ x: unknown }> }) => void): void;
    /** From the EventEmitter plotly mixes into a plotted div. */
    removeAllListeners?(event: string): void;
  }
  const Plotly: {
    react(
      el: HTMLElement,
      data: object[],
      layout: object,
      config?: object,
    ): Promise<PlotlyHTMLElement>;
    purge(el: HTMLElement): void;
    /** Re-plots a copy of the chart at this size; an SVG comes back as a `data:image/svg+xml,` URL, or its text with `imageDataOnly`. */
    toImage(
      el: HTMLElement,
      opts: {
        format: "svg" | "png" | "jpeg" | "webp";
        width?: number;
        height?: number;
        scale?: number;
        /** The image itself (an SVG document's text), not a data: URL. */
        imageDataOnly?: boolean;
      },
    ): Promise<string>;
  };
  export default Plotly;
}
