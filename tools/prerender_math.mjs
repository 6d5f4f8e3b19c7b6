// Typeset every formula of the built site once, at build time (issue 17).
//
//     node tools/prerender_math.mjs _build/html '<mathjax3_config as JSON>'
//
// (tools/build.py runs it after Sphinx, with _config.yml's mathjax3_config.)
//
// Sphinx writes each formula as TeX for MathJax to typeset in the browser:
// <span class="math notranslate nohighlight">\(...\)</span> inline and
// <div class="math notranslate nohighlight">\[...\]</div> displayed (a
// notebook's LaTeX output: <div class="output text_latex math ...">). In the
// browser that cost the longest chapters 1.3-2 s here before the first
// screen's math showed (MathJax's 1 MB of script, its startup, then the
// typesetting), and several times that on a phone's slower processor. This
// script runs the same MathJax 4 (node_modules/mathjax, the version the
// site served) in node with the book's configuration (_config.yml's
// mathjax3_config: macros, inline line breaking, the hidden MathML copy
// for screen readers) and writes its CHTML output into the pages, so a
// page's math is drawn with its first paint, with no script at all:
//
// - each formula's TeX is replaced by MathJax's output (the outer span or
//   div, its id and equation number stay);
// - the page links one stylesheet shared by the whole site,
//   _static/mathjax-chtml.css (MathJax's CHTML rules and the @font-face
//   rules of its font, served from _static/mathjax/fonts), and preloads
//   the font files its formulas use; it loads no MathJax script (Sphinx's
//   renderer "prerendered", tools/sphinx_math.py, adds none);
// - a TeX error stops the build, naming the page and the formula.
//
// Idempotent: Sphinx rewrites only the pages whose sources changed, so a
// page may already hold typeset math; its formulas are typeset again from
// the TeX MathJax keeps on each one (data-latex), which also makes the
// stylesheet cover every formula of the site.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FONT = 'mathjax-newcm-font';
const CSS_NAME = 'mathjax-chtml.css';
// the font's files, in the site's _static (tools/build.py copies them)
const WOFF2_URL = `mathjax/fonts/${FONT}/chtml/woff2`;

const site = path.resolve(process.argv[2] || path.join(ROOT, '_build', 'html'));
const config = JSON.parse(process.argv[3] || '{}');  // mathjax3_config

const {default: MathJax} = await import(
  path.join(ROOT, 'node_modules', 'mathjax', 'node-main.mjs'));
await MathJax.init({
  loader: {load: ['input/tex', 'output/chtml', 'a11y/assistive-mml']},
  tex: config.tex || {},
  output: {...(config.output || {}),
           fontPath: path.join(ROOT, 'node_modules', '@mathjax', FONT)},
  // relative to the stylesheet, _static/mathjax-chtml.css
  chtml: {fontURL: WOFF2_URL},
});
const adaptor = MathJax.startup.adaptor;
// Where a formula in a line of text may wrap, as TeX wraps it (and the
// PDF edition): after a relation (=, <=, in, ->) or a binary + or -, so
// that "x =" at the end of a line says that more follows (MathML's and
// MathJax's default is before), and only outside brackets. Never after a
// unary minus ("(1, -" then "3)" reads as a hyphen), a times or a dot
// ("m x" / "n", "1.3 x" / "10^-12"), or a comma.
const [BIN, REL, OPEN, CLOSE, PUNCT] = [2, 3, 4, 5, 6];  // MathJax's TeX classes
const NEVER_AFTER = ['\u00D7', '\u22C5', '\u00B7'];
MathJax.startup.document.inputJax[0].postFilters.add(({math, data}) => {
  if (math.display) return;
  let depth = 0;
  let before = null;  // the class of the previous part: null at the start
  for (const node of data.root.childNodes[0].childNodes) {
    const kind = node.isKind('mo') ? node.texClass : 0;
    if (node.isKind('mo')) {
      if (kind === OPEN) depth += 1;
      if (kind === CLOSE) depth = Math.max(0, depth - 1);
      const unary = kind === BIN && [null, BIN, REL, OPEN, PUNCT].includes(before);
      const breaks = depth === 0 && (kind === REL || (kind === BIN && !unary
        && !NEVER_AFTER.includes(node.getText())));
      node.attributes.set(breaks ? 'linebreakstyle' : 'linebreak',
                          breaks ? 'after' : 'nobreak');
    }
    before = kind;
  }
});

// The TeX as Sphinx (or MathJax, in data-latex) escaped it for HTML.
const NAMED = {lt: '<', gt: '>', quot: '"', apos: "'", amp: '&'};
const unescape = (s) => s.replace(/&(?:(lt|gt|quot|apos|amp)|#(\d+)|#x([0-9a-fA-F]+));/g,
  (_, name, dec, hex) => (name ? NAMED[name] : String.fromCodePoint(dec ? +dec : parseInt(hex, 16))));

// A formula as Sphinx wrote it, or as this script left it.
const FORMULA = new RegExp(
  '(<(span|div) class="(?:[^"]* )?math notranslate nohighlight"[^>]*>\\s*)' +
  '((?:<span class="eqno">[\\s\\S]*?</span>)?)' +  // (1) and its link
  '(\\\\\\([\\s\\S]*?\\\\\\)|\\\\\\[[\\s\\S]*?\\\\\\]|' +
  '<mjx-container[\\s\\S]*?</mjx-container>)' +
  '(\\s*</\\2>)', 'g');

function texOf(body) {
  if (body.startsWith('<mjx-container')) {
    const m = body.match(/<mjx-math data-latex="([^"]*)"/);
    if (!m) throw new Error('typeset math without its TeX (data-latex)');
    return {tex: unescape(m[1]), display: / display="true"/.test(body)};
  }
  return {tex: unescape(body.slice(2, -2)), display: body[1] === '['};
}

