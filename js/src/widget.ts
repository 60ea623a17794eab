// Placeholder entry; the real front end replaces it (issue 3).
export default {
  render({ el }: { el: HTMLElement }) {
    el.classList.add("lazyviz");
  },
};
