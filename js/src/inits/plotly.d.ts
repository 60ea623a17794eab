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
  };
  export default Plotly;
}
