"""Outside a live kernel: offline HTML pages, pictures (SVG, PNG, GIF) drawn by headless
Chromium, and the front end's built files."""
