// Renders /api/v1/openapi.json as a plain reference (operations, parameters, form fields, responses).
// Self-hosted on purpose: the server may run offline, so no CDN-hosted viewer.
(async () => {
  const root = document.getElementById('api-reference');
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  };
  let doc;
  try {
    const response = await fetch(root.dataset.openapi, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    doc = await response.json();
  } catch (e) {
    root.replaceChildren(el('h1', {}, 'LiveAvatar API'), el('p', {}, `The OpenAPI document could not be loaded: ${e.message}`));
    return;
  }
  const parts = [el('h1', {}, doc.info?.title ?? 'API'), el('p', {}, doc.info?.description ?? ''),
    el('p', {}, 'Document: ', el('a', { href: root.dataset.openapi }, root.dataset.openapi))];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'delete', 'head', 'patch'].includes(method)) continue;
      const box = el('section', { class: 'op', 'data-testid': 'operation' },
        el('div', {}, el('span', { class: `method ${method}` }, method.toUpperCase()), ' ', el('span', { class: 'path' }, path)),
        el('p', {}, op.summary ?? op.description ?? ''));
      const params = op.parameters ?? [];
      const form = op.requestBody?.content?.['multipart/form-data']?.schema;
      if (params.length || form) {
        const table = el('table', {}, el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'In'), el('th', {}, 'Type'), el('th', {}, 'About')));
        for (const p of params) table.append(el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.schema?.type ?? ''), el('td', {}, p.description ?? '')));
        for (const [name, s] of Object.entries(form?.properties ?? {})) {
          const required = (form.required ?? []).includes(name) ? ' (required)' : '';
          table.append(el('tr', {}, el('td', {}, el('code', {}, name)), el('td', {}, 'form' + required), el('td', {}, s.format === 'binary' ? 'file' : (s.type ?? '')), el('td', {}, s.description ?? '')));
        }
        box.append(table);
      }
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `${code} ${r.description ?? ''}`.trim());
      if (responses.length) box.append(el('p', {}, 'Responses: ' + responses.join('; ')));
      parts.push(box);
    }
  }
  root.replaceChildren(...parts);
})();
