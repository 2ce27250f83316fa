/**
 * `GET /api/v1/docs`: a browsable reference rendered in the browser from `/api/v1/openapi.json`.
 * Self-contained (no CDN): servers often run where the internet is not reachable.
 */
export const API_REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Unveil admin API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2937; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
  details { margin: .4rem 0; border: 1px solid #e5e7eb; border-radius: 6px; padding: .3rem .7rem; }
  summary { cursor: pointer; font-family: ui-monospace, monospace; }
  .method { display: inline-block; min-width: 4.5rem; font-weight: 700; }
  .get { color: #047857; } .post { color: #1d4ed8; } .put, .patch { color: #b45309; } .delete { color: #b91c1c; }
  pre { background: #f9fafb; padding: .6rem; overflow: auto; font-size: 13px; }
</style>
</head>
<body>
<h1>Unveil admin API</h1>
<p>Every request sends <code>Authorization: Bearer &lt;admin key&gt;</code>. Errors are
<code>application/problem+json</code>. Machine-readable: <a href="openapi.json">openapi.json</a>.</p>
<div id="routes">Loading…</div>
<script>
fetch('openapi.json').then((response) => response.json()).then((doc) => {
  const groups = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const tag = (operation.tags && operation.tags[0]) || 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push({ path, method, operation });
    }
  }
  const root = document.getElementById('routes');
  root.textContent = '';
  for (const [tag, routes] of groups) {
    const heading = document.createElement('h2');
    heading.textContent = tag;
    root.append(heading);
    for (const { path, method, operation } of routes) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      const verb = document.createElement('span');
      verb.className = 'method ' + method;
      verb.textContent = method.toUpperCase();
      summary.append(verb, document.createTextNode(' ' + path));
      const body = document.createElement('pre');
      body.textContent = JSON.stringify(
        { parameters: operation.parameters, requestBody: operation.requestBody, responses: operation.responses },
        null,
        2,
      );
      details.append(summary, body);
      root.append(details);
    }
  }
});
</script>
</body>
</html>
`;