async function typeset(tex, display, where) {
  const node = await MathJax.tex2chtmlPromise(tex, {display});
  let html = adaptor.outerHTML(node);
  const error = html.match(/data-mjx-error="([^"]*)"/);
  if (error || html.includes('<mjx-merror')) {
    throw new Error(`${where}: TeX error ${error ? unescape(error[1]) : ''}` +
                    ` in ${display ? '\\[' : '\\('}${tex}${display ? '\\]' : '\\)'}`);
  }
  // MathJax marks every node with its TeX (data-latex), a third of the
  // bytes; only the formula's own is kept (this script reads it back).
  // (linebreakstyle and linebreak, set above, have done their work: the
  // break points are in the output; the MathML copy does not need them.)
  const own = html.match(/<mjx-math data-latex="[^"]*"/)[0];
  return html.replace(/ data-latex="[^"]*"| linebreakstyle="after"| linebreak="nobreak"/g, '')
    .replace('<mjx-math', () => own);
}

// A page with its formulas typeset (the stylesheet's link is added once
// the stylesheet is known).
async function render(original, where) {
  const parts = [];
  let last = 0;
  let count = 0;
  for (const m of original.matchAll(FORMULA)) {
    const [all, open, eqno, body, close] = [m[0], m[1], m[3], m[4], m[5]];
    const {tex, display} = texOf(body);
    parts.push(original.slice(last, m.index), open, eqno,
               await typeset(tex, display, where), close);
    last = m.index + all.length;
    count += 1;
  }
  parts.push(original.slice(last));
  return {html: parts.join('').replace(OURS, ''), count};
}
// What this script adds to a page's head (removed before it adds it again).
const OURS = /[ \t]*<link (?:rel="stylesheet" type="text\/css" href="[^"]*mathjax-chtml\.css[^"]*"|rel="preload" href="[^"]*\/mjx-ncm-[a-z0-9]+\.woff2"[^>]*) \/>\n/g;

// The font files a page's math uses (each part of the font is a CSS
// class on the characters it draws, NCM-N for the upright letters and
// digits; ZERO and BRK are used by every formula), to load at once
// rather than when the browser first lays a formula out.
function fontsOf(html) {
  const parts = new Set(['zero', 'brk']);
  for (const m of html.matchAll(/\bNCM-([A-Z0-9]+)\b/g)) parts.add(m[1].toLowerCase());
  return [...parts].filter((p) => fs.existsSync(path.join(WOFF2, `mjx-ncm-${p}.woff2`))).sort();
}
const WOFF2 = path.join(ROOT, 'node_modules', '@mathjax', FONT, 'chtml', 'woff2');

function htmlFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['_static', '_sources', '_images'].includes(entry.name)) out.push(...htmlFiles(full));
    } else if (entry.name.endsWith('.html')) {
      out.push(full);
    }
  }
  return out.sort();
}

// Every page first: the stylesheet depends on what the formulas use. Its
// hash is the version in each page's link (?v=), so a reader's cache
// never serves a stale one.
const done = [];
let formulas = 0;
for (const file of htmlFiles(site)) {
  const original = fs.readFileSync(file, 'utf8');
  if (!original.includes('math notranslate nohighlight"')) continue;
  try {
    const {html, count} = await render(original, path.relative(site, file));
    done.push([file, original, html]);
    formulas += count;
  } catch (error) {
    console.error(`prerender_math: ${error.message}`);
    process.exit(1);
  }
}
const css = adaptor.textContent(MathJax.chtmlStylesheet());
const version = crypto.createHash('sha256').update(css).digest('hex').slice(0, 8);
fs.writeFileSync(path.join(site, '_static', CSS_NAME), css);
for (const [file, original, html] of done) {
  const depth = path.relative(site, path.dirname(file)).split(path.sep).filter(Boolean).length;
  const up = '../'.repeat(depth);
  const head = [`<link rel="stylesheet" type="text/css" href="${up}_static/${CSS_NAME}?v=${version}" />`,
                ...fontsOf(html).map((p) => (
                  `<link rel="preload" href="${up}_static/${WOFF2_URL}/` +
                  `mjx-ncm-${p}.woff2" as="font" type="font/woff2" crossorigin="anonymous" />`))];
  // first in the head, before the theme's stylesheets and scripts
  const linked = html.replace(/(<meta charset="utf-8" \/>\n)/, (m) => m + head.map((l) => `    ${l}\n`).join(''));
  if (linked === html) {
    console.error(`prerender_math: ${path.relative(site, file)}: no <meta charset="utf-8" /> to put the math stylesheet after`);
    process.exit(1);
  }
  if (linked !== original) fs.writeFileSync(file, linked);
}
console.log(`math typeset at build time: ${formulas} formulas on ${done.length} pages`);
