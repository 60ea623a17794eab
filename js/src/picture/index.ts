// Pictures of a widget as standalone SVG documents (and PNG), made in the
// browser from what the widget shows. The comparison widget's picture is
// imported from ./inits-picture: it needs plotly, and esbuild keeps a
// CommonJS package (plotly's dist) in any bundle that imports a module which
// imports it, used or not: re-exported here, it would add 1.2 MB to the
// graph widget's bundle.

export { widgetPicture } from "./widget-picture";
export { pictureAsPng, pictureSize } from "./png";
export { exposePictures, type SnapshotApi } from "./global";
