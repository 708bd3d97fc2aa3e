// Building the page's elements and the words and numbers it shows: element helpers and formatting.
// Server data reaches the page only through textContent and attributes, never as HTML: names are user input.

export const $ = (selector, root = document) => root.querySelector(selector);

/** Builds an element; string children become text nodes, so server data is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'testid') node.dataset.testid = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
export const formatDistance = (d) => (typeof d === 'number' ? d.toFixed(3) : '–');
export const formatConfidence = (c) => (typeof c === 'number' ? `${Math.round(c * 100)}%` : '–');
export const formatDate = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
};

/** 600 → "10 minutes", 90 → "90 seconds", 5400 → "1.5 hours". */
export function durationWords(seconds) {
  if (seconds >= 3600) return `${Number((seconds / 3600).toFixed(1))} ${seconds === 3600 ? 'hour' : 'hours'}`;
  if (seconds >= 120) return `${Number((seconds / 60).toFixed(1))} minutes`;
  return plural(Number(seconds.toFixed(1)), 'second');
}

/** Marks a form as working: aria-busy, its submit button disabled, its spinner shown. */
export function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  const submit = $('button[type=submit]', form);
  if (submit) submit.disabled = busy;
  const indicator = $('[data-role=busy]', form);
  if (indicator) indicator.hidden = !busy;
}
