import { html, type SafeHtml } from "./html.js";

/** Who is looking, as the pages' header shows it. */
export interface Viewer {
  name: string;
  zone: string;
}

/**
 * A whole page: one style sheet of calpage's own, no scripts, no external requests. `viewer`
 * null for pages shown before sign-in (an expired link). `current`: the header link of this page.
 */
export function webPage(title: string, body: SafeHtml, viewer: Viewer | null, current?: "index" | "report"): string {
  const here = (page: string) => (page === current ? html` aria-current="page"` : "");
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · calpage</title>
<link rel="stylesheet" href="/web/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/web/">calpage</a>
${viewer ? html`<nav class="site" aria-label="Pages"><a href="/web/"${here("index")}>On call</a> <a href="/web/report"${here("report")}>Fairness report</a></nav>` : ""}
${viewer ? html`<span class="who">Signed in as ${viewer.name} · times in ${viewer.zone} · <a href="/web/logout">Sign out</a></span>` : ""}
</header>
<main id="main">
${body}
</main>
</body>
</html>
`.text;
}
