// Placeholder while the comparison view is written (issue 4).
export default {
  render({ el }: { el: HTMLElement }) {
    el.classList.add("lazyviz-inits");
  },
};
